"""Taking evidence in through the register's pages, and recording a transfer of custody.

Documentation staff who may edit the register (:func:`asylon.web.register.records.may_edit`)
upload a file as an evidence item: its SHA-256 is taken while it is stored, the item is
recorded as a draft with its first revision, and the custody log starts with "received"
(from whom, why), all or nothing (:func:`asylon.web.register.evidence.ingest_evidence`).
A transfer (to a prosecutor, a court, another documentation group) is appended to the item's
custody log with the counterpart and the reason. Anyone else gets 404 (the register does not
exist for them) or 403 (staff who may only review).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from asylon.register.register import RecordError
from asylon.register.vocabulary import EVIDENCE_KINDS
from asylon.web.documents.validation import max_bytes, sniff
from asylon.web.register import labels
from asylon.web.register import models as db
from asylon.web.register.evidence import ingest_evidence, log_custody
from asylon.web.register.records import may_edit
from asylon.web.register.views import staff_only

__all__ = ["add_evidence", "transfer_evidence"]

_IDS = re.compile(r"[\s,;]+")
_PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
# a file whose content type cannot be told is kept all the same (evidence is not shown inline;
# downloads are always attachments): its bytes and hash are what matter
UNKNOWN_TYPE = "application/octet-stream"


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    related_ids = forms.CharField(
        label=_("Records it documents"),
        required=False,
        max_length=2000,
        help_text=_(
            "Register record ids (person-…, incident-…, allegation-…), separated by spaces."
        ),
    )
    obtained_from = forms.CharField(label=_("Obtained from"), required=False, max_length=300)
    obtained_on = forms.CharField(
        label=_("Obtained on"),
        required=False,
        max_length=10,
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD"),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    received_from = forms.CharField(
        label=_("Received from"),
        required=False,
        max_length=300,
        help_text=_("Who handed the file over (kept in the custody log)."),
    )
    reason = forms.CharField(
        label=_("Why it is taken in"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(k, labels.EVIDENCE_KINDS.get(k, k)) for k in EVIDENCE_KINDS]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = max_bytes()
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB.") % {"limit": limit // (1024 * 1024)}
            )
        if not upload.size:
            raise forms.ValidationError(_("The file is empty."))
        return upload

    def clean_related_ids(self) -> list[str]:
        return [i for i in _IDS.split(self.cleaned_data.get("related_ids") or "") if i]

    def clean_obtained_on(self) -> str | None:
        value = (self.cleaned_data.get("obtained_on") or "").strip()
        if value and not _PARTIAL_DATE.fullmatch(value):
            raise forms.ValidationError(_("Expected YYYY, YYYY-MM or YYYY-MM-DD."))
        return value or None


class TransferForm(forms.Form):
    counterpart = forms.CharField(
        label=_("Transferred to"),
        max_length=300,
        help_text=_("The prosecutor, court or organisation that receives the item."),
    )
    reason = forms.CharField(
        label=_("Why"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def _editor(request: HttpRequest) -> None:
    if not may_edit(request.user):
        raise PermissionDenied(
            "only documentation staff who may edit the register take evidence in"
        )


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    """The core record's optional fields that were given."""
    optional = ("obtained_from", "obtained_on", "description")
    return {k: data[k] for k in optional if data.get(k)}


def _field_of(problem: str) -> str | None:
    """The form field a record error concerns, where the message names one."""
    for name in ("related_ids", "title", "obtained_on", "obtained_from", "description", "kind"):
        if name in problem:
            return name
    return None


def _related(request: HttpRequest) -> list[str]:
    """The record the form was opened from (``?person=<pk>`` or ``?incident=<pk>``: database
    ids, since a person's record id is a slug of the name and never goes into a URL)."""
    found = []
    for name, model in (("person", db.Person), ("incident", db.Incident)):
        value = request.GET.get(name, "")
        if value.isdigit():
            row = model.objects.filter(pk=int(value)).only("record_id").first()
            if row is not None:
                found.append(row.record_id)
    return found


@staff_only
@require_http_methods(["GET", "POST"])
def add_evidence(request: HttpRequest) -> HttpResponse:
    _editor(request)
    if request.method == "POST":
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            upload: UploadedFile = data["file"]
            media_type = sniff(upload.file) or UNKNOWN_TYPE
            record_id = f"evidence-{uuid.uuid4().hex[:12]}"
            try:
                row = ingest_evidence(
                    upload.chunks(),
                    record_id=record_id,
                    title=data["title"],
                    kind=data["kind"],
                    media_type=media_type,
                    user=request.user,
                    reason=data["reason"],
                    received_from=data["received_from"],
                    file_name=(upload.name or "")[:300] or None,
                    related_ids=tuple(data["related_ids"]),
                    **_fields(data),
                )
            except (RecordError, ValueError) as err:
                problems = err.problems if isinstance(err, RecordError) else [str(err)]
                for problem in problems:
                    form.add_error(_field_of(problem), problem)
            else:
                return redirect("register:evidence", pk=row.pk)
        status = 400
    else:
        form = EvidenceForm(initial={"related_ids": " ".join(_related(request))})
        status = 200
    return render(request, "register/evidence_form.html", {"form": form}, status=status)


@staff_only
@require_http_methods(["GET", "POST"])
def transfer_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    row = get_object_or_404(db.EvidenceItem, pk=pk)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        log_custody(
            row,
            db.CustodyEntry.Action.TRANSFERRED,
            request.user,
            form.cleaned_data["reason"],
            form.cleaned_data["counterpart"],
        )
        return redirect("register:evidence", pk=row.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "register/evidence_transfer.html", {"form": form, "row": row}, status=status
    )
