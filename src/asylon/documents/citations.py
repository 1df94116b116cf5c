"""Citation labels (``"QD 2011/95/EU Art 15(c)"``) with the title of their instrument.

The label is what the engine cites and stays as it is, a reference a lawyer can look up; the
instrument's full title comes from the registry (``asylon.law.citations.INSTRUMENTS``) and is
shown in the document's language through the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from asylon.documents.i18n import Translator
from asylon.law.citations import INSTRUMENTS

# Longest prefix first, so "UNHCR GIP 10" is not read as "UNHCR GIP 1..." and
# "ECtHR" is not taken for "ECHR".
_PREFIXES = sorted(INSTRUMENTS, key=len, reverse=True)


def instrument_of(label: str) -> str | None:
    """The registry prefix a label starts with, or None for an unregistered label."""
    for prefix in _PREFIXES:
        if label == prefix or label.startswith(prefix + " "):
            return prefix
    return None


@dataclass(frozen=True, slots=True)
class Citation:
    label: str  # as the engine cites it, e.g. "QD 2011/95/EU Art 15(c)"
    pinpoint: str  # the part after the instrument, e.g. "Art 15(c)" ("" for the whole)
    title: str  # the instrument's title in the document's language ("" if unregistered)


def describe(label: str, t: Translator) -> Citation:
    prefix = instrument_of(label)
    if prefix is None:
        return Citation(label, "", "")
    return Citation(label, label[len(prefix) :].strip(), t.gettext(INSTRUMENTS[prefix]))
