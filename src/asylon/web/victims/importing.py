"""Import a source's victim list from CSV or XLSX through its column mapping: all or nothing.

Every row is read and checked before anything is written; then every record is written in
one transaction. An import that fails writes nothing and names the file, the row (as a
spreadsheet numbers it: the header is row 1), the column and what was expected; it never
repeats a cell's content (a name, a date) in its message.

Re-importing a source: a source id already stored for that source **updates** the stored
record (sources publish corrected editions of their lists; the record keeps its id, so the
reviewers' judgements on it still apply); a record the new file no longer holds is kept, and
the report counts it (``absent``). The same source id twice in one file is refused.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.web.audit.services import record as audit
from asylon.web.victims.mapping import (
    VOCABULARIES,
    CellError,
    MappingError,
    VictimMapping,
    parse_date,
)
from asylon.web.victims.models import SOURCE_NAME, VictimRecord, VictimSource
from asylon.yamlfile import safe_load

MAX_ERRORS = 20
MAX_ROWS = 1_000_000
_GOVERNORATES: dict[str, str] | None = None
_UPDATED = ("name", "sex", "age", "birth_date", "birth_year", "event", "event_date", "place")
FIELDS_STORED = (*_UPDATED, "governorate", "cause", "status")


class ImportFailed(Exception):
    """An import that wrote nothing; the message names the file, row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportReport:
    source: str
    created: int
    updated: int
    unchanged: int
    absent: int

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.absent} stored but not in this file"
        )


# --- reading ------------------------------------------------------------------------------


def read_mapping(path: Path) -> VictimMapping:
    return parse_mapping(path.read_text(encoding="utf-8"), path.name)


def parse_mapping(text: str, name: str = "mapping") -> VictimMapping:
    """A mapping from YAML or JSON text (JSON is YAML)."""
    try:
        data = json.loads(text) if name.endswith(".json") else safe_load(text)
    except (ValueError, yaml.YAMLError):
        raise ImportFailed([_("%(file)s: not valid YAML or JSON") % {"file": name}]) from None
    try:
        return VictimMapping.from_dict(data)
    except MappingError as err:
        raise ImportFailed([f"{name}: {err}"]) from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(
    stream: IO[bytes], filename: str, mapping: VictimMapping
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header and ``(row number, {column: text})`` of a CSV or XLSX file (by its name)."""
    if filename.lower().endswith(".xlsx"):
        return _xlsx_rows(stream, filename, mapping)
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(
            [_("%(file)s: not UTF-8 text (save the CSV as UTF-8)") % {"file": filename}]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter)
    header = [h.strip() for h in next(reader, [])]
    if not any(header):
        raise ImportFailed(
            [_("%(file)s: row 1: the file is empty (expected a header)") % {"file": filename}]
        )

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for n, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                raise ImportFailed(
                    [
                        _("%(file)s: row %(row)d: %(cells)d cells, the header has %(header)d")
                        % {"file": filename, "row": n, "cells": len(cells), "header": len(header)}
                    ]
                )
            yield n, dict(zip(header, (c.strip() for c in cells), strict=False))

    return header, rows()


def _xlsx_rows(
    stream: IO[bytes], filename: str, mapping: VictimMapping
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(stream.read()), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportFailed(
            [_("%(file)s: not a readable XLSX workbook") % {"file": filename}]
        ) from None
    if mapping.sheet is not None and mapping.sheet not in book.sheetnames:
        raise ImportFailed(
            [_("%(file)s: no sheet named in the mapping's 'sheet'") % {"file": filename}]
        )
    sheet = book[mapping.sheet] if mapping.sheet is not None else book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [_cell_text(v) for v in next(lines, ())]
    if not any(header):
        raise ImportFailed(
            [_("%(file)s: row 1: the sheet is empty (expected a header)") % {"file": filename}]
        )

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for n, values in enumerate(lines, start=2):
            cells = [_cell_text(v) for v in values]
            if any(cells):
                yield n, dict(zip(header, cells, strict=False))

    return header, rows()


# --- checking -----------------------------------------------------------------------------


def governorates() -> dict[str, str]:
    """Governorate codes and every name of each governorate (normalised) -> code."""
    global _GOVERNORATES
    if _GOVERNORATES is None:
        from asylon.evidence.gazetteer import Gazetteer, normalise

        found: dict[str, str] = {}
        for place in Gazetteer.load():
            if place.kind == "governorate":
                found[place.code.upper()] = place.code
                for name in place.names:
                    found.setdefault(normalise(name), place.code)
        _GOVERNORATES = found
    return _GOVERNORATES


def _governorate(text: str) -> str:
    from asylon.evidence.gazetteer import normalise

    table = governorates()
    code = table.get(text.strip().upper()) or table.get(normalise(text))
    if code is None:
        raise ValueError(text)
    return code


def _int(text: str, low: int, high: int) -> int:
    value = int(text.strip())
    if not low <= value <= high:
        raise ValueError(text)
    return value


def check_row(cells: dict[str, str], mapping: VictimMapping, today: date) -> dict[str, Any]:
    """The stored values of one row; :class:`CellError` names the field's column."""
    out: dict[str, Any] = {}
    source_id = cells.get("source_id", "")
    if not source_id:
        raise CellError(mapping.column_of("source_id"), _("a source id (the cell is empty)"))
    if len(source_id) > 100:
        raise CellError(mapping.column_of("source_id"), _("a source id of at most 100 characters"))
    out["source_id"] = source_id
    name = cells.get("name", "")
    if not name:
        raise CellError(mapping.column_of("name"), _("a name (the cell is empty)"))
    if len(name) > 300:
        raise CellError(mapping.column_of("name"), _("a name of at most 300 characters"))
    out["name"] = name
    for field, allowed in VOCABULARIES.items():
        text = cells.get(field, "")
        word = mapping.word(field, text) if field in mapping.columns or text else None
        if word == "":
            raise CellError(
                mapping.column_of(field),
                _("one of %(values)s (or a word the mapping's 'values: %(field)s' lists)")
                % {"values": ", ".join(allowed), "field": field},
            )
        out[field] = word or ""
    for field in ("birth_date", "event_date"):
        text = cells.get(field, "")
        if not text:
            out[field] = None
            continue
        try:
            day = parse_date(text)
        except ValueError:
            raise CellError(
                mapping.column_of(field), _("a date as YYYY-MM-DD or DD/MM/YYYY")
            ) from None
        if day > today:
            raise CellError(mapping.column_of(field), _("a date that is not in the future"))
        out[field] = day
    checks = (
        ("age", 0, 130, _("an age in whole years, 0 to 130")),
        (
            "birth_year",
            1880,
            today.year,
            _("a year of birth from 1880 to %(year)d") % {"year": today.year},
        ),
    )
    for field, low, high, expected in checks:
        text = cells.get(field, "")
        try:
            out[field] = _int(text, low, high) if text else None
        except ValueError:
            raise CellError(mapping.column_of(field), expected) from None
    text = cells.get("governorate", "")
    try:
        out["governorate"] = _governorate(text) if text else ""
    except ValueError:
        raise CellError(
            mapping.column_of("governorate"),
            _("a governorate code (SY01 to SY14) or a governorate's name in the gazetteer"),
        ) from None
    for field in ("place", "cause"):
        text = cells.get(field, "")
        if len(text) > 300:
            raise CellError(mapping.column_of(field), _("at most 300 characters"))
        out[field] = text
    return out


def check_file(
    stream: IO[bytes], filename: str, mapping: VictimMapping, today: date | None = None
) -> list[dict[str, Any]]:
    """Every row's values, or :class:`ImportFailed` naming up to :data:`MAX_ERRORS` cells."""
    today = today or timezone.localdate()
    header, rows = read_rows(stream, filename, mapping)
    try:
        mapping.check_header(header)
    except MappingError as err:
        raise ImportFailed([f"{filename}: {err}"]) from None
    problems: list[str] = []
    out: list[dict[str, Any]] = []
    first_row: dict[str, int] = {}
    for n, row in rows:
        if n > MAX_ROWS:
            raise ImportFailed(
                [
                    _("%(file)s: more than %(n)d rows: split the file")
                    % {"file": filename, "n": MAX_ROWS}
                ]
            )
        try:
            values = check_row(mapping.cells(row), mapping, today)
        except CellError as err:
            problems.append(
                _("%(file)s: row %(row)d, column %(column)s: expected %(expected)s")
                % {"file": filename, "row": n, "column": repr(err.column), "expected": err.expected}
            )
        else:
            sid = values["source_id"]
            if sid in first_row:
                problems.append(
                    _(
                        "%(file)s: row %(row)d, column %(column)s: expected a source id not used "
                        "before in the file (row %(first)d has it)"
                    )
                    % {
                        "file": filename,
                        "row": n,
                        "column": repr(mapping.column_of("source_id")),
                        "first": first_row[sid],
                    }
                )
            first_row.setdefault(sid, n)
            values["_row"] = n
            out.append(values)
        if len(problems) >= MAX_ERRORS:
            problems.append(
                _("%(file)s: stopped after %(n)d problems") % {"file": filename, "n": MAX_ERRORS}
            )
            break
    if problems:
        raise ImportFailed(problems)
    if not out:
        raise ImportFailed([_("%(file)s: no data rows after the header") % {"file": filename}])
    return out


# --- writing ------------------------------------------------------------------------------


def import_list(
    source_name: str,
    stream: IO[bytes],
    filename: str,
    mapping: VictimMapping,
    user: Any = None,
    description: str = "",
) -> ImportReport:
    """Check every row, then write them all in one transaction (see the module docstring)."""
    from django.core.exceptions import ValidationError

    try:
        SOURCE_NAME(source_name)
    except ValidationError:
        raise ImportFailed(
            [_("source name: expected a letter, then letters, digits, '-' or '_' (not 'count')")]
        ) from None
    checked = check_file(stream, filename, mapping)
    return store(source_name, checked, user, description, filename)


def store(
    source_name: str,
    checked: list[dict[str, Any]],
    user: Any,
    description: str,
    filename: str,
) -> ImportReport:
    from asylon.web.victims.names import reindex_records

    who = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        source, made = VictimSource.objects.select_for_update().get_or_create(
            name=source_name, defaults={"description": description}
        )
        if description and source.description != description:
            source.description = description
        source.imported_by, source.imported_at = who, timezone.now()
        source.save()
        stored = {r.source_id: r for r in VictimRecord.objects.filter(source_list=source)}
        new: list[VictimRecord] = []
        changed: list[VictimRecord] = []
        unchanged = 0
        for values in checked:
            fields = {k: values[k] for k in FIELDS_STORED}
            row = stored.get(values["source_id"])
            if row is None:
                new.append(
                    VictimRecord(source_list=source, source_id=values["source_id"], **fields)
                )
            elif any(getattr(row, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(row, k, v)
                row.imported_at = timezone.now()
                changed.append(row)
            else:
                unchanged += 1
        made_rows = VictimRecord.objects.bulk_create(new, batch_size=500)
        if changed:
            VictimRecord.objects.bulk_update(changed, [*FIELDS_STORED, "imported_at"], 500)
        if not made_rows or made_rows[0].pk is None:  # a backend without RETURNING
            made_rows = list(
                VictimRecord.objects.filter(
                    source_list=source, source_id__in=[r.source_id for r in new]
                )
            )
        reindex_records([*made_rows, *changed])
        seen = {v["source_id"] for v in checked}
        report = ImportReport(
            source.name,
            len(new),
            len(changed),
            unchanged,
            sum(1 for sid in stored if sid not in seen),
        )
        audit(
            user,
            "victims_import",
            source,
            file=filename,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            absent=report.absent,
            new_source=made,
        )
    return report
