"""How places are named on the pages: in the active language where the gazetteer has the
name, with their code and kind, so a label is never ambiguous."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from asylon.evidence.gazetteer import Gazetteer, Place, PlaceError, place_names
from asylon.evidence.indicators import Area

KIND_LABELS: dict[str, Any] = {
    "country": _("country"),
    "governorate": _("governorate"),
    "district": _("district"),
    "city": _("town"),
    "radius": _("radius"),
}
_CODE_IN_LABEL = re.compile(r"\(([^,()]+), [a-z]+\)$")  # Place.label(): "Name (CODE, kind)"


def language() -> str:
    return (get_language() or "en").split("-")[0]


def place_name(place: Place, lang: str | None = None) -> str:
    """The place's name in ``lang`` (default: the active language), else in English."""
    return place_names(place, lang or language())[0]


def place_label(place: Place, lang: str | None = None) -> str:
    """E.g. "Aleppo (SY02, governorate)", "Алеппо (SY02, мухафаза)"."""
    return f"{place_name(place, lang)} ({place.code}, {KIND_LABELS.get(place.kind, place.kind)})"


def area_label(area: Area, lang: str | None = None) -> str:
    """The area's name; a radius says around what."""
    gazetteer = Gazetteer.load()
    if area.kind != "radius":
        return place_name(gazetteer.get(area.code), lang) if area.code in gazetteer else area.label
    where = place_name(gazetteer.get(area.code), lang) if area.code in gazetteer else area.code
    return gettext("%(radius)s km around %(place)s") % {
        "radius": f"{area.radius_km:g}",
        "place": where,
    }


def suggested_places(labels: Iterable[str]) -> list[Place]:
    """The places behind the gazetteer's suggestion labels (``UnknownPlace.suggestions``)."""
    gazetteer = Gazetteer.load()
    out = []
    for label in labels:
        found = _CODE_IN_LABEL.search(label)
        if found:
            try:
                out.append(gazetteer.get(found.group(1)))
            except PlaceError:
                continue
    return out
