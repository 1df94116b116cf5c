"""Records from CSV rows through a column mapping. Pure: the caller reads the files.

A mapping (YAML or JSON) names the record type of the rows and, for each record field, the
column (or columns) holding it::

    record: person            # source, unit, position, person, membership, occupancy,
                              # incident, victim, allegation or evidence
    separator: ";"            # splits a cell of a list field (default ";")
    columns:
      id: "Record ID"
      names.primary: ["Name (Arabic)", "Name (Latin)"]   # names.<kind>: primary, alias,
      names.alias: "Other spellings"                     #   weak_alias, kunya, laqab
      birth_date: "Date of birth"
      nationality: "Nationality"
      source_ids: "Sources"
    constants:                # optional: a value for every row
      nationality: ["SY"]

List fields (names, nationality, violation_types, legal_qualifications, source_ids,
related_ids, incident_ids, verify) collect every non-empty cell of their columns, split at the
separator; other fields take the one column named. An empty cell is an absent value. Ids of
memberships, occupancies and allegations may be left unmapped: they follow from what they
link (:func:`asylon.register.register.derived_id`). Victim counts cannot come from CSV.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from asylon.register.models import NAME_KINDS, RECORD_CLASSES, RECORD_TYPES, Record
from asylon.register.register import RecordError, derived_id, parse_record

__all__ = ["ColumnMapping", "MappingError", "records_from_rows"]

LIST_FIELDS = frozenset(
    {
        "names",
        "nationality",
        "violation_types",
        "legal_qualifications",
        "source_ids",
        "related_ids",
        "incident_ids",
        "verify",
    }
)
_UNSUPPORTED = frozenset({"victim_counts", "type"})


class MappingError(ValueError):
    """The column mapping itself is wrong (unknown record type, field or column)."""


@dataclass(frozen=True)
class ColumnMapping:
    record: str
    columns: dict[str, tuple[str, ...]]
    separator: str = ";"
    constants: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Any) -> ColumnMapping:
        if not isinstance(data, Mapping):
            raise MappingError("a column mapping is a mapping with 'record' and 'columns'")
        unknown = sorted(set(data) - {"record", "columns", "separator", "constants"})
        if unknown:
            raise MappingError(f"unknown mapping keys {unknown}")
        record = data.get("record")
        if record not in RECORD_CLASSES:
            raise MappingError(f"record: expected one of {', '.join(RECORD_TYPES)}, got {record!r}")
        fields = RECORD_CLASSES[record].model_fields
        columns: dict[str, tuple[str, ...]] = {}
        raw = data.get("columns")
        if not isinstance(raw, Mapping) or not raw:
            raise MappingError("columns: map each record field to a column name (or a list)")
        for target, cols in raw.items():
            base, _, kind = str(target).partition(".")
            if base not in fields or base in _UNSUPPORTED:
                raise MappingError(f"columns: {record} has no field {target!r} to fill from CSV")
            if base == "names" and kind not in NAME_KINDS:
                raise MappingError(f"columns: {target!r}: use names.<{'|'.join(NAME_KINDS)}>")
            if base != "names" and kind:
                raise MappingError(f"columns: {target!r}: only names take a '.<kind>'")
            names = (cols,) if isinstance(cols, str) else tuple(str(c) for c in cols or ())
            if not names:
                raise MappingError(f"columns: {target!r} names no column")
            if base not in LIST_FIELDS and len(names) > 1:
                raise MappingError(f"columns: {target!r} takes one column, not {len(names)}")
            columns[str(target)] = names
        separator = str(data.get("separator", ";"))
        if not separator:
            raise MappingError("separator must not be empty")
        constants = dict(data.get("constants") or {})
        for name in constants:
            if name not in fields or name in _UNSUPPORTED:
                raise MappingError(f"constants: {record} has no field {name!r}")
        return cls(str(record), columns, separator, constants)

    def check_header(self, header: Iterable[str]) -> None:
        present = set(header)
        missing = sorted({c for cols in self.columns.values() for c in cols} - present)
        if missing:
            raise MappingError(f"the CSV has no column {', '.join(map(repr, missing))}")

    def row_data(self, row: Mapping[str, str | None]) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.record, **self.constants}
        names: list[dict[str, Any]] = []
        for target, cols in self.columns.items():
            cells = [(row.get(c) or "").strip() for c in cols]
            base, _, kind = target.partition(".")
            if base in LIST_FIELDS:
                values = [v.strip() for cell in cells for v in cell.split(self.separator)]
                values = [v for v in values if v]
                if base == "names":
                    names.extend({"text": v, "kind": kind} for v in values)
                elif values:
                    data[base] = list(dict.fromkeys([*data.get(base, []), *values]))
            elif cells[0]:
                data[base] = cells[0]
        if names:
            data["names"] = names
        if "id" not in data and (derived := derived_id(self.record, data)):
            data["id"] = derived
        return data


def records_from_rows(
    mapping: ColumnMapping, header: Iterable[str], rows: Iterable[Mapping[str, str | None]]
) -> list[tuple[str, Record]]:
    """``(row N, record)`` for each CSV row (``N`` as a spreadsheet numbers it: the header is
    row 1). Raises :class:`RecordError` naming the first invalid row and field."""
    mapping.check_header(header)
    out = []
    for n, row in enumerate(rows, 2):
        where = f"row {n}"
        try:
            out.append((where, parse_record(mapping.row_data(row))))
        except RecordError as err:
            raise RecordError([f"{where}: {p}" for p in err.problems]) from None
    return out
