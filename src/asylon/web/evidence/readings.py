"""The reading the assessment takes for a governorate on a date, and the EUAA guidance in force
on that date.

The reading is :meth:`asylon.evidence.reading.StoreEvidence.danger` itself, so the pages show
exactly what a determination on that date cites: each covering source's figures for the 90
days ending on the date, ``high_lethal_rate`` and the published 15(c) level. Figures alone
never decide the legal question (CJEU *CF and DN*); a published EUAA level does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from asylon.evidence import guidance
from asylon.evidence.gazetteer import Gazetteer, Place
from asylon.evidence.guidance import GuidanceVersion
from asylon.evidence.reading import HIGH_RATE_PER_100K, RECENT_DAYS, StoreEvidence
from asylon.law.facts import Place as CaseFilePlace
from asylon.web.evidence.dates import KeyDate
from asylon.web.evidence.figures import SourceInfo, reading_store
from asylon.web.evidence.names import place_name

LEVEL_LABELS: dict[str, Any] = {
    "mere_presence": _("mere presence: a civilian faces a real risk solely by being present"),
    "high": _("high: a lower level of individual elements is required"),
    "not_high": _("not high: a high level of individual elements is required"),
    "no_real_risk": _("no real risk of serious harm in general"),
}
COUNTRY = "SY"

__all__ = [
    "HIGH_RATE_PER_100K",
    "LEVEL_LABELS",
    "RECENT_DAYS",
    "DateReading",
    "GuidanceInForce",
    "GuidanceLevel",
    "SourceLine",
    "guidance_in_force",
    "read_dates",
]


@dataclass(frozen=True)
class GuidanceLevel:
    code: str
    governorate: str
    level: str | None  # a ViolenceLevel value; None where the guidance gives none
    label: str
    citation: str
    verified: bool  # False for a level tagged K: not yet checked against the primary text
    note: str


@dataclass(frozen=True)
class GuidanceInForce:
    on: date
    version: GuidanceVersion | None
    first: GuidanceVersion | None  # the earliest version, to say from when guidance exists
    levels: list[GuidanceLevel]


def guidance_in_force(on: date, governorates: Sequence[Place], lang: str) -> GuidanceInForce:
    """The EUAA country guidance in force on ``on`` and its 15(c) level per governorate."""
    version = guidance.guidance_for(COUNTRY, on)
    every = guidance.versions(COUNTRY)
    levels: list[GuidanceLevel] = []
    if version is not None:
        for unit in governorates:
            cell = version.indiscriminate_violence.get(unit.code)
            if cell is None:
                continue
            level, citation = guidance.level(version, unit.code)
            levels.append(
                GuidanceLevel(
                    code=unit.code,
                    governorate=place_name(unit, lang),
                    level=level.value if level else None,
                    label=str(LEVEL_LABELS[level.value]) if level else "",
                    citation=citation,
                    verified=cell.tag != "K",
                    note=cell.note or "",
                )
            )
    return GuidanceInForce(on, version, every[0] if every else None, levels)


def governorates() -> list[Place]:
    """Syria's governorates, as the guidance lists its levels."""
    return [p for p in Gazetteer.load().children(COUNTRY) if p.kind == "governorate"]


@dataclass(frozen=True)
class SourceLine:
    """One source's figures for the 90 days; ``covered`` False is "no data", never 0."""

    source: str
    title: str
    covered: bool
    events: int | None = None
    deaths: float | None = None
    civilians: float | None = None
    per_100k: float | None = None
    lethal_days: int | None = None


@dataclass(frozen=True)
class DateReading:
    on: date
    reasons: tuple[str, ...]
    start: date | None  # the first of the 90 days; None when there is no reading
    armed_conflict: bool | None
    high_lethal_rate: bool | None
    sources: list[SourceLine]
    guidance: GuidanceInForce
    upcoming: bool


def read_dates(
    governorate: Place,
    dates: Sequence[KeyDate],
    sources: Sequence[SourceInfo],
    today: date,
    lang: str,
    *,
    with_store: bool = True,
) -> list[DateReading]:
    """The assessment's reading of ``governorate`` on each date. Without the store (or
    ``with_store`` False) only the guidance is read; a missing or unreadable store raises
    :class:`~asylon.web.evidence.figures.StoreUnavailable`."""
    place = CaseFilePlace(country=COUNTRY, place=governorate.code)
    out = []
    with reading_store():
        evidence = StoreEvidence() if with_store else None
        try:
            for key in dates:
                reading = evidence.danger(place, key.on) if evidence else None
                flat = reading.indicators if reading else {}
                out.append(
                    DateReading(
                        on=key.on,
                        reasons=key.reasons,
                        start=reading.period[0] if reading else None,
                        armed_conflict=reading.armed_conflict if reading else None,
                        high_lethal_rate=reading.high_lethal_rate if reading else None,
                        sources=[_line(s, flat) for s in sources] if reading else [],
                        guidance=guidance_in_force(key.on, [governorate], lang),
                        upcoming=key.on > today,
                    )
                )
        finally:
            if evidence is not None:
                evidence.close()
    return out


def _line(source: SourceInfo, flat: Any) -> SourceLine:
    """A source's 90-day figures from the reading's flat indicators (``source.measure.90d``)."""
    s = source.source
    if flat.get(f"{s}.90d") == "no data" or f"{s}.deaths_best.90d" not in flat:
        return SourceLine(s, source.title, covered=False)

    def get(measure: str) -> Any:
        return flat.get(f"{s}.{measure}.90d")

    return SourceLine(
        s,
        source.title,
        covered=True,
        events=get("events"),
        deaths=get("deaths_best"),
        civilians=get("civilian_deaths"),
        per_100k=get("deaths_per_100k"),
        lethal_days=get("lethal_days"),
    )
