"""One archive: the database snapshot, the stored documents and a manifest, encrypted.

Inside the encryption (:mod:`crypto`) the archive is a plain tar stream::

    database/asylon.sqlite3 | database/asylon.pgdump   the snapshot
    documents/<sha256>                                  every stored content, named by its hash
    manifest.json                                       written last, when every hash is known

The documents go into the archive decrypted (and checked against their names) from the
encrypted store (:mod:`asylon.web.documents.storage`): the archive's own encryption protects
them, and a restore encrypts them again under the data key of the machine it restores on
(the database's encrypted columns still need the data key file they were written with).

The manifest records the format version, when, the vendor and server version, the Django
migrations applied, the row count of every table, and the size and SHA-256 of every part. A
restore decrypts the whole archive into a private folder first and authenticates it to its
last chunk; only then does it check the manifest and touch the target, so a damaged, altered
or truncated archive changes nothing. Documents go in before the database, so a database that
was restored never names a content that is not there.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from asylon import __version__
from asylon.faults import checkpoint
from asylon.web.backup import database as dbs
from asylon.web.backup.crypto import CHUNK_BYTES, DecryptingReader, EncryptingWriter
from asylon.web.backup.database import Database
from asylon.web.backup.errors import (
    ArchiveDamaged,
    BackupError,
    CrossVendor,
    NotEmpty,
    VerificationFailed,
)
from asylon.web.documents import storage

FORMAT, FORMAT_VERSION = "asylon-backup", 1
DB_MEMBER = {dbs.SQLITE: "database/asylon.sqlite3", dbs.POSTGRESQL: "database/asylon.pgdump"}
MANIFEST = "manifest.json"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MEMBER = re.compile(r"database/asylon\.(sqlite3|pgdump)|documents/[0-9a-f]{64}|manifest\.json")
# Where the database names stored contents (table, column): checked present at backup time.
DOCUMENT_REFERENCES = (("documents_document", "sha256"), ("register_evidenceitem", "file_sha256"))


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    tables: int = 0
    rows: int = 0
    documents: int = 0
    documents_written: int = 0
    notes: list[str] = field(default_factory=list)


# --- small helpers -------------------------------------------------------------------------


class _Hashing:
    """Wraps a readable file: SHA-256 and size of what was read through it."""

    def __init__(self, f: BinaryIO) -> None:
        self.f, self.digest, self.size = f, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.f.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def file_sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def private_dir(parent: Path) -> Iterator[Path]:
    """A folder only this user can enter (plaintext lives there), removed afterwards."""
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".asylon-backup-", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _stored_contents(documents: Path) -> list[Path]:
    return storage.stored_contents(documents)


def _add_document(tar: tarfile.TarFile, path: Path, mtime: float) -> tuple[str, int]:
    """A stored content, decrypted, as ``documents/<sha256>``: (SHA-256 and size read)."""
    try:
        plain, size = storage.open_plain(path)
    except storage.StorageError:
        return "", 0  # named as corrupted by the caller
    info = tarfile.TarInfo(f"documents/{path.name}")
    info.size, info.mtime, info.mode = size, mtime, 0o600
    with plain:
        hashing = _Hashing(plain)
        tar.addfile(info, hashing)
    return hashing.digest.hexdigest(), hashing.size


def _add(tar: tarfile.TarFile, name: str, path: Path, mtime: float) -> tuple[str, int]:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = path.stat().st_size, mtime, 0o600
    with path.open("rb") as f:
        hashing = _Hashing(f)
        tar.addfile(info, hashing)
    return hashing.digest.hexdigest(), hashing.size


# --- backup --------------------------------------------------------------------------------


def _snapshot(db: Database, work: Path) -> tuple[Path, dict[str, Any], set[str]]:
    """The snapshot file, the database part of the manifest and the contents it names."""
    if db.vendor == dbs.SQLITE:
        snap = work / "asylon.sqlite3"
        source = db.connect()
        try:
            dbs.snapshot_sqlite(source, snap)
        finally:
            source.close()
        conn = sqlite3.connect(f"file:{snap}?mode=ro", uri=True)
        try:
            info = {
                "server_version": sqlite3.sqlite_version,
                "migrations": dbs.migrations(conn, db.vendor),
                "tables": dbs.table_counts(conn, db.vendor),
            }
            named = dbs.referenced_hashes(conn, db.vendor, DOCUMENT_REFERENCES)
        finally:
            conn.close()
        return snap, info, named
    snap = work / "asylon.pgdump"
    with dbs.postgres_snapshot(db) as (conn, snapshot):
        info = {
            "server_version": dbs.server_version(conn),
            "migrations": dbs.migrations(conn, db.vendor),
            "tables": dbs.table_counts(conn, db.vendor),
        }
        named = dbs.referenced_hashes(conn, db.vendor, DOCUMENT_REFERENCES)
        dbs.dump_postgres(db, snapshot, snap)
    return snap, info, named


def create_backup(
    output: Path, key: bytes, db: Database, documents: Path, work_parent: Path
) -> dict[str, Any]:
    """Write an encrypted archive of ``db`` and ``documents`` to ``output`` (mode 0600,
    atomically: a temporary file beside it, fsync'd, then renamed). Returns the manifest."""
    output = output.resolve()
    if output.exists():
        raise BackupError(f"{output} exists: choose another file name")
    output.parent.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    mtime = time.time()
    with private_dir(work_parent) as work:
        snap, db_info, named = _snapshot(db, work)
        fd, temp_name = tempfile.mkstemp(prefix=f".{output.name}.partial-", dir=output.parent)
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as raw:
                os.fchmod(raw.fileno(), 0o600)
                enc = EncryptingWriter(raw, key)
                with tarfile.open(fileobj=enc, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
                    member = DB_MEMBER[db.vendor]
                    sha, size = _add(tar, member, snap, mtime)
                    snap.unlink()
                    files: list[dict[str, Any]] = []
                    for path in _stored_contents(documents):
                        found, n = _add_document(tar, path, mtime)
                        if found != path.name:
                            raise BackupError(
                                f"stored document {path.name} is corrupted (its content "
                                f"{'hashes to ' + found if found else 'does not decrypt'}); "
                                "restore it from an earlier backup, then retry"
                            )
                        files.append({"sha256": found, "size": n})
                    present = {f["sha256"] for f in files}
                    manifest = {
                        "format": FORMAT,
                        "format_version": FORMAT_VERSION,
                        "created_at": created.isoformat(timespec="seconds"),
                        "asylon_version": __version__,
                        "database": {
                            "vendor": db.vendor,
                            "file": member,
                            "size": size,
                            "sha256": sha,
                            **db_info,
                        },
                        "documents": {
                            "count": len(files),
                            "bytes": sum(f["size"] for f in files),
                            "files": files,
                            "missing": sorted(named - present),
                        },
                    }
                    body = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")
                    manifest_path = work / MANIFEST
                    manifest_path.write_bytes(body)
                    _add(tar, MANIFEST, manifest_path, mtime)
                enc.close()
                raw.flush()
                os.fsync(raw.fileno())
            checkpoint("backup-commit")
            os.replace(temp, output)
            _fsync_dir(output.parent)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    return manifest


# --- reading an archive --------------------------------------------------------------------


def _extract(path: Path, key: bytes, work: Path) -> dict[str, tuple[str, int]]:
    """Decrypt and unpack every member into ``work``, authenticated to the last chunk;
    returns member name -> (SHA-256, size)."""
    (work / "database").mkdir()
    (work / "documents").mkdir()
    parts: dict[str, tuple[str, int]] = {}
    try:
        f = path.open("rb")
    except OSError as err:
        raise BackupError(f"cannot read {path}: {err.strerror}") from None
    with f:
        reader = DecryptingReader(f, key)
        try:
            with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
                for member in tar:
                    if not member.isfile() or not _MEMBER.fullmatch(member.name):
                        raise ArchiveDamaged(f"unexpected entry {member.name!r} in the archive")
                    if member.name in parts:
                        raise ArchiveDamaged(f"entry {member.name!r} twice in the archive")
                    source = tar.extractfile(member)
                    assert source is not None
                    hashing = _Hashing(source)
                    with (work / member.name).open("xb") as out:
                        shutil.copyfileobj(hashing, out, CHUNK_BYTES)
                    parts[member.name] = (hashing.digest.hexdigest(), hashing.size)
            reader.drain()
        except tarfile.TarError as err:
            raise ArchiveDamaged(f"the archive's content is not readable: {err}") from None
    return parts


def _check_parts(manifest: dict[str, Any], parts: dict[str, tuple[str, int]]) -> None:
    """Every part named by the manifest is there with its SHA-256 and size; nothing else."""
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveDamaged(
            f"archive format {manifest.get('format')!r} version "
            f"{manifest.get('format_version')!r}: this Asylon reads {FORMAT} {FORMAT_VERSION}"
        )
    expected = {manifest["database"]["file"]: manifest["database"]}
    for doc in manifest["documents"]["files"]:
        expected[f"documents/{doc['sha256']}"] = doc
    found = {k: v for k, v in parts.items() if k != MANIFEST}
    for name in sorted(set(expected) | set(found)):
        if name not in found:
            raise VerificationFailed(f"{name} is in the manifest but not in the archive")
        if name not in expected:
            raise VerificationFailed(f"{name} is in the archive but not in the manifest")
        sha, size = found[name]
        if sha != expected[name]["sha256"] or size != expected[name]["size"]:
            raise VerificationFailed(f"{name} does not match its SHA-256 in the manifest")
        if name.startswith("documents/") and name.removeprefix("documents/") != sha:
            raise VerificationFailed(f"{name} does not hash to its name")


@contextmanager
def opened(path: Path, key: bytes, work_parent: Path) -> Iterator[tuple[dict[str, Any], Path]]:
    """The archive decrypted, authenticated and checked against its manifest, in a private
    folder that is removed on leaving: (manifest, folder)."""
    with private_dir(work_parent) as work:
        parts = _extract(path, key, work)
        if MANIFEST not in parts:
            raise ArchiveDamaged("the archive has no manifest")
        try:
            manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        except ValueError:
            raise ArchiveDamaged("the archive's manifest is not valid JSON") from None
        _check_parts(manifest, parts)
        if manifest["database"]["vendor"] == dbs.SQLITE:
            dbs.check_sqlite_file(work / manifest["database"]["file"])
        yield manifest, work


def verify_backup(path: Path, key: bytes, work_parent: Path) -> dict[str, Any]:
    """Decrypt, authenticate and check an archive without restoring it; its manifest."""
    with opened(path, key, work_parent) as (manifest, _):
        return manifest


# --- restore -------------------------------------------------------------------------------


def _put_document(source: Path, documents: Path) -> bool:
    """Place one content under its hash, encrypted under the current data key (temp file,
    fsync, rename); False if already there."""
    with source.open("rb") as f:
        return storage.put_plain(f, source.name, documents)


def _verify_target(manifest: dict[str, Any], target: Database, documents: Path) -> None:
    conn = target.connect()
    try:
        counts = dbs.table_counts(conn, target.vendor)
        applied = dbs.migrations(conn, target.vendor)
    finally:
        conn.close()
    for table, expected in manifest["database"]["tables"].items():
        if counts.get(table) != expected:
            raise VerificationFailed(
                f"table {table}: {counts.get(table)} rows after the restore, {expected} in the "
                "backup"
            )
    if applied != manifest["database"]["migrations"]:
        raise VerificationFailed("the restored migration state differs from the backup's")
    for doc in manifest["documents"]["files"]:
        path = documents / doc["sha256"]
        try:
            storage.verify_file(path, doc["size"])
        except storage.StorageError:
            raise VerificationFailed(
                f"document {doc['sha256']} is not stored as backed up"
            ) from None


def _forget_cached_views() -> None:
    """Drop the dashboards' kept alert digests and case lists (the ``alerts`` cache, files
    under ``var/``, which outlive a restart; and this process's own). They are keyed by a data
    version that a restored database takes back to an earlier value, from which it counts up
    again through values that, in the cache, describe the data the restore replaced: within
    the hour a dashboard could show the alerts of that other state, a deadline among them."""
    from django.core.cache import caches

    caches["alerts"].clear()
    caches["default"].clear()


def restore_backup(
    path: Path,
    key: bytes,
    target: Database,
    documents: Path,
    work_parent: Path,
    force: bool = False,
) -> RestoreReport:
    """Restore an archive into ``target`` and ``documents``; checks everything first."""
    with opened(path, key, work_parent) as (manifest, work):
        vendor = manifest["database"]["vendor"]
        if vendor != target.vendor:
            source = "SQLite" if vendor == dbs.SQLITE else "PostgreSQL"
            raise CrossVendor(
                f"this is a backup of a {source} database and the target is {target.label}: "
                f"restoring across database vendors is not supported; restore it into "
                f"{source} (set DATABASE_URL accordingly)"
            )
        if not force:
            busy = dbs.tables_with_rows(target)
            if busy:
                shown = ", ".join(busy[:8]) + (" ..." if len(busy) > 8 else "")
                raise NotEmpty(
                    f"the target database is not empty ({len(busy)} tables hold rows: {shown}); "
                    "restore into an empty database, or pass --force to replace its content"
                )
        documents.mkdir(mode=0o700, parents=True, exist_ok=True)
        report = RestoreReport(manifest)
        for doc in manifest["documents"]["files"]:
            report.documents_written += _put_document(work / "documents" / doc["sha256"], documents)
        _fsync_dir(documents)
        snapshot = work / manifest["database"]["file"]
        if vendor == dbs.SQLITE:
            dbs.restore_sqlite(snapshot, target)
        else:
            dbs.restore_postgres(snapshot, target)
    _verify_target(manifest, target, documents)
    _forget_cached_views()
    counts = manifest["database"]["tables"]
    report.tables, report.rows = len(counts), sum(counts.values())
    report.documents = manifest["documents"]["count"]
    if manifest["documents"].get("missing"):
        report.notes.append(
            f"{len(manifest['documents']['missing'])} documents named by the database were "
            "already missing when the backup was made"
        )
    return report
