"""The forms of the statistics pages: which countries and years, which period."""

from __future__ import annotations

import gettext
from datetime import date
from functools import cache
from typing import Any

import pycountry
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from asylon.stats import unhcr

DEFAULT_COUNTRIES = ("RUS", "DEU", "SWE", "TUR")
MAX_COUNTRIES = 6
DEATHS_FROM = date(2011, 3, 1)
DEATHS_TO = date(2018, 8, 31)


@cache
def _iso_names(lang: str) -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return gettext.NullTranslations()


def country_name(code: str, lang: str) -> str:
    """The country's name in ``lang`` (pycountry's ISO 3166 translations), else UNHCR's."""
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return unhcr.load().country_name(code)
    return _iso_names(lang).gettext(str(country.name))


def years() -> tuple[int, int]:
    decided = [r.year for r in unhcr.load().decisions]
    return min(decided), max(decided)


def country_choices(lang: str) -> list[tuple[str, str]]:
    codes = {r.country for r in unhcr.load().decisions}
    return sorted(((c, country_name(c, lang)) for c in codes), key=lambda p: p[1].casefold())


class PracticeForm(forms.Form):
    countries = forms.MultipleChoiceField(
        label=_("Countries of asylum"),
        help_text=_("Up to six countries; hold Ctrl (or ⌘) to choose several."),
    )
    first = forms.IntegerField(label=_("From year"))
    last = forms.IntegerField(label=_("To year"))

    def __init__(self, data: Any, lang: str) -> None:
        low, high = years()
        super().__init__(data)
        countries = self.fields["countries"]
        assert isinstance(countries, forms.MultipleChoiceField)
        countries.choices = country_choices(lang)
        self.fields["countries"].initial = list(DEFAULT_COUNTRIES)
        for name in ("first", "last"):
            self.fields[name].validators = [MinValueValidator(low), MaxValueValidator(high)]
            self.fields[name].widget.attrs.update(min=low, max=high)
        self.fields["first"].initial = 2011
        self.fields["last"].initial = high

    def clean_countries(self) -> list[str]:
        chosen: list[str] = self.cleaned_data["countries"]
        if len(chosen) > MAX_COUNTRIES:
            raise forms.ValidationError(
                _("Choose at most %(n)d countries."), params={"n": MAX_COUNTRIES}
            )
        return chosen

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first is not None and last is not None and last < first:
            self.add_error("last", _("The last year is before the first."))
        return data

    def values(self) -> tuple[list[str], int, int]:
        """The valid choice, or the defaults for an empty form."""
        if self.is_bound and self.is_valid():
            d = self.cleaned_data
            return list(d["countries"]), int(d["first"]), int(d["last"])
        return list(DEFAULT_COUNTRIES), 2011, years()[1]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class DeathsForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        self.fields["start"].initial = DEATHS_FROM
        self.fields["end"].initial = DEATHS_TO

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end is before the start."))
        return data

    def values(self) -> tuple[date, date]:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return DEATHS_FROM, DEATHS_TO
