"""The documents' own gettext catalogue (domain ``asylon-documents``), dates and numbers.

Catalogues live in ``locale/<lang>/LC_MESSAGES/asylon-documents.po`` next to this module. The
``.mo`` beside each is compiled from it with ``msgfmt`` (GNU gettext) and, like every ``.mo`` of
the project, not committed. A missing or stale ``.mo`` is not an error: the ``.po`` is then
compiled in memory (:func:`compile_po`), so a fresh checkout or an organisation's edited ``.po``
works without a build step. English is the source language and
needs no catalogue. Pure: no clock, no Django.
"""

from __future__ import annotations

import ast
import gettext
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path

DOMAIN = "asylon-documents"
LANGUAGES = ("en", "ru", "ar")
RTL_LANGUAGES = frozenset({"ar"})
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Digit grouping and decimal mark. Arabic documents keep Western digits, as Arabic legal
# correspondence in Europe usually does, so figures read the same in every language.
_NUMBERS = {"en": (",", "."), "ru": ("\u00a0", ","), "ar": (",", ".")}


def N_(message: str) -> str:
    """Marks a message for the catalogue without translating it (translated when shown)."""
    return message


# --- .po -> .mo, for a catalogue whose .mo has not been compiled -------------------------------


def _unquote(token: str) -> str:
    value = ast.literal_eval(token)
    if not isinstance(value, str):
        raise ValueError(f"not a quoted string: {token}")
    return value


def parse_po(text: str) -> dict[str, str]:
    """Messages of a .po file as a .mo holds them: ``context\\x04msgid`` -> msgstr, with plural
    forms joined by NUL. Fuzzy entries are left out, as ``msgfmt`` leaves them out."""
    messages: dict[str, str] = {}
    entry: dict[str, str] = {}
    plurals: dict[int, str] = {}
    field = ""
    fuzzy = False

    def flush() -> None:
        nonlocal entry, plurals, fuzzy
        if "msgid" in entry:
            key = entry["msgid"]
            if "msgid_plural" in entry:
                key += "\x00" + entry["msgid_plural"]
                value = "\x00".join(plurals[i] for i in sorted(plurals))
            else:
                value = entry.get("msgstr", "")
            if "msgctxt" in entry:
                key = entry["msgctxt"] + "\x04" + key
            if value and (not fuzzy or key == ""):
                messages[key] = value
        entry, plurals, fuzzy = {}, {}, False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                if "msgid" in entry:
                    flush()
                fuzzy = True
            continue
        if line.startswith('"'):
            chunk = _unquote(line)
            if field.startswith("msgstr["):
                index = int(field[7:-1])
                plurals[index] = plurals.get(index, "") + chunk
            else:
                entry[field] = entry.get(field, "") + chunk
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and "msgid" in entry and ("msgstr" in entry or plurals):
            flush()
        field = keyword
        if keyword.startswith("msgstr["):
            plurals[int(keyword[7:-1])] = _unquote(rest)
        else:
            entry[keyword] = _unquote(rest)
    flush()
    return messages


def compile_mo(messages: Mapping[str, str]) -> bytes:
    """A GNU .mo file (little-endian, revision 0) holding ``messages``."""
    keys = sorted(messages)
    ids = b""
    strs = b""
    offsets = []
    for key in keys:
        k, v = key.encode("utf-8"), messages[key].encode("utf-8")
        offsets.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\x00"
        strs += v + b"\x00"
    count = len(keys)
    key_table = 7 * 4
    value_table = key_table + count * 8
    ids_start = value_table + count * 8
    strs_start = ids_start + len(ids)
    table = b""
    for o, n, _so, _sn in offsets:
        table += struct.pack("<2I", n, ids_start + o)
    for _o, _n, so, sn in offsets:
        table += struct.pack("<2I", sn, strs_start + so)
    header = struct.pack("<7I", 0x950412DE, 0, count, key_table, value_table, 0, 0)
    return header + table + ids + strs


def compile_po(text: str) -> bytes:
    """The .mo that ``msgfmt`` would make of a .po text (without its checks); a .po without a
    header is taken to be UTF-8."""
    messages = parse_po(text)
    messages.setdefault("", "Content-Type: text/plain; charset=UTF-8\n")
    return compile_mo(messages)


def catalogue_paths(lang: str) -> tuple[Path, Path]:
    """(.po, .mo) of a language's catalogue."""
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    return folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"


def load_catalogue(po: Path, mo: Path) -> gettext.GNUTranslations:
    """A catalogue from its .mo when that is at least as new as the .po, else from the .po.

    The .mo files are build products (``*.mo`` is not committed; ``make translations`` runs
    ``msgfmt``), so a fresh checkout has none, and an edited .po must win over a stale .mo.
    """
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        return gettext.GNUTranslations(BytesIO(mo.read_bytes()))
    if po.is_file():
        return gettext.GNUTranslations(BytesIO(compile_po(po.read_text(encoding="utf-8"))))
    raise LookupError(f"the catalogue is missing: {po}")


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of ``lang`` (English needs none)."""
    if lang not in LANGUAGES:
        raise LookupError(f"no document language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    if lang == "en":
        return gettext.NullTranslations()
    return load_catalogue(*catalogue_paths(lang))


# --- the translator the templates use ---------------------------------------------------------


def _format(message: str, values: Mapping[str, object]) -> str:
    return message % dict(values) if values else message


@dataclass(frozen=True, slots=True)
class Translator:
    """Messages, dates and numbers in one language. Translations are plain text: the templates
    escape them like any other value, so a catalogue cannot inject markup."""

    lang: str

    @property
    def direction(self) -> str:
        return "rtl" if self.lang in RTL_LANGUAGES else "ltr"

    def gettext(self, message: str, **values: object) -> str:
        return _format(translations(self.lang).gettext(message), values)

    def pgettext(self, context: str, message: str, **values: object) -> str:
        return _format(translations(self.lang).pgettext(context, message), values)

    def join(self, items: Iterable[str | None]) -> str:
        """Items as a list in running text (the Arabic comma in Arabic); empty ones left out."""
        return ("، " if self.lang == "ar" else ", ").join(i for i in items if i)

    def date(self, value: date | str | None) -> str:
        """A date in the language's usual form: 17 February 2026, 17 февраля 2026 г.,
        17 شباط 2026. Empty for None; a string that is not an ISO date is returned as is."""
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return value
        else:
            day = value
        month = self.pgettext("date", MONTHS[day.month - 1])
        return self.pgettext(
            "date format", "%(day)s %(month)s %(year)s", day=day.day, month=month, year=day.year
        )

    def number(self, value: object) -> str:
        """A figure with the language's digit grouping and decimal mark; other values as text."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "" if value is None else str(value)
        group, decimal = _NUMBERS.get(self.lang, _NUMBERS["en"])
        text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")
        return text.replace(",", "\x00").replace(".", decimal).replace("\x00", group)
