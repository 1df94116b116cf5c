"""Template filters for the register's pages: vocabulary codes in the active language
(``{{ a.certainty|reglabel:"certainty" }}``), whether a user sees the register (for the
navigation) or may edit it, a name's language attribute by script, a look-up in a dict."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import template
from django.utils.translation import get_language

from asylon.register.values import script_of
from asylon.web.register.access import sees_register as _sees_register
from asylon.web.register.dossier import display_name
from asylon.web.register.labels import label
from asylon.web.register.records import may_edit

register = template.Library()

_SCRIPT_LANG = {"arab": "ar", "cyrl": "ru"}


@register.filter
def reglabel(code: Any, table: str) -> str:
    return label(table, str(code) if code is not None else None)


@register.filter
def sees_register(user: Any) -> bool:
    return _sees_register(user)


@register.filter
def edits_register(user: Any) -> bool:
    """Whether the user may record register entries (take evidence in, record transfers)."""
    return _sees_register(user) and may_edit(user)


@register.filter
def script_lang(text: Any) -> str:
    """``ar`` or ``ru`` for a name in Arabic or Cyrillic script, else "" (a Latin-script name
    is no language's in particular)."""
    return _SCRIPT_LANG.get(script_of(str(text or "")), "")


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def local_name(names: Any) -> str:
    """The primary name in the script of the active language (Arabic on Arabic pages,
    Cyrillic on Russian ones), else the Latin one."""
    return display_name(names or [], get_language() or "en")


@register.filter
def refs(source_ids: Any, numbers: Any) -> list[int]:
    """The numbers of the cited sources in a dossier's list of sources."""
    return [numbers[s] for s in source_ids or () if s in numbers]


@register.filter
def textdir(text: Any) -> str:
    """``rtl`` or ``ltr``: the direction of a record's text from its first strong letter, for
    its element's ``dir`` (an English description on an Arabic page reads left to right, an
    Arabic name on an English one right to left). WeasyPrint has no ``dir="auto"``."""
    for char in str(text or ""):
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "ltr"
