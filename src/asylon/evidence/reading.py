"""The country-evidence reading the assessment engine asks for: how dangerous was this place
on this date? Implements :class:`asylon.law.evidence.CountryEvidence` over the event store, the
versioned EUAA guidance and the gazetteer.

The unit of assessment is the governorate (EUAA Country Guidance, 15(c) methodology): the
reading gives the published guidance level where one exists, and the figures of every source
for the 90 days and the 12 months before the date. Figures alone never set the level (CJEU
*CF and DN*). ``high_lethal_rate`` flags recent violence that no finding of "none" or "remote"
can ignore: at least :data:`HIGH_RATE_PER_100K` recorded deaths per 100,000 inhabitants in the
90 days, or lethal events on at least half of those days, in any covering source.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb

from asylon.evidence import guidance, store
from asylon.evidence.gazetteer import Gazetteer, PlaceError
from asylon.evidence.indicators import Area, Indicators, SourceFigures, compute
from asylon.law.evidence import DangerReading
from asylon.law.facts import Place

RECENT_DAYS = 90
YEAR_DAYS = 365
HIGH_RATE_PER_100K = 10.0  # deaths per 100,000 in 90 days (about 40 a year): a war-level rate


class StoreEvidence:
    """Country evidence from the built store (``asylon evidence build``)."""

    CACHE_SIZE = 4096

    def __init__(self, path: Path | None = None) -> None:
        self._con: duckdb.DuckDBPyConnection = store.connect(path)
        self._gazetteer = Gazetteer.load()
        # The store is read-only while open, so a reading for a governorate and day never
        # changes: many cases share a home area and a decision date.
        self._readings: dict[tuple[str, date], DangerReading | None] = {}

    def close(self) -> None:
        self._con.close()

    def danger(self, place: Place, on: date) -> DangerReading | None:
        if place.country != "SY" or not place.place:
            return None
        try:
            found = self._gazetteer.resolve_home_area(place.place, "SY")
        except PlaceError:
            return None
        adm1 = found.adm1 or (found.code if found.kind == "governorate" else None)
        if adm1 is None:
            return None
        key = (adm1, on)
        if key not in self._readings:
            if len(self._readings) >= self.CACHE_SIZE:
                self._readings.pop(next(iter(self._readings)))
            self._readings[key] = self._read(adm1, on)
        return self._readings[key]

    def _read(self, adm1: str, on: date) -> DangerReading | None:
        unit = self._gazetteer.get(adm1)
        area = Area("governorate", adm1, unit.name_en)
        recent = compute(self._con, area, on - timedelta(days=RECENT_DAYS - 1), on)
        year = compute(self._con, area, on - timedelta(days=YEAR_DAYS - 1), on)
        version = guidance.guidance_for("SY", on)
        level, level_cite = guidance.level(version, adm1) if version else (None, "")
        covering = [s for s in recent.sources if s.covered != "none"]
        high = None
        if covering:
            high = any(
                (s.per_100k or 0) >= HIGH_RATE_PER_100K or (s.lethal_days or 0) * 2 >= recent.days
                for s in covering
            )
        conflict = _armed_conflict(year)
        sources = tuple(s.citation + f" [{s.source}]" for s in covering)
        if level is not None:
            sources = (level_cite, *sources)
        return DangerReading(
            place=adm1,
            period=(recent.start, on),
            level=level,
            armed_conflict=conflict,
            indicators=_flat(recent, "90d") | _flat(year, "12m"),
            sources=sources,
            high_lethal_rate=high,
            summary=tuple(_line(s, recent) for s in recent.sources)
            + tuple(
                f"Previous 12 months, {_short(s)}" for s in year.sources if s.covered != "none"
            ),
        )


def _armed_conflict(year: Indicators) -> bool | None:
    """Diakité: armed forces confronting armed groups, or groups confronting each other."""
    ucdp = [s for s in year.sources if s.covered != "none" and s.source != "vdc"]
    if not ucdp:
        return None
    return any(
        s.by_violence_type.get("state-based", 0) + s.by_violence_type.get("non-state", 0) > 0
        for s in ucdp
    )


def _flat(ind: Indicators, suffix: str) -> dict[str, float | int | str | None]:
    out: dict[str, float | int | str | None] = {}
    for s in ind.sources:
        if s.covered == "none":
            out[f"{s.source}.{suffix}"] = "no data"
            continue
        out[f"{s.source}.deaths_best.{suffix}"] = round(s.deaths_best or 0, 1)
        if s.civilian_deaths is not None:
            out[f"{s.source}.civilian_deaths.{suffix}"] = round(s.civilian_deaths, 1)
        if s.per_100k is not None:
            out[f"{s.source}.deaths_per_100k.{suffix}"] = round(s.per_100k, 2)
        out[f"{s.source}.lethal_days.{suffix}"] = s.lethal_days
        if s.events is not None:
            out[f"{s.source}.events.{suffix}"] = s.events
    return out


def _short(s: SourceFigures) -> str:
    parts = [f"{s.title}: {round(s.deaths_best or 0):,} deaths recorded"]
    if s.civilian_deaths is not None:
        parts.append(f"{round(s.civilian_deaths):,} of them civilians")
    if s.per_100k is not None and s.population:
        parts.append(
            f"{s.per_100k:.1f} per 100,000 (population {s.population['population']:,}, "
            f"{s.population['year']})"
        )
    return ", ".join(parts) + ("" if s.covered == "full" else " (period only partly covered)") + "."


def _line(s: SourceFigures, ind: Indicators) -> str:
    if s.covered == "none":
        return f"{s.title}: no data for this period (coverage {s.coverage[0]} to {s.coverage[1]})."
    days = (
        f"; lethal events on {s.lethal_days} of {ind.days} days"
        if s.lethal_days is not None
        else ""
    )
    return f"{ind.days} days to {ind.end}, {_short(s)[:-1]}{days}."
