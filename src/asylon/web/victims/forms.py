"""Forms of the victim-list pages: import a list, search persons, run the linkage, split and
merge persons (each with the reviewer's reason)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asylon.web.victims.linking import DEFAULT_THRESHOLD
from asylon.web.victims.models import SOURCE_NAME

MAX_UPLOAD = 50 * 1024 * 1024
MAPPING_HELP = _(
    "YAML or JSON: columns (source_id and name required; sex, age, birth_date, birth_year, "
    "event, event_date, place, governorate, cause, status), optionally values (the source's "
    "words for sex, event and status) and constants."
)


class ImportForm(forms.Form):
    source = forms.CharField(
        label=_("Source"),
        max_length=60,
        validators=[SOURCE_NAME],
        help_text=_("A short name, e.g. vdc or snhr: the source's column in the overlap table."),
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=2000)
    file = forms.FileField(label=_("List (CSV or XLSX)"))
    mapping = forms.CharField(
        label=_("Column mapping"), widget=forms.Textarea(attrs={"rows": 12}), help_text=MAPPING_HELP
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if (upload.size or 0) > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB: split it."))
        return upload


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        help_text=_("The whole name or every word of it, in any script."),
    )


class LinkForm(forms.Form):
    threshold = forms.FloatField(
        label=_("Match threshold"),
        min_value=0.5,
        max_value=0.999,
        initial=DEFAULT_THRESHOLD,
        help_text=_(
            "Records are linked when the model's probability that they are one person "
            "is at least this."
        ),
    )


class SplitForm(forms.Form):
    record = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    other = forms.IntegerField(
        label=_("Other person (number)"),
        min_value=1,
        help_text=_("The number of the person to merge with, from the persons list."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
