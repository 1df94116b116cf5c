"""Applicant records from a file or a request body (``--applicants``, ``POST /api/screen``):
columns at least ``id, name, aliases, birth_date, birth_place, nationality``; aliases and
nationalities separated by ``;`` (or given as lists in JSON); in JSON lines an optional
``roles`` list of ``{organisation, rank, kind, function, from, to}``. Nothing is stored."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from asylon.screening.records import ApplicantRecord, PartialDate, Role

__all__ = ["ApplicantError", "parse_applicants", "record_of"]


class ApplicantError(ValueError):
    pass


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).replace("|", ";").split(";") if v.strip()]


def record_of(row: dict[str, Any], where: str) -> ApplicantRecord:
    ident = str(row.get("id") or "").strip()
    name = str(row.get("name") or "").strip()
    if not ident or not name:
        raise ApplicantError(f"{where}: id and name are required")
    try:
        born = PartialDate.parse(str(row.get("birth_date") or "") or None)
        roles = tuple(
            Role(
                organisation=r.get("organisation"), kind=r.get("kind"), rank=r.get("rank"),
                function=r.get("function"), start=PartialDate.parse(r.get("from")),
                end=PartialDate.parse(r.get("to")),
            )
            for r in (row.get("roles") or [])
        )  # fmt: skip
    except (ValueError, AttributeError, TypeError) as err:
        raise ApplicantError(f"{where}: {err}") from None
    place = str(row.get("birth_place") or "").strip()
    return ApplicantRecord(
        id=ident,
        names=(name, *_list(row.get("aliases"))),
        birth_dates=(born,) if born else (),
        birth_places=(place,) if place else (),
        nationalities=tuple(c.upper() for c in _list(row.get("nationality"))),
        roles=roles,
    )


def parse_applicants(text: str, fmt: str) -> list[ApplicantRecord]:
    """``fmt`` is ``csv`` or ``jsonl``; errors name the row or line."""
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        missing = {"id", "name"} - set(reader.fieldnames or [])
        if missing:
            raise ApplicantError(f"missing columns: {', '.join(sorted(missing))}")
        return [record_of(row, f"row {n}") for n, row in enumerate(reader, start=2)]
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise ApplicantError(f"line {n}: {err.msg}") from None
        if not isinstance(row, dict):
            raise ApplicantError(f"line {n}: expected an object")
        out.append(record_of(row, f"line {n}"))
    return out
