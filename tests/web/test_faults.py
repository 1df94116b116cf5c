"""Reliability under faults (issue 7, item 7): the process is killed with SIGKILL at seeded
random points during a register import, a reassessment of every case and a backup; each time the
database must be consistent: the import all or nothing (``asylon register verify`` passes), every
stored assessment with its audit entry and no audit entry without its assessment, no backup
archive at the destination (only a partial file), and the database's own integrity check clean.

The commands run as real ``asylon`` processes on a database of their own (a SQLite file, or a
database created in the throwaway PostgreSQL cluster when ``ASYLON_TEST_DB=postgres``), never on
the test run's database. The kill comes from inside, at a checkpoint (:mod:`asylon.faults`,
``ASYLON_FAULT_AT=label:n``) chosen at random with a fixed seed: between two records of an
import's transaction, between an assessment and its audit entry, after an archive chunk, just
before the archive is renamed into place. A kill timed from outside would mostly hit start-up.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.postgres_plugin import psql

ASYLON = str(Path(sys.executable).with_name("asylon"))
POSTGRES = os.environ.get("ASYLON_TEST_DB") == "postgres"


class Database:
    """A database for the subprocesses: copies of a migrated template."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.base_url = os.environ.get("DATABASE_URL", "")

    def url(self, name: str) -> str:
        if POSTGRES:
            head, _sep, query = self.base_url.partition("?")
            return f"{head.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")
        return f"sqlite:///{self.root / name}.sqlite3"

    def copy(self, source: str, target: str) -> str:
        if POSTGRES:
            psql(self.base_url, f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
        else:
            src = sqlite3.connect(self.root / f"{source}.sqlite3")
            dst = sqlite3.connect(self.root / f"{target}.sqlite3")
            with dst:
                src.backup(dst)
            src.close()
            dst.close()
        return self.url(target)

    def create(self, name: str) -> str:
        if POSTGRES:
            psql(self.base_url, f'CREATE DATABASE "{name}"')
        return self.url(name)

    def integrity(self, name: str) -> None:
        if not POSTGRES:
            con = sqlite3.connect(self.root / f"{name}.sqlite3")
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            con.close()


def _env(url: str, tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        ASYLON_SECRET_KEY="faults-test-secret-key-" + "x" * 40,
        ASYLON_DOCUMENTS_DIR=str(tmp / "documents"),
        ASYLON_VAR_DIR=str(tmp / "var"),
        ASYLON_EVIDENCE_DB=str(tmp / "no-evidence.duckdb"),
        DJANGO_SETTINGS_MODULE="asylon.web.settings",
    )
    env.pop("ASYLON_TEST_DB", None)
    return env


def _run(
    args: list[str], env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([ASYLON, *args], env=env, capture_output=True, text=True, timeout=600)
    if check:
        assert done.returncode == 0, f"asylon {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done


def _killed_at(args: list[str], env: dict[str, str], label: str, n: int) -> int:
    """Run ``asylon args`` until it SIGKILLs itself at the n-th pass through checkpoint
    ``label`` (:mod:`asylon.faults`); returns the exit status (-9 when it was killed)."""
    done = subprocess.run(
        [ASYLON, *args], env={**env, "ASYLON_FAULT_AT": f"{label}:{n}"},
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    return done.returncode


def _state(env: dict[str, str]) -> dict[str, Any]:
    """Counts read by a fresh process through the ORM."""
    code = (
        "import json\n"
        "from asylon.web.register.models import Person\n"
        "from asylon.web.cases.models import Assessment\n"
        "from asylon.web.audit.models import AuditEntry\n"
        "assessed = sorted(Assessment.objects.values_list('pk', flat=True))\n"
        "audited = sorted(e.details.get('assessment') for e in AuditEntry.objects.filter(action='assess'))\n"
        "print(json.dumps({'persons': Person.objects.count(), 'assessed': assessed, 'audited': audited}))\n"
    )
    out = _run(["manage", "shell", "-c", code], env).stdout.strip().splitlines()[-1]
    return dict(json.loads(out))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("faults")
    db = Database(tmp)
    tag = uuid.uuid4().hex[:8]
    names = {k: f"faults_{k}_{tag}" for k in ("base", "register", "demo")}
    env = _env(db.create(names["base"]), tmp)
    _run(["manage", "migrate", "--noinput"], env)
    register_env = _env(db.copy(names["base"], names["register"]), tmp)
    _run(["register", "load-starter"], register_env)
    export = tmp / "register.ftm.jsonl"
    _run(["register", "export", "-o", str(export)], register_env)
    demo_env = _env(db.copy(names["base"], names["demo"]), tmp)
    _run(["manage", "load_demo"], demo_env)
    key = tmp / "backup.key"
    _run(["backup", "keygen", str(key)], demo_env)
    count = "from asylon.web.cases.models import Case; print(Case.objects.count())"
    cases = int(_run(["manage", "shell", "-c", count], demo_env).stdout.split()[-1])
    yield {
        "db": db, "tmp": tmp, "names": names, "export": export, "key": key, "tag": tag,
        "cases": cases,
    }  # fmt: skip
    shutil.rmtree(tmp, ignore_errors=True)


def test_a_killed_import_leaves_all_or_nothing(world: dict[str, Any]) -> None:
    db, tmp, export = world["db"], world["tmp"], world["export"]
    lines = export.read_text(encoding="utf-8").splitlines()
    persons = sum(1 for line in lines if '"schema": "Person"' in line)
    assert persons >= 40
    for i, n in enumerate(sorted(random.Random(7).sample(range(1, len(lines) + 1), 3))):
        name = f"faults_import{i}_{world['tag']}"
        env = _env(db.copy(world["names"]["base"], name), tmp)
        code = _killed_at(["register", "import", str(export)], env, "register-import", n)
        assert code == -signal.SIGKILL, f"not killed at record {n} (exit {code})"
        db.integrity(name)
        assert _state(env)["persons"] == 0, f"killed at record {n}: part of the import was kept"
        verify = _run(["register", "verify"], env, check=False)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        if i == 0:  # and the import, run again to the end, completes
            _run(["register", "import", str(export)], env)
            assert _state(env)["persons"] == persons


def test_a_killed_reassessment_leaves_no_assessment_without_its_audit_entry(
    world: dict[str, Any],
) -> None:
    db, tmp, cases = world["db"], world["tmp"], world["cases"]
    rng = random.Random(11)
    # inside a case's transaction (between the assessment and its audit entry), then between cases
    points = [("assess", rng.randint(1, cases)), ("assess", rng.randint(1, cases)),
              ("reassess", rng.randint(1, cases - 1))]  # fmt: skip
    for i, (label, n) in enumerate(points):
        name = f"faults_reassess{i}_{world['tag']}"
        env = _env(db.copy(world["names"]["demo"], name), tmp)
        before = _state(env)
        code = _killed_at(["manage", "reassess"], env, label, n)
        assert code == -signal.SIGKILL, f"not killed at {label} {n} (exit {code})"
        db.integrity(name)
        after = _state(env)
        assert after["assessed"] == after["audited"], "an assessment and its audit entry differ"
        new = len(after["assessed"]) - len(before["assessed"])
        assert new == (n - 1 if label == "assess" else n), (label, n, new)
        assert set(before["assessed"]) <= set(after["assessed"])


def test_a_killed_backup_leaves_no_archive_and_the_database_intact(world: dict[str, Any]) -> None:
    db, tmp, key = world["db"], world["tmp"], world["key"]
    points = [("backup-chunk", 1), ("backup-commit", 1)]  # a pg_dump archive may be one chunk
    for i, (label, n) in enumerate(points):
        name = f"faults_backup{i}_{world['tag']}"
        env = _env(db.copy(world["names"]["demo"], name), tmp)
        target = tmp / f"killed-{i}.asylon-backup"
        args = ["backup", "--key-file", str(key), "--output", str(target)]
        code = _killed_at(args, env, label, n)
        assert code == -signal.SIGKILL, f"not killed at {label} {n} (exit {code})"
        db.integrity(name)
        assert not target.exists()  # never a complete-looking archive at the destination
        partials = list(tmp.glob(f".killed-{i}.asylon-backup.partial-*"))
        assert len(partials) == 1  # what docs/operations/backup.md tells the operator to remove
        partials[0].unlink()
        again = tmp / f"again-{i}.asylon-backup"
        _run(["backup", "--key-file", str(key), "--output", str(again)], env)
        _run(["backup", "verify", str(again), "--key-file", str(key)], env)
