"""``asylon register verify``: re-hash everything the register holds and name each mismatch.

- every record version: the canonical JSON kept in each revision still hashes to the SHA-256
  recorded with it, the revisions are numbered 1..n without a gap, each status change repeats
  the content of the version before it, and the record's row (what the application shows)
  still has, field for field, the content of its last revision;
- every evidence file: its bytes in the documents storage still hash to the SHA-256 taken at
  ingest, with the recorded size;
- every custody log: the hash chain is unbroken and ends where the item says it ends.

A record altered in the database or a file altered on disk, behind the application's back,
is reported by record type and id (``evidence item EV-12: file hash mismatch``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from asylon.register.canonical import record_json
from asylon.register.register import RecordError
from asylon.web.crypto.fields import DecryptionError
from asylon.web.documents import storage
from asylon.web.register.evidence import custody_hash
from asylon.web.register.models import (
    MODELS,
    CustodyEntry,
    EvidenceItem,
    RegisterRecord,
    Revision,
)
from asylon.web.register.records import to_core

__all__ = ["VerifyReport", "verify_register"]

LABELS = {"evidence": "evidence item"}


@dataclass(frozen=True)
class VerifyReport:
    records: int
    revisions: int
    files: int
    custody_entries: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify_register() -> VerifyReport:
    problems: list[str] = []
    revisions: dict[tuple[str, str], list[Revision]] = defaultdict(list)
    n_revisions = 0
    for rev in Revision.objects.order_by("record_type", "record_id", "number").iterator():
        revisions[(rev.record_type, rev.record_id)].append(rev)
        n_revisions += 1
    n_records = 0
    for record_type, model in MODELS.items():
        label = LABELS.get(record_type, record_type)
        for row in model.objects.order_by("record_id").iterator():
            n_records += 1
            history = revisions.pop((record_type, row.record_id), [])
            problems.extend(
                f"{label} {row.record_id}: {p}" for p in _readable(_check_record(row, history))
            )
    for (record_type, record_id), _history in sorted(revisions.items()):
        problems.append(
            f"{LABELS.get(record_type, record_type)} {record_id}: revisions of a record that is not stored"
        )
    n_files = n_entries = 0
    for item in EvidenceItem.objects.order_by("record_id").iterator():
        n_files += 1
        problems.extend(f"evidence item {item.record_id}: {p}" for p in _check_file(item))
        entries = list(CustodyEntry.objects.filter(item=item).order_by("number"))
        n_entries += len(entries)
        problems.extend(
            f"evidence item {item.record_id}: {p}" for p in _readable(_check_custody(item, entries))
        )
    return VerifyReport(n_records, n_revisions, n_files, n_entries, problems)


def _readable(found: Iterator[str]) -> Iterator[str]:
    """The problems ``found`` yields, ending with one naming a value that cannot be decrypted
    (altered, written around the application, or under a key no longer in the key file): its
    table, column and row, never the value. The checks after it need that value, so they stop."""
    try:
        yield from found
    except DecryptionError as err:
        yield str(err)


def _check_record(row: RegisterRecord, history: list[Revision]) -> Iterator[str]:
    if not history:
        yield "no revision holds this record"
        return
    numbers = [r.number for r in history]
    if numbers != list(range(1, len(history) + 1)):
        yield f"revisions are numbered {numbers}, not 1..{len(history)}"
    previous: Revision | None = None
    for rev in history:
        if _sha(rev.canonical) != rev.sha256:
            yield f"revision {rev.number}: canonical JSON does not match its SHA-256"
        changed = previous is not None and (
            rev.sha256 != previous.sha256 or rev.canonical != previous.canonical
        )
        if rev.action == Revision.Action.STATUS and changed:
            yield f"revision {rev.number}: a status change that also changed the content"
        previous = rev
    last = history[-1]
    if row.revision != last.number:
        yield f"the record says revision {row.revision}, the last is {last.number}"
    if row.status != last.status:
        yield f"its status {row.status} differs from its last revision's ({last.status})"
    if row.sha256 != last.sha256:
        yield "the record's hash differs from its last revision's"
    try:
        current = record_json(to_core(row))
    except RecordError as err:
        yield f"the stored record is not valid: {err}"
        return
    if _sha(current) != last.sha256:
        yield "record content does not match its last revision (changed outside the application)"


def _check_file(item: EvidenceItem) -> Iterator[str]:
    try:
        storage.open_verified(item.file_sha256, item.size).close()
    except storage.BlobMissing:
        yield "file missing"
    except storage.BlobCorrupted as err:
        yield f"file hash mismatch (recorded {item.file_sha256}, found {err.found})"


def _check_custody(item: EvidenceItem, entries: list[CustodyEntry]) -> Iterator[str]:
    previous = ""
    for n, entry in enumerate(entries, 1):
        if entry.number != n:
            yield f"custody entry {entry.number} where {n} was expected (an entry is missing)"
        if entry.previous_hash != previous:
            yield f"custody entry {entry.number}: the chain is broken before it"
        if custody_hash(entry) != entry.entry_hash:
            yield f"custody entry {entry.number}: altered (its hash does not match)"
        previous = entry.entry_hash
    if previous != item.custody_head:
        yield "custody log does not end where the item says (an entry was removed or added)"
