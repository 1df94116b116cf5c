"""Importing victim lists: CSV and XLSX through a mapping, each failure named by file, row and
column (never a cell's content), all or nothing, re-import updates, names encrypted at rest and
found through the blind index. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.db import connection

from asylon.web.audit.models import AuditEntry
from asylon.web.victims.importing import ImportFailed, import_list, parse_mapping
from asylon.web.victims.mapping import MappingError, VictimMapping
from asylon.web.victims.models import VictimNameKey, VictimRecord, VictimSource
from asylon.web.victims.names import records_named

from .conftest import HEADER, MAPPING, csv_bytes, mapping, row

pytestmark = pytest.mark.django_db


def _import(data: bytes, name: str = "list.csv", source: str = "alpha") -> object:
    return import_list(source, io.BytesIO(data), name, mapping())


def test_happy_path_stores_every_field() -> None:
    data = csv_bytes([row(1, "أحمد محمد الحلبي", Gender="ذكر"),
                      row(2, "Layla Example", Gender="F", Age="", **{"Date of death": "2014-02-01"},
                          Type="disappeared", Gov="Aleppo", Status="unknown")])  # fmt: skip
    report = _import(data)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    a = VictimRecord.objects.get(source_id="r1")
    assert a.source_list.name == "alpha" and a.key == "alpha:r1"
    assert a.name == "أحمد محمد الحلبي" and a.sex == "male" and a.age == 30
    assert a.event_date == date(2013, 3, 14) and a.event == "killed"
    assert (a.place, a.governorate, a.cause, a.status) == ("Douma", "SY03", "shelling", "civilian")
    b = VictimRecord.objects.get(source_id="r2")
    assert (b.sex, b.age, b.event_date, b.event) == (
        "female",
        None,
        date(2014, 2, 1),
        "disappeared",
    )
    assert (b.governorate, b.status) == ("SY02", "unknown")  # a governorate's name resolves
    entry = AuditEntry.objects.filter(action="victims_import").get()
    assert entry.details["created"] == 2 and "Layla" not in str(entry.details)


def test_xlsx_with_date_cells_and_a_named_sheet() -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("Victims")
    sheet.append(HEADER)
    sheet.append(["x1", "Omar Example", "M", 41, date(2012, 5, 6), "killed", "Homs", "SY04",
                  "shooting", "combatant"])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    cols = VictimMapping.from_dict({**MAPPING, "sheet": "Victims"})
    report = import_list("beta", io.BytesIO(buffer.getvalue()), "list.xlsx", cols)
    assert report.created == 1
    r = VictimRecord.objects.get()
    assert (r.age, r.event_date, r.status) == (41, date(2012, 5, 6), "combatant")


@pytest.mark.parametrize(
    ("over", "column", "expected"),
    [
        ({"Date of death": "2013/14/03"}, "Date of death", "a date as YYYY-MM-DD or DD/MM/YYYY"),
        ({"Date of death": "31/02/2013"}, "Date of death", "a date as YYYY-MM-DD or DD/MM/YYYY"),
        ({"Date of death": "01/01/2999"}, "Date of death", "not in the future"),
        ({"Gender": "X"}, "Gender", "one of male, female"),
        ({"Status": "soldier"}, "Status", "one of civilian, combatant, unknown"),
        ({"Type": "wounded"}, "Type", "one of killed, disappeared"),
        ({"Age": "thirty"}, "Age", "an age in whole years"),
        ({"Age": "200"}, "Age", "an age in whole years"),
        ({"Gov": "Atlantis"}, "Gov", "a governorate code"),
        ({"No.": ""}, "No.", "a source id"),
    ],
)
def test_each_bad_cell_is_named_by_file_row_and_column(
    over: dict[str, str], column: str, expected: str
) -> None:
    data = csv_bytes([row(1), row(2, "Secret Victim Name", **over), row(3)])
    with pytest.raises(ImportFailed) as err:
        _import(data, "source-a.csv")
    message = str(err.value)
    assert message.startswith(f"source-a.csv: row 3, column {column!r}: expected ")
    assert expected in message
    assert "Secret" not in message
    for value in over.values():
        assert not value or value not in message.replace(expected, "")
    assert VictimRecord.objects.count() == 0 and VictimSource.objects.count() == 0


def test_an_empty_name_and_a_repeated_id_are_refused() -> None:
    with pytest.raises(ImportFailed, match=r"row 2, column 'Full name': expected a name"):
        _import(csv_bytes([[*row(1)[:1], "", *row(1)[2:]]]))
    with pytest.raises(ImportFailed, match=r"row 3, column 'No.': expected a source id not used"):
        _import(csv_bytes([row(1), row(1)]))
    assert VictimRecord.objects.count() == 0


def test_a_missing_column_wrong_encoding_and_bad_mappings() -> None:
    with pytest.raises(ImportFailed, match=r"list.csv: no column 'Status' in the header \(row 1\)"):
        _import(csv_bytes([row(1)[:-1]], HEADER[:-1]))
    with pytest.raises(ImportFailed, match="not UTF-8"):
        _import("No.,Full name\n1,Ré\n".encode("latin-1"))
    with pytest.raises(ImportFailed, match="no data rows"):
        _import(csv_bytes([]))
    with pytest.raises(MappingError, match="source_id, name must be mapped"):
        VictimMapping.from_dict({"columns": {"sex": "Gender"}})
    with pytest.raises(MappingError, match="no field 'colour'"):
        VictimMapping.from_dict({"columns": {"source_id": "a", "name": "b", "colour": "c"}})
    with pytest.raises(MappingError, match="'soldier' is not one of"):
        VictimMapping.from_dict({**MAPPING, "values": {"status": {"S": "soldier"}}})
    with pytest.raises(ImportFailed, match="mapping: not valid YAML"):
        parse_mapping("columns: [unclosed")
    with pytest.raises(ImportFailed, match="source name"):
        import_list("count", io.BytesIO(csv_bytes([row(1)])), "l.csv", mapping())


def test_a_bad_row_500_of_600_leaves_nothing_written() -> None:
    _import(csv_bytes([row(n) for n in range(1, 4)]), source="alpha")
    before = sorted(VictimRecord.objects.values_list("pk", "name", "imported_at"))
    rows = [row(n) for n in range(1, 601)]
    rows[498] = row(499, **{"Date of death": "tomorrow"})  # the 500th line: the header is row 1
    with pytest.raises(ImportFailed, match=r"row 500, column 'Date of death'"):
        _import(csv_bytes(rows), source="alpha")
    with pytest.raises(ImportFailed):
        _import(csv_bytes(rows), source="gamma")
    assert sorted(VictimRecord.objects.values_list("pk", "name", "imported_at")) == before
    assert not VictimSource.objects.filter(name="gamma").exists()
    assert VictimRecord.objects.count() == 3


def test_the_write_is_one_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the records are written (here: the name index) takes them back too."""
    from asylon.web.victims import names

    def broken(records: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(names, "reindex_records", broken)
    with pytest.raises(RuntimeError):
        _import(csv_bytes([row(n) for n in range(1, 50)]))
    assert VictimRecord.objects.count() == 0 and VictimSource.objects.count() == 0


def test_reimporting_a_source_updates_its_records() -> None:
    _import(csv_bytes([row(1), row(2), row(3)]))
    first = VictimRecord.objects.get(source_id="r2")
    report = _import(csv_bytes([row(1), row(2, "Corrected Name", Age="31"), row(4)]))
    assert (report.created, report.updated, report.unchanged, report.absent) == (1, 1, 1, 1)
    again = VictimRecord.objects.get(source_id="r2")
    assert again.pk == first.pk and again.name == "Corrected Name" and again.age == 31
    assert VictimRecord.objects.count() == 4  # r3 is kept
    assert records_named("Corrected Name").get().pk == first.pk
    assert not records_named("Person Number2 Example").exists()


def test_names_and_personal_fields_are_encrypted_at_rest() -> None:
    _import(csv_bytes([row(1, "Zakariya Unusualname", **{"Date of death": "2013-03-14"})]))
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM victims_victimrecord")
        raw = " ".join(str(v) for v in cur.fetchone())
        cur.execute("SELECT digest FROM victims_victimnamekey")
        digests = " ".join(r[0] for r in cur.fetchall())
    assert "Unusualname" not in raw and "Zakariya" not in raw
    assert "2013-03-14" not in raw and "Douma" not in raw and "shelling" not in raw
    assert raw.count("enc:v1:") >= 5
    assert "unusualname" not in digests and VictimNameKey.objects.count() >= 3


def test_blind_index_finds_a_name_in_any_order_and_nothing_else() -> None:
    _import(csv_bytes([row(1, "Nadim Example-Khayyat"), row(2, "Other Person")]))
    assert records_named("nadim example-khayyat").get().source_id == "r1"
    assert records_named("khayyat nadim").get().source_id == "r1"
    assert not records_named("Nad").exists()


def test_the_command_line_import_names_the_row_and_writes_nothing(tmp_path: Path) -> None:
    from asylon.web.victims.commands import victims_group

    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([row(1), row(2)]))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([row(1), row(2, Status="hero")]))
    cols = tmp_path / "map.yaml"
    import yaml

    cols.write_text(yaml.safe_dump(MAPPING, allow_unicode=True), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(victims_group, ["import", "delta", str(bad), "--mapping", str(cols)])
    assert result.exit_code == 2
    assert (
        "bad.csv: row 3, column 'Status'" in result.output
        and "nothing was imported" in result.output
    )
    assert VictimRecord.objects.count() == 0
    result = runner.invoke(victims_group, ["import", "delta", str(good), "--mapping", str(cols)])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output and VictimRecord.objects.count() == 2


def test_reindex_after_an_index_key_rotation(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from asylon.web.crypto import keys
    from asylon.web.victims.names import reindex_all_records

    _import(csv_bytes([row(1, "Nadim Example"), row(2)]))
    old = {k.kid for k in VictimNameKey.objects.all()}
    ring = keys.keyring()
    new_ring = replace(
        ring, index_keys={**ring.index_keys, "new-index": b"\x01" * 32}, index_current="new-index"
    )
    monkeypatch.setattr("asylon.web.victims.names.keyring", lambda: new_ring)
    monkeypatch.setattr("asylon.web.crypto.blind_index.keyring", lambda: new_ring)  # search
    assert reindex_all_records() == 2
    assert {k.kid for k in VictimNameKey.objects.all()} == {"new-index"} != old
    assert reindex_all_records() == 0
    assert records_named("Nadim Example").get().source_id == "r1"
