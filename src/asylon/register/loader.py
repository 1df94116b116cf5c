"""Reading a register written as YAML files (the starter register in ``data/register``): the
one module of the core that touches files.

A folder holds ``*.yaml`` files, and ``persons/*.yaml`` below it. Each file is a mapping whose
keys name record types and hold lists of records (without their ``type``):
``sources``, ``units``, ``positions``, ``persons``, ``memberships``, ``occupancies``,
``incidents``, ``victims``, ``allegations``, ``evidence``. A person's file may instead hold
one ``person`` and the memberships, occupancies and allegations about that person; there,
``person_id`` may be left out (it is the file's person).

Ids may be left out where they follow from the record: a membership's id is
``membership-<person>-<unit>``, an occupancy's ``occupancy-<person>-<position>``, an
allegation's ``allegation-<person or unit>-<incident>`` (each without the other ids' type
prefix, e.g. ``allegation-anwar-raslan-branch-251-torture-2011``).

Place codes (``place_code``, ``birth_place_code``) must be codes of the gazetteer
(:mod:`asylon.evidence.gazetteer`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from asylon.paths import data_dir
from asylon.register.models import Record
from asylon.register.register import RecordError, Register, derived_id, parse_record
from asylon.yamlfile import safe_load

__all__ = ["check_places", "load_folder", "load_starter", "records_from_yaml", "starter_dir"]

_KEYS = {
    "sources": "source",
    "units": "unit",
    "positions": "position",
    "persons": "person",
    "memberships": "membership",
    "occupancies": "occupancy",
    "incidents": "incident",
    "victims": "victim",
    "allegations": "allegation",
    "evidence": "evidence",
}
_PERSON_PARTS = ("memberships", "occupancies", "allegations")


def starter_dir() -> Path:
    return data_dir() / "register"


def records_from_yaml(doc: Any, where: str) -> list[tuple[str, Record]]:
    """The records of one parsed YAML document, each with where it is (``file: key[i]``)."""
    if doc is None:
        return []
    if not isinstance(doc, dict):
        raise RecordError([f"{where}: expected a mapping of record lists"])
    doc = dict(doc)
    person = doc.pop("person", None)
    if person is not None:
        doc.setdefault("persons", [])
        doc["persons"] = [person, *doc["persons"]]
    unknown = sorted(set(doc) - set(_KEYS))
    if unknown:
        raise RecordError([f"{where}: unknown keys {unknown}; expected {sorted(_KEYS)}"])
    owner = person.get("id") if isinstance(person, dict) else None
    out: list[tuple[str, Record]] = []
    problems = []
    for key, kind in _KEYS.items():
        rows = doc.get(key) or []
        if not isinstance(rows, list):
            problems.append(f"{where}: {key} must be a list")
            continue
        for i, row in enumerate(rows):
            place = f"{where}: {key}[{i}]"
            if not isinstance(row, dict):
                problems.append(f"{place}: expected a mapping")
                continue
            data = {**row, "type": kind}
            if owner and key in _PERSON_PARTS and not (key == "allegations" and "unit_id" in row):
                data.setdefault("person_id", owner)
            if "id" not in data and (derived := derived_id(kind, data)):
                data["id"] = derived
            try:
                out.append((place, parse_record(data)))
            except RecordError as err:
                label = f" ({data['id']})" if "id" in data else ""
                problems.extend(f"{place}{label}: {p}" for p in err.problems)
    if problems:
        raise RecordError(problems)
    return out


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("persons/*.yaml"))


def load_folder(folder: Path) -> list[tuple[str, Record]]:
    """Every record of the YAML files in ``folder`` with where it is; references checked.
    Raises :class:`RecordError` listing every problem."""
    out: list[tuple[str, Record]] = []
    problems = []
    for path in _files(folder):
        where = str(path.relative_to(folder.parent))
        try:
            with path.open(encoding="utf-8") as fh:
                doc = safe_load(fh)
            out.extend(records_from_yaml(doc, where))
        except yaml.YAMLError as err:
            problems.append(f"{where}: not valid YAML: {err}")
        except RecordError as err:
            problems.extend(err.problems)
    if problems:
        raise RecordError(problems)
    seen: dict[str, str] = {}
    for where, record in out:
        if record.id in seen:
            problems.append(f"{where}: id {record.id} is already used at {seen[record.id]}")
        seen.setdefault(record.id, where)
    if problems:
        raise RecordError(problems)
    Register(r for _w, r in out).check()
    return out


def check_places(records: Iterable[Record], codes: Iterable[str]) -> None:
    """Every gazetteer code a record names is one of ``codes`` (case-insensitive)."""
    known = {c.upper() for c in codes}
    problems = []
    for record in records:
        for field in ("place_code", "birth_place_code"):
            code = getattr(record, field, None)
            if code is not None and code.upper() not in known:
                problems.append(f"{record.id}: {field} {code} is not a gazetteer code")
    if problems:
        raise RecordError(problems)


def load_starter(folder: Path | None = None) -> Register:
    """The starter register (``data/register``), checked against the gazetteer."""
    from asylon.evidence.gazetteer import Gazetteer

    records = [r for _w, r in load_folder(folder or starter_dir())]
    check_places(records, (p.code for p in Gazetteer.load()))
    return Register(records)
