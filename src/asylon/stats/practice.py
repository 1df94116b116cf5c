"""Asylum practice towards Syrians per country of asylum and year, from UNHCR's tables.

Pure: takes :class:`~asylon.stats.unhcr.UnhcrTables` and returns frozen dataclasses with a
``to_dict()`` for JSON. Every figure follows :mod:`asylon.stats.definitions` (printed with
the output): decisions by type, the total recognition rate and the refugee-status rate
(otherwise-closed decisions excluded from the denominator, as UNHCR does), applications and
end-year stocks. Russia's temporary asylum is reported as such
(:mod:`asylon.stats.temporary_asylum`).

Source: UNHCR Refugee Data Finder, CC BY 4.0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import pycountry

from asylon.stats import temporary_asylum
from asylon.stats.definitions import DEFINITIONS
from asylon.stats.unhcr import (
    ATTRIBUTION,
    SOURCE_NOTE,
    ApplicationRecord,
    DecisionRecord,
    UnhcrTables,
)

Unit = Literal["persons", "cases"]
UNITS: dict[str, Unit] = {"P": "persons", "C": "cases"}
APPLICATION_TYPES = {
    "N": "new",
    "R": "repeat",
    "A": "appeal",
    "NA": "new and appeal (not separated)",
    "NR": "new and repeat (not separated)",
}


def country_code(text: str) -> str:
    """ISO 3166-1 alpha-3 for a code or name (``RU``, ``RUS``, ``Russian Federation``)."""
    value = text.strip()
    country = (
        pycountry.countries.get(alpha_2=value.upper())
        if len(value) == 2
        else pycountry.countries.get(alpha_3=value.upper())
        if len(value) == 3
        else None
    )
    if country is None:
        try:
            country = pycountry.countries.lookup(value)
        except LookupError:
            raise ValueError(f"unknown country: {text!r}") from None
    return str(country.alpha_3)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class LevelDecisions:
    """Decisions of one procedure type and decision level (one UNHCR row), as counted."""

    procedure_type: str
    level: str
    unit: Unit
    recognised: int
    complementary: int
    temporary_asylum: int
    rejected: int
    otherwise_closed: int
    total_reported: int

    @property
    def total(self) -> int:
        return (
            self.recognised
            + self.complementary
            + self.temporary_asylum
            + self.rejected
            + self.otherwise_closed
        )


def count_row(record: DecisionRecord) -> LevelDecisions:
    """One UNHCR row as Asylon counts it: TA grants become temporary asylum."""
    ta = temporary_asylum.is_temporary_asylum(record)
    return LevelDecisions(
        procedure_type=record.procedure_type,
        level=record.level,
        unit=UNITS.get(record.unit, "persons"),
        recognised=0 if ta else record.recognized,
        complementary=0 if ta else record.other,
        temporary_asylum=temporary_asylum.grants(record),
        rejected=record.rejected,
        otherwise_closed=record.closed,
        total_reported=record.total_reported,
    )


#: the kinds of decision a :class:`Decisions` counts, in the order the charts stack them
DECISION_KINDS = ("recognised", "complementary", "temporary_asylum", "rejected", "otherwise_closed")


@dataclass(frozen=True)
class Decisions:
    """Decisions on Syrians' applications in one country of asylum and year."""

    country: str
    year: int
    unit: Unit
    recognised: int
    complementary: int
    temporary_asylum: int
    rejected: int
    otherwise_closed: int
    total_reported: int
    by_level: tuple[LevelDecisions, ...]
    other_unit: tuple[LevelDecisions, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return (
            self.recognised
            + self.complementary
            + self.temporary_asylum
            + self.rejected
            + self.otherwise_closed
        )

    @property
    def substantive(self) -> int:
        """All decisions except those otherwise closed: the rates' denominator."""
        return self.recognised + self.complementary + self.temporary_asylum + self.rejected

    @property
    def otherwise_closed_share(self) -> float | None:
        """Otherwise closed / all decisions: how much the rates leave out."""
        return _rate(self.otherwise_closed, self.total)

    @property
    def total_recognition_rate(self) -> float | None:
        """(refugee status + complementary + temporary asylum) / substantive decisions."""
        return _rate(self.recognised + self.complementary + self.temporary_asylum, self.substantive)

    @property
    def refugee_status_rate(self) -> float | None:
        """Refugee status / substantive decisions; temporary asylum is not refugee status."""
        return _rate(self.recognised, self.substantive)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for name in ("total", "substantive"):
            out[name] = getattr(self, name)
        for name in ("total_recognition_rate", "refugee_status_rate", "otherwise_closed_share"):
            value = getattr(self, name)
            out[name] = None if value is None else round(value, 4)
        for key in ("by_level", "other_unit"):
            for level, row in zip(out[key], getattr(self, key), strict=True):
                level["total"] = row.total
        out["by_level"] = list(out["by_level"])
        out["other_unit"] = list(out["other_unit"])
        out["notes"] = list(self.notes)
        return out


def decisions(records: Iterable[DecisionRecord], country: str, year: int) -> Decisions | None:
    """Decisions for ``country`` (ISO alpha-3) in ``year``, all levels and procedures summed;
    ``None`` when UNHCR has no decision row. Persons are preferred: rows in cases are kept
    apart (:data:`~asylon.stats.definitions.DEFINITIONS`, "unit")."""
    rows = sorted(
        (r for r in records if r.country == country and r.year == year),
        key=lambda r: (r.procedure_type, r.level, r.unit),
    )
    if not rows:
        return None
    unit_code = "P" if any(r.unit == "P" for r in rows) else "C"
    kept = [r for r in rows if r.unit == unit_code]
    apart = [count_row(r) for r in rows if r.unit != unit_code]
    levels = tuple(count_row(r) for r in kept)
    notes: list[str] = [temporary_asylum.recoding_note(r) for r in kept if r.level == "TA"]
    if apart:
        notes.append(
            "Levels reported in cases ("
            + ", ".join(f"{r.procedure_type}/{r.level}: {r.total}" for r in apart)
            + ") are not added to the figures in persons."
        )
    if unit_code == "C":
        notes.append("No figures in persons for this year: all figures are cases.")
    names = (
        "recognised",
        "complementary",
        "temporary_asylum",
        "rejected",
        "otherwise_closed",
        "total_reported",
    )
    summed = {name: sum(getattr(level, name) for level in levels) for name in names}
    total = sum(summed[name] for name in names[:-1])
    if total != summed["total_reported"]:
        notes.append(
            f"UNHCR's reported total ({summed['total_reported']}) differs from the sum of the "
            f"decisions by type ({total}), from its rounding of small figures; the sum is used."
        )
    notes.extend(_closed_notes(summed["rejected"], summed["otherwise_closed"], total))
    notes.extend(_procedure_notes(levels))
    return Decisions(
        country=country,
        year=year,
        unit=UNITS[unit_code],
        by_level=levels,
        other_unit=tuple(apart),
        notes=tuple(notes),
        **summed,
    )


def _closed_notes(rejected: int, closed: int, total: int) -> list[str]:
    """Warn where otherwise-closed decisions are most of the total: the rates leave them out,
    so a country that closes applications instead of rejecting them shows a high rate."""
    if not total or closed * 2 < total:
        return []
    text = (
        f"{closed} of {total} decisions ({closed / total:.0%}) were otherwise closed; the "
        "rates leave them out, as UNHCR does"
    )
    if rejected == 0:
        text += ", and no rejection is recorded, so the rates describe only the few decisions on the substance"
    return [text + "."]


def _procedure_notes(levels: Sequence[LevelDecisions]) -> list[str]:
    by_procedure: dict[str, int] = defaultdict(int)
    for level in levels:
        by_procedure[level.procedure_type] += level.total
    if set(by_procedure) <= {"G"}:
        return []
    names = {"G": "the government", "J": "the government and UNHCR jointly", "U": "UNHCR"}
    parts = [f"{n} by {names.get(p, p)}" for p, n in sorted(by_procedure.items())]
    return [
        "Decisions taken "
        + ", ".join(parts)
        + " (procedure U is UNHCR's refugee status determination under its mandate)."
    ]


@dataclass(frozen=True)
class Applications:
    """Asylum applications lodged by Syrians in one country of asylum and year."""

    country: str
    year: int
    unit: Unit
    total: int
    new: int
    repeat: int
    by_type: dict[str, int] = field(default_factory=dict)
    temporary_asylum: int = 0
    other_unit: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["notes"] = list(self.notes)
        return out


def applications(
    records: Iterable[ApplicationRecord], country: str, year: int
) -> Applications | None:
    """Applications for ``country`` in ``year`` by type (N new, R repeat, ...), persons
    preferred over cases as for decisions; applications at level TA (temporary asylum) are
    also counted apart."""
    rows = [r for r in records if r.country == country and r.year == year]
    if not rows:
        return None
    unit_code = "P" if any(r.unit == "P" for r in rows) else "C"
    by_type: dict[str, int] = defaultdict(int)
    other: dict[str, int] = defaultdict(int)
    for r in rows:
        if r.unit == unit_code:
            by_type[r.app_type] += r.applied
        else:
            other[r.app_type] += r.applied
    notes = []
    if other:
        notes.append(f"Applications reported in cases ({dict(other)}) are not added to persons.")
    unknown = sorted(set(by_type) - set(APPLICATION_TYPES))
    if unknown:
        notes.append(
            f"Application types {', '.join(unknown)} are kept as UNHCR records them; the "
            "package does not document them."
        )
    ta = sum(r.applied for r in rows if r.unit == unit_code and r.level == "TA")
    if ta:
        notes.append(
            f"{ta} of these applications were for temporary asylum (level TA), "
            "not for refugee status."
        )
    return Applications(
        country=country,
        year=year,
        unit=UNITS[unit_code],
        total=sum(by_type.values()),
        new=by_type.get("N", 0),
        repeat=by_type.get("R", 0),
        by_type=dict(sorted(by_type.items())),
        temporary_asylum=ta,
        other_unit=dict(sorted(other.items())),
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class Stocks:
    """End-year stocks of Syrians in one country of asylum (UNHCR population table)."""

    country: str
    year: int
    refugees: int
    asylum_seekers: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def stocks(tables: UnhcrTables, country: str, year: int) -> Stocks | None:
    for r in tables.population:
        if r.country == country and r.year == year:
            return Stocks(country, year, r.refugees, r.asylum_seekers)
    return None


@dataclass(frozen=True)
class PracticeYear:
    """Everything UNHCR publishes on Syrians in one country of asylum and year."""

    country: str
    country_name: str
    year: int
    decisions: Decisions | None
    applications: Applications | None
    stocks: Stocks | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "country_name": self.country_name,
            "year": self.year,
            "decisions": self.decisions.to_dict() if self.decisions else None,
            "applications": self.applications.to_dict() if self.applications else None,
            "stocks": self.stocks.to_dict() if self.stocks else None,
        }

    def row(self) -> dict[str, Any]:
        """One flat line for a comparison table (``None`` where UNHCR has no figure)."""
        d, a, s = self.decisions, self.applications, self.stocks
        trr = d.total_recognition_rate if d else None
        rsr = d.refugee_status_rate if d else None
        return {
            "country": self.country,
            "country_name": self.country_name,
            "year": self.year,
            "unit": d.unit if d else None,
            "recognised": d.recognised if d else None,
            "complementary": d.complementary if d else None,
            "temporary_asylum": d.temporary_asylum if d else None,
            "rejected": d.rejected if d else None,
            "otherwise_closed": d.otherwise_closed if d else None,
            "total_decisions": d.total if d else None,
            "total_recognition_rate": None if trr is None else round(trr, 4),
            "refugee_status_rate": None if rsr is None else round(rsr, 4),
            "applications": a.total if a else None,
            "new_applications": a.new if a else None,
            "refugees": s.refugees if s else None,
            "asylum_seekers": s.asylum_seekers if s else None,
        }


def practice_year(tables: UnhcrTables, country: str, year: int) -> PracticeYear:
    code = country_code(country)
    return PracticeYear(
        country=code,
        country_name=tables.country_name(code),
        year=year,
        decisions=decisions(tables.decisions, code, year),
        applications=applications(tables.applications, code, year),
        stocks=stocks(tables, code, year),
    )


@dataclass(frozen=True)
class Comparison:
    """Countries of asylum side by side over a range of years, with definitions and source."""

    countries: tuple[str, ...]
    first_year: int
    last_year: int
    years: tuple[PracticeYear, ...]

    def rows(self) -> list[dict[str, Any]]:
        return [y.row() for y in self.years]

    def notes(self) -> list[str]:
        return [n for y in self.years if y.decisions for n in y.decisions.notes] + [
            n for y in self.years if y.applications for n in y.applications.notes
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "asylon.asylum-practice/1",
            "origin": "SYR",
            "countries": list(self.countries),
            "years": [self.first_year, self.last_year],
            "columns": list(self.rows()[0]) if self.years else [],
            "rows": self.rows(),
            "detail": [y.to_dict() for y in self.years],
            "notes": self.notes(),
            "definitions": [d.to_dict() for d in DEFINITIONS],
            "source": SOURCE_NOTE,
            "attribution": ATTRIBUTION,
        }


def compare(
    tables: UnhcrTables, countries: Sequence[str], first_year: int, last_year: int
) -> Comparison:
    """A table of ``countries`` (codes or names) for every year from ``first_year`` to
    ``last_year`` inclusive, one line per country and year, in the order given."""
    if last_year < first_year:
        raise ValueError(f"last year {last_year} is before first year {first_year}")
    codes = tuple(country_code(c) for c in countries)
    years = tuple(
        practice_year(tables, code, year)
        for code in codes
        for year in range(first_year, last_year + 1)
    )
    return Comparison(codes, first_year, last_year, years)


def series(tables: UnhcrTables, country: str, first_year: int, last_year: int) -> Comparison:
    """One country over a range of years (a one-country :func:`compare`)."""
    return compare(tables, [country], first_year, last_year)
