"""The accountability register in the database: revisions, the review workflow and who may
move it, evidence files and their append-only custody log, all-or-nothing imports (FtM and
CSV), ``asylon register verify`` on the starter register and against tampering behind the
application's back. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection

from asylon.register.ftm import to_entity
from asylon.register.models import Person as CorePerson
from asylon.register.models import Source as CoreSource
from asylon.register.register import RecordError
from asylon.web.accounts.models import User
from asylon.web.audit.models import AuditEntry
from asylon.web.crypto.fields import aad_for, seal
from asylon.web.register import records, transfer
from asylon.web.register.commands import register_group
from asylon.web.register.evidence import ingest_evidence, log_custody, open_evidence
from asylon.web.register.integrity import verify_register
from asylon.web.register.models import (
    Allegation,
    CustodyEntry,
    EvidenceItem,
    Person,
    Revision,
    Source,
    Status,
    Unit,
)

pytestmark = pytest.mark.django_db

SOURCE = CoreSource(id="source-t", kind="ngo_report", citation="A made-up report, 2020")


@pytest.fixture
def docs_dir(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "documents"
    settings.ASYLON_DOCUMENTS_DIR = str(folder)
    return folder


@pytest.fixture
def staff(settings: Any) -> dict[str, User]:
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher"
    ]  # fast, tests only

    def user(name: str, role: str) -> User:
        return User.objects.create_user(name, password="x" * 14, role=role)

    return {
        "admin": user("admin", User.Role.ADMIN),
        "supervisor": user("sup", User.Role.SUPERVISOR),
        "supervisor2": user("sup2", User.Role.SUPERVISOR),
        "reviewer": user("rev", User.Role.REVIEWER),
        "caseworker": user("cw", User.Role.CASEWORKER),
        "researcher": user("res", User.Role.RESEARCHER),
    }


def person(**fields: Any) -> CorePerson:
    base: dict[str, Any] = {"id": "person-t", "names": ({"text": "Test Person"}, {"text": "شخص"})}
    return CorePerson.model_validate({**base, **fields})


def revisions(record_id: str) -> list[Revision]:
    return list(Revision.objects.filter(record_id=record_id).order_by("number"))


# --- revisions ------------------------------------------------------------------------------


def test_every_change_is_kept_as_a_revision(staff: dict[str, User]) -> None:
    sup = staff["supervisor"]
    row, changed = records.save_record(person(), sup, "first entry")
    assert changed and row.revision == 1 and row.status == Status.DRAFT
    _row, changed = records.save_record(person(), sup, "same again")
    assert not changed  # an identical version changes nothing
    row, changed = records.save_record(person(birth_date="1970"), sup, "birth year from a listing")
    assert changed and row.revision == 2
    revs = revisions("person-t")
    assert [(r.number, r.action, r.author_id, r.reason) for r in revs] == [
        (1, "created", sup.pk, "first entry"),
        (2, "updated", sup.pk, "birth year from a listing"),
    ]
    assert '"birth_date":"1970"' in revs[1].canonical and '"birth_date"' not in revs[0].canonical
    for r in revs:
        assert r.sha256 == hashlib.sha256(r.canonical.encode()).hexdigest()
    assert row.sha256 == revs[1].sha256
    assert records.to_core(row) == person(birth_date="1970")
    assert AuditEntry.objects.filter(action="register_updated", object_id=str(row.pk)).exists()


def test_saving_checks_references_and_reasons() -> None:
    with pytest.raises(RecordError, match="source_ids names source-nowhere"):
        records.save_record(person(source_ids=("source-nowhere",)), None, "x")
    with pytest.raises(RecordError, match="say why"):
        records.save_record(person(), None, "  ")
    records.save_record(SOURCE, None, "source")
    with pytest.raises(RecordError, match="already used by a source"):
        records.save_record(person(id="source-t"), None, "clash")
    assert not Person.objects.exists()


def test_revisions_are_append_only() -> None:
    records.save_record(person(), None, "cli")
    rev = revisions("person-t")[0]
    rev.reason = "rewritten"
    with pytest.raises(PermissionError):
        rev.save()
    with pytest.raises(PermissionError):
        rev.delete()
    with pytest.raises(PermissionError):
        Revision.objects.filter(pk=rev.pk).update(reason="rewritten")
    with pytest.raises(PermissionError):
        Revision.objects.all().delete()


# --- the review workflow ----------------------------------------------------------------------


def test_draft_peer_reviewed_final_with_a_second_person(staff: dict[str, User]) -> None:
    row, _ = records.save_record(person(), staff["supervisor"], "entered")
    with pytest.raises(PermissionDenied, match="second person"):
        records.transition(row, Status.PEER_REVIEWED, staff["supervisor"], "own work")
    for outsider in (staff["caseworker"], staff["researcher"]):
        with pytest.raises(PermissionDenied, match="may not review"):
            records.transition(row, Status.PEER_REVIEWED, outsider, "not staff")
    with pytest.raises(PermissionDenied, match="signed-in"):
        records.transition(row, Status.PEER_REVIEWED, None, "cli")
    with pytest.raises(ValueError, match="cannot go from draft to final"):
        records.transition(row, Status.FINAL, staff["admin"], "skip review")
    with pytest.raises(ValueError, match="say why"):
        records.transition(row, Status.PEER_REVIEWED, staff["reviewer"], "")
    records.transition(row, Status.PEER_REVIEWED, staff["reviewer"], "checked against the source")
    row.refresh_from_db()
    with pytest.raises(PermissionDenied, match="may not finalise"):
        records.transition(row, Status.FINAL, staff["reviewer"], "reviewers do not finalise")
    records.transition(row, Status.FINAL, staff["supervisor2"], "final")
    row.refresh_from_db()
    assert row.status == Status.FINAL and row.revision == 3
    revs = revisions("person-t")
    assert [(r.action, r.status, r.author_id) for r in revs] == [
        ("created", "draft", staff["supervisor"].pk),
        ("status", "peer_reviewed", staff["reviewer"].pk),
        ("status", "final", staff["supervisor2"].pk),
    ]
    assert revs[0].canonical == revs[1].canonical == revs[2].canonical
    # a change of content makes the record a draft again, to be reviewed again
    row, _ = records.save_record(person(gender="male"), staff["admin"], "gender from judgment")
    assert row.status == Status.DRAFT and row.revision == 4
    assert verify_register().ok


def test_a_reviewer_sends_back_and_a_finaliser_reopens(staff: dict[str, User]) -> None:
    row, _ = records.save_record(person(), None, "imported")  # the command line wrote it
    records.transition(row, Status.PEER_REVIEWED, staff["reviewer"], "looks right")
    records.transition(row, Status.DRAFT, staff["reviewer"], "second thoughts: spelling")
    records.transition(row, Status.PEER_REVIEWED, staff["supervisor"], "fixed")
    records.transition(row, Status.FINAL, staff["admin"], "final")
    records.transition(row, Status.DRAFT, staff["supervisor"], "new evidence")
    row.refresh_from_db()
    assert row.status == Status.DRAFT and row.revision == 6


def test_only_documentation_staff_record_and_a_permission_makes_one(staff: dict[str, User]) -> None:
    cw = staff["caseworker"]
    with pytest.raises(PermissionDenied):
        records.save_record(person(), cw, "not staff")
    with pytest.raises(PermissionDenied):
        transfer.import_records([("line 1", person())], staff["researcher"], "not staff")
    cw.user_permissions.add(Permission.objects.get(codename="edit_register"))
    cw = User.objects.get(pk=cw.pk)  # fresh permission cache
    row, _ = records.save_record(person(), cw, "documenter by permission")
    assert records.may_edit(cw) and not records.may_review(cw) and not records.may_finalise(cw)
    with pytest.raises(PermissionDenied):
        records.transition(row, Status.PEER_REVIEWED, cw, "not a reviewer")


# --- evidence and custody ---------------------------------------------------------------------


def _evidence(
    docs_dir: Path, user: Any = None, content: bytes = b"statement text\n"
) -> EvidenceItem:
    records.save_record(SOURCE, None, "source")
    return ingest_evidence(
        [content],
        record_id="EV-12",
        title="Witness statement (made up)",
        kind="testimony",
        media_type="text/plain",
        user=user,
        reason="received from the team in Gaziantep",
        received_from="field team",
        source_ids=("source-t",),
        file_name="statement.txt",
    )


def test_evidence_files_are_hashed_at_ingest_and_checked_on_read(
    docs_dir: Path, staff: dict[str, User]
) -> None:
    item = _evidence(docs_dir, staff["supervisor"])
    digest = hashlib.sha256(b"statement text\n").hexdigest()
    assert item.file_sha256 == digest and item.size == 15
    assert b"statement" not in (docs_dir / digest).read_bytes(), "encrypted at rest"
    with open_evidence(item, staff["reviewer"], "review") as fh:
        assert fh.read() == b"statement text\n"
    entries = list(CustodyEntry.objects.filter(item=item).order_by("number"))
    assert [(e.number, e.action, e.username, e.counterpart) for e in entries] == [
        (1, "received", "sup", "field team"),
        (2, "viewed", "rev", ""),
    ]
    assert entries[1].previous_hash == entries[0].entry_hash
    log_custody(item, "transferred", staff["admin"], "to the prosecutor", "Federal Prosecutor")
    log_custody(item, "exported", None, "copy for the dossier")
    assert verify_register().ok


def test_the_custody_log_is_append_only(docs_dir: Path) -> None:
    item = _evidence(docs_dir)
    entry = CustodyEntry.objects.get(item=item)
    entry.reason = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        CustodyEntry.objects.filter(pk=entry.pk).update(reason="changed")
    with pytest.raises(PermissionError):
        CustodyEntry.objects.filter(item=item).delete()
    with pytest.raises(ValueError, match="says why"):
        log_custody(item, "viewed", None, "")
    with pytest.raises(ValueError, match="custody action"):
        log_custody(item, "destroyed", None, "x")


def test_tampered_custody_entries_are_named(docs_dir: Path) -> None:
    item = _evidence(docs_dir)
    log_custody(item, "viewed", None, "look")
    # someone holding the data key re-encrypts another reason: the chain shows it
    _forge("register_custodyentry", "reason", "nothing", "number = 2")
    problems = verify_register().problems
    assert problems == ["evidence item EV-12: custody entry 2: altered (its hash does not match)"]
    # without the key, a value written in clear cannot be read: named by table, column and row
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE register_custodyentry SET reason = %s WHERE number = %s", ["nothing", 2]
        )
    (problem,) = verify_register().problems
    assert problem.startswith("evidence item EV-12: cannot decrypt register_custodyentry.reason")
    assert "nothing" not in problem
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM register_custodyentry WHERE number = %s", [2])
    assert verify_register().problems == [
        "evidence item EV-12: custody log does not end where the item says (an entry was removed or added)"
    ]


def test_a_failed_ingest_keeps_nothing(docs_dir: Path) -> None:
    with pytest.raises(RecordError, match="source_ids names source-none"):
        ingest_evidence(
            [b"bytes"],
            record_id="EV-1",
            title="t",
            kind="document",
            media_type="text/plain",
            user=None,
            reason="r",
            source_ids=("source-none",),
        )
    assert not EvidenceItem.objects.exists() and not CustodyEntry.objects.exists()
    assert [p.name for p in docs_dir.iterdir()] == []


# --- verify against tampering -----------------------------------------------------------------


def test_verify_names_a_file_altered_on_disk(docs_dir: Path) -> None:
    item = _evidence(docs_dir)
    path = docs_dir / item.file_sha256
    path.write_bytes(b"statement text, edited\n")
    found = hashlib.sha256(b"statement text, edited\n").hexdigest()
    assert verify_register().problems == [
        f"evidence item EV-12: file hash mismatch (recorded {item.file_sha256}, found {found})"
    ]
    path.unlink()
    assert verify_register().problems == ["evidence item EV-12: file missing"]


def test_verify_names_a_record_altered_in_the_database(docs_dir: Path) -> None:
    records.save_record(person(), None, "entered")
    assert verify_register().ok
    forged = '{"id":"person-t","names":[{"text":"Someone Else"}],"type":"person"}'
    # the revision's JSON, behind the application's back, by someone holding the data key
    _forge("register_revision", "canonical", forged, "record_id = 'person-t'")
    assert verify_register().problems == [
        "person person-t: revision 1: canonical JSON does not match its SHA-256"
    ]


def test_verify_names_a_record_row_altered_in_the_database() -> None:
    records.save_record(person(), None, "entered")
    _forge("register_person", "birth_date", "1999", "record_id = 'person-t'")
    assert verify_register().problems == [
        "person person-t: record content does not match its last revision (changed outside the application)"
    ]


def _forge(table: str, column: str, value: str, where: str) -> None:
    """Write ``value`` into ``table.column`` with SQL, encrypted as the application would."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s WHERE {where}",
            [seal(value, aad_for(table, column))],
        )


def test_the_verify_command_exits_non_zero_naming_the_item(docs_dir: Path) -> None:
    item = _evidence(docs_dir)
    runner = CliRunner()
    ok = runner.invoke(register_group, ["verify"])
    assert ok.exit_code == 0 and "every hash matches" in ok.output
    (docs_dir / item.file_sha256).write_bytes(b"forged")
    bad = runner.invoke(register_group, ["verify"])
    assert bad.exit_code == 1
    assert "evidence item EV-12: file hash mismatch" in bad.stdout


# --- the starter register ---------------------------------------------------------------------


def test_the_starter_register_loads_idempotently_and_verifies() -> None:
    first = transfer.load_starter()
    assert first.created >= 100 and first.updated == 0
    again = transfer.load_starter()
    assert again.created == again.updated == 0 and again.unchanged == first.created
    assert Person.objects.count() >= 40
    assert Unit.objects.count() >= 20
    for allegation in Allegation.objects.all():
        assert allegation.source_ids
        assert Source.objects.filter(record_id__in=allegation.source_ids).count() == len(
            allegation.source_ids
        )
    report = verify_register()
    assert report.ok and report.records == report.revisions == first.created
    raslan = Person.objects.get(record_id="person-anwar-raslan")
    assert {"Anwar Raslan", "أنور رسلان", "Анвар Раслан"} <= {n["text"] for n in raslan.names}
    assert raslan.allegations.get().certainty == "convicted_final"


def test_the_cli_takes_a_file_in_as_evidence_all_or_nothing(docs_dir: Path, tmp_path: Path) -> None:
    records.save_record(person(), None, "entered")
    statement = tmp_path / "statement.txt"
    statement.write_bytes("شهادة witness statement\n".encode())
    runner = CliRunner()
    args = ["add-evidence", str(statement), "--title", "Statement", "--kind", "testimony",
            "--reason", "from the field team", "--received-from", "field team"]  # fmt: skip
    bad = runner.invoke(register_group, [*args, "--related", "person-nobody"])
    assert bad.exit_code == 2 and "person-nobody, which does not exist" in bad.output
    assert not EvidenceItem.objects.exists() and not list(docs_dir.iterdir())
    good = runner.invoke(register_group, [*args, "--related", "person-t"])
    assert good.exit_code == 0, good.output
    item = EvidenceItem.objects.get()
    assert item.file_sha256 == hashlib.sha256(statement.read_bytes()).hexdigest()
    assert item.media_type == "text/plain" and tuple(item.related_ids) == ("person-t",)
    assert [c.action for c in item.custody.all()] == ["received"]
    assert runner.invoke(register_group, ["verify"]).exit_code == 0


def test_the_cli_loads_the_starter_register_and_verifies_it() -> None:
    runner = CliRunner()
    loaded = runner.invoke(register_group, ["load-starter"])
    assert loaded.exit_code == 0 and "created" in loaded.output
    verified = runner.invoke(register_group, ["verify"])
    assert verified.exit_code == 0, verified.output


# --- imports and exports ----------------------------------------------------------------------


def test_ftm_export_then_import_gives_the_same_register(tmp_path: Path) -> None:
    transfer.load_starter()
    before = transfer.stored_register()
    out = tmp_path / "register.ftm.json"
    result = CliRunner().invoke(register_group, ["export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(before)
    exported = AuditEntry.objects.get(action="register_export")  # a bulk export is audited
    assert exported.details == {"entities": len(lines), "to_file": True}
    report = transfer.import_ftm(lines, None, "round trip")
    assert report.created == report.updated == 0
    assert transfer.stored_register() == before


def _lines(*records: Any) -> list[str]:
    return [json.dumps(to_entity(r), ensure_ascii=False) for r in records]


def test_a_failing_ftm_import_names_the_line_and_writes_nothing() -> None:
    good = _lines(SOURCE, person(source_ids=("source-t",)))
    broken = json.loads(_lines(person(id="person-u"))[0])
    broken["properties"]["birthDate"] = ["1970", "1971"]
    with pytest.raises(transfer.ImportFailed, match=r"^line 3: birthDate has 2 values"):
        transfer.import_ftm([*good, json.dumps(broken)], None, "import")
    dangling = _lines(person(id="person-v", source_ids=("source-missing",)))
    with pytest.raises(
        transfer.ImportFailed, match=r"^line 3: person-v: source_ids names source-missing"
    ):
        transfer.import_ftm([*good, *dangling], None, "import")
    assert not Person.objects.exists() and not Source.objects.exists()
    assert not Revision.objects.exists()
    report = transfer.import_ftm(good, None, "import")
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)


def test_an_import_whose_id_is_stored_as_another_type_names_it_and_writes_nothing() -> None:
    records.save_record(SOURCE, None, "source")
    batch = _lines(person(id="person-w"), person(id="source-t"))
    with pytest.raises(
        transfer.ImportFailed, match=r"^line 2: source-t: .*already used by a source"
    ):
        transfer.import_ftm(batch, None, "import")
    assert not Person.objects.exists()
    assert Revision.objects.count() == 1


def test_an_evidence_item_imports_only_with_its_stored_file(docs_dir: Path) -> None:
    item = _evidence(docs_dir)
    line = _lines(records.to_core(item))[0].replace(item.file_sha256, "b" * 64)
    line = line.replace('"EV-12"', '"EV-13"')
    with pytest.raises(
        transfer.ImportFailed, match=r"^line 1: EV-13: no stored file has SHA-256 b{64}"
    ):
        transfer.import_ftm([line], None, "import")


CSV = """ID,Latin,Arabic,DOB
person-c1,Carl Example,كارل,1960
person-c2,Dana Example,,1970-02-30
"""
MAPPING = (
    "record: person\ncolumns:\n  id: ID\n  names.primary: [Latin, Arabic]\n  birth_date: DOB\n"
)


def test_csv_import_with_a_mapping_all_or_nothing(tmp_path: Path) -> None:
    with pytest.raises(
        transfer.ImportFailed, match=r"^row 3: birth_date: Value error, no such date"
    ):
        transfer.import_csv(
            CSV,
            {
                "record": "person",
                "columns": {"id": "ID", "names.primary": ["Latin", "Arabic"], "birth_date": "DOB"},
            },
            None,
            "csv",
        )
    assert not Person.objects.exists()
    data, mapping = tmp_path / "people.csv", tmp_path / "mapping.yaml"
    data.write_text(CSV.replace("1970-02-30", "1970-02-28"), encoding="utf-8")
    mapping.write_text(MAPPING, encoding="utf-8")
    result = CliRunner().invoke(register_group, ["import", str(data), "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    c1 = records.to_core(Person.objects.get(record_id="person-c1"))
    assert [n.text for n in c1.names] == ["Carl Example", "كارل"]  # type: ignore[attr-defined]
    bad = CliRunner().invoke(register_group, ["import", str(data), "--format", "csv"])
    assert bad.exit_code == 2 and "needs --mapping" in bad.stderr
