"""Forms of the register's pages: searching persons, filtering lists, and moving a record
along the review workflow with a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from asylon.register.models import RECORD_TYPES, VIOLATION_TYPES
from asylon.web.register import labels
from asylon.web.register.models import Status
from asylon.web.register.records import may_finalise, may_review

# (from, to) -> what the step is called, and who may take it ("review" or "finalise"),
# as in asylon.web.register.records
MOVES: dict[tuple[str, str], tuple[Any, str]] = {
    (Status.DRAFT, Status.PEER_REVIEWED): (_("Mark as peer reviewed"), "review"),
    (Status.PEER_REVIEWED, Status.DRAFT): (_("Send back to draft"), "review"),
    (Status.PEER_REVIEWED, Status.FINAL): (_("Mark as final"), "finalise"),
    (Status.FINAL, Status.DRAFT): (_("Reopen as a draft"), "finalise"),
}


def moves_for(status: str, user: Any) -> list[tuple[str, Any]]:
    """The steps ``user`` may take from ``status`` by role (whether they wrote the version
    themselves is the workflow's to check, and the form shows its refusal)."""
    allowed = {"review": may_review(user), "finalise": may_finalise(user)}
    return [
        (to, text) for (start, to), (text, who) in MOVES.items() if start == status and allowed[who]
    ]


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    """Choices in the active language, set when the form is made (labels are lazy)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Any part of a name, in Latin, Arabic or Cyrillic script."),
    )
    status = forms.ChoiceField(label=_("Review status"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "status", [("", _("any")), *labels.STATUSES.items()])


class IncidentFilterForm(forms.Form):
    violation = forms.ChoiceField(label=_("Violation"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(
            self,
            "violation",
            [("", _("any")), *((v, labels.VIOLATION_TYPES[v]) for v in VIOLATION_TYPES)],
        )


class QueueFilterForm(forms.Form):
    record_type = forms.ChoiceField(label=_("Record type"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(
            self,
            "record_type",
            [("", _("any")), *((t, labels.RECORD_TYPES[t]) for t in RECORD_TYPES)],
        )


class TransitionForm(forms.Form):
    """One step of the review workflow (draft -> peer reviewed -> final, or back) with the
    reason kept in the record's revision."""

    to = forms.ChoiceField(label=pgettext_lazy("review step", "Step"), choices=())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the revision: what you checked, against which source."),
    )
    back = forms.ChoiceField(
        choices=[("record", "record"), ("queue", "queue")],
        widget=forms.HiddenInput,
        initial="record",
        required=False,
    )

    def __init__(self, status: str, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        moves = moves_for(status, user)
        self.offers_a_step = bool(moves)
        _set_choices(self, "to", moves)

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError(_("Say why: a review note is kept with the revision."))
        return reason
