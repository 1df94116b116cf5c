"""Users' file names: kept for display only, cleaned, and never used as a path.

A stored file is named by its SHA-256 (see :mod:`storage`); the name the user gave is shown
in the list and offered again on download, in a ``Content-Disposition`` header with an ASCII
fallback and the full name in RFC 5987 form (Arabic and Cyrillic names survive).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from asylon.web.documents.validation import ALLOWED

MAX_NAME_CHARS = 200
# Bidirectional overrides and isolates can disguise "gpj.exe" as "exe.jpg"; they go.
_BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._()+-]+")


def display_name(name: str | None) -> str:
    """The last component of ``name`` without folders, control characters or direction
    overrides, in NFC, at most 200 characters; "" when nothing is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1].translate(_BIDI_CONTROLS)
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cs", "Co", "Cn"))
    name = name.strip().lstrip(".").strip()
    return name[:MAX_NAME_CHARS]


def download_name(original: str, content_type: str, fallback_stem: str) -> str:
    """The name offered on download: the display name, ending in an extension that matches the
    sniffed type (``passport.exe`` holding a PNG is offered as ``passport.exe.png``)."""
    name = display_name(original) or fallback_stem
    extensions = ALLOWED[content_type][1] if content_type in ALLOWED else ()
    if extensions and not name.lower().endswith(extensions):
        name += extensions[0]
    return name


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _UNSAFE_ASCII.sub("_", text).strip("._")


def attachment_header(name: str, fallback_stem: str) -> str:
    """``Content-Disposition: attachment`` with an ASCII ``filename`` (``fallback_stem`` when
    nothing readable is left, as with an Arabic name) and, when that is not the name itself,
    the full name as ``filename*`` in RFC 5987 form (RFC 6266)."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ascii_stem, ascii_ext = _ascii(stem), _ascii(ext)
    if not re.search(r"[A-Za-z0-9]", ascii_stem):
        ascii_stem = fallback_stem
    ascii_name = ascii_stem + (f".{ascii_ext}" if ascii_ext else "")
    header = f'attachment; filename="{ascii_name}"'
    if ascii_name != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header
