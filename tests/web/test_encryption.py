"""Encryption at rest (issue 7, item 2): personal data is encrypted in the database and in the
document store, names are found through keyed blind indexes, keys rotate without downtime.

The acceptance test loads the demo into a database of its own (a SQLite file, or a database in
the throwaway PostgreSQL cluster with ``ASYLON_TEST_DB=postgres``) with real ``asylon``
processes, then reads the raw SQLite file (with its write-ahead log) or a ``pg_dump`` of it and
looks for every demo client's name and alias, in Latin, Arabic and Cyrillic script.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client as Browser

from asylon.web.accounts.models import Team, User
from asylon.web.audit.models import AuditEntry
from asylon.web.audit.services import record, verify
from asylon.web.cases.models import Assessment, Case, Client, ClientNameKey
from asylon.web.crypto import keys as keymod
from asylon.web.crypto.blind_index import cases_named
from asylon.web.crypto.commands import keys_group
from asylon.web.crypto.fields import DecryptionError
from asylon.web.crypto.rotation import reencrypt_all, usage
from asylon.web.documents import services as doc_services
from asylon.web.documents import storage
from asylon.web.documents.models import Document, Note
from asylon.web.screening.models import Judgement, ScreeningHit, ScreeningRun
from asylon.web.timeline.models import TimelineEvent
from tests.postgres_plugin import pg_binary, psql

REPO = Path(__file__).resolve().parents[2]
ASYLON = str(Path(sys.executable).with_name("asylon"))
POSTGRES = os.environ.get("ASYLON_TEST_DB") == "postgres"
DEMO = REPO / "data" / "demo" / "cases"


def demo_names() -> list[str]:
    names: set[str] = set()
    for path in sorted(DEMO.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        name = doc["applicant"]["name"]
        names.add(name["full"])
        names.update(name.get("aliases") or [])
    return sorted(names)


def register_names() -> list[str]:
    """The names of the people of the starter register (``make demo`` loads it), every script."""
    names: set[str] = set()
    for path in sorted((REPO / "data" / "register" / "persons").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        names.update(n["text"] for n in doc["person"]["names"] if len(n["text"]) >= 8)
    return sorted(names)


def raw(table: str, column: str, pk: Any) -> Any:
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"SELECT {qn(column)} FROM {qn(table)} WHERE id = %s", [pk])
        return cur.fetchone()[0]


def write_raw(table: str, column: str, pk: Any, value: Any) -> None:
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE id = %s", [value, pk])


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the key file in use: rotating it touches no other test."""
    source = keymod.keyring().path
    copy = tmp_path / "keys" / "data-keys.json"
    copy.parent.mkdir(mode=0o700)
    shutil.copyfile(source, copy)
    copy.chmod(0o600)
    monkeypatch.setenv(keymod.KEY_ENV, str(copy))
    keymod._forget()
    yield copy
    monkeypatch.undo()
    keymod._forget()


@pytest.fixture
def docs_dir(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "documents"
    settings.ASYLON_DOCUMENTS_DIR = str(folder)
    return folder


@pytest.fixture
def world(docs_dir: Path) -> dict[str, Any]:
    team = Team.objects.create(name="Moscow office")
    worker = User.objects.create_user("cw", team=team)
    client = Client.objects.create(
        full_name="Nadim Example-Khayyat",
        aliases=["نديم الخياط", "Надим Хайят"],
        born=date(1978, 2, 11),
        home_place="Aleppo, al-Jamiliyah",
        contact="+7 900 000-00-00 (Signal)",
        team=team,
        home_country="SY",
    )
    case = Case.objects.create(
        client=client,
        team=team,
        jurisdiction="ru",
        facts={"claim": {"narrative": "Detained at the Kafr Sousa branch in 2012."}},
    )
    case.assigned.add(worker)
    return {"team": team, "worker": worker, "client": client, "case": case, "dir": docs_dir}


# --- the fields -----------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_every_personal_field_round_trips_and_is_stored_encrypted(world: dict[str, Any]) -> None:
    client, case, worker = world["client"], world["case"], world["worker"]
    event = TimelineEvent.objects.create(
        case=case, kind="arrival", on=date(2015, 10, 2), details={"place": "Sheremetyevo"}
    )
    assessment = Assessment.objects.create(
        case=case,
        as_of=date(2016, 12, 6),
        jurisdiction="ru",
        rules_version="t",
        outcome="refugee",
        case_file={"applicant": {"name": {"full": "Nadim Example-Khayyat"}}},
        determination={"flags": ["x"], "outcome": "refugee"},
    )
    note = Note.objects.create(case=case, author=worker, text="Nadim called from Moscow.")
    doc = Document.objects.create(
        case=case,
        title="Passport of Nadim",
        kind="identity",
        original_name="nadim-passport.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    entry = record(worker, "edit_client", case, before={"full_name": "Nadim K."})
    run = ScreeningRun.objects.create(case=case, user=worker, threshold=0.8, register_version="t")
    hit = ScreeningHit.objects.create(
        run=run,
        case=case,
        applicant_key=f"client-{client.pk}",
        kind="person",
        register_id="p-1",
        register_name="Jamil Example",
        score=0.9,
        features=[{"name": "name", "applicant": "Nadim Example-Khayyat", "register": "Jamil"}],
    )
    judgement = Judgement.objects.create(
        applicant_key=f"client-{client.pk}",
        register_id="p-1",
        case=case,
        decision="no_match",
        reason="Nadim was in Moscow then",
        user=worker,
    )

    again = Client.objects.get(pk=client.pk)
    assert again.full_name == "Nadim Example-Khayyat"
    assert again.aliases == ["نديم الخياط", "Надим Хайят"]
    assert again.born == date(1978, 2, 11)
    assert again.home_place == "Aleppo, al-Jamiliyah"
    assert again.contact == "+7 900 000-00-00 (Signal)"
    assert Case.objects.get(pk=case.pk).facts["claim"]["narrative"].startswith("Detained")
    a = Assessment.objects.get(pk=assessment.pk)
    assert a.case_file["applicant"]["name"]["full"] == "Nadim Example-Khayyat"
    assert a.determination == {"flags": ["x"], "outcome": "refugee"}
    assert TimelineEvent.objects.get(pk=event.pk).details == {"place": "Sheremetyevo"}
    assert Note.objects.get(pk=note.pk).text == "Nadim called from Moscow."
    d = Document.objects.get(pk=doc.pk)
    assert (d.title, d.original_name) == ("Passport of Nadim", "nadim-passport.pdf")
    assert AuditEntry.objects.get(pk=entry.pk).details["before"] == {"full_name": "Nadim K."}

    stored = [
        raw("cases_client", c, client.pk)
        for c in ("full_name", "aliases", "born", "home_place", "contact")
    ]
    stored += [raw("cases_case", "facts", case.pk)]
    stored += [raw("cases_assessment", c, a.pk) for c in ("case_file", "determination")]
    stored += [raw("timeline_timelineevent", "details", event.pk)]
    stored += [raw("documents_note", "text", note.pk)]
    stored += [raw("documents_document", c, doc.pk) for c in ("title", "original_name")]
    stored += [raw("audit_auditentry", "details", entry.pk)]
    h = ScreeningHit.objects.get(pk=hit.pk)
    assert h.register_name == "Jamil Example" and h.features[0]["applicant"].startswith("Nadim")
    assert Judgement.objects.get(pk=judgement.pk).reason == "Nadim was in Moscow then"
    stored += [raw("screening_screeninghit", c, hit.pk) for c in ("features", "register_name")]
    stored += [raw("screening_judgement", "reason", judgement.pk)]
    for value in stored:
        assert isinstance(value, str) and value.startswith("enc:v1:"), value
        assert "Nadim" not in value and "Sheremetyevo" not in value and "Jamil" not in value
    # a fresh nonce each time: the same name twice gives two ciphertexts
    twin = Client.objects.create(full_name="Nadim Example-Khayyat", team=world["team"])
    assert raw("cases_client", "full_name", twin.pk) != stored[0]
    # a NULL stays NULL, and SQL cannot compare an encrypted column
    assert Client.objects.filter(born__isnull=True).count() == 1
    with pytest.raises(Exception, match="Unsupported lookup 'icontains'"):
        list(Client.objects.filter(full_name__icontains="Nadim"))


def test_a_tampered_or_moved_value_names_table_column_and_row_only(world: dict[str, Any]) -> None:
    client = world["client"]
    stored = raw("cases_client", "full_name", client.pk)
    prefix, _sep, data = stored.rpartition(":")
    body = bytearray(base64.b64decode(data))
    body[-1] ^= 1
    write_raw("cases_client", "full_name", client.pk, f"{prefix}:{base64.b64encode(body).decode()}")
    again = Client.objects.get(pk=client.pk)
    assert again.home_place == "Aleppo, al-Jamiliyah"  # the rest of the row still reads
    with pytest.raises(DecryptionError) as err:
        _ = again.full_name
    message = str(err.value)
    assert f"cases_client.full_name of row {client.pk}" in message
    assert "authentication failed" in message and "Nadim" not in message

    # a valid ciphertext of another column (the home area) does not pass for a name
    write_raw("cases_client", "full_name", client.pk, raw("cases_client", "home_place", client.pk))
    with pytest.raises(DecryptionError, match="copied from another column"):
        _ = Client.objects.get(pk=client.pk).full_name
    # plaintext written around the application is refused too
    write_raw("cases_client", "full_name", client.pk, "Nadim Example-Khayyat")
    with pytest.raises(DecryptionError, match="not encrypted"):
        _ = Client.objects.get(pk=client.pk).full_name


def test_a_missing_or_readable_or_wrong_key_file_is_a_clear_error(
    world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = world["client"]
    try:
        monkeypatch.setenv(keymod.KEY_ENV, str(tmp_path / "nowhere.json"))
        with pytest.raises(keymod.KeyProblem, match="does not exist: create it with `asylon keys"):
            keymod.keyring()
        result = CliRunner().invoke(keys_group, ["status"])
        assert result.exit_code == 1 and "nowhere.json does not exist" in result.output

        readable = tmp_path / "readable.json"
        keymod.init_key_file(readable)
        readable.chmod(0o644)
        monkeypatch.setenv(keymod.KEY_ENV, str(readable))
        with pytest.raises(keymod.KeyProblem, match="accessible by other users"):
            keymod.keyring()

        readable.chmod(0o600)  # a valid key file, but not the one of this database
        with pytest.raises(DecryptionError) as err:
            _ = Client.objects.get(pk=client.pk).full_name
        assert f"cases_client.full_name of row {client.pk}" in str(err.value)
        assert "is not in the key file" in str(err.value)

        # the default key file gone while the database holds ciphertext: no new key is made
        monkeypatch.delenv(keymod.KEY_ENV)
        monkeypatch.setenv("ASYLON_VAR_DIR", str(tmp_path / "var"))
        monkeypatch.setattr("django.conf.settings.ASYLON_DATA_KEY_FILE", "")
        with pytest.raises(keymod.KeyProblem, match="database holds encrypted values"):
            keymod.keyring()
        assert not (tmp_path / "var" / "data-keys.json").exists()
    finally:
        monkeypatch.undo()
        keymod._forget()


# --- the blind index ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "Nadim Example-Khayyat",
        "nadim example-khayyat",
        "NADIM",
        "Khayyat",
        "Khayyat Nadim",
        "نديم الخياط",
        "نَدِيم الخيّاط",  # with diacritics
        "Надим Хайят",
        "надим",
    ],
)
def test_the_blind_index_finds_a_client_by_exact_name_in_each_script(
    world: dict[str, Any], query: str
) -> None:
    assert list(cases_named(Case.objects.all(), query)) == [world["case"]]


@pytest.mark.parametrize("query", ["Nad", "Khayy", "Example-Khay", "ندي", "Над", "Nadim X", ""])
def test_the_blind_index_does_not_find_by_part_of_a_word(world: dict[str, Any], query: str) -> None:
    assert list(cases_named(Case.objects.all(), query)) == []


def test_the_index_holds_only_keyed_digests_and_follows_an_edit(world: dict[str, Any]) -> None:
    client = world["client"]
    digests = list(ClientNameKey.objects.filter(client=client).values_list("digest", flat=True))
    assert digests and all(len(d) == 32 and int(d, 16) >= 0 for d in digests)
    client.full_name, client.aliases = "Salim Other", []
    client.save()
    assert list(cases_named(Case.objects.all(), "Nadim")) == []
    assert list(cases_named(Case.objects.all(), "Salim Other")) == [world["case"]]


def test_the_dashboard_and_the_api_search_through_the_index(world: dict[str, Any]) -> None:
    from asylon.web.api.models import ApiToken

    browser = Browser()
    browser.force_login(world["worker"])
    found = browser.get("/en/", {"q": "Надим Хайят"})
    assert found.status_code == 200 and f"/cases/{world['case'].pk}/" in found.content.decode()
    missed = browser.get("/en/", {"q": "Nad"})
    assert f"/cases/{world['case'].pk}/" not in missed.content.decode()

    token = ApiToken.issue(world["worker"], "t")[1]
    headers = {"Authorization": f"Bearer {token}"}
    by_name = Browser().get("/api/cases", {"q": "نديم الخياط"}, headers=headers)
    assert [c["id"] for c in by_name.json()] == [world["case"].pk]
    assert Browser().get("/api/cases", {"q": "Khay"}, headers=headers).json() == []


# --- stored files ---------------------------------------------------------------------------


def test_stored_files_are_encrypted_and_checked_after_decryption(world: dict[str, Any]) -> None:
    content = b"Statement of Nadim Example-Khayyat, born 1978 in Aleppo.\n" * 2000
    upload = SimpleUploadedFile("statement.txt", content, content_type="text/plain")
    doc = doc_services.add_document(world["case"], world["worker"], upload, kind="statement")
    path = world["dir"] / doc.sha256
    on_disk = path.read_bytes()
    assert b"Nadim" not in on_disk and b"Aleppo" not in on_disk
    assert doc.sha256 == __import__("hashlib").sha256(content).hexdigest()
    with storage.open_verified(doc.sha256, doc.size) as f:
        assert f.read() == content
    with storage.open_verified(doc.sha256, doc.size) as f:  # seekable, as FileResponse wants
        f.seek(0, 2)
        assert f.tell() == len(content)
        f.seek(0)
        assert f.read(9) == b"Statement"

    damaged = bytearray(on_disk)
    damaged[len(damaged) // 2] ^= 1
    path.write_bytes(bytes(damaged))
    with pytest.raises(storage.BlobCorrupted):
        storage.open_verified(doc.sha256, doc.size)


def test_a_plaintext_file_stored_before_encryption_is_read_then_encrypted(
    world: dict[str, Any],
) -> None:
    import hashlib

    content = b"an old upload naming Nadim"
    sha = hashlib.sha256(content).hexdigest()
    world["dir"].mkdir(parents=True, exist_ok=True)
    (world["dir"] / sha).write_bytes(content)
    with storage.open_verified(sha, len(content)) as f:
        assert f.read() == content
    result = CliRunner().invoke(keys_group, ["encrypt-documents"])
    assert result.exit_code == 0, result.output
    assert b"Nadim" not in (world["dir"] / sha).read_bytes()
    with storage.open_verified(sha, len(content)) as f:
        assert f.read() == content


# --- rotation -------------------------------------------------------------------------------


def test_rotation_reencrypts_everything_and_the_old_key_retires(
    world: dict[str, Any], key_file: Path
) -> None:
    worker, case = world["worker"], world["case"]
    record(worker, "edit_client", case, before={"full_name": "Nadim K."})
    upload = SimpleUploadedFile("n.txt", b"Nadim's statement", content_type="text/plain")
    doc = doc_services.add_document(case, worker, upload, kind="statement")
    old = keymod.keyring().current

    ring, new = keymod.add_key()
    assert ring.current == new and old in ring.keys
    assert Client.objects.get(pk=world["client"].pk).full_name == "Nadim Example-Khayyat"
    refused = CliRunner().invoke(keys_group, ["retire", old])
    assert refused.exit_code == 1 and "still encrypts" in refused.output

    progress = reencrypt_all(batch=2)
    assert not progress.problems and progress.files == 1
    for u in usage():
        assert u.by_key.get(old, 0) == 0 and u.other == 0, u
    assert storage.key_of(world["dir"] / doc.sha256) == new
    assert reencrypt_all().values == 0  # idempotent: nothing left to do

    retired = CliRunner().invoke(keys_group, ["retire", old])
    assert retired.exit_code == 0, retired.output
    assert old not in json.loads(key_file.read_text())["keys"]
    assert Client.objects.get(pk=world["client"].pk).aliases[1] == "Надим Хайят"
    with storage.open_verified(doc.sha256, doc.size) as f:
        assert f.read() == b"Nadim's statement"
    assert verify().ok, verify().problems  # the audit chain covers the plaintext


def test_index_key_rotation_keeps_search_working(world: dict[str, Any], key_file: Path) -> None:
    old = keymod.keyring().index_current
    _ring, new = keymod.add_key(index=True)
    # not yet recomputed: found under the old key
    assert list(cases_named(Case.objects.all(), "Nadim")) == [world["case"]]
    result = CliRunner().invoke(keys_group, ["rotate-index", "--wait", "0"])
    assert result.exit_code == 0, result.output
    current = keymod.keyring().index_current
    assert set(ClientNameKey.objects.values_list("kid", flat=True)) == {current}
    assert CliRunner().invoke(keys_group, ["retire", old]).exit_code == 0
    assert CliRunner().invoke(keys_group, ["retire", new]).exit_code == 0
    assert list(cases_named(Case.objects.all(), "Надим")) == [world["case"]]


def test_the_audit_chain_catches_a_ciphertext_swapped_between_entries(
    world: dict[str, Any],
) -> None:
    first = record(world["worker"], "edit_client", world["case"], before={"contact": "a"})
    second = record(world["worker"], "edit_client", world["case"], before={"contact": "b"})
    assert verify().ok
    # the trigger lets one ciphertext replace another (that is how keys rotate) ...
    write_raw(
        "audit_auditentry", "details", second.pk, raw("audit_auditentry", "details", first.pk)
    )
    # ... and the chain, computed over the plaintext, names the entry
    problems = [p.message for p in verify().problems]
    assert any(f"entry {second.pk} " in p and "does not match its hash" in p for p in problems)


# --- the demo database, dumped --------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo loaded by real processes into a database of its own."""
    root = tmp_path_factory.mktemp("demo-db")
    var = root / "var"
    var.mkdir()
    name = f"asylon_enc_{uuid.uuid4().hex[:12]}"
    if POSTGRES:
        base = os.environ["DATABASE_URL"]
        head, _sep, query = base.partition("?")
        url = f"{head.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")
        psql(base, f'CREATE DATABASE "{name}"')
    else:
        url = f"sqlite:///{root / 'demo.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "ASYLON_VAR_DIR": str(var)}
    for k in ("ASYLON_TEST_DB", keymod.KEY_ENV, "ASYLON_DOCUMENTS_DIR", "ASYLON_FAULT_AT"):
        env.pop(k, None)

    def asylon(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [ASYLON, *args],
            env={**env, **extra},
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
        )

    steps = (("manage", "migrate", "-v0"), ("manage", "load_demo"), ("register", "load-starter"))
    for step in steps:
        done = asylon(*step)
        assert done.returncode == 0, done.stderr[-2000:]
    yield {"url": url, "root": root, "var": var, "asylon": asylon, "name": name}
    if POSTGRES:
        psql(os.environ["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{name}"')


def _dump(db: dict[str, Any]) -> bytes:
    if POSTGRES:
        out = subprocess.run(
            [
                pg_binary("pg_dump"),
                "--no-owner",
                "--inserts",
                db["url"].replace("postgres://", "postgresql://", 1),
            ],
            capture_output=True,
            timeout=300,
        )
        assert out.returncode == 0, out.stderr.decode()[-2000:]
        return out.stdout
    path = Path(db["url"].removeprefix("sqlite:///"))
    return b"".join(
        p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()
    )


def test_a_dump_of_the_demo_database_holds_no_client_name_in_any_script(
    demo_db: dict[str, Any],
) -> None:
    names = demo_names()
    scripts = {"latin": "a", "arabic": "\u0627", "cyrillic": "\u0430"}
    assert len(names) > 40
    for script, letter in scripts.items():  # each script is really among them
        assert any(letter in n.lower() or letter in n for n in names), script
    dump = _dump(demo_db)
    assert len(dump) > 100_000 and b"cases_client" in dump  # a real dump of the tables
    found = [n for n in names if n.encode("utf-8") in dump]
    assert found == [], f"names in the dump: {found}"
    # nor the names of the register's people (the register is loaded: its tables are there)
    people = register_names()
    assert len(people) > 60 and b"register_person" in dump and b"register_revision" in dump
    found = [n for n in people if n.encode("utf-8") in dump]
    assert found == [], f"register names in the dump: {found}"
    # and the demo is there, readable with the key: the loader's search finds a demo client
    status = demo_db["asylon"]("keys", "status", "--format", "json")
    assert status.returncode == 0, status.stderr
    columns = json.loads(status.stdout)["columns"]
    client_names = next(
        c for c in columns if c["table"] == "cases_client" and c["column"] == "full_name"
    )
    assert client_names["values"] >= 24 and client_names["not_under_a_known_key"] == 0


def test_the_register_migration_encrypts_the_rows_already_there(demo_db: dict[str, Any]) -> None:
    """Unapplied, register 0002 puts the plaintext back; applied, it encrypts what is there."""
    asylon = demo_db["asylon"]
    back = asylon("manage", "migrate", "register", "0001", "-v0")
    assert back.returncode == 0, back.stderr[-2000:]
    assert b"Anwar Raslan" in _dump(demo_db)  # an installation from before the encryption
    forward = asylon("manage", "migrate", "register", "-v0")
    assert forward.returncode == 0, forward.stderr[-2000:]
    dump = _dump(demo_db)
    assert [n for n in register_names() if n.encode("utf-8") in dump] == []
    verified = asylon("register", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "every hash matches" in verified.stdout


def test_a_killed_rotation_resumes_and_the_audit_chain_still_verifies(
    demo_db: dict[str, Any],
) -> None:
    asylon = demo_db["asylon"]
    before = json.loads(asylon("keys", "status", "--format", "json").stdout)
    old = before["current"]
    killed = asylon(
        "keys", "rotate", "--batch", "10", "--wait", "0", ASYLON_FAULT_AT="keys-reencrypt:3"
    )
    assert killed.returncode == -9, killed.stdout + killed.stderr
    middle = json.loads(asylon("keys", "status", "--format", "json").stdout)
    new = middle["current"]
    assert new != old
    mixed = [c for c in middle["columns"] if c["by_key"].get(old) and c["by_key"].get(new)]
    assert mixed, "killed in the middle: some values under each key"

    resumed = asylon("keys", "reencrypt", "--batch", "50")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    after = json.loads(asylon("keys", "status", "--format", "json").stdout)
    for c in after["columns"]:
        assert c["by_key"].get(old, 0) == 0 and c["not_under_a_known_key"] == 0, c
    retired = asylon("keys", "retire", old)
    assert retired.returncode == 0, retired.stderr
    checked = asylon("keys", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    audit = asylon("audit", "verify")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "the chain is intact" in audit.stdout
    # the register's revisions and custody chain cover the plaintext: rotation left them whole
    register = asylon("register", "verify")
    assert register.returncode == 0, register.stdout + register.stderr
    # and nothing of the names came out of the key commands
    for out in (killed, resumed, retired, checked):
        assert not any(n in out.stdout + out.stderr for n in demo_names())


def test_a_wrong_key_file_is_a_clear_command_error(demo_db: dict[str, Any], tmp_path: Path) -> None:
    asylon = demo_db["asylon"]
    other = tmp_path / "other-keys.json"
    keymod.init_key_file(other)
    checked = asylon("keys", "check", ASYLON_DATA_KEY_FILE=str(other))
    assert checked.returncode == 1
    assert (
        "cases_client.full_name row" in checked.stdout and "not in the key file" in checked.stdout
    )
    missing = asylon("keys", "check", ASYLON_DATA_KEY_FILE=str(tmp_path / "absent.json"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr


def test_the_search_loads_on_a_real_demo_database_too(demo_db: dict[str, Any]) -> None:
    """Also the name index the migration and the loader built (one call_command is enough)."""
    call_command("load_demo")  # into the test database: the loader indexes as it creates
    names = demo_names()
    latin = next(n for n in names if n.startswith("Nadim"))
    assert cases_named(Case.objects.all(), latin).count() >= 1
