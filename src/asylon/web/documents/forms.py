"""The upload and note forms. The rules themselves are in services and validation, shared
with the API; a refusal there comes back as an error on the field it names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from asylon.web.cases.models import Case
from asylon.web.documents.models import Document
from asylon.web.documents.validation import (
    NOTE_MAX_CHARS,
    InputError,
    allowed_types,
    max_bytes,
)
from asylon.web.timeline.models import TimelineEvent


class EventChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_kind_display()} — {date_format(obj.on, 'SHORT_DATE_FORMAT')}"


class FieldErrorsMixin:
    def add_input_error(self, err: InputError) -> None:
        field = err.field if err.field in self.fields else None  # type: ignore[attr-defined]
        self.add_error(field, err.message)  # type: ignore[attr-defined]


class UploadForm(FieldErrorsMixin, forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the file name."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of document"), choices=Document.Kind.choices, initial=Document.Kind.OTHER
    )
    event = EventChoiceField(
        label=_("Timeline event"),
        queryset=TimelineEvent.objects.none(),
        required=False,
        help_text=_("For example the decision this letter notified."),
    )

    def __init__(self, case: Case, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = case.timeline_events.order_by("-on", "-id")  # type: ignore[attr-defined]
        self.fields["file"].help_text = _("Allowed: %(types)s; at most %(size)s.") % {
            "types": allowed_types(),
            "size": filesizeformat(max_bytes()),
        }


class NoteForm(FieldErrorsMixin, forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
