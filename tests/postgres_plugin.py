"""Run the suite on a throwaway PostgreSQL server: ``ASYLON_TEST_DB=postgres pytest ...``.

pytest-django reads the database settings before any conftest is imported, so the server is
started by this plugin (loaded with ``-p tests.postgres_plugin`` from pytest's addopts) in the
earliest hook, with the machine's PostgreSQL binaries (``initdb``, ``pg_ctl``), on a Unix socket
in a temporary directory, and stopped when the session ends. As root, the server runs as the
``postgres`` system user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

_SERVER: dict[str, Path] = {}


def pg_binary(name: str) -> str:
    """The machine's PostgreSQL program ``name`` (on the PATH, else Debian's versioned folder)."""
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise pytest.UsageError(f"{name} not found: install PostgreSQL (apt-get install postgresql)")


def psql(url: str, sql: str) -> None:
    """Run one statement outside a transaction (``CREATE DATABASE``, ``DROP DATABASE``)."""
    import psycopg

    conninfo = url.replace("postgres://", "postgresql://", 1)  # a libpq URI (socket in ?host=)
    with psycopg.connect(conninfo, autocommit=True) as con:
        con.execute(sql)  # type: ignore[arg-type]


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _start() -> str:
    root = Path(tempfile.mkdtemp(prefix="asylon-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    subprocess.run(
        _as_owner(
            [
                pg_binary("initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        _as_owner(
            [
                pg_binary("pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-l",
                str(root / "log"),
                "-o",
                f"-k {sock} -c listen_addresses='' -c fsync=off -c full_page_writes=off",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    _SERVER.update(root=root, data=data)
    atexit.register(_stop)
    return f"postgres://postgres@/postgres?host={sock}"


def _stop() -> None:
    if "data" not in _SERVER:
        return
    subprocess.run(
        _as_owner([pg_binary("pg_ctl"), "-D", str(_SERVER["data"]), "-m", "fast", "stop"]),
        capture_output=True,
    )
    shutil.rmtree(_SERVER["root"], ignore_errors=True)
    _SERVER.clear()


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    if os.environ.get("ASYLON_TEST_DB") == "postgres" and "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = _start()


def pytest_unconfigure(config: pytest.Config) -> None:
    _stop()
