"""Encrypted backups and their restore: a demo database with a document is backed up, restored
into an empty database (a second SQLite file, or a second PostgreSQL database in the throwaway
cluster) and compared table by table, row by row; a damaged, truncated or altered archive, a
wrong key, no key or a key file others can read are refused and nothing is touched; the
archive holds no plaintext name. Runs on SQLite and on PostgreSQL (``ASYLON_TEST_DB``)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from asylon.cli import main
from asylon.web.accounts.models import Team, User
from asylon.web.backup import (
    ArchiveDamaged,
    BackupError,
    CrossVendor,
    KeyProblem,
    NotEmpty,
    WrongKey,
    crypto,
)
from asylon.web.backup.archive import create_backup, restore_backup, verify_backup
from asylon.web.backup.database import POSTGRESQL, SQLITE, Database, snapshot_sqlite, tables
from asylon.web.cases.models import Case
from asylon.web.documents import services
from asylon.web.documents.models import Document
from asylon.web.documents.storage import open_plain
from asylon.web.register.transfer import load_starter

DEMO_NAMES = ("Jalal Example-Mukhabarat", "جلال", "Nadim Example-Khayyat", "نديم الخياط")
STATEMENT = (
    "Statement of Jalal Example-Mukhabarat (جلال), taken in Berlin.\n"
    "Witness: Nadim Example-Khayyat (نديم الخياط).\n"
).encode()


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "backup.key"
    path.parent.mkdir()
    crypto.write_key(path)
    return path


@pytest.fixture
def key(key_file: Path) -> bytes:
    return crypto.load_key(key_file)


@pytest.fixture
def docs_dir(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "documents"
    settings.ASYLON_DOCUMENTS_DIR = str(folder)
    return folder


@pytest.fixture
def source() -> Database:
    return Database.from_django()


@pytest.fixture
def empty_target(source: Database, tmp_path: Path) -> Iterator[Database]:
    """An empty database of the same vendor as the test database, apart from it."""
    if source.vendor == SQLITE:
        yield Database(SQLITE, str(tmp_path / "restored" / "asylon.sqlite3"))
        return
    name = f"asylon_restore_{uuid.uuid4().hex[:12]}"
    admin = source.connect()
    try:
        admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
        yield Database(POSTGRESQL, name, {**source.params, "dbname": name})
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def all_rows(db: Database) -> dict[str, list[Any]]:
    """Every row of every table, in a form that compares exactly across connections."""
    conn = db.connect()
    try:
        if db.vendor == POSTGRESQL:
            conn.execute("SET TIME ZONE 'UTC'")
            select = 'SELECT t::text FROM "{}" AS t'
        else:
            select = 'SELECT * FROM "{}"'
        return {
            t: sorted(conn.execute(select.format(t)).fetchall(), key=repr)
            for t in tables(conn, db.vendor)
        }
    finally:
        conn.close()


def untouched(db: Database) -> bool:
    """The restore target still has no table at all."""
    if db.vendor == SQLITE and not Path(db.name).exists():
        return True
    conn = db.connect()
    try:
        return tables(conn, db.vendor) == []
    finally:
        conn.close()


def small_world(docs_dir: Path, blob_bytes: int = 0) -> str | None:
    """A few rows, and optionally one stored content of ``blob_bytes`` random bytes."""
    team = Team.objects.create(name="Backup office")
    User.objects.create_user("backup-cw", team=team)
    if not blob_bytes:
        return None
    data = os.urandom(blob_bytes)
    sha = hashlib.sha256(data).hexdigest()
    docs_dir.mkdir(parents=True, exist_ok=True)
    (docs_dir / sha).write_bytes(data)
    return sha


# --- the whole round trip, on the demo --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_demo_backup_restores_every_table_row_by_row(
    source: Database, empty_target: Database, key: bytes, docs_dir: Path, tmp_path: Path
) -> None:
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    load_starter()
    case = Case.objects.first()
    assert case is not None
    caseworker = User.objects.get(username="demo-caseworker")
    upload = SimpleUploadedFile("statement.txt", STATEMENT, content_type="text/plain")
    document = services.add_document(case, caseworker, upload, title="Statement")
    assert document.sha256 == hashlib.sha256(STATEMENT).hexdigest()

    archive = tmp_path / "out" / "demo.asylon-backup"
    manifest = create_backup(archive, key, source, docs_dir, tmp_path / "work")

    # The archive: private, and no name in plaintext in any script (the document holds them).
    assert archive.stat().st_mode & 0o777 == 0o600
    raw = archive.read_bytes()
    for name in DEMO_NAMES:
        assert name.encode("utf-8") not in raw
        assert name.encode("utf-16-le") not in raw
    assert STATEMENT[:40] not in raw
    assert not list(archive.parent.glob(".*partial*"))  # no temporary file left
    assert not list((tmp_path / "work").iterdir())  # no plaintext left behind

    # The manifest describes the snapshot.
    db = manifest["database"]
    assert db["vendor"] == source.vendor
    assert db["tables"]["cases_case"] == Case.objects.count() > 0
    assert db["tables"]["documents_document"] == Document.objects.count() == 1
    assert "accounts.0001_initial" in db["migrations"]
    assert manifest["documents"]["files"] == [{"sha256": document.sha256, "size": len(STATEMENT)}]
    assert manifest["documents"]["missing"] == []

    # Restore into an empty database and an empty document folder; compare everything.
    # Digests and case lists kept under the data version describe the data replaced: gone.
    from django.core.cache import caches

    caches["alerts"].set("asylon:alerts:kept-before-the-restore", "x")
    caches["default"].set("asylon:alerts:kept-before-the-restore", "x")
    restored_docs = tmp_path / "restored-documents"
    report = restore_backup(archive, key, empty_target, restored_docs, tmp_path / "work")
    assert caches["alerts"].get("asylon:alerts:kept-before-the-restore") is None
    assert caches["default"].get("asylon:alerts:kept-before-the-restore") is None
    assert report.documents == report.documents_written == 1
    assert report.rows == sum(db["tables"].values())
    before, after = all_rows(source), all_rows(empty_target)
    assert sorted(after) == sorted(before)
    assert len(before) >= 30
    for table in before:
        assert after[table] == before[table], table
    assert any(before["register_person"]) and any(before["cases_client"])
    stored = restored_docs / document.sha256  # encrypted again, checked after decryption
    plain, _size = open_plain(stored)
    with plain:
        assert hashlib.sha256(plain.read()).hexdigest() == document.sha256
    assert stored.stat().st_mode & 0o777 == 0o600

    # The restored database now holds data: a second restore is refused without --force,
    # and replaces it with --force.
    with pytest.raises(NotEmpty, match="not empty"):
        restore_backup(archive, key, empty_target, restored_docs, tmp_path / "work")
    again = restore_backup(archive, key, empty_target, restored_docs, tmp_path / "work", True)
    assert again.documents_written == 0  # identical content already in place
    assert all_rows(empty_target) == after


# --- the archive is authenticated ---------------------------------------------------------------


@pytest.fixture
def small_archive(
    source: Database, key: bytes, docs_dir: Path, tmp_path: Path
) -> tuple[Path, str | None]:
    sha = small_world(docs_dir, blob_bytes=int(2.5 * crypto.CHUNK_BYTES))
    archive = tmp_path / "small.asylon-backup"
    create_backup(archive, key, source, docs_dir, tmp_path / "work")
    return archive, sha


def _refused(
    archive: Path, key: bytes, target: Database, tmp_path: Path, error: type[Exception]
) -> None:
    docs = tmp_path / f"docs-{uuid.uuid4().hex[:6]}"
    with pytest.raises(error) as caught:
        restore_backup(archive, key, target, docs, tmp_path / "work")
    assert untouched(target), "the target database was changed"
    assert not docs.exists() or not list(docs.iterdir()), "documents were written"
    assert not list((tmp_path / "work").iterdir())
    return caught.value  # type: ignore[return-value]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", ["salt", "first chunk", "middle", "last byte"])
def test_a_flipped_byte_fails_authentication_and_restores_nothing(
    small_archive: tuple[Path, str | None],
    key: bytes,
    empty_target: Database,
    tmp_path: Path,
    where: str,
) -> None:
    archive, _ = small_archive
    data = bytearray(archive.read_bytes())
    offset = {
        "salt": 30,
        "first chunk": crypto.HEADER_BYTES + 5,
        "middle": len(data) // 2,
        "last byte": len(data) - 1,
    }[where]
    data[offset] ^= 0x01
    archive.write_bytes(bytes(data))
    err = _refused(archive, key, empty_target, tmp_path, ArchiveDamaged)
    assert "authentication" in str(err)


@pytest.mark.django_db(transaction=True)
def test_a_truncated_or_extended_archive_is_refused(
    small_archive: tuple[Path, str | None], key: bytes, empty_target: Database, tmp_path: Path
) -> None:
    archive, _ = small_archive
    whole = archive.read_bytes()
    step = crypto.CHUNK_BYTES + crypto.TAG_BYTES
    assert len(whole) > crypto.HEADER_BYTES + 2 * step  # several chunks
    cuts = [crypto.HEADER_BYTES, crypto.HEADER_BYTES + step, crypto.HEADER_BYTES + 2 * step]
    cuts += [len(whole) - 1, 10]
    for cut in cuts:
        archive.write_bytes(whole[:cut])
        _refused(archive, key, empty_target, tmp_path, ArchiveDamaged)
    archive.write_bytes(whole + b"\x00" * 16)
    _refused(archive, key, empty_target, tmp_path, ArchiveDamaged)
    archive.write_bytes(whole)
    assert verify_backup(archive, key, tmp_path / "work")["documents"]["count"] == 1


@pytest.mark.django_db(transaction=True)
def test_wrong_key_is_refused(
    small_archive: tuple[Path, str | None], empty_target: Database, tmp_path: Path
) -> None:
    archive, _ = small_archive
    _refused(archive, os.urandom(32), empty_target, tmp_path, WrongKey)


@pytest.mark.django_db(transaction=True)
def test_cross_vendor_restore_is_refused_clearly(
    small_archive: tuple[Path, str | None], key: bytes, source: Database, tmp_path: Path
) -> None:
    archive, _ = small_archive
    if source.vendor == SQLITE:
        other = Database(POSTGRESQL, "nowhere", {"dbname": "nowhere", "host": "/nonexistent"})
    else:
        other = Database(SQLITE, str(tmp_path / "other.sqlite3"))
    with pytest.raises(CrossVendor, match="across database vendors is not supported"):
        restore_backup(archive, key, other, tmp_path / "docs", tmp_path / "work")
    assert not (tmp_path / "other.sqlite3").exists() and not (tmp_path / "docs").exists()


@pytest.mark.django_db(transaction=True)
def test_documents_are_hash_checked_on_backup(
    source: Database, key: bytes, docs_dir: Path, tmp_path: Path
) -> None:
    sha = small_world(docs_dir, blob_bytes=1000)
    assert sha is not None
    (docs_dir / sha).write_bytes(b"not what was stored")
    archive = tmp_path / "corrupt.asylon-backup"
    with pytest.raises(BackupError, match=f"{sha} is corrupted"):
        create_backup(archive, key, source, docs_dir, tmp_path / "work")
    assert not archive.exists()
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name]


@pytest.mark.django_db(transaction=True)
def test_a_document_missing_from_the_store_is_reported(
    source: Database, key: bytes, docs_dir: Path, tmp_path: Path
) -> None:
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    case = Case.objects.first()
    user = User.objects.get(username="demo-caseworker")
    upload = SimpleUploadedFile("statement.txt", STATEMENT, content_type="text/plain")
    doc = services.add_document(case, user, upload)
    (docs_dir / doc.sha256).unlink()
    manifest = create_backup(tmp_path / "m.asylon-backup", key, source, docs_dir, tmp_path / "w")
    assert manifest["documents"]["missing"] == [doc.sha256]


# --- the key ---------------------------------------------------------------------------------


def test_no_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(crypto.KEY_ENV, raising=False)
    with pytest.raises(KeyProblem, match="no backup key"):
        crypto.load_key(None)


def test_key_file_others_can_read_is_refused(key_file: Path) -> None:
    key_file.chmod(0o644)
    with pytest.raises(KeyProblem, match="chmod 600"):
        crypto.load_key(key_file)
    key_file.chmod(0o640)
    with pytest.raises(KeyProblem):
        crypto.load_key(key_file)


def test_key_file_shape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "k"
    key = crypto.write_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_text() == key.hex() + "\n"
    monkeypatch.setenv(crypto.KEY_ENV, str(path))
    assert crypto.load_key(None) == key
    with pytest.raises(KeyProblem, match="never overwritten"):
        crypto.write_key(path)
    raw = tmp_path / "raw"
    raw.write_bytes(key)
    raw.chmod(0o600)
    assert crypto.load_key(raw) == key
    short = tmp_path / "short"
    short.write_text("abcd")
    short.chmod(0o600)
    with pytest.raises(KeyProblem, match="32-byte"):
        crypto.load_key(short)


# --- the stream, without a database ---------------------------------------------------------


def _encrypt(data: bytes, key: bytes, chunk: int) -> bytes:
    import io

    out = io.BytesIO()
    writer = crypto.EncryptingWriter(out, key, chunk_bytes=chunk)
    for i in range(0, len(data), 7):
        writer.write(data[i : i + 7])
    writer.close()
    return out.getvalue()


def _decrypt(blob: bytes, key: bytes) -> bytes:
    import io

    reader = crypto.DecryptingReader(io.BytesIO(blob), key)
    data = reader.read()
    reader.drain()
    return data


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 128, 200])
def test_stream_round_trip_and_every_cut(size: int) -> None:
    key, chunk = os.urandom(32), 64
    data = os.urandom(size)
    blob = _encrypt(data, key, chunk)
    assert _decrypt(blob, key) == data
    for cut in range(len(blob)):
        with pytest.raises(ArchiveDamaged):
            _decrypt(blob[:cut], key)
    with pytest.raises(ArchiveDamaged):
        _decrypt(blob + b"x", key)


def test_stream_chunks_cannot_be_reordered_or_dropped() -> None:
    key, chunk = os.urandom(32), 64
    blob = _encrypt(os.urandom(64 * 3 + 10), key, chunk)
    head, body = blob[: crypto.HEADER_BYTES], blob[crypto.HEADER_BYTES :]
    step = chunk + crypto.TAG_BYTES
    parts = [body[i : i + step] for i in range(0, len(body), step)]
    assert len(parts) == 4
    for shuffled in ([parts[1], parts[0], *parts[2:]], [parts[0], *parts[2:]]):
        with pytest.raises(ArchiveDamaged):
            _decrypt(head + b"".join(shuffled), key)
    # Two archives under one key do not mix: each has its own salt, so its own key.
    other = _encrypt(os.urandom(64 * 3 + 10), key, chunk)
    with pytest.raises(ArchiveDamaged):
        _decrypt(head + other[crypto.HEADER_BYTES :], key)


# --- consistency while the application writes (SQLite) ---------------------------------------


def test_sqlite_snapshot_is_consistent_while_another_thread_writes(tmp_path: Path) -> None:
    """Every transaction of the writer adds one row to each of two tables; a snapshot taken
    in the middle of the writing holds as many rows in one as in the other."""
    live = tmp_path / "live.sqlite3"
    setup = sqlite3.connect(live, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, pad BLOB)")
    setup.execute("CREATE TABLE b (id INTEGER PRIMARY KEY, pad BLOB)")
    setup.execute("BEGIN")
    for _ in range(2000):  # a few megabytes, so a copy takes a while
        setup.execute("INSERT INTO a (pad) VALUES (randomblob(1000))")
        setup.execute("INSERT INTO b (pad) VALUES (randomblob(1000))")
    setup.execute("COMMIT")
    setup.close()

    stop, errors, written = threading.Event(), [], [0]

    def writer() -> None:
        conn = sqlite3.connect(live, isolation_level=None, timeout=20)
        try:
            while not stop.is_set():
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO a (pad) VALUES (randomblob(1000))")
                time.sleep(0.0005)
                conn.execute("INSERT INTO b (pad) VALUES (randomblob(1000))")
                conn.execute("COMMIT")
                written[0] += 1
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)
        finally:
            conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        counts = []
        for i in range(5):
            deadline = time.monotonic() + 120
            while written[0] < 20 * (i + 1):
                # a writer that failed or stalled must fail the test, never hang it
                assert not errors, errors
                assert time.monotonic() < deadline, f"the writer stalled at {written[0]} rows"
                time.sleep(0.01)
            source = sqlite3.connect(live, isolation_level=None, timeout=20)
            snap = tmp_path / f"snap{i}.sqlite3"
            snapshot_sqlite(source, snap)
            source.close()
            copy = sqlite3.connect(snap)
            na = copy.execute("SELECT count(*) FROM a").fetchone()[0]
            nb = copy.execute("SELECT count(*) FROM b").fetchone()[0]
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            copy.close()
            assert na == nb, f"snapshot {i}: {na} rows in a, {nb} in b"
            counts.append(na)
    finally:
        stop.set()
        thread.join()
    assert not errors, errors
    assert counts == sorted(counts) and counts[-1] > counts[0] > 2000  # the writer went on


# --- the commands ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_commands(
    key_file: Path, docs_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    monkeypatch.delenv(crypto.KEY_ENV, raising=False)
    monkeypatch.setenv("ASYLON_VAR_DIR", str(tmp_path / "var"))
    small_world(docs_dir, blob_bytes=100)
    runner = CliRunner()
    out = tmp_path / "cli.asylon-backup"

    refused = runner.invoke(main, ["backup", "-o", str(out)])
    assert refused.exit_code == 1 and "no backup key" in refused.output
    assert not out.exists()

    made = runner.invoke(
        main, ["backup", "-o", str(out), "--key-file", str(key_file), "--format", "json"]
    )
    assert made.exit_code == 0, made.output
    summary = json.loads(made.output)
    assert summary["documents"] == 1 and summary["file"] == str(out)
    assert out.stat().st_mode & 0o777 == 0o600

    checked = runner.invoke(main, ["backup", "verify", str(out), "--key-file", str(key_file)])
    assert checked.exit_code == 0 and "authentic and complete" in checked.output

    # The configured (test) database holds data: restore refuses and changes nothing.
    teams = Team.objects.count()
    busy = runner.invoke(main, ["restore", str(out), "--key-file", str(key_file)])
    assert busy.exit_code == 1 and "not empty" in busy.output
    assert Team.objects.count() == teams

    new_key = tmp_path / "new.key"
    made_key = runner.invoke(main, ["backup", "keygen", str(new_key)])
    assert made_key.exit_code == 0 and new_key.stat().st_mode & 0o777 == 0o600
    wrong = runner.invoke(main, ["backup", "verify", str(out), "--key-file", str(new_key)])
    assert wrong.exit_code == 1 and "another key" in wrong.output
    repo_key = Path(__file__).resolve().parent / "never.key"
    inside = runner.invoke(main, ["backup", "keygen", str(repo_key)])
    assert inside.exit_code == 1 and not repo_key.exists()


@pytest.mark.django_db(transaction=True)
def test_postgres_dump_is_consistent_while_another_connection_writes(
    source: Database, empty_target: Database, key: bytes, docs_dir: Path, tmp_path: Path
) -> None:
    """pg_dump and the manifest's counts read one exported snapshot: a writer adding two
    teams per transaction never leaves an odd count, and the restore's count check (against
    the manifest) passes."""
    if source.vendor != POSTGRESQL:
        pytest.skip("PostgreSQL only (SQLite: the file test above)")
    stop, errors = threading.Event(), []

    def writer() -> None:
        conn = source.connect()
        try:
            n = 0
            while not stop.is_set():
                with conn.transaction():
                    for _ in range(2):
                        n += 1
                        conn.execute("INSERT INTO accounts_team (name) VALUES (%s)", (f"w{n}",))
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)
        finally:
            conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.2)
        archive = tmp_path / "busy.asylon-backup"
        manifest = create_backup(archive, key, source, docs_dir, tmp_path / "work")
    finally:
        stop.set()
        thread.join()
    assert not errors, errors
    teams = manifest["database"]["tables"]["accounts_team"]
    assert teams > 0 and teams % 2 == 0
    restore_backup(archive, key, empty_target, tmp_path / "docs", tmp_path / "work")
    assert Team.objects.count() > teams  # the writer went on after the snapshot
