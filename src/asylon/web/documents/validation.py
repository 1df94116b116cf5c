"""What a document may be: its size and its type, judged by the content's own bytes.

The file name and the browser's stated content type are never trusted: a file is accepted
only when its first bytes (and, for DOCX/ODT, its zip directory) show an allowed type. HTML,
SVG and other markup, scripts, executables and anything unknown are refused, so nothing we
store can run in a browser or on a caseworker's machine when opened.
"""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
NOTE_MAX_CHARS = 20_000

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"

# content type -> (what people call it, the file-name endings that go with it)
ALLOWED: dict[str, tuple[Any, tuple[str, ...]]] = {
    PDF: ("PDF", (".pdf",)),
    JPEG: ("JPEG", (".jpg", ".jpeg")),
    PNG: ("PNG", (".png",)),
    TIFF: ("TIFF", (".tif", ".tiff")),
    TEXT: (gettext_lazy("plain text (UTF-8)"), (".txt",)),
    DOCX: ("DOCX", (".docx",)),
    ODT: ("ODT", (".odt",)),
}

_EXECUTABLE = (
    b"MZ",  # Windows programs and libraries
    b"\x7fELF",  # Linux programs
    b"\xfe\xed\xfa\xce",  # Mach-O (macOS), both byte orders and widths, and fat binaries
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",  # scripts
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # all but tab, newlines, form feed
_MAX_ZIP_MEMBER = 1_000_000  # bytes read from a zip member to check it (no zip bomb)


class InputError(Exception):
    """Invalid input in one named field; ``message`` says what was expected."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def max_bytes() -> int:
    return int(getattr(settings, "ASYLON_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def allowed_types() -> str:
    return ", ".join(str(label) for label, _ext in ALLOWED.values())


def check_upload(upload: Any, field: str = "file") -> str:
    """The sniffed content type of an uploaded file (a Django ``UploadedFile``), or
    :class:`InputError` naming ``field``: empty, too large, or not an allowed type."""
    limit = max_bytes()
    size = upload.size or 0
    if size == 0:
        raise InputError(field, _("The file is empty."))
    if size > limit:
        raise InputError(
            field,
            _("The file is %(size)s; the largest file allowed is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    content_type = sniff(upload)
    if content_type is None:
        raise InputError(field, not_allowed_message())
    return content_type


def not_allowed_message() -> str:
    return _(
        "This file's content is not one of the allowed types: %(types)s. The content decides, "
        "not the file name."
    ) % {"types": allowed_types()}


def sniff(f: IO[bytes]) -> str | None:
    """The allowed content type the bytes of ``f`` show, or None. ``f`` is left at its start."""
    f.seek(0)
    head = f.read(8192)
    f.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(b"PK\x03\x04"):
        return _office_document(f)
    if head.startswith(_EXECUTABLE):
        return None
    return TEXT if _plain_text(f) else None


def _office_document(f: IO[bytes]) -> str | None:
    """DOCX or ODT (without macros), from the zip's directory; anything else is refused."""
    try:
        with zipfile.ZipFile(f) as z:
            names = set(z.namelist())
            if "mimetype" in names:
                if z.getinfo("mimetype").file_size > 100:
                    return None
                macros = any(n.startswith(("Basic/", "Scripts/")) for n in names)
                is_odt = z.read("mimetype").strip() == ODT.encode()
                return ODT if is_odt and not macros else None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                if z.getinfo("[Content_Types].xml").file_size > _MAX_ZIP_MEMBER:
                    return None
                types = z.read("[Content_Types].xml")
                macros = b"macroEnabled" in types or any(
                    n.lower().endswith("vbaproject.bin") for n in names
                )
                main = b"wordprocessingml.document.main+xml" in types
                return DOCX if main and not macros else None
            return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError):
        return None
    except (RuntimeError, NotImplementedError, ValueError):  # encrypted, unknown compression
        return None
    finally:
        f.seek(0)


def _plain_text(f: IO[bytes]) -> bool:
    """Valid UTF-8 throughout, no control characters but tab, newlines and form feed, and not
    markup (HTML, SVG, XML) or a script: the first visible character is not ``<``."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    start = ""
    try:
        while chunk := f.read(64 * 1024):
            text = decoder.decode(chunk)
            if _CONTROL.search(text):
                return False
            if len(start) < 64:
                start += text[:64]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        f.seek(0)
    visible = start.lstrip("\ufeff \t\r\n\f")
    return bool(visible) and not visible.startswith("<")
