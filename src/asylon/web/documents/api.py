"""The JSON API of documents and notes: a django-ninja ``Router`` mounted on the API with
``api.add_router("/cases", "asylon.web.documents.api.router")``.

Same rules as the pages (:mod:`services`): the case is found through the access rule (404 for
anyone who may not see it, researchers included), a document through its case, every upload,
download and note is audited (``via: api``). Authentication is the API's own (bearer token or
browser session with CSRF), set on the router itself so it holds wherever it is mounted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from asylon.web.api.auth import session_auth, token_auth
from asylon.web.api.schemas import ErrorOut
from asylon.web.audit.services import record
from asylon.web.cases.access import visible_cases
from asylon.web.cases.models import Case
from asylon.web.documents import services, storage
from asylon.web.documents.models import Document, Note
from asylon.web.documents.validation import InputError
from asylon.web.documents.views import file_response
from asylon.web.timeline.models import TimelineEvent

router = Router(auth=[token_auth, session_auth], tags=["documents and notes"])
NOT_FOUND = {404: ErrorOut, 401: ErrorOut}


class DocumentOut(Schema):
    id: int
    title: str
    kind: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    event_id: int | None
    uploaded_by: str | None
    uploaded_at: datetime
    url: str


class NoteIn(Schema):
    text: str


class NoteOut(Schema):
    id: int
    text: str
    author: str | None
    created_at: datetime


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _case(request: HttpRequest, case_id: int) -> Case:
    return get_object_or_404(visible_cases(_user(request)), pk=case_id)


def _invalid(field: str, message: str) -> Status[dict[str, Any]]:
    return Status(422, {"detail": message, "errors": [{"field": field, "message": message}]})


def _document_out(d: Document) -> dict[str, Any]:
    return {
        "id": d.pk,
        "title": d.title,
        "kind": d.kind,
        "original_name": d.original_name,
        "content_type": d.content_type,
        "size": d.size,
        "sha256": d.sha256,
        "event_id": d.event_id,
        "uploaded_by": d.uploaded_by.get_username() if d.uploaded_by else None,
        "uploaded_at": d.uploaded_at,
        "url": f"/api/cases/{d.case_id}/documents/{d.pk}/content",
    }


def _note_out(n: Note) -> dict[str, Any]:
    return {
        "id": n.pk,
        "text": n.text,
        "author": n.author.get_username() if n.author else None,
        "created_at": n.created_at,
    }


@router.get("/{case_id}/documents", response={200: list[DocumentOut], **NOT_FOUND})
def list_documents(request: HttpRequest, case_id: int) -> Any:
    """The case's documents, newest first (metadata; the content is under ``url``)."""
    case = _case(request, case_id)
    record(_user(request), "view_documents", case, via="api")
    documents = Document.objects.filter(case=case).select_related("uploaded_by")
    return [_document_out(d) for d in documents]


@router.post(
    "/{case_id}/documents",
    response={201: DocumentOut, 422: ErrorOut, **NOT_FOUND},
)
def upload_document(
    request: HttpRequest,
    case_id: int,
    file: File[UploadedFile],
    title: Form[str] = "",
    kind: Form[Document.Kind] = Document.Kind.OTHER,
    event_id: Form[int | None] = None,
) -> Any:
    """Upload one file (multipart/form-data). Allowed: PDF, JPEG, PNG, TIFF, plain text
    (UTF-8), DOCX, ODT, judged by the content; at most ``ASYLON_DOCUMENT_MAX_BYTES`` (20 MB by
    default). The SHA-256 is recorded at ingest. ``event_id``: one of the case's timeline
    events (e.g. the decision this letter notified)."""
    case = _case(request, case_id)
    event = None
    if event_id is not None:
        event = TimelineEvent.objects.filter(pk=event_id, case=case).first()
        if event is None:
            return _invalid("event_id", "not a timeline event of this case")
    try:
        document = services.add_document(
            case, _user(request), file, title=title, kind=str(kind), event=event, via="api"
        )
    except InputError as err:
        return _invalid("event_id" if err.field == "event" else err.field, err.message)
    return Status(201, _document_out(document))


@router.get("/{case_id}/documents/{document_id}", response={200: DocumentOut, **NOT_FOUND})
def document_detail(request: HttpRequest, case_id: int, document_id: int) -> Any:
    case = _case(request, case_id)
    document = get_object_or_404(Document, pk=document_id, case=case)
    record(_user(request), "view_documents", case, via="api", document=document.pk)
    return _document_out(document)


@router.get(
    "/{case_id}/documents/{document_id}/content",
    response={409: ErrorOut, **NOT_FOUND},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file as uploaded (attachment), typed as sniffed at ingest",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def download_document(request: HttpRequest, case_id: int, document_id: int) -> Any:
    """The file, after checking it against the SHA-256 recorded at ingest (409 if it no longer
    matches or is missing: nothing is served; tell an administrator). Audited."""
    case = _case(request, case_id)
    document = get_object_or_404(Document, pk=document_id, case=case)
    try:
        content = services.open_document(case, _user(request), document, via="api")
    except storage.StorageError as err:
        detail = (
            "the stored file is missing; tell an administrator"
            if isinstance(err, storage.BlobMissing)
            else "the stored file does not match its recorded SHA-256; tell an administrator"
        )
        return Status(409, {"detail": detail, "errors": []})
    return file_response(content, document)


@router.get("/{case_id}/notes", response={200: list[NoteOut], **NOT_FOUND})
def list_notes(request: HttpRequest, case_id: int) -> Any:
    """The case's notes, newest first."""
    case = _case(request, case_id)
    record(_user(request), "view_notes", case, via="api")
    return [_note_out(n) for n in Note.objects.filter(case=case).select_related("author")]


@router.post("/{case_id}/notes", response={201: NoteOut, 422: ErrorOut, **NOT_FOUND})
def add_note(request: HttpRequest, case_id: int, body: NoteIn) -> Any:
    """Append a note (at most 20,000 characters); notes are never edited."""
    case = _case(request, case_id)
    try:
        note = services.add_note(case, _user(request), body.text, via="api")
    except InputError as err:
        return _invalid(err.field, err.message)
    return Status(201, _note_out(note))
