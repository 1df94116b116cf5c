"""The form to add an event: the common fields, then the fields of the chosen kind, built from
that kind's details model so the form and the validation never disagree."""

from __future__ import annotations

import types
import typing
from datetime import date
from typing import Any, Literal

from django import forms
from django.utils.translation import gettext_lazy as _

from asylon.web.timeline.details import DETAILS, DetailsError
from asylon.web.timeline.models import TimelineEvent

FIELD_LABELS: dict[str, Any] = {
    "entry": _("entry"),
    "country": _("country arrived in, where protection is sought (ISO code, e.g. RU)"),
    "from_country": _("arriving from (ISO country code)"),
    "border_point": _("border crossing point"),
    "procedure": _("procedure"),
    "authority": _("authority"),
    "number": _("number"),
    "valid_until": _("valid until"),
    "interview_on": _("interview date"),
    "place": _("place"),
    "interpreter_language": _("interpreter's language"),
    "outcome": _("outcome"),
    "notified_on": _("written notice received on"),
    "instance": _("instance"),
    "body": _("appeal body"),
    "court": _("court"),
    "case_number": _("court case number"),
    "basis": _("legal basis"),
    "periodic_review_available": _("periodic judicial review available"),
    "transit_zone": _("transit zone"),
    "next_review_on": _("next review on"),
    "reason": _("reason"),
    "article": _("article (e.g. 18.8(3))"),
    "fine": _("fine (in local currency)"),
    "region": _("region"),
    "removal_ordered": _("removal ordered"),
    "removal_kind": _("kind of removal"),
    "destination": _("destination (ISO country code)"),
    "status": _("status"),
}
CHOICE_LABELS: dict[str, Any] = {
    "visa": _("with a visa"),
    "visa_free": _("visa-free, regular"),
    "irregular": _("irregular"),
    "granted": _("granted"),
    "refused": _("refused"),
    "temporary_asylum": _("temporary asylum"),
    "subsidiary_protection": _("subsidiary protection"),
    "refugee_status": _("refugee status"),
    "inadmissible": _("inadmissible"),
    "discontinued": _("discontinued"),
    "revoked": _("revoked"),
    "ceased": _("ceased"),
    "administrative": _("administrative"),
    "court": _("court"),
    "allowed": _("allowed"),
    "dismissed": _("dismissed"),
    "remitted": _("remitted"),
    "withdrawn": _("withdrawn"),
    "pending_removal": _("pending removal"),
    "asylum_procedure": _("asylum procedure"),
    "criminal": _("criminal"),
    "none": _("no legal basis"),
    "released": _("released"),
    "removed": _("removed"),
    "transferred": _("transferred"),
    "other": _("other"),
    "deportation": _("deportation"),
    "administrative_removal": _("administrative removal"),
    "extradition": _("extradition"),
    "political_asylum": _("political asylum"),
    "international_protection": _("international protection"),
    "mandate_rsd": _("UNHCR mandate RSD"),
    "status_review": _("status review"),
    "removal": _("removal"),
}


def _base(annotation: Any) -> Any:
    """The type without ``| None`` and without ``Annotated`` metadata."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0]
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _form_field(name: str, info: Any) -> forms.Field:
    kind = _base(info.annotation)
    label = FIELD_LABELS.get(name, name.replace("_", " "))
    required = info.is_required()
    if typing.get_origin(kind) is Literal:
        choices = [(v, CHOICE_LABELS.get(v, v)) for v in typing.get_args(kind)]
        return forms.ChoiceField(
            label=label, required=required, choices=([] if required else [("", "—")]) + choices
        )
    if kind is bool:
        return forms.NullBooleanField(label=label, required=False)
    if kind is date:
        return forms.DateField(
            label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
        )
    if kind is int:
        return forms.IntegerField(label=label, required=required, min_value=0)
    return forms.CharField(label=label, required=required, max_length=200)


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of event"), choices=TimelineEvent.Kind.choices, widget=forms.HiddenInput
    )
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event_kind = kind
        self.kind_label = TimelineEvent.Kind(kind).label
        self.fields["kind"].initial = kind
        self.detail_names = list(DETAILS[kind].model_fields)
        for name, info in DETAILS[kind].model_fields.items():
            self.fields[name] = _form_field(name, info)

    def details(self) -> dict[str, Any]:
        """The details entered (unknown and empty values left out)."""
        return {
            n: self.cleaned_data[n]
            for n in self.detail_names
            if self.cleaned_data.get(n) not in (None, "")
        }

    def add_details_error(self, err: DetailsError) -> None:
        for name, message in err.errors:
            self.add_error(name if name in self.fields else None, message)


class KindForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of event"), choices=TimelineEvent.Kind.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "choose_%s")  # the event form below has its own id_kind
        super().__init__(*args, **kwargs)
