"""The rules of documents and notes: ingest, download, notes. Views and the API call these.

Ingest order (no row without its file, no file left behind by a failed ingest):

1. the upload is checked (size, type sniffed from the content): nothing is written on refusal;
2. its bytes are written to a temporary file beside the stored contents, hashed as they are
   written, and fsync'd;
3. in one transaction: the row is created, the upload audited, and the temporary file renamed
   into place under its SHA-256. Any failure in 3 rolls the row and the audit entry back, and
   the temporary file is removed.

Only if the database fails at the very commit, after the rename, is a stored file left without
a row. It is named by its hash alone (no name, no case, nothing to link it to a person), can
be served to no one (every download goes through a row and the access rule), and is reused by
the next upload of the same content. Deleting it there instead could remove a file that a
concurrent upload of the same content has just recorded; an unreferenced file is the safer
failure.
"""

from __future__ import annotations

import logging
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from asylon.web.accounts.models import User
from asylon.web.audit.services import record
from asylon.web.cases.models import Case
from asylon.web.documents import storage
from asylon.web.documents.filenames import attachment_header, display_name, download_name
from asylon.web.documents.models import Document, Note
from asylon.web.documents.validation import NOTE_MAX_CHARS, InputError, check_upload, max_bytes
from asylon.web.timeline.models import TimelineEvent

# Never log titles, file names or note texts: ids, hashes and sizes only.
logger = logging.getLogger(__name__)


def _via(via: str | None) -> dict[str, str]:
    return {"via": via} if via else {}


def add_document(
    case: Case,
    user: Any,
    upload: Any,
    *,
    title: str = "",
    kind: str = Document.Kind.OTHER,
    event: TimelineEvent | None = None,
    via: str | None = None,
) -> Document:
    """Check, store and record one uploaded file (a Django ``UploadedFile``); audited.

    Raises :class:`InputError` naming the field (``file``, ``title``, ``kind``, ``event``).
    """
    if kind not in Document.Kind.values:
        raise InputError(
            "kind", _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Document.Kind.values)}
        )
    if event is not None and not TimelineEvent.objects.filter(pk=event.pk, case=case).exists():
        raise InputError("event", _("The event must be one of this case's timeline events."))
    title = (title or "").strip()
    if len(title) > 200:
        raise InputError("title", _("The title is longer than 200 characters."))
    content_type = check_upload(upload, "file")
    original = display_name(upload.name)
    try:
        staged = storage.stage(upload.chunks(), max_bytes=max_bytes())
    except storage.TooLarge:
        limit = filesizeformat(max_bytes())
        message = _("The file is larger than the largest file allowed, %(limit)s.")
        raise InputError("file", message % {"limit": limit}) from None
    with staged, transaction.atomic():
        document = Document.objects.create(
            case=case,
            title=title or original or _("untitled document"),
            kind=kind,
            original_name=original,
            content_type=content_type,
            size=staged.size,
            sha256=staged.sha256,
            event=event,
            uploaded_by=user,
        )
        record(
            user,
            "upload_document",
            case,
            document=document.pk,
            sha256=staged.sha256,
            size=staged.size,
            content_type=content_type,
            kind=kind,
            event=event.pk if event is not None else None,
            **_via(via),
        )
        staged.commit()
    return document


def open_document(case: Case, user: Any, document: Document, via: str | None = None) -> BinaryIO:
    """The document's content, checked against the SHA-256 recorded at ingest; the download is
    audited. A mismatch or a missing file is audited and raised (``storage.BlobCorrupted``,
    ``storage.BlobMissing``): nothing is served."""
    try:
        content = storage.open_verified(document.sha256, document.size)
    except storage.BlobCorrupted as err:
        logger.error("document %s: stored content does not match its SHA-256", document.pk)
        record(
            user,
            "document_integrity_failure",
            case,
            document=document.pk,
            sha256=document.sha256,
            found=err.found,
            **_via(via),
        )
        raise
    except storage.BlobMissing:
        logger.error("document %s: stored content is missing", document.pk)
        record(
            user,
            "document_integrity_failure",
            case,
            document=document.pk,
            sha256=document.sha256,
            found=None,
            **_via(via),
        )
        raise
    record(
        user, "download_document", case, document=document.pk, sha256=document.sha256, **_via(via)
    )
    return content


def content_disposition(document: Document) -> str:
    stem = f"document-{document.pk}"
    return attachment_header(
        download_name(document.original_name, document.content_type, stem), stem
    )


def add_note(case: Case, user: Any, text: str, via: str | None = None) -> Note:
    """Append a note; audited without its text. Raises :class:`InputError` on ``text``."""
    text = (text or "").strip()
    if not text:
        raise InputError("text", _("Write the note: the text is empty."))
    if len(text) > NOTE_MAX_CHARS:
        raise InputError(
            "text",
            _("The note has %(count)s characters; at most %(limit)s are allowed.")
            % {"count": len(text), "limit": NOTE_MAX_CHARS},
        )
    with transaction.atomic():
        note = Note.objects.create(case=case, author=user, text=text)
        record(user, "add_note", case, note=note.pk, chars=len(text), **_via(via))
    return note


def may_delete_notes(user: Any) -> bool:
    return getattr(user, "role", None) in (User.Role.SUPERVISOR, User.Role.ADMIN)


def delete_note(case: Case, user: Any, note: Note, via: str | None = None) -> None:
    """Remove a note (a supervisor or administrator only); audited with who wrote it and
    when, never its text."""
    if not may_delete_notes(user):
        raise PermissionDenied("only a supervisor or an administrator may delete a note")
    with transaction.atomic():
        record(
            user,
            "delete_note",
            case,
            note=note.pk,
            author=note.author_id,
            written_at=note.created_at.isoformat(),
            chars=len(note.text),
            **_via(via),
        )
        note.delete()
