"""CSV rows to records through a column mapping; errors name the row."""

from __future__ import annotations

import csv
import io

import pytest

from asylon.register.csvmap import ColumnMapping, MappingError, records_from_rows
from asylon.register.models import Person
from asylon.register.register import RecordError

CSV = """Record ID,Name (Latin),Name (Arabic),Other spellings,Kunya,DOB,Nationality,Sources
person-x,Ahmad Example,أحمد المثال,Ahmed Example; Ahmet Example,Abu Omar,1970-05,SY,source-1
person-y,Omar Example,,,,1980,,source-1;source-2
"""
MAPPING = {
    "record": "person",
    "columns": {
        "id": "Record ID",
        "names.primary": ["Name (Latin)", "Name (Arabic)"],
        "names.alias": "Other spellings",
        "names.kunya": "Kunya",
        "birth_date": "DOB",
        "nationality": "Nationality",
        "source_ids": "Sources",
    },
    "constants": {"verify": ["birth_date"]},
}


def _rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def test_rows_become_records() -> None:
    header, rows = _rows(CSV)
    items = records_from_rows(ColumnMapping.from_dict(MAPPING), header, rows)
    assert [w for w, _r in items] == ["row 2", "row 3"]
    x = items[0][1]
    assert isinstance(x, Person)
    assert [(n.text, n.kind) for n in x.names] == [
        ("Ahmad Example", "primary"),
        ("أحمد المثال", "primary"),
        ("Ahmed Example", "alias"),
        ("Ahmet Example", "alias"),
        ("Abu Omar", "kunya"),
    ]
    assert x.birth_date == "1970-05" and x.nationality == ("SY",) and x.verify == ("birth_date",)
    assert items[1][1].source_ids == ("source-1", "source-2")


def test_a_bad_row_is_named() -> None:
    header, rows = _rows(CSV.replace("1980", "1980-02-30"))
    with pytest.raises(RecordError, match=r"^row 3: birth_date: Value error, no such date"):
        records_from_rows(ColumnMapping.from_dict(MAPPING), header, rows)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"record": "ghost"}, "record: expected one of"),
        ({"columns": {"nickname": "X"}}, "person has no field 'nickname'"),
        ({"columns": {"names.nick": "X"}}, "use names.<"),
        ({"columns": {"birth_date": ["A", "B"]}}, "takes one column"),
        ({"columns": {"victim_counts": "A"}}, "no field 'victim_counts'"),
        ({"extra": 1}, "unknown mapping keys"),
    ],
)
def test_bad_mappings_are_refused(change: dict, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        ColumnMapping.from_dict({**MAPPING, **change})


def test_a_missing_column_is_named() -> None:
    header, rows = _rows(CSV.replace("Kunya", "Laqab"))
    with pytest.raises(MappingError, match="no column 'Kunya'"):
        records_from_rows(ColumnMapping.from_dict(MAPPING), header, rows)


def test_link_ids_follow_from_what_they_link() -> None:
    mapping = ColumnMapping.from_dict(
        {"record": "membership", "columns": {"person_id": "P", "unit_id": "U", "role": "R"}}
    )
    items = records_from_rows(mapping, ["P", "U", "R"], [{"P": "person-x", "U": "unit-y", "R": ""}])
    assert items[0][1].id == "membership-x-y"
