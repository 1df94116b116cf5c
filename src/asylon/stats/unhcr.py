"""The UNHCR Refugee Data Finder tables for Syrians, read from the shipped ``data/`` folder.

Source: UNHCR Refugee Population Statistics Database ("UNHCR Refugee Data Finder"), CC BY 4.0,
as packaged in UNHCR's R package ``refugees`` (see ``data/unhcr-syria-asylum/PROVENANCE.md``).
Three tables, filtered to country of origin Syria (``coo_iso == "SYR"``):

- asylum decisions: one row per year, country of asylum, procedure type (G government,
  J joint, U UNHCR), decision level (``dec_level``) and unit (``dec_pc``: P persons, C cases);
- asylum applications: the same keys plus the application type (``app_type``);
- population: one row per year and country of asylum (refugees, asylum seekers, ...).

This is the only module of :mod:`asylon.stats` that reads these files; everything computed
from them is in :mod:`asylon.stats.practice`. Values are kept exactly as published (UNHCR
rounds small figures to 5 in some years, so components may not add up to ``dec_total``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from asylon.paths import data_dir

FOLDER = "unhcr-syria-asylum"
DECISIONS_FILE = "unhcr_asylum_decisions_origin_syria.csv"
APPLICATIONS_FILE = "unhcr_asylum_applications_origin_syria.csv"
POPULATION_FILE = "unhcr_population_origin_syria.csv"
ATTRIBUTION = "UNHCR Refugee Data Finder (UNHCR Refugee Population Statistics Database), CC BY 4.0"
SOURCE_NOTE = (
    "UNHCR Refugee Data Finder, tables asylum_decisions, asylum_applications and population, "
    "country of origin Syrian Arab Rep. (R package 'refugees' 2025.12.1, data update 2025.12.2)."
)


@dataclass(frozen=True)
class DecisionRecord:
    """One row of UNHCR's asylum-decisions table, as published."""

    year: int
    country: str  # ISO 3166-1 alpha-3 of the country of asylum (coa_iso)
    country_name: str
    procedure_type: str  # G government, J joint, U UNHCR
    level: str  # dec_level: FI, AR, TA, ...
    unit: str  # dec_pc: P persons, C cases
    recognized: int
    other: int  # complementary protection (and, for Russia's TA rows up to 2018, temporary asylum)
    rejected: int
    closed: int
    total_reported: int


@dataclass(frozen=True)
class ApplicationRecord:
    """One row of UNHCR's asylum-applications table, as published."""

    year: int
    country: str
    country_name: str
    procedure_type: str
    app_type: str  # N new, R repeat, A appeal, ... (see practice.APPLICATION_TYPES)
    level: str
    unit: str
    applied: int


@dataclass(frozen=True)
class PopulationRecord:
    """One row of UNHCR's population table (end-year stocks), as published."""

    year: int
    country: str
    country_name: str
    refugees: int
    asylum_seekers: int


@dataclass(frozen=True)
class UnhcrTables:
    decisions: tuple[DecisionRecord, ...]
    applications: tuple[ApplicationRecord, ...]
    population: tuple[PopulationRecord, ...]

    def country_name(self, country: str) -> str:
        for table in (self.population, self.decisions, self.applications):
            for row in table:
                if row.country == country:
                    return row.country_name
        return country


def folder() -> Path:
    """Where the shipped tables are (``$ASYLON_DATA_DIR/unhcr-syria-asylum``)."""
    return data_dir() / FOLDER


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _int(value: str) -> int:
    return int(value) if value.strip() else 0


def read(where: Path | None = None) -> UnhcrTables:
    """Read the three tables from ``where`` (default: the shipped folder)."""
    base = where or folder()
    decisions = tuple(
        DecisionRecord(
            year=int(r["year"]),
            country=r["coa_iso"],
            country_name=r["coa_name"],
            procedure_type=r["procedure_type"],
            level=r["dec_level"],
            unit=r["dec_pc"],
            recognized=_int(r["dec_recognized"]),
            other=_int(r["dec_other"]),
            rejected=_int(r["dec_rejected"]),
            closed=_int(r["dec_closed"]),
            total_reported=_int(r["dec_total"]),
        )
        for r in _rows(base / DECISIONS_FILE)
    )
    applications = tuple(
        ApplicationRecord(
            year=int(r["year"]),
            country=r["coa_iso"],
            country_name=r["coa_name"],
            procedure_type=r["procedure_type"],
            app_type=r["app_type"],
            level=r["dec_level"],
            unit=r["app_pc"],
            applied=_int(r["applied"]),
        )
        for r in _rows(base / APPLICATIONS_FILE)
    )
    population = tuple(
        PopulationRecord(
            year=int(r["year"]),
            country=r["coa_iso"],
            country_name=r["coa_name"],
            refugees=_int(r["refugees"]),
            asylum_seekers=_int(r["asylum_seekers"]),
        )
        for r in _rows(base / POPULATION_FILE)
    )
    return UnhcrTables(decisions, applications, population)


def load() -> UnhcrTables:
    """The shipped tables (``$ASYLON_DATA_DIR`` honoured), read once per folder and process."""
    return _cached(folder())


@cache
def _cached(where: Path) -> UnhcrTables:
    return read(where)
