"""Indicators for an area and a period, per source, with each source's coverage.

A figure always names its source. A period that a source does not cover gives ``None``
("no data"), never 0; a partly covered period is marked ``partial``. Sources are never added
together: where they differ, they are shown side by side. UCDP records who killed civilians
only in one-sided violence (type 3); in two-sided fighting it does not say which side killed
them, so civilian deaths are never attributed there.
"""

from __future__ import annotations

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
        """SQL condition on ``events e`` selecting this area."""
        if self.kind == "country":
            return "e.adm1 IS NOT NULL OR e.where_prec <= 6 OR e.where_prec IS NULL", []
        if self.kind == "governorate":
            return "e.adm1 = ?", [self.code]
        if self.kind == "district":
            return "e.adm2 = ?", [self.code]
        return (
            "(e.where_prec IS NULL OR e.where_prec <= ?) AND 2 * 6371.0088 * asin(sqrt("
            "pow(sin(radians(e.latitude - ?) / 2), 2) + cos(radians(?)) * cos(radians(e.latitude))"
            " * pow(sin(radians(e.longitude - ?) / 2), 2))) <= ?",
            [RADIUS_MAX_PREC, self.lat, self.lat, self.lon, self.radius_km],
        )


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
    for source, title, citation, first, last, civilian, caveat in sources:
        covered = _coverage(start, end, first, last)
        figures = SourceFigures(source, title, citation, (first, last), covered, caveat)  # type: ignore[arg-type]
        out.append(figures)
        if covered == "none":
            continue
        if source == "vdc":
            _vdc(con, area, start, end, by, figures, notes)
        else:
            _events(con, area, start, end, by, figures, bool(civilian))
        _per_100k(con, area, start, figures)
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
    f: SourceFigures,
    civilian: bool,
) -> None:
    cond, args = area.where()
    base = (
        f"FROM events e JOIN event_days d USING (source, event_id) "
        f"WHERE e.source = ? AND d.day BETWEEN ? AND ? AND ({cond})"
    )
    params = [f.source, start, end, *args]
    row = con.execute(
        f"SELECT count(DISTINCT e.event_id), sum(e.best * d.share), sum(e.low * d.share), "
        f"sum(e.high * d.share), sum(e.deaths_civilians * d.share), "
        f"count(DISTINCT CASE WHEN e.best > 0 THEN d.day END) {base}",
        params,
    ).fetchone()
    assert row is not None
    f.events = int(row[0])
    f.deaths_best = float(row[1] or 0)
    f.deaths_low = float(row[2]) if row[2] is not None else (0.0 if f.events == 0 else None)
    f.deaths_high = float(row[3]) if row[3] is not None else (0.0 if f.events == 0 else None)
    f.civilian_deaths = float(row[4] or 0) if civilian else None
    f.lethal_days = int(row[5])
    f.by_violence_type = {
        VIOLENCE.get(t, str(t)): float(v)
        for t, v in con.execute(
            f"SELECT e.type_of_violence, sum(e.best * d.share) {base} GROUP BY 1 ORDER BY 2 DESC",
            params,
        ).fetchall()
        if t is not None
    }
    f.by_side = {
        f"{a} - {b}": float(v)
        for a, b, v in con.execute(
            f"SELECT e.side_a, e.side_b, sum(e.best * d.share) {base} GROUP BY 1, 2 "
            f"ORDER BY 3 DESC LIMIT 12",
            params,
        ).fetchall()
    }
    f.one_sided_by_perpetrator = {
        a: float(v)
        for a, v in con.execute(
            f"SELECT e.side_a, sum(e.best * d.share) {base} AND e.type_of_violence = 3 "
            f"GROUP BY 1 ORDER BY 2 DESC",
            params,
        ).fetchall()
    }
    if by:
        bucket = "strftime(d.day, '%Y-%m')" if by == "month" else "strftime(d.day, '%Y-%m-%d')"
        f.series = {
            k: float(v)
            for k, v in con.execute(
                f"SELECT {bucket}, sum(e.best * d.share) {base} GROUP BY 1 ORDER BY 1", params
            ).fetchall()
        }


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


def _per_100k(con: duckdb.DuckDBPyConnection, area: Area, start: date, f: SourceFigures) -> None:
    if f.deaths_best is None or area.kind not in ("governorate", "country"):
        return
    cond, args = ("adm1 = ?", [area.code]) if area.kind == "governorate" else ("TRUE", [])
    row = con.execute(
        f"SELECT year, sum(population), min(source) FROM population WHERE {cond} AND year = "
        f"(SELECT coalesce(max(year) FILTER (WHERE year <= ?), min(year)) FROM population "
        f"WHERE {cond} AND (? = 'governorate' OR year = 2011)) GROUP BY year",
        [*args, start.year, *args, area.kind],
    ).fetchone()
    if row is None or not row[1]:
        return
    f.population = {"year": int(row[0]), "population": int(row[1]), "source": row[2]}
    f.per_100k = f.deaths_best / int(row[1]) * 100_000
