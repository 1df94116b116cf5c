"""Readers for conflict-event CSV files: any UCDP GED release, and ACLED exports.

Every row is validated; a bad value raises :class:`ImportFileError` naming the file, the line
and the column, before anything is written. ACLED rows are read from the user's own export and
never shipped (ACLED's terms forbid redistribution).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

# The event columns every importer produces, with their SQL types (VARCHAR unless named).
EVENT_TYPES: dict[str, str] = {
    "source": "VARCHAR",
    "event_id": "VARCHAR",
    "date_start": "DATE",
    "date_end": "DATE",
    "type_of_violence": "INTEGER",
    "event_type": "VARCHAR",
    "conflict_name": "VARCHAR",
    "dyad_name": "VARCHAR",
    "side_a": "VARCHAR",
    "side_b": "VARCHAR",
    "where_prec": "INTEGER",
    "where_coordinates": "VARCHAR",
    "adm_1": "VARCHAR",
    "adm_2": "VARCHAR",
    "latitude": "DOUBLE",
    "longitude": "DOUBLE",
    "deaths_a": "INTEGER",
    "deaths_b": "INTEGER",
    "deaths_civilians": "INTEGER",
    "deaths_unknown": "INTEGER",
    "best": "INTEGER",
    "low": "INTEGER",
    "high": "INTEGER",
    "source_article": "VARCHAR",
    "source_headline": "VARCHAR",
    "source_date": "VARCHAR",
    "source_office": "VARCHAR",
    "number_of_sources": "INTEGER",
}
EVENT_COLUMNS = tuple(EVENT_TYPES)
Value = str | int | float | date | None
UCDP_VIOLENCE = {"state-based violence": 1, "non-state violence": 2, "one-sided violence": 3}


class ImportFileError(ValueError):
    """A malformed import file: names the file, line and column."""

    def __init__(self, path: Path, line: int, column: str, message: str) -> None:
        self.path, self.line, self.column = path, line, column
        super().__init__(f"{path.name}: line {line}, column {column!r}: {message}")


@dataclass
class _Row:
    path: Path
    line: int
    data: dict[str, str]

    def text(self, *names: str) -> str | None:
        for name in names:
            value = self.data.get(name)
            if value is not None and value.strip() != "":
                return value.strip()
        return None

    def integer(self, *names: str, required: bool = False) -> int | None:
        raw = self.text(*names)
        if raw is None:
            if required:
                raise ImportFileError(self.path, self.line, names[0], "a whole number is required")
            return None
        try:
            number = float(raw)
        except ValueError:
            raise ImportFileError(
                self.path, self.line, self._col(names), f"expected a whole number, got {raw!r}"
            ) from None
        if number != int(number) or number < 0:
            raise ImportFileError(
                self.path,
                self.line,
                self._col(names),
                f"expected a whole number of zero or more, got {raw!r}",
            )
        return int(number)

    def real(self, name: str, low: float, high: float) -> float | None:
        raw = self.text(name)
        if raw is None:
            return None
        try:
            number = float(raw)
        except ValueError:
            raise ImportFileError(
                self.path, self.line, name, f"expected a number, got {raw!r}"
            ) from None
        if not low <= number <= high:
            raise ImportFileError(
                self.path,
                self.line,
                name,
                f"expected a value between {low} and {high}, got {raw!r}",
            )
        return number

    def day(
        self, *names: str, required: bool = True, formats: tuple[str, ...] = ("%Y-%m-%d",)
    ) -> date | None:
        raw = self.text(*names)
        if raw is None:
            if required:
                raise ImportFileError(self.path, self.line, names[0], "a date is required")
            return None
        for fmt in formats:
            try:
                return datetime.strptime(raw[:10] if fmt == "%Y-%m-%d" else raw, fmt).date()
            except ValueError:
                continue
        raise ImportFileError(
            self.path, self.line, self._col(names), f"expected a date (YYYY-MM-DD), got {raw!r}"
        )

    def _col(self, names: tuple[str, ...]) -> str:
        return next((n for n in names if self.data.get(n)), names[0])


def _rows(path: Path, required: tuple[tuple[str, ...], ...]) -> Iterator[_Row]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(path, 0, "", f"cannot read the file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            path, line, "", f"not UTF-8 text (byte {raw[exc.start]:#04x})"
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
        for alternatives in required:
            if not any(a in header for a in alternatives):
                raise ImportFileError(
                    path,
                    1,
                    alternatives[0],
                    "missing column (header has: " + ", ".join(header[:12]) + ")",
                )
        for record in reader:
            if None in record:
                raise ImportFileError(path, reader.line_num, "", "more values than columns")
            yield _Row(path, reader.line_num, record)
    except csv.Error as exc:
        raise ImportFileError(path, reader.line_num, "", f"malformed CSV: {exc}") from None


def read_ucdp(path: Path, source: str) -> list[tuple[Value, ...]]:
    """Rows of a UCDP GED CSV (full releases, the Syria special release, or reduced extracts
    with ``best_death``/``low_death``/``high_death``), in :data:`EVENT_COLUMNS` order."""
    out: list[tuple[Value, ...]] = []
    required = (
        ("id",),
        ("best", "best_death"),
        ("date_start", "year"),
        ("latitude",),
        ("longitude",),
    )
    for row in _rows(path, required):
        start = row.day("date_start")
        end = row.day("date_end", required=False) or start
        assert start is not None and end is not None
        if end < start:
            raise ImportFileError(path, row.line, "date_end", f"{end} is before date_start {start}")
        violence_raw = row.text("type_of_violence")
        violence: int | None
        if violence_raw is None:
            violence = None
        elif violence_raw.lower() in UCDP_VIOLENCE:
            violence = UCDP_VIOLENCE[violence_raw.lower()]
        else:
            violence = row.integer("type_of_violence")
            if violence not in (1, 2, 3):
                raise ImportFileError(
                    path,
                    row.line,
                    "type_of_violence",
                    f"expected 1, 2, 3 or its name, got {violence_raw!r}",
                )
        prec = row.integer("where_prec")
        if prec is not None and not 1 <= prec <= 7:
            raise ImportFileError(path, row.line, "where_prec", f"expected 1 to 7, got {prec}")
        best = row.integer("best", "best_death", required=True)
        out.append(
            (
                source,
                row.text("id"),
                start,
                end,
                violence,
                None,
                row.text("conflict_name"),
                row.text("dyad_name"),
                row.text("side_a"),
                row.text("side_b"),
                prec,
                row.text("where_coordinates"),
                row.text("adm_1"),
                row.text("adm_2"),
                row.real("latitude", -90, 90),
                row.real("longitude", -180, 180),
                row.integer("deaths_a"),
                row.integer("deaths_b"),
                row.integer("deaths_civilians"),
                row.integer("deaths_unknown"),
                best,
                row.integer("low", "low_death"),
                row.integer("high", "high_death"),
                row.text("source_article"),
                row.text("source_headline"),
                row.text("source_date"),
                row.text("source_office"),
                row.integer("number_of_sources"),
            )
        )
    return out


ACLED_PRECISION = {1: 1, 2: 2, 3: 4}  # ACLED geo_precision -> UCDP-like where_prec


def read_acled(path: Path, source: str = "acled") -> list[tuple[Value, ...]]:
    """Rows of an ACLED export: ``fatalities`` as best estimate, actors as sides. ACLED does not
    separate civilian deaths, so ``deaths_civilians`` stays unknown."""
    out: list[tuple[Value, ...]] = []
    required = (("event_id_cnty",), ("event_date",), ("fatalities",), ("latitude",), ("longitude",))
    for row in _rows(path, required):
        day = row.day("event_date", formats=("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y"))
        geo = row.integer("geo_precision")
        if geo is not None and geo not in ACLED_PRECISION:
            raise ImportFileError(path, row.line, "geo_precision", f"expected 1, 2 or 3, got {geo}")
        out.append(
            (
                source,
                row.text("event_id_cnty"),
                day,
                day,
                None,
                row.text("event_type"),
                row.text("sub_event_type"),
                None,
                row.text("actor1"),
                row.text("actor2"),
                ACLED_PRECISION.get(geo) if geo is not None else None,
                row.text("location"),
                row.text("admin1"),
                row.text("admin2"),
                row.real("latitude", -90, 90),
                row.real("longitude", -180, 180),
                None,
                None,
                None,
                None,
                row.integer("fatalities", required=True),
                None,
                None,
                row.text("notes"),
                None,
                None,
                row.text("source"),
                None,
            )
        )
    return out
