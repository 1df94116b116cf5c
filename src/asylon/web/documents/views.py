"""Documents and notes pages. The rules live in services (ingest, download, notes).

Every view finds the case through the access rule (404 for anyone who may not see it,
researchers included) and every document through its case (a document of another case is
404 too).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from asylon.web.accounts.decorators import reauthenticated
from asylon.web.audit.services import record
from asylon.web.cases.access import visible_cases
from asylon.web.cases.models import Case
from asylon.web.documents import services, storage
from asylon.web.documents.forms import NoteForm, UploadForm
from asylon.web.documents.models import Document, Note
from asylon.web.documents.validation import TEXT, InputError

# A downloaded file is never rendered as a page of ours: no scripts, no plugins, no frames.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def _case(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(visible_cases(request.user).select_related("client"), pk=pk)


def _page(
    request: HttpRequest,
    case: Case,
    upload_form: UploadForm | None = None,
    note_form: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "documents/case_documents.html",
        {
            "case": case,
            "documents": Document.objects.filter(case=case).select_related("uploaded_by", "event"),
            "notes": Note.objects.filter(case=case).select_related("author"),
            "upload_form": upload_form or UploadForm(case),
            "note_form": note_form or NoteForm(),
            "may_delete_notes": services.may_delete_notes(request.user),
        },
        status=status,
    )


@login_required
@require_GET
def case_documents(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    record(request.user, "view_documents", case)
    return _page(request, case)


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = UploadForm(case, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = services.add_document(
                case,
                request.user,
                data["file"],
                title=data["title"],
                kind=data["kind"],
                event=data["event"],
            )
            # No title or file name here: messages may travel in a (signed, unencrypted) cookie.
            messages.success(
                request,
                _("Document %(id)s uploaded; its SHA-256 is %(sha256)s.")
                % {"id": document.pk, "sha256": document.sha256},
            )
            return redirect("documents:list", pk=case.pk)
        except InputError as err:
            form.add_input_error(err)
    return _page(request, case, upload_form=form, status=400)


@login_required
@require_GET
def download(request: HttpRequest, pk: int, doc_id: int) -> HttpResponseBase:
    case = _case(request, pk)
    document = get_object_or_404(Document, pk=doc_id, case=case)
    try:
        content = services.open_document(case, request.user, document)
    except storage.StorageError as err:
        return render(
            request,
            "documents/integrity_error.html",
            {
                "case": case,
                "document": document,
                "missing": isinstance(err, storage.BlobMissing),
            },
            status=409,
        )
    return file_response(content, document)


def file_response(content: object, document: Document) -> FileResponse:
    """The stored bytes as an attachment, typed as sniffed at ingest, never sniffed again."""
    content_type = document.content_type
    if content_type == TEXT:
        content_type += "; charset=utf-8"
    response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = services.content_disposition(document)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(case, request.user, form.cleaned_data["text"])
            messages.success(request, _("The note was added."))
            return redirect("documents:list", pk=case.pk)
        except InputError as err:
            form.add_input_error(err)
    return _page(request, case, note_form=form, status=400)


@login_required
@require_POST
@reauthenticated(guard=lambda request, pk, note_id: _case(request, pk))
def delete_note(request: HttpRequest, pk: int, note_id: int) -> HttpResponse:
    case = _case(request, pk)
    note = get_object_or_404(Note, pk=note_id, case=case)
    services.delete_note(case, request.user, note)  # PermissionDenied (403) unless supervisor
    messages.success(request, _("The note was deleted."))
    return redirect("documents:list", pk=case.pk)
