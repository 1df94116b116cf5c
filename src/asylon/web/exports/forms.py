"""The request form and the decision form; the rules themselves are in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asylon.web.cases.models import Case
from asylon.web.exports.models import ExportRequest
from asylon.web.exports.services import MAX_REASON, ExportError, Scope, check_scope

# form field name for each services field name
FIELD_NAMES = {"format": "fmt", "status": "case_status"}


class ExportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to export"), choices=ExportRequest.Kind.choices)
    fmt = forms.ChoiceField(
        label=_("Format"),
        choices=ExportRequest.Format.choices,
        help_text=_("Case files: a ZIP or JSON lines. The client list: CSV."),
    )
    assigned_only = forms.BooleanField(
        label=_("Only the cases assigned to me"),
        required=False,
        help_text=_("Otherwise every case you can see: your team's and those assigned to you."),
    )
    case_status = forms.ChoiceField(
        label=_("Status of the cases"),
        required=False,
        choices=[("", _("any")), *Case.Status.choices],
    )
    jurisdiction = forms.ChoiceField(
        label=_("Jurisdiction"),
        required=False,
        choices=[("", _("any")), *Case.Jurisdiction.choices],
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why the data must leave Asylon, and where it goes. The supervisor reads it. "
            "Do not write a client's name."
        ),
    )

    def scope(self) -> Scope:
        d = self.cleaned_data
        return Scope(
            kind=d["kind"],
            fmt=d["fmt"],
            assigned_only=bool(d.get("assigned_only")),
            case_status=d.get("case_status") or "",
            jurisdiction=d.get("jurisdiction") or "",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "kind" not in data or "fmt" not in data:
            return data
        try:
            check_scope(self.scope())
        except ExportError as err:
            self.add_error_from(err)
        return data

    def add_error_from(self, err: ExportError) -> None:
        name = FIELD_NAMES.get(err.field, err.field)
        self.add_error(name if name in self.fields else None, err.message)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
