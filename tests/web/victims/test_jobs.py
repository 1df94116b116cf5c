"""Linkage in the background (``asylon.web.victims.jobs``), for real: a database file, the
demo lists loaded by the command line, then a run started as the page starts it, in a process
of its own holding the lock; one run at a time, whoever starts it; the lock gone with the
process; how the run ended on record for the page."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from asylon.web.victims import jobs

REPO = Path(__file__).resolve().parents[3]
POSTGRES = os.environ.get("ASYLON_TEST_DB") == "postgres"

pytestmark = pytest.mark.skipif(
    POSTGRES, reason="the background run works on a database file of its own, as on SQLite"
)


def _wait_until_idle(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while jobs.running():
        assert time.monotonic() < deadline, "the background linkage run did not finish"
        time.sleep(0.2)


@pytest.fixture
def installation(tmp_path: Path, settings: Any) -> dict[str, str]:
    """The environment of an installation on a database file and a var folder of its own,
    migrated; this process looks for the lock where that installation keeps it."""
    var = tmp_path / "var"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'asylon.sqlite3'}",
        "ASYLON_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "asylon.web.settings",
    }
    env.pop("ASYLON_TEST_DB", None)
    settings.ASYLON_LOCKS_DIR = str(var / "locks")  # where the child's settings put them
    assert asylon(env, "manage", "migrate", "-v0").returncode == 0
    return env


def asylon(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "asylon.cli", *args],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_a_run_started_in_the_background_holds_the_lock_and_stores_its_run(
    installation: dict[str, str], tmp_path: Path
) -> None:
    env = installation
    db = tmp_path / "asylon.sqlite3"
    loaded = asylon(env, "victims", "load-demo", "--people", "60", "--sources", "3")
    assert loaded.returncode == 0, loaded.stderr
    assert "linkage run 1:" in loaded.stdout

    # a run from a shell while the lock is held is refused, and changes nothing
    with jobs.exclusive():
        assert jobs.running()
        refused = asylon(env, "victims", "link")
        assert refused.returncode == 2
        assert "another linkage run is in progress" in refused.stderr
        assert jobs.start("", 0.5, env=env) is False  # nor does the page start one
    assert not jobs.running()

    assert jobs.start("", 0.9, env=env) is True
    assert jobs.running()  # at once: the child holds the lock from its first instruction
    assert jobs.start("", 0.9, env=env) is False
    assert jobs.last_status()["state"] == "running"  # type: ignore[index]
    _wait_until_idle(240)

    status = jobs.last_status()
    assert status is not None and status["state"] == "done" and status["run"] == 2, status
    with sqlite3.connect(db) as con:
        runs = con.execute("SELECT id, threshold FROM victims_linkrun ORDER BY id").fetchall()
    assert runs == [(1, 0.5), (2, 0.9)]
    log = jobs.log_path()
    assert "linkage run 2:" in log.read_text()
    assert oct(log.stat().st_mode & 0o777) == "0o600"


def test_a_run_that_fails_says_so_and_frees_the_lock(installation: dict[str, str]) -> None:
    env = installation
    assert jobs.start(None, 0.5, env=env) is True  # nothing to link: the run fails
    _wait_until_idle(120)
    status = jobs.last_status()
    assert status is not None and status["state"] == "failed", status
    assert "no victim records to link" in status["error"]
    assert jobs.start(None, 0.5, env=env) is True  # the lock went with the process
    _wait_until_idle(120)
