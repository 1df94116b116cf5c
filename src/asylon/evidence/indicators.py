"""Indicators for an area and a period, per source, with each source's coverage.

A figure always names its source. A period that a source does not cover gives ``None``
("no data"), never 0; a partly covered period is marked ``partial``. Sources are never added
together: where they differ, they are shown side by side. UCDP records who killed civilians
only in one-sided violence (type 3); in two-sided fighting it does not say which side killed
them, so civilian deaths are never attributed there.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import duckdb

RADIUS_MAX_PREC = 2  # events located exactly or within 25 km (UCDP where_prec 1-2)
VIOLENCE = {1: "state-based", 2: "non-state", 3: "one-sided"}


@dataclass(frozen=True)
class Area:
    """A country, a governorate or district (OCHA p-code), or a radius around a point."""

    kind: Literal["country", "governorate", "district", "radius"]
    code: str
    label: str
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None

    def where(self) -> tuple[str, list[Any]]:
        """SQL condition selecting this area, on ``events`` or ``event_days`` columns."""
        if self.kind == "country":
            return "(adm1 IS NOT NULL OR where_prec <= 6 OR where_prec IS NULL)", []
        if self.kind == "governorate":
            return "adm1 = ?", [self.code]
        if self.kind == "district":
            return "adm2 = ?", [self.code]
        assert self.lat is not None and self.lon is not None and self.radius_km is not None
        dlat = self.radius_km / 110.574
        dlon = self.radius_km / (111.320 * max(math.cos(math.radians(self.lat)), 0.01))
        return (
            "(where_prec IS NULL OR where_prec <= ?) "
            "AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ? "
            "AND 2 * 6371.0088 * asin(sqrt(pow(sin(radians(latitude - ?) / 2), 2) "
            "+ cos(radians(?)) * cos(radians(latitude)) * pow(sin(radians(longitude - ?) / 2), 2)"
            ")) <= ?",
            [
                RADIUS_MAX_PREC,
                self.lat - dlat,
                self.lat + dlat,
                self.lon - dlon,
                self.lon + dlon,
                self.lat,
                self.lat,
                self.lon,
                self.radius_km,
            ],
        )


class AreaError(ValueError):
    """A place and radius that do not make an area; ``field`` is "place" or "radius_km"."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def resolve_area(query: str, kind: str | None = None, radius_km: float | None = None) -> Area:
    """The area a user names: a p-code, town code or name (any script), or ``lat,lon`` with a
    radius. With a radius an ambiguous name means the town (a radius needs coordinates); a town
    without a radius, or a country other than Syria, is an error. Unknown or ambiguous names
    raise the gazetteer's :class:`~asylon.evidence.gazetteer.PlaceError`."""
    from asylon.evidence.gazetteer import Gazetteer

    parts = query.split(",")
    if len(parts) == 2 and all(_is_number(p) for p in parts):
        lat, lon = float(parts[0]), float(parts[1])
        if radius_km is None:
            raise AreaError("radius_km", "a radius is required around a point")
        return Area(
            "radius", f"{lat},{lon}", f"{radius_km:g} km around {lat},{lon}", lat, lon, radius_km
        )
    place = Gazetteer.load().lookup(
        query, country=None, kind=kind or ("city" if radius_km is not None else None)
    )
    if radius_km is not None:
        if place.lat is None or place.lon is None:
            raise AreaError(
                "place", f"{place.label()} has no coordinates; a radius needs a city or a point"
            )
        return Area(
            "radius",
            place.code,
            f"{radius_km:g} km around {place.name_en}",
            place.lat,
            place.lon,
            radius_km,
        )
    if place.kind == "city":
        raise AreaError(
            "place",
            f"{place.label()} is a town: give a radius, or name its district or governorate",
        )
    if place.kind == "country" and place.code != "SY":
        raise AreaError("place", f"no conflict-event data for {place.label()}")
    return Area(
        "country" if place.kind == "country" else place.kind,  # type: ignore[arg-type]
        place.code,
        place.name_en,
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass
class SourceFigures:
    source: str
    title: str
    citation: str
    coverage: tuple[date | None, date | None]
    covered: Literal["full", "partial", "none"]
    caveat: str
    events: int | None = None
    deaths_best: float | None = None
    deaths_low: float | None = None
    deaths_high: float | None = None
    civilian_deaths: float | None = None
    one_sided_by_perpetrator: dict[str, float] = field(default_factory=dict)
    by_violence_type: dict[str, float] = field(default_factory=dict)
    by_side: dict[str, float] = field(default_factory=dict)
    lethal_days: int | None = None
    by_cause: dict[str, float] = field(default_factory=dict)
    series: dict[str, float] = field(default_factory=dict)
    per_100k: float | None = None
    population: dict[str, Any] | None = None


@dataclass
class Indicators:
    area: Area
    start: date
    end: date
    days: int
    sources: list[SourceFigures]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        def clean(v: Any) -> Any:
            if isinstance(v, float):
                return round(v, 2)
            if isinstance(v, date):
                return v.isoformat()
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, list | tuple):
                return [clean(x) for x in v]
            return v

        return {
            "format": "asylon.indicators/1",
            "area": {
                "kind": self.area.kind,
                "code": self.area.code,
                "label": self.area.label,
                "radius_km": self.area.radius_km,
            },
            "period": [self.start.isoformat(), self.end.isoformat()],
            "days": self.days,
            "sources": [clean(s.__dict__) for s in self.sources],
            "notes": self.notes,
        }


def _coverage(start: date, end: date, first: date | None, last: date | None) -> str:
    if first is None or last is None or end < first or start > last:
        return "none"
    return "full" if first <= start and end <= last else "partial"


def compute(
    con: duckdb.DuckDBPyConnection,
    area: Area,
    start: date,
    end: date,
    by: Literal["day", "month"] | None = None,
) -> Indicators:
    """Figures for ``area`` from ``start`` to ``end`` inclusive, one block per source."""
    if end < start:
        raise ValueError(f"to ({end}) is before from ({start})")
    days = (end - start).days + 1
    notes: list[str] = []
    sources = con.execute(
        "SELECT source, title, citation, coverage_from, coverage_to, civilian_deaths, "
        "coalesce(caveat, '') FROM sources ORDER BY source"
    ).fetchall()
    out: list[SourceFigures] = []
    ucdp: dict[str, tuple[SourceFigures, bool]] = {}
    for source, title, citation, first, last, civilian, caveat in sources:
        covered = _coverage(start, end, first, last)
        figures = SourceFigures(source, title, citation, (first, last), covered, caveat)  # type: ignore[arg-type]
        out.append(figures)
        if covered == "none":
            continue
        if source == "vdc":
            _vdc(con, area, start, end, by, figures, notes)
        else:
            ucdp[source] = (figures, bool(civilian))
    if ucdp:
        _events(con, area, start, end, by, ucdp)
    population = con.execute("SELECT adm1, year, population, source FROM population").fetchall()
    for figures in out:
        _per_100k(population, area, start, figures)
    if area.kind == "radius":
        notes.append(
            f"Radius queries count only events located within 25 km (UCDP where_prec "
            f"1-{RADIUS_MAX_PREC}); events known only to a district or governorate are "
            "left out."
        )
    notes.append(
        "UCDP does not attribute civilian deaths in two-sided fighting to either side; "
        "only one-sided violence names the perpetrator."
    )
    return Indicators(area, start, end, days, out, notes)


def _events(
    con: duckdb.DuckDBPyConnection,
    area: Area,
    start: date,
    end: date,
    by: str | None,
    wanted: dict[str, tuple[SourceFigures, bool]],
) -> None:
    """All event-based sources at once: one statement for totals, one for the breakdowns."""
    cond, args = area.where()
    names = list(wanted)
    marks = ", ".join("?" for _ in names)
    base = f"FROM event_days WHERE source IN ({marks}) AND day BETWEEN ? AND ? AND {cond}"
    params = [*names, start, end, *args]
    for f, civilian in wanted.values():
        f.events, f.deaths_best, f.lethal_days = 0, 0.0, 0
        f.deaths_low = f.deaths_high = 0.0
        f.civilian_deaths = 0.0 if civilian else None
    for source, events, best, low, high, civ, lethal in con.execute(
        f"SELECT source, count(DISTINCT event_id), sum(best), sum(low), sum(high), "
        f"sum(civilians), count(DISTINCT CASE WHEN best > 0 THEN day END) {base} GROUP BY 1",
        params,
    ).fetchall():
        f, civilian = wanted[source]
        f.events, f.deaths_best, f.lethal_days = int(events), float(best or 0), int(lethal)
        f.deaths_low = float(low) if low is not None else None
        f.deaths_high = float(high) if high is not None else None
        f.civilian_deaths = float(civ or 0) if civilian else None
    types: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    sides: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    one_sided: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for source, violence, side_a, side_b, deaths in con.execute(
        f"SELECT source, type_of_violence, side_a, side_b, sum(best) {base} GROUP BY 1, 2, 3, 4",
        params,
    ).fetchall():
        deaths = float(deaths or 0)
        if violence is not None:
            types[source][VIOLENCE.get(violence, str(violence))] += deaths
        sides[source][f"{side_a} - {side_b}"] += deaths
        if violence == 3:
            one_sided[source][str(side_a)] += deaths
    for source, (f, _) in wanted.items():
        f.by_violence_type = _top(types[source])
        f.by_side = _top(sides[source], 12)
        f.one_sided_by_perpetrator = _top(one_sided[source])
    if by:
        bucket = "strftime(day, '%Y-%m')" if by == "month" else "strftime(day, '%Y-%m-%d')"
        for source, key, deaths in con.execute(
            f"SELECT source, {bucket}, sum(best) {base} GROUP BY 1, 2 ORDER BY 1, 2", params
        ).fetchall():
            wanted[source][0].series[key] = float(deaths or 0)


def _top(table: dict[str, float], limit: int | None = None) -> dict[str, float]:
    ranked = sorted(table.items(), key=lambda kv: (-kv[1], kv[0]))
    return dict(ranked[:limit] if limit else ranked)


def _vdc(
    con: duckdb.DuckDBPyConnection,
    area: Area,
    start: date,
    end: date,
    by: str | None,
    f: SourceFigures,
    notes: list[str],
) -> None:
    if area.kind in ("district", "radius"):
        f.covered = "none"
        f.caveat = "VDC counts are by governorate only."
        return
    cond, args = ("adm1 = ?", [area.code]) if area.kind == "governorate" else ("TRUE", [])
    params = [start, end, *args]
    row = con.execute(
        f"SELECT sum(deaths), count(DISTINCT day) FROM vdc_deaths WHERE day "
        f"BETWEEN ? AND ? AND {cond}",
        params,
    ).fetchone()
    assert row is not None
    f.deaths_best, f.lethal_days = float(row[0] or 0), int(row[1])
    if area.kind == "country":
        f.by_cause = {
            c: float(v)
            for c, v in con.execute(
                "SELECT cause, sum(deaths) FROM vdc_causes WHERE day BETWEEN ? AND ? GROUP BY 1 "
                "ORDER BY 2 DESC",
                [start, end],
            ).fetchall()
        }
    else:
        notes.append("VDC causes of death are recorded for the whole country only.")
    if by:
        bucket = "strftime(day, '%Y-%m')" if by == "month" else "strftime(day, '%Y-%m-%d')"
        f.series = {
            k: float(v)
            for k, v in con.execute(
                f"SELECT {bucket}, sum(deaths) FROM vdc_deaths WHERE day BETWEEN ? AND ? AND {cond} "
                f"GROUP BY 1 ORDER BY 1",
                params,
            ).fetchall()
        }


def _per_100k(population: list[tuple[Any, ...]], area: Area, start: date, f: SourceFigures) -> None:
    """Deaths per 100,000 against the latest population figure not after the period's start
    (else the earliest), for a governorate or the whole country (2011, the only full year)."""
    if f.deaths_best is None or area.kind not in ("governorate", "country"):
        return
    rows = [r for r in population if area.kind == "country" or r[0] == area.code]
    years = sorted({int(r[1]) for r in rows})
    if area.kind == "country":
        years = [2011] if 2011 in years else []
    if not years:
        return
    year = max((y for y in years if y <= start.year), default=years[0])
    chosen = [r for r in rows if int(r[1]) == year]
    total = sum(int(r[2]) for r in chosen)
    f.population = {"year": year, "population": total, "source": min(str(r[3]) for r in chosen)}
    f.per_100k = f.deaths_best / total * 100_000
