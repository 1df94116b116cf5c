"""Evidence items: files taken in through the documents storage (SHA-256 at ingest, checked
on every read) and their chain of custody (received, viewed, exported, transferred: who,
when, why), kept as an append-only, hash-chained log.

Each custody entry's hash is the SHA-256 of the canonical JSON of its content and the
previous entry's hash; the item keeps the last hash (``custody_head``), so removing the last
entry is seen too. ``asylon register verify`` recomputes the chain.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from asylon.register.canonical import canonical_json
from asylon.register.models import EvidenceItem as CoreEvidence
from asylon.register.register import RecordError
from asylon.web.audit.services import record as audit
from asylon.web.documents import storage
from asylon.web.register.models import CustodyEntry, EvidenceItem
from asylon.web.register.records import save_record

__all__ = ["custody_hash", "ingest_evidence", "log_custody", "open_evidence"]

logger = logging.getLogger(__name__)


def custody_hash(entry: CustodyEntry) -> str:
    """The hash an entry must carry: over its content and the previous entry's hash."""
    content = {
        "item": entry.item_id,
        "number": entry.number,
        "action": entry.action,
        "user_id": entry.user_id,
        "username": entry.username,
        "at": entry.at.isoformat(),
        "reason": entry.reason,
        "counterpart": entry.counterpart,
        "file_sha256": entry.file_sha256,
        "previous_hash": entry.previous_hash,
    }
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def log_custody(
    item: EvidenceItem, action: str, user: Any, reason: str, counterpart: str = ""
) -> CustodyEntry:
    """Append one custody entry (who: ``user``, or the command line when None)."""
    if action not in CustodyEntry.Action.values:
        raise ValueError(f"custody action must be one of {', '.join(CustodyEntry.Action.values)}")
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a custody entry says why")
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    with transaction.atomic():
        item = EvidenceItem.objects.select_for_update().get(pk=item.pk)
        last = CustodyEntry.objects.filter(item=item).order_by("-number").first()
        entry = CustodyEntry(
            item=item,
            number=(last.number + 1) if last else 1,
            action=action,
            user=user if signed_in else None,
            username=user.get_username() if signed_in else "",
            at=timezone.now(),
            reason=reason,
            counterpart=(counterpart or "").strip(),
            file_sha256=item.file_sha256,
            previous_hash=last.entry_hash if last else "",
        )
        entry.entry_hash = custody_hash(entry)
        entry.save()
        EvidenceItem.objects.filter(pk=item.pk).update(custody_head=entry.entry_hash)
        audit(user, f"evidence_{action}", item, custody=entry.number, sha256=item.file_sha256)
    return entry


def ingest_evidence(
    chunks: Iterable[bytes],
    *,
    record_id: str,
    title: str,
    kind: str,
    media_type: str,
    user: Any,
    reason: str,
    received_from: str = "",
    **fields: Any,
) -> EvidenceItem:
    """Take a file in as an evidence item: hash its bytes while storing them, record the
    item (with its first revision) and a ``received`` custody entry, all or nothing.
    ``fields`` are the core record's other fields (file_name, related_ids, source_ids ...).
    Raises :class:`RecordError` naming what is wrong; nothing is kept then."""
    staged = storage.stage(chunks)
    with staged, transaction.atomic():
        try:
            record = CoreEvidence(
                id=record_id,
                title=title,
                kind=kind,
                media_type=media_type,
                sha256=staged.sha256,
                size=staged.size,
                **fields,
            )
        except ValueError as err:
            raise RecordError([f"{record_id}: {err}"]) from None
        row, _changed = save_record(record, user, reason)
        assert isinstance(row, EvidenceItem)
        log_custody(row, CustodyEntry.Action.RECEIVED, user, reason, received_from)
        staged.commit()
    row.refresh_from_db()
    return row


def open_evidence(
    item: EvidenceItem, user: Any, reason: str, *, action: str = "viewed"
) -> BinaryIO:
    """The item's file, checked against the SHA-256 taken at ingest, with a custody entry
    (``viewed`` or ``exported``). A mismatch or a missing file is audited and raised
    (``storage.BlobCorrupted`` / ``storage.BlobMissing``): nothing is served."""
    try:
        content = storage.open_verified(item.file_sha256, item.size)
    except (storage.BlobCorrupted, storage.BlobMissing):
        logger.error("evidence item %s: stored file does not match its SHA-256", item.record_id)
        audit(user, "evidence_integrity_failure", item, sha256=item.file_sha256)
        raise
    try:
        log_custody(item, action, user, reason)
    except BaseException:
        content.close()
        raise
    return content
