"""The place and date form: which area, which day or period.

A place is what ``asylon coi`` accepts: a p-code, a town code, a name in any script, or
``lat,lon`` with a radius (:func:`asylon.evidence.indicators.resolve_area`). A date alone reads
the 90 days ending on it, as the assessment does (:data:`asylon.evidence.reading.RECENT_DAYS`);
a period (from, to) reads exactly that period and the date is its last day. Every error names
its field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from asylon.evidence.gazetteer import AmbiguousPlace, Gazetteer, Place, UnknownPlace
from asylon.evidence.indicators import Area, AreaError, resolve_area
from asylon.evidence.reading import RECENT_DAYS
from asylon.web.evidence.names import KIND_LABELS, place_label, suggested_places

MAX_RADIUS_KM = 500.0


@dataclass(frozen=True)
class Query:
    """A valid request: the area, the period read and the date the reading is for."""

    area: Area
    start: date
    end: date
    on: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")  # the value an <input type="date"> requires (ISO)


class PlaceForm(forms.Form):
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        help_text=_(
            "A governorate, district or town in any script (Aleppo, حلب, Алеппо), a p-code "
            "(SY02), a town code (SYC-DOUMA), or a point as latitude,longitude with a radius."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind of place"),
        required=False,
        choices=[("", _("any"))]
        + [(k, KIND_LABELS[k]) for k in ("governorate", "district", "city", "country")],
        help_text=_("Settles a name that several places share."),
    )
    radius_km = forms.FloatField(
        label=_("Radius (km)"),
        required=False,
        help_text=_("Around a town or a point; at most 500 km."),  # MAX_RADIUS_KM
    )
    on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=DateInput(),
        help_text=_("Reads the 90 days ending on this date, as the assessment does."),
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput(),
        help_text=_("Or a period: its first day…"),
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=DateInput(), help_text=_("…and its last day.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.query: Query | None = None
        self.alternatives: list[tuple[str, str]] = []  # (label, place code) to choose from

    def clean_radius_km(self) -> float | None:
        value: float | None = self.cleaned_data.get("radius_km")
        if value is not None and not 0 < value <= MAX_RADIUS_KM:
            raise forms.ValidationError(
                _("The radius must be more than 0 and at most %(max)s km."),
                params={"max": f"{MAX_RADIUS_KM:g}"},
                code="radius",
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period = self._period(data)
        area = self._area(data)
        if period is not None and area is not None and not self.errors:
            self.query = Query(area, *period)
        return data

    def _period(self, data: dict[str, Any]) -> tuple[date, date, date] | None:
        on, start, end = data.get("on"), data.get("start"), data.get("end")
        if any(f in self.errors for f in ("on", "start", "end")):
            return None
        if start is None and end is None:
            if on is None:
                self.add_error("on", gettext("Give a date, or a period from one day to another."))
                return None
            return on - timedelta(days=RECENT_DAYS - 1), on, on
        if on is not None:
            self.add_error("on", gettext("Give either a date or a period, not both."))
        if start is None:
            self.add_error("start", gettext("Give the first day of the period."))
        if end is None:
            self.add_error("end", gettext("Give the last day of the period."))
        if start is not None and end is not None and end < start:
            self.add_error("end", gettext("The period ends before it starts."))
        if self.errors:
            return None
        assert start is not None and end is not None
        return start, end, end

    def _area(self, data: dict[str, Any]) -> Area | None:
        query = (data.get("place") or "").strip()
        if not query or "place" in self.errors or "radius_km" in self.errors:
            return None
        kind, radius = data.get("kind") or None, data.get("radius_km")
        try:
            return resolve_area(query, kind, radius)
        except UnknownPlace as err:
            message = gettext("Unknown place “%(place)s”.") % {"place": query}
            nearest = [place_label(p) for p in suggested_places(err.suggestions)]
            if nearest:
                message = gettext("Unknown place “%(place)s”. Did you mean: %(suggestions)s?") % {
                    "place": query,
                    "suggestions": "; ".join(nearest),
                }
            self.add_error("place", message)
            self.alternatives = _choices(suggested_places(err.suggestions), radius)
        except AmbiguousPlace as err:
            self.add_error(
                "place",
                gettext("“%(place)s” could be several places: %(candidates)s. Choose one.")
                % {"place": query, "candidates": "; ".join(place_label(p) for p in err.candidates)},
            )
            self.alternatives = _choices(err.candidates, radius)
        except AreaError as err:
            self._area_error(err, query, kind, radius)
        return None

    def _area_error(self, err: AreaError, query: str, kind: str | None, radius: Any) -> None:
        """The evidence layer's refusal, said in the user's language."""
        if err.field == "radius_km":
            self.add_error("radius_km", gettext("Give a radius around a point."))
            return
        place = Gazetteer.load().lookup(
            query, country=None, kind=kind or ("city" if radius is not None else None)
        )
        if radius is not None:
            message = gettext("%(place)s has no coordinates: a radius needs a town or a point.")
        elif place.kind == "city":
            message = gettext(
                "%(place)s is a town: give a radius around it, or choose its district or "
                "governorate."
            )
            gazetteer = Gazetteer.load()
            parents = [gazetteer.get(c) for c in (place.adm2, place.adm1) if c]
            self.alternatives = _choices(parents, radius)
        else:
            message = gettext("There is no conflict-event data for %(place)s.")
        self.add_error("place", message % {"place": place_label(place)})


def _choices(places: Iterable[Place], radius: float | None) -> list[tuple[str, str]]:
    """The places worth offering as a link: Syrian ones that make an area as asked (a town
    or a point with a radius, a governorate, district or the country without one)."""
    return [
        (place_label(p), p.code)
        for p in places
        if p.country == "SY" and (p.lat is not None if radius is not None else p.kind != "city")
    ]
