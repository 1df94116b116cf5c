"""A source's column mapping: which column holds which field, and the source's own words for
the vocabularies. Pure: no Django, no files (the caller reads the YAML or JSON).

::

    columns:                       # field: column (or a list of columns, for the name only)
      source_id: "Record no."      # required
      name: ["First name", "Father's name", "Family name"]   # required; joined by spaces
      sex: "Gender"
      age: "Age"
      birth_date: "Date of birth"  # YYYY-MM-DD or DD/MM/YYYY
      birth_year: "Born"
      event: "Type"                # killed | disappeared
      event_date: "Date"           # YYYY-MM-DD or DD/MM/YYYY
      place: "Place"
      governorate: "Governorate"   # a code (SY01..SY14) or a governorate's name
      cause: "Cause"
      status: "Status"             # civilian | combatant | unknown
    values:                        # optional: the source's words, per field
      sex: {"M": male, "ذكر": male, "F": female, "أنثى": female}
      status: {"Civilian": civilian, "Fighter": combatant, "": unknown}
    constants:                     # optional: one value for every row
      event: killed
    delimiter: ","                 # CSV only (default ",")
    sheet: "Victims"               # XLSX only (default: the first sheet)

The same mapping format as the register's (:mod:`asylon.register.csvmap`: ``columns`` and
``constants``), with the fields of a victim record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

FIELDS = (
    "source_id",
    "name",
    "sex",
    "age",
    "birth_date",
    "birth_year",
    "event",
    "event_date",
    "place",
    "governorate",
    "cause",
    "status",
)
REQUIRED = ("source_id", "name")
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "sex": ("male", "female"),
    "event": ("killed", "disappeared"),
    "status": ("civilian", "combatant", "unknown"),
}
_KEYS = frozenset({"columns", "values", "constants", "delimiter", "sheet"})
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class MappingError(ValueError):
    """The mapping itself is wrong (unknown key, field or word), or names a missing column."""


class CellError(ValueError):
    """One cell does not hold what its field expects; ``expected`` says what would."""

    def __init__(self, column: str, expected: str) -> None:
        super().__init__(expected)
        self.column, self.expected = column, expected


@dataclass(frozen=True)
class VictimMapping:
    columns: dict[str, tuple[str, ...]]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    delimiter: str = ","
    sheet: str | None = None

    @classmethod
    def from_dict(cls, data: Any) -> VictimMapping:
        if not isinstance(data, Mapping):
            raise MappingError("a column mapping is a mapping with 'columns'")
        unknown = sorted(set(map(str, data)) - _KEYS)
        if unknown:
            raise MappingError(f"unknown mapping keys {unknown} (known: {sorted(_KEYS)})")
        raw = data.get("columns")
        if not isinstance(raw, Mapping) or not raw:
            raise MappingError("columns: map each field to a column name")
        columns: dict[str, tuple[str, ...]] = {}
        for target, cols in raw.items():
            if target not in FIELDS:
                raise MappingError(f"columns: no field {target!r} (fields: {', '.join(FIELDS)})")
            names = (cols,) if isinstance(cols, str) else tuple(str(c) for c in cols or ())
            if not names or not all(names):
                raise MappingError(f"columns: {target!r} names no column")
            if target != "name" and len(names) > 1:
                raise MappingError(f"columns: {target!r} takes one column, not {len(names)}")
            columns[str(target)] = names
        constants = {str(k): str(v) for k, v in (data.get("constants") or {}).items()}
        for name in constants:
            if name not in FIELDS or name in REQUIRED:
                raise MappingError(f"constants: {name!r} cannot be a constant")
        missing = [f for f in REQUIRED if f not in columns]
        if missing:
            raise MappingError(f"columns: {', '.join(missing)} must be mapped to a column")
        values: dict[str, dict[str, str]] = {}
        for name, words in (data.get("values") or {}).items():
            if name not in VOCABULARIES:
                raise MappingError(
                    f"values: only {', '.join(VOCABULARIES)} take a list of words, not {name!r}"
                )
            if not isinstance(words, Mapping):
                raise MappingError(f"values: {name}: map each of the source's words to a value")
            allowed = VOCABULARIES[name]
            table: dict[str, str] = {}
            for word, meaning in words.items():
                if str(meaning) not in allowed:
                    raise MappingError(
                        f"values: {name}: {meaning!r} is not one of {', '.join(allowed)}"
                    )
                table[_fold(str(word))] = str(meaning)
            values[str(name)] = table
        for name, value in constants.items():
            if name in VOCABULARIES and value not in VOCABULARIES[name]:
                raise MappingError(
                    f"constants: {name}: expected one of {', '.join(VOCABULARIES[name])}"
                )
        delimiter = str(data.get("delimiter", ","))
        if len(delimiter) != 1:
            raise MappingError("delimiter: one character")
        sheet = data.get("sheet")
        return cls(columns, values, constants, delimiter, None if sheet is None else str(sheet))

    def check_header(self, header: list[str]) -> None:
        present = set(header)
        missing = [c for cols in self.columns.values() for c in cols if c not in present]
        if missing:
            raise MappingError(f"no column {', '.join(map(repr, missing))} in the header (row 1)")

    def cells(self, row: Mapping[str, str]) -> dict[str, str]:
        """Each mapped field's text (the name's columns joined by one space), then constants
        for the fields whose cells are empty."""
        out: dict[str, str] = {}
        for name, cols in self.columns.items():
            parts = [(row.get(c) or "").strip() for c in cols]
            out[name] = " ".join(p for p in parts if p)
        for name, value in self.constants.items():
            if not out.get(name):
                out[name] = value
        return out

    def column_of(self, name: str) -> str:
        """The column an error in field ``name`` is reported under."""
        cols = self.columns.get(name)
        return " + ".join(cols) if cols else f"(constant {name})"

    def word(self, name: str, text: str) -> str | None:
        """A vocabulary field's value, from the source's words or the value itself."""
        folded = _fold(text)
        mapped = self.values.get(name, {})
        if folded in mapped:
            return mapped[folded]
        if not folded:
            return None
        return folded if folded in VOCABULARIES[name] else ""


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def parse_date(text: str) -> date:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY`` (raises ValueError)."""
    text = text.strip()
    if m := _ISO.match(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.match(text):
        return date(int(m[3]), int(m[2]), int(m[1]))
    if len(text) >= 19 and _ISO.match(text[:10]) and text[10] in "T ":  # a spreadsheet's datetime
        return parse_date(text[:10])
    raise ValueError(text)
