"""Documented deaths in Syria by governorate, month and cause, each source on its own.

Reads the country-evidence store (:mod:`asylon.evidence.store`, built by ``asylon evidence
build``) through its DuckDB connection; it adds only the grouped queries a statistics report
needs. Following :mod:`asylon.evidence.indicators`: a figure always names its source, sources
are never added together, and a month a source does not cover is absent ("no data"), never 0.

Sources and their caveats (``data/vdc-syria-casualties/PROVENANCE.md``,
``data/ucdp-ged-syria/PROVENANCE.md``; the store's ``sources`` table carries them):

- **VDC** (Violations Documentation Center in Syria): recorded deaths per day by governorate
  and, separately, by cause, from a 2019 scrape; all statuses (civilian, non-civilian,
  regime) counted; incomplete, ends August 2018, below VDC's own totals; causes exist only
  for the whole country, not per governorate. Research material, not VDC's official figures.
- **UCDP GED** (Uppsala Conflict Data Program): events with best/low/high death estimates.
  The 2016-2019 Syria release has every clear event; the GED 21.1 extract (2011-2020) keeps
  only events located within 25 km, so it undercounts. Multi-day events are spread evenly
  over their days; events located only to the country are "not located" by governorate.
  UCDP has no cause of death; its nearest breakdown is the type of violence (state-based,
  non-state, one-sided).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import duckdb

By = Literal["governorate", "month", "cause"]
NOT_LOCATED = "not located"
VIOLENCE = {1: "state-based", 2: "non-state", 3: "one-sided"}


@dataclass(frozen=True)
class Source:
    source: str
    title: str
    citation: str
    licence: str
    coverage_from: date | None
    coverage_to: date | None
    caveat: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "citation": self.citation,
            "licence": self.licence,
            "coverage": [
                self.coverage_from.isoformat() if self.coverage_from else None,
                self.coverage_to.isoformat() if self.coverage_to else None,
            ],
            "caveat": self.caveat,
        }


@dataclass(frozen=True)
class DeathTable:
    """Deaths recorded by one source, grouped by ``by`` (keys in the order of ``by``)."""

    source: Source
    by: tuple[By, ...]
    start: date
    end: date
    rows: tuple[tuple[tuple[str, ...], float], ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> float:
        return sum(v for _, v in self.rows)

    def as_dict(self) -> dict[tuple[str, ...], float]:
        return dict(self.rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "asylon.deaths/1",
            "source": self.source.to_dict(),
            "by": list(self.by),
            "period": [self.start.isoformat(), self.end.isoformat()],
            "rows": [
                {**dict(zip(self.by, k, strict=True)), "deaths": round(v, 2)} for k, v in self.rows
            ],
            "total": round(self.total, 2),
            "notes": list(self.notes),
        }


def sources(con: duckdb.DuckDBPyConnection) -> list[Source]:
    """Every source in the store with its coverage and caveat."""
    return [
        Source(s, t or "", c or "", lic or "", first, last, cav or "")
        for s, t, c, lic, first, last, cav in con.execute(
            "SELECT source, title, citation, licence, coverage_from, coverage_to, caveat "
            "FROM sources ORDER BY source"
        ).fetchall()
    ]


def _source(con: duckdb.DuckDBPyConnection, name: str) -> Source:
    for s in sources(con):
        if s.source == name:
            return s
    raise ValueError(f"no source {name!r} in the evidence store")


def _clip(source: Source, start: date, end: date) -> tuple[date, date, list[str]]:
    notes = []
    first = source.coverage_from or start
    last = source.coverage_to or end
    if first > start or last < end:
        notes.append(
            f"{source.source} covers {first.isoformat()} to {last.isoformat()} only; "
            "outside that span there is no data (not zero)."
        )
    return max(start, first), min(end, last), notes


def vdc(
    con: duckdb.DuckDBPyConnection, start: date, end: date, by: tuple[By, ...] = ("governorate",)
) -> DeathTable:
    """VDC recorded deaths from ``start`` to ``end`` inclusive, by governorate and/or month,
    or by cause and/or month (VDC's causes are not broken down by governorate)."""
    if "cause" in by and "governorate" in by:
        raise ValueError("VDC records causes of death for the whole country only")
    if end < start:
        raise ValueError("end is before start")
    source = _source(con, "vdc")
    lo, hi, notes = _clip(source, start, end)
    table = "vdc_causes" if "cause" in by else "vdc_deaths"
    columns = {"governorate": "adm1", "month": "strftime(day, '%Y-%m')", "cause": "cause"}
    keys = [columns[b] for b in by]
    select = ", ".join(keys) or "'all'"
    group = _group(len(keys))
    rows = con.execute(
        f"SELECT {select}, sum(deaths) FROM {table} WHERE day BETWEEN ? AND ? {group}",
        [lo, hi],
    ).fetchall()
    notes.append(
        "VDC counts all recorded deaths (civilian, non-civilian and regime), from an "
        "incomplete 2019 scrape: research material, below VDC's own totals."
    )
    if "governorate" in by:
        notes.append("Governorates are OCHA p-codes (SY01 Damascus ... SY14).")
    return DeathTable(source, by, start, end, _rows(rows, len(keys)), tuple(notes))


def ucdp(
    con: duckdb.DuckDBPyConnection,
    source: str,
    start: date,
    end: date,
    by: tuple[By, ...] = ("governorate",),
) -> DeathTable:
    """UCDP best-estimate deaths of ``source`` by governorate and/or month; ``cause`` gives
    UCDP's type of violence, the nearest it has to a cause."""
    if end < start:
        raise ValueError("end is before start")
    info = _source(con, source)
    lo, hi, notes = _clip(info, start, end)
    columns = {
        "governorate": f"coalesce(adm1, '{NOT_LOCATED}')",
        "month": "strftime(day, '%Y-%m')",
        "cause": "CAST(type_of_violence AS VARCHAR)",
    }
    keys = [columns[b] for b in by]
    select = ", ".join(keys) or "'all'"
    group = _group(len(keys))
    rows = con.execute(
        f"SELECT {select}, sum(best) FROM event_days WHERE source = ? AND day BETWEEN ? AND ? "
        f"{group}",
        [source, lo, hi],
    ).fetchall()
    if "cause" in by:
        at = by.index("cause")
        rows = [
            (*r[:at], VIOLENCE.get(int(r[at]), r[at]) if r[at] else "unknown", *r[at + 1 :])
            for r in rows
        ]
        notes.append("UCDP records no cause of death; 'cause' is UCDP's type of violence.")
    notes.append(
        "UCDP best estimates; multi-day events are spread evenly over their days, so "
        "figures can have fractions."
    )
    if info.caveat:
        notes.append(info.caveat)
    if "governorate" in by:
        notes.append(
            f"'{NOT_LOCATED}': events whose location is too imprecise to place in a governorate."
        )
    return DeathTable(info, by, start, end, _rows(rows, len(keys)), tuple(notes))


def _group(width: int) -> str:
    numbers = ", ".join(str(i + 1) for i in range(width))
    return f"GROUP BY {numbers} ORDER BY {numbers}" if width else ""


def _rows(rows: list[Any], width: int) -> tuple[tuple[tuple[str, ...], float], ...]:
    out = []
    for r in rows:
        if r[-1] is None:
            continue
        key = tuple(str(k) for k in r[:width]) if width else ("all",)
        out.append((key, float(r[-1])))
    return tuple(out)


def documented(
    con: duckdb.DuckDBPyConnection, start: date, end: date, by: tuple[By, ...]
) -> list[DeathTable]:
    """One table per source that covers some of the period (VDC and each UCDP source), side
    by side and never added together. VDC by governorate and cause cannot be crossed, so a
    request for both gives VDC by cause only."""
    out: list[DeathTable] = []
    for s in sources(con):
        first, last = s.coverage_from, s.coverage_to
        if first is not None and last is not None and (last < start or first > end):
            continue
        if s.source == "vdc":
            vdc_by = tuple(b for b in by if b != "governorate") if "cause" in by else by
            out.append(vdc(con, start, end, vdc_by))
        else:
            out.append(ucdp(con, s.source, start, end, by))
    return out
