"""Re-encryption under the current key, key usage, and the check of every encrypted value.

Re-encryption works column by column in batches ordered by primary key, each batch in its own
transaction: a value not under the current key is decrypted and sealed again, and written only
if it is still the value read (``UPDATE ... WHERE id = %s AND col = %s``), so a value the
running application changed meanwhile (already under the current key) is never overwritten.
Nothing records progress: a run killed at any point leaves every value readable (under the
old or the new key), and the next run skips what is done. Stored files follow, one by one,
each rewritten atomically.

Blind-index keys: :func:`reindex_all` recomputes every client's digests under the current
index key, in batches; searches meanwhile look under every index key in the key file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from asylon.faults import checkpoint
from asylon.web.crypto.fields import (
    PREFIX,
    VERSION,
    CipherError,
    aad_for,
    encrypted_columns,
    seal,
    unseal,
)
from asylon.web.crypto.keys import Keyring, keyring

BATCH = 500


@dataclass
class Usage:
    """How many values of one column are under each key, and how many under none."""

    table: str
    column: str
    total: int = 0
    by_key: dict[str, int] = field(default_factory=dict)

    @property
    def other(self) -> int:
        return self.total - sum(self.by_key.values())


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _key_pattern(kid: str) -> str:
    return f"{PREFIX}{VERSION}:{kid}:%"


def columns() -> list[tuple[str, str]]:
    return [(m._meta.db_table, f.column) for m, f in encrypted_columns()]


def usage(ring: Keyring | None = None) -> list[Usage]:
    ring = ring or keyring()
    out = []
    with connection.cursor() as cur:
        for table, column in columns():
            u = Usage(table, column)
            cur.execute(f"SELECT COUNT(*) FROM {_qn(table)} WHERE {_qn(column)} IS NOT NULL")
            u.total = cur.fetchone()[0]
            for kid in ring.keys:
                cur.execute(
                    f"SELECT COUNT(*) FROM {_qn(table)} WHERE {_qn(column)} LIKE %s",
                    [_key_pattern(kid)],
                )
                u.by_key[kid] = cur.fetchone()[0]
            out.append(u)
    return out


def files_by_key() -> dict[str, int]:
    """Stored files per data key id (``plaintext`` for files stored before encryption,
    ``unknown`` for a key not in the key file, ``unreadable``)."""
    from asylon.web.documents import storage

    counts: dict[str, int] = {}
    for path in storage.stored_contents():
        try:
            kid = storage.key_of(path) or "plaintext"
        except storage.UnknownKey:
            kid = "unknown"
        except OSError:
            kid = "unreadable"
        counts[kid] = counts.get(kid, 0) + 1
    return counts


def index_keys_in_use() -> dict[str, int]:
    from django.db.models import Count

    from asylon.web.cases.models import ClientNameKey
    from asylon.web.victims.models import VictimNameKey

    used: dict[str, int] = {}
    for model in (ClientNameKey, VictimNameKey):  # every blind index of names
        for r in model.objects.values("kid").annotate(n=Count("id")).order_by("kid"):
            used[r["kid"]] = used.get(r["kid"], 0) + r["n"]
    return dict(sorted(used.items()))


@dataclass
class Progress:
    values: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)


def reencrypt_column(
    table: str,
    column: str,
    ring: Keyring,
    batch: int = BATCH,
    progress: Progress | None = None,
    on_batch: Callable[[str, str, int], None] | None = None,
) -> int:
    """Seal again every value of ``table.column`` not under the current key; returns how many."""
    progress = progress or Progress()
    aad = aad_for(table, column)
    current = _key_pattern(ring.current)
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    after: Any = 0
    done = 0
    while True:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                f"SELECT id, {_qn(column)} FROM {_qn(table)} WHERE id > %s AND "
                f"{_qn(column)} IS NOT NULL AND {_qn(column)} NOT LIKE %s "
                f"ORDER BY id LIMIT {int(batch)}{lock}",
                [after, current],
            )
            rows = cur.fetchall()
            for pk, raw in rows:
                try:
                    plain = unseal(raw, aad, ring)
                except CipherError as err:
                    progress.problems.append(f"{table}.{column} row {pk}: {err}")
                    continue
                cur.execute(
                    f"UPDATE {_qn(table)} SET {_qn(column)} = %s "
                    f"WHERE id = %s AND {_qn(column)} = %s",
                    [seal(plain, aad, ring), pk, raw],
                )
                done += cur.rowcount
        if not rows:
            break
        after = rows[-1][0]
        progress.values = progress.values + len(rows)
        if on_batch is not None:
            on_batch(table, column, done)
        checkpoint("keys-reencrypt")
    return done


def reencrypt_all(
    batch: int = BATCH, on_batch: Callable[[str, str, int], None] | None = None
) -> Progress:
    """Every encrypted value and every stored file under the current data key."""
    from asylon.web.documents import storage

    ring = keyring()
    progress = Progress()
    for table, column in columns():
        reencrypt_column(table, column, ring, batch, progress, on_batch)
    for path in storage.stored_contents():
        try:
            if storage.reencrypt(path):
                progress.files += 1
                checkpoint("keys-reencrypt-file")
        except storage.StorageError as err:
            progress.problems.append(f"stored file {path.name}: {err}")
    return progress


def reindex_all(batch: int = BATCH) -> int:
    """Every client's and every victim record's blind index under the current index key;
    returns how many were redone."""
    from asylon.web.cases.models import Client, ClientNameKey
    from asylon.web.crypto.blind_index import reindex

    ring = keyring()
    done, after = 0, 0
    while True:
        with transaction.atomic():
            pending = (
                Client.objects.filter(pk__gt=after)
                .exclude(
                    pk__in=ClientNameKey.objects.filter(kid=ring.index_current).values("client_id")
                )
                .order_by("pk")
                .only("id", "full_name", "aliases")[:batch]
            )
            clients = list(pending)
            for client in clients:
                reindex(client, ring)
        if not clients:
            break
        done += len(clients)
        after = clients[-1].pk
        checkpoint("keys-reindex")
    from asylon.web.victims.names import reindex_all_records

    return done + reindex_all_records(batch)  # victim lists' names: the same index keys


def check_all() -> tuple[int, list[str]]:
    """Decrypt every encrypted value and check every stored file: (values read, problems)."""
    from asylon.web.documents import storage

    ring = keyring()
    read, problems = 0, []
    with connection.cursor() as cur:
        for table, column in columns():
            aad = aad_for(table, column)
            cur.execute(
                f"SELECT id, {_qn(column)} FROM {_qn(table)} WHERE {_qn(column)} IS NOT NULL "
                "ORDER BY id"
            )
            for pk, raw in cur.fetchall():
                read += 1
                try:
                    unseal(raw, aad, ring)
                except CipherError as err:
                    problems.append(f"{table}.{column} row {pk}: {err}")
    for path in storage.stored_contents():
        try:
            storage.verify_file(path)
        except storage.StorageError as err:
            problems.append(f"stored file {path.name}: {type(err).__name__} {err}")
    return read, problems
