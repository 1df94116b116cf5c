"""Generate a document from a case's latest stored assessment: a reasoned memo, an appeal brief
for a refusal, or a letter to the client in the client's language (:mod:`asylon.documents`).

The document is rendered from the case file and the determination *as stored* with the
assessment (so it says what the engine said on that date, under that rules version), never
from a fresh run. It is downloaded; optionally a copy (PDF or DOCX) is kept in the case's
documents with its SHA-256, as an upload would be. Generating is audited by case, kind,
language, format and assessment id; the document's content never goes into the log.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from asylon.documents import DocumentContext, DocumentError
from asylon.documents import render as render_document
from asylon.documents.casedocs import is_refusal
from asylon.web.audit.services import record
from asylon.web.cases.models import Assessment, Case
from asylon.web.documents import services
from asylon.web.documents.filenames import attachment_header
from asylon.web.documents.models import Document
from asylon.web.documents.validation import InputError
from asylon.web.documents.views import DOWNLOAD_CSP, _case

__all__ = ["generate"]

KIND_CHOICES = [
    ("memo", _("Reasoned assessment memo")),
    ("appeal_brief", _("Appeal brief (refusals only)")),
    ("client_letter", _("Letter to the client")),
]
LANG_CHOICES = [("en", "English"), ("ru", "Русский"), ("ar", "العربية")]
FORMAT_CHOICES = [("pdf", "PDF"), ("docx", "DOCX (Word)"), ("html", "HTML")]
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}
KEPT_KIND = {
    "memo": Document.Kind.OTHER,
    "appeal_brief": Document.Kind.OTHER,
    "client_letter": Document.Kind.CORRESPONDENCE,
}


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=KIND_CHOICES)
    lang = forms.ChoiceField(label=_("Language"), choices=LANG_CHOICES)
    fmt = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES)
    keep = forms.BooleanField(
        label=_("Also keep a copy in the case's documents (PDF or DOCX)"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("keep") and data.get("fmt") == "html":
            self.add_error("keep", _("Only a PDF or DOCX copy can be kept with the documents."))
        return data


def client_language(case: Case) -> str:
    """The first of the client's languages a document can be written in, else the page's."""
    for code in case.client.languages or []:
        if str(code)[:2] in ("ar", "ru", "en"):
            return str(code)[:2]
    page = (get_language() or "en")[:2]
    return page if page in ("ar", "ru", "en") else "en"


def _context(case: Case, user: Any, assessment: Assessment) -> DocumentContext:
    team = getattr(user, "team", None)
    return DocumentContext(
        organisation=team.name if team is not None else None,
        caseworker=user.get_full_name() or user.get_username(),
        reference=f"Asylon case {case.pk}, assessment {assessment.pk}",
        client_name=case.client.full_name,
        date=date.today(),
    )


def _page(
    request: HttpRequest, case: Case, form: GenerateForm, latest: Any, status: int = 200
) -> HttpResponse:
    refusal = latest is not None and is_refusal(latest.determination.get("outcome", ""))
    return render(
        request,
        "documents/generate.html",
        {"case": case, "form": form, "latest": latest, "refusal": refusal},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def generate(request: HttpRequest, pk: int) -> HttpResponseBase:
    case = _case(request, pk)  # 404 for a case the user may not see
    latest = Assessment.objects.filter(case=case).order_by("-created_at", "-pk").first()
    if request.method == "GET":
        initial = {"lang": client_language(case), "fmt": "pdf"}
        if latest is not None and is_refusal(latest.determination.get("outcome", "")):
            initial["kind"] = "appeal_brief"
        return _page(request, case, GenerateForm(initial=initial), latest)
    form = GenerateForm(request.POST)
    if latest is None:
        form.is_valid()
        form.add_error(
            None, _("Assess the case first: documents are drawn from a stored assessment.")
        )
        return _page(request, case, form, latest, status=400)
    if not form.is_valid():
        return _page(request, case, form, latest, status=400)
    kind, lang, fmt = form.cleaned_data["kind"], form.cleaned_data["lang"], form.cleaned_data["fmt"]
    try:
        content = render_document(
            kind, latest.case_file, latest.determination,
            lang=lang, fmt=fmt, context=_context(case, request.user, latest),
        )  # fmt: skip
    except DocumentError as err:
        form.add_error("kind", str(err))
        return _page(request, case, form, latest, status=400)
    name = f"case-{case.pk}-{kind.replace('_', '-')}-{lang}.{fmt}"
    record(request.user, "generate_document", case, kind=kind, lang=lang, fmt=fmt,
           assessment=latest.pk, size=len(content))  # fmt: skip
    if form.cleaned_data["keep"]:
        upload = SimpleUploadedFile(name, content, content_type=MEDIA_TYPES[fmt])
        title = f"{dict(KIND_CHOICES)[kind]} ({lang}, {latest.as_of.isoformat()})"
        try:
            services.add_document(case, request.user, upload, title=title, kind=KEPT_KIND[kind])
        except InputError as err:
            form.add_error("keep", err.message)
            return _page(request, case, form, latest, status=400)
    response = HttpResponse(content, content_type=MEDIA_TYPES[fmt])
    response["Content-Disposition"] = attachment_header(name, f"case-{case.pk}-{kind}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response
