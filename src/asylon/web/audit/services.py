"""Recording what people do, as a hash chain, and checking the chain.

Appends are serialised: ``record`` locks the chain head (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite every write transaction begins ``IMMEDIATE`` and so holds the database
write lock), reads the last sequence and hash from it, writes the entry and moves the head,
all in one transaction. Called inside a caller's transaction, the lock is held until that
transaction ends, and a rollback takes the entry and the head move back together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from asylon.web.audit.chain import Anchor, ChainReport, Problem, Row, check_chain, entry_hash
from asylon.web.audit.chain import normalise_details as _normalise
from asylon.web.audit.models import AuditEntry, AuditHead

__all__ = ["HEAD_RESTORED", "TRIGGERS", "record", "tail", "verify"]

HEAD_RESTORED = "audit_head_restored"
# the append-only triggers of migration 0004, by database vendor
TRIGGERS = {
    "sqlite": ("audit_auditentry_no_update", "audit_audithead_advance"),
    "postgresql": ("audit_auditentry_append_only", "audit_audithead_advance"),
}


def record(user: Any, action: str, obj: Any = None, **details: Any) -> AuditEntry:
    """Append one entry; ``obj`` is named by its model and primary key only."""
    return _append(
        user_id=user.pk if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        details=_normalise(details),
    )


def _append(
    *, user_id: int | None, action: str, object_type: str, object_id: str, details: Any
) -> AuditEntry:
    with transaction.atomic():
        head = _locked_head()
        entry = AuditEntry(
            sequence=head.sequence + 1,
            at=timezone.now(),
            user_id=user_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=details,
            previous_hash=head.entry_hash,
        )
        entry.entry_hash = entry_hash(
            sequence=entry.sequence,
            at=entry.at,
            user_id=user_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=details,
            previous_hash=entry.previous_hash,
        )
        entry.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(sequence=entry.sequence, entry_hash=entry.entry_hash)
    return entry


def _locked_head() -> AuditHead:
    """The head row, locked until the transaction ends. A missing head is made again: at
    sequence 0 for an empty log (a fresh or flushed database); otherwise from the last entry,
    and that is itself recorded (``audit_head_restored``), so the loss stays in the chain."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    last = AuditEntry.objects.order_by("-sequence").first()
    try:
        with transaction.atomic():  # a savepoint: a concurrent writer may create it first
            AuditHead.objects.create(
                pk=1,
                sequence=last.sequence if last else 0,
                entry_hash=last.entry_hash if last else "",
            )
    except IntegrityError:
        return AuditHead.objects.select_for_update().get(pk=1)
    head = AuditHead.objects.select_for_update().get(pk=1)
    if last is not None:
        restored = _append(
            user_id=None,
            action=HEAD_RESTORED,
            object_type="",
            object_id="",
            details={"last_sequence": last.sequence},
        )
        head.sequence, head.entry_hash = restored.sequence, restored.entry_hash
    return head


def _rows(chunk: int = 2000) -> Iterator[AuditEntry]:
    fields = ("id", "sequence", "at", "user_id", "action", "object_type", "object_id")
    rest = ("details", "previous_hash", "entry_hash")
    yield from AuditEntry.objects.order_by("sequence").only(*fields, *rest).iterator(chunk)


def verify(anchors: Sequence[Anchor] = ()) -> ChainReport:
    """Recompute the whole chain against the head and the anchors; also check that the
    append-only triggers are in place. Reads one consistent snapshot, without blocking
    writers (PostgreSQL: a repeatable-read transaction; SQLite in WAL mode: a deferred one)."""
    with _snapshot():
        head_row = AuditHead.objects.filter(pk=1).first()
        head = (head_row.sequence, head_row.entry_hash) if head_row else None
        report = check_chain(cast(Iterable[Row], _rows()), head, anchors)
        restored = AuditEntry.objects.filter(action=HEAD_RESTORED).order_by("sequence")
        for entry in restored:
            report.problems.append(
                Problem(
                    f"entry {entry.pk} (sequence {entry.sequence}): the chain head had been "
                    "deleted and was made again from the last entry",
                    entry.sequence,
                    entry.pk,
                )
            )
    for name in missing_triggers():
        report.problems.append(
            Problem(f"the append-only trigger {name} is missing: it was dropped")
        )
    return report


@contextmanager
def _snapshot() -> Iterator[None]:
    """One read snapshot for several queries. Inside a caller's transaction, that one."""
    if connection.in_atomic_block:
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # Django's atomic() begins IMMEDIATE here (settings), which would hold the write lock
        # for the whole check; a DEFERRED transaction reads a WAL snapshot instead.
        with connection.cursor() as cur:
            cur.execute("BEGIN DEFERRED")
            try:
                yield
            finally:
                cur.execute("COMMIT")
    else:
        with transaction.atomic():
            yield


def missing_triggers() -> list[str]:
    """The append-only triggers this database should have and has not."""
    expected = TRIGGERS.get(connection.vendor, ())
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        elif connection.vendor == "postgresql":
            cur.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            return []
        present = {row[0] for row in cur.fetchall()}
    return [name for name in expected if name not in present]


def tail(n: int = 20) -> list[dict[str, Any]]:
    """The last ``n`` entries, oldest first: ids, action and hashes only (never details,
    which may hold the before and after of an edited fact)."""
    rows = list(AuditEntry.objects.order_by("-sequence")[: max(n, 0)])
    return [
        {
            "sequence": e.sequence,
            "id": e.pk,
            "at": e.at.isoformat(timespec="seconds"),
            "user_id": e.user_id,  # type: ignore[attr-defined]
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "entry_hash": e.entry_hash,
        }
        for e in reversed(rows)
    ]
