"""Asylon's SQLite backend queues transactions on a lock file (asylon.web.db.sqlite3)."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import ConnectionHandler

from asylon.web.db.sqlite3.base import DatabaseWrapper


def _handler(db: Path) -> ConnectionHandler:
    return ConnectionHandler(
        {
            "default": {
                "ENGINE": "asylon.web.db.sqlite3",
                "NAME": str(db),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            }
        }
    )


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker: Any) -> Iterator[None]:
    """These tests open databases of their own, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def connections(tmp_path: Path) -> Iterator[list[Any]]:
    made: list[Any] = []

    def new(closed_by_caller: bool = False) -> Any:
        conn = _handler(tmp_path / "db.sqlite3")["default"]
        if not closed_by_caller:
            made.append(conn)
        return conn

    first = new()
    with first.cursor() as cur:
        cur.execute("CREATE TABLE t (v INTEGER)")
    yield [first, new]
    for conn in made:
        conn.close()


def _begin(conn: Any) -> None:
    """What transaction.atomic() does on entering its outermost block."""
    conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _end(conn: Any, commit: bool = True) -> None:
    conn.commit() if commit else conn.rollback()
    conn.set_autocommit(True)


def _locked_by_someone(path: Path) -> bool:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def test_a_transaction_holds_the_lock_until_commit_or_rollback(
    connections: list[Any], tmp_path: Path
) -> None:
    conn = connections[0]
    assert isinstance(conn, DatabaseWrapper)
    lock = tmp_path / "db.sqlite3-writer.lock"
    _begin(conn)
    with conn.cursor() as cur:
        cur.execute("INSERT INTO t VALUES (1)")
    assert _locked_by_someone(lock)
    _end(conn)
    assert not _locked_by_someone(lock)
    _begin(conn)
    assert _locked_by_someone(lock)
    _end(conn, commit=False)
    assert not _locked_by_someone(lock)
    assert lock.stat().st_mode & 0o777 == 0o600


def test_a_second_writer_waits_and_goes_in_when_the_first_leaves(
    connections: list[Any],
) -> None:
    first, new = connections
    order: list[str] = []
    _begin(first)
    with first.cursor() as cur:
        cur.execute("INSERT INTO t VALUES (1)")

    def writer() -> None:
        second = new(closed_by_caller=True)  # a connection belongs to its thread
        _begin(second)  # blocks on the lock file, not in SQLite's busy loop
        order.append("second in")
        with second.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM t")
            order.append(f"second sees {cur.fetchone()[0]}")
            cur.execute("INSERT INTO t VALUES (2)")
        _end(second)
        second.close()

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.2)
    assert order == []  # still waiting while the first transaction is open
    order.append("first commits")
    _end(first)
    thread.join(5)
    assert not thread.is_alive()
    assert order == ["first commits", "second in", "second sees 1"]
    with first.cursor() as cur:
        cur.execute("SELECT v FROM t ORDER BY v")
        assert [r[0] for r in cur.fetchall()] == [1, 2]


def test_a_failed_begin_gives_the_lock_back(connections: list[Any], tmp_path: Path) -> None:
    conn = connections[0]
    conn.ensure_connection()
    conn.transaction_mode = "NONSENSE"  # BEGIN NONSENSE: a syntax error from SQLite
    with pytest.raises(Exception, match="syntax"):
        _begin(conn)
    assert not _locked_by_someone(tmp_path / "db.sqlite3-writer.lock")


def test_an_in_memory_database_takes_no_lock_file() -> None:
    handler = ConnectionHandler(
        {"default": {"ENGINE": "asylon.web.db.sqlite3", "NAME": ":memory:"}}
    )
    conn = handler["default"]
    assert conn.writer_lock() is None
    _begin(conn)
    _end(conn)
    conn.close()


def test_the_server_runs_on_this_backend() -> None:
    from django.db import connections

    conn = connections["default"]
    assert isinstance(conn, DatabaseWrapper) or conn.vendor != "sqlite"
