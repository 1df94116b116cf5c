"""Consistent snapshots of the database and their restore, for SQLite and PostgreSQL.

SQLite: the online backup API (:meth:`sqlite3.Connection.backup`) copies every page in one
step, inside one read transaction, so the copy is the database as of one commit while the
application goes on writing (WAL mode: readers do not block writers). A restore copies the
checked snapshot into the target through the same API, which writes the target in one
transaction: other connections see the old database or the new one, never a mix.

PostgreSQL: a read-only REPEATABLE READ transaction exports its snapshot; the table counts and
the migration state are read in that transaction and ``pg_dump --snapshot`` dumps exactly the
same state (custom format). ``pg_restore --clean --if-exists --no-owner --single-transaction``
restores it all or nothing. The connection reaches ``pg_dump`` and ``pg_restore`` through the
``PG*`` environment variables (``PGPASSWORD`` ...), never through their command lines, which
``ps`` shows to every user of the machine.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asylon.web.backup.errors import BackupError

SQLITE, POSTGRESQL = "sqlite", "postgresql"
# Tables that ``migrate`` fills by itself: rows there do not make a database "not empty"
# (the audit chain's head row is seeded by a migration; the entries it chains are data).
BOOKKEEPING = frozenset(
    {"django_migrations", "django_content_type", "auth_permission", "audit_audithead"}
)
# libpq connection parameters and the environment variables pg_dump / pg_restore read them from.
_LIBPQ_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


@dataclass(frozen=True)
class Database:
    """Where a database is: a SQLite file (or ``file:`` URI), or PostgreSQL libpq parameters."""

    vendor: str
    name: str
    params: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_django(cls, alias: str = "default") -> Database:
        """The database of a Django connection alias (``DATABASE_URL`` for ``default``)."""
        from django.db import connections

        conf = connections[alias].settings_dict
        engine = conf["ENGINE"]
        if engine.endswith("sqlite3"):
            return cls(SQLITE, str(conf["NAME"]))
        if engine.endswith("postgresql"):
            params = {
                "dbname": conf.get("NAME") or "",
                "user": conf.get("USER") or "",
                "password": conf.get("PASSWORD") or "",
                "host": conf.get("HOST") or "",
                "port": str(conf.get("PORT") or ""),
            }
            for k, v in (conf.get("OPTIONS") or {}).items():
                if k in _LIBPQ_ENV and v is not None:
                    params[k] = str(v)
            return cls(POSTGRESQL, params["dbname"], {k: v for k, v in params.items() if v})
        raise BackupError(f"database engine {engine} is not supported (SQLite or PostgreSQL)")

    @property
    def label(self) -> str:
        return "SQLite" if self.vendor == SQLITE else "PostgreSQL"

    def connect(self) -> Any:
        """A new DB-API connection (autocommit), closed by the caller."""
        if self.vendor == SQLITE:
            return sqlite3.connect(
                self.name, uri=self.name.startswith("file:"), timeout=20, isolation_level=None
            )
        import psycopg

        try:
            return psycopg.connect(**self.params, autocommit=True)  # type: ignore[arg-type]
        except psycopg.OperationalError as err:
            raise BackupError(f"cannot connect to PostgreSQL database {self.name}: {err}") from None

    def env(self) -> dict[str, str]:
        """The environment for pg_dump / pg_restore: the connection as ``PG*`` variables."""
        env = dict(os.environ)
        env.update({_LIBPQ_ENV[k]: v for k, v in self.params.items() if k in _LIBPQ_ENV})
        return env


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def tables(conn: Any, vendor: str) -> list[str]:
    """The names of the database's own tables (SQLite's internal tables left out)."""
    if vendor == SQLITE:
        sql = (
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    else:
        sql = (
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1"
        )
    return [row[0] for row in conn.execute(sql).fetchall()]


def table_counts(conn: Any, vendor: str) -> dict[str, int]:
    return {
        t: conn.execute(f"SELECT count(*) FROM {_quote(t)}").fetchone()[0]
        for t in tables(conn, vendor)
    }


def migrations(conn: Any, vendor: str) -> list[str]:
    """Django's applied migrations, ``app.name``, sorted (empty if never migrated)."""
    if "django_migrations" not in tables(conn, vendor):
        return []
    rows = conn.execute("SELECT app, name FROM django_migrations").fetchall()
    return sorted(f"{app}.{name}" for app, name in rows)


def referenced_hashes(conn: Any, vendor: str, refs: tuple[tuple[str, str], ...]) -> set[str]:
    """The SHA-256 values in the given (table, column) pairs that exist in this database."""
    present, found = set(tables(conn, vendor)), set()
    for table, column in refs:
        if table in present:
            sql = f"SELECT DISTINCT {_quote(column)} FROM {_quote(table)}"
            found |= {row[0] for row in conn.execute(sql).fetchall() if row[0]}
    return found


def tables_with_rows(db: Database) -> list[str]:
    """Tables of ``db`` that hold rows, leaving out those ``migrate`` fills by itself."""
    if db.vendor == SQLITE and not db.name.startswith("file:") and not Path(db.name).exists():
        return []
    conn = db.connect()
    try:
        return [
            t
            for t in tables(conn, db.vendor)
            if t not in BOOKKEEPING
            and conn.execute(f"SELECT EXISTS (SELECT 1 FROM {_quote(t)})").fetchone()[0]
        ]
    finally:
        conn.close()


# --- SQLite --------------------------------------------------------------------------------


def snapshot_sqlite(source: sqlite3.Connection, dest: Path) -> None:
    """Copy ``source`` to a new file ``dest`` as of one commit (online backup API, one step)."""
    target = sqlite3.connect(dest)
    try:
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        target.close()


def check_sqlite_file(path: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if result != "ok":
        raise BackupError(f"the database in the archive fails SQLite's integrity check: {result}")


def restore_sqlite(snapshot: Path, target: Database) -> None:
    """Write ``snapshot`` over the target database in one transaction (backup API)."""
    path = None if target.name.startswith("file:") else Path(target.name)
    if path is not None and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    source = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    dest = target.connect()
    try:
        source.backup(dest, pages=-1)
    except sqlite3.Error as err:
        raise BackupError(f"cannot write the SQLite database {target.name}: {err}") from None
    finally:
        dest.close()
        source.close()


# --- PostgreSQL ----------------------------------------------------------------------------


def _version_key(folder: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", folder)) or (0,)


def pg_binary(name: str) -> str:
    """``pg_dump`` / ``pg_restore``: on the PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: _version_key(p.parent.parent.name),
        reverse=True,
    )
    if candidates:
        return str(candidates[0])
    raise BackupError(
        f"{name} not found: install the PostgreSQL client (apt-get install postgresql-client)"
    )


def _run(cmd: list[str], db: Database) -> None:
    done = subprocess.run(cmd, env=db.env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tool = Path(cmd[0]).name
        raise BackupError(f"{tool} failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")


@contextmanager
def postgres_snapshot(db: Database) -> Iterator[tuple[Any, str]]:
    """A read-only REPEATABLE READ transaction and the id of its exported snapshot."""
    conn = db.connect()
    try:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        yield conn, snapshot
        conn.execute("COMMIT")
    finally:
        conn.close()


def dump_postgres(db: Database, snapshot: str, dest: Path) -> None:
    """``pg_dump`` of the exported ``snapshot`` to ``dest`` (custom format)."""
    _run(
        [
            pg_binary("pg_dump"),
            "--format=custom",
            "--no-password",
            f"--snapshot={snapshot}",
            f"--file={dest}",
        ],
        db,
    )


def server_version(conn: Any) -> str:
    return str(conn.execute("SHOW server_version").fetchone()[0])


def restore_postgres(dump: Path, target: Database) -> None:
    """``pg_restore`` the dump into the target, all or nothing."""
    _run(
        [
            pg_binary("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={target.name}",
            str(dump),
        ],
        target,
    )
