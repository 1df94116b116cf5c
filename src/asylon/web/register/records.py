"""Register records in the database: conversion to and from the pure core, saving a version
with its revision, and the review workflow (draft -> peer reviewed -> final).

Who may do what (documentation staff):

- **record and change** records: administrators and supervisors, or anyone given the
  permission ``register.edit_register``;
- **peer-review** (draft -> peer reviewed, or send back to draft): administrators, supervisors
  and reviewers, or the permission ``register.review_register``;
- **finalise** (peer reviewed -> final, or reopen a final record as a draft): administrators and
  supervisors, or the permission ``register.finalise_register``.

Caseworkers and researchers hold none of these unless an administrator grants the
permission. Moving a record forward needs a second person: nobody reviews or finalises a
version they wrote themselves. Any change of content makes the record a draft again. The
command line (no user) is the operator of the installation and may record and import.
Every version and every status change is an append-only :class:`Revision` with the canonical
JSON, its SHA-256, who, when and why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from asylon.register.canonical import record_json
from asylon.register.models import RECORD_CLASSES, Record
from asylon.register.register import RecordError, Register, parse_record
from asylon.web.accounts.models import User
from asylon.web.audit.services import record as audit
from asylon.web.register.models import MODELS, RegisterRecord, Revision, Status

__all__ = [
    "known_ids",
    "may_edit",
    "may_finalise",
    "may_review",
    "row_of",
    "save_record",
    "to_core",
    "transition",
]

# core field -> column, where they differ (an evidence item's own ``sha256`` is its file's)
_COLUMNS: dict[str, dict[str, str]] = {"evidence": {"sha256": "file_sha256"}}
_FORWARD = {(Status.DRAFT, Status.PEER_REVIEWED), (Status.PEER_REVIEWED, Status.FINAL)}
_MOVES: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.PEER_REVIEWED): "review",
    (Status.PEER_REVIEWED, Status.DRAFT): "review",
    (Status.PEER_REVIEWED, Status.FINAL): "finalise",
    (Status.FINAL, Status.DRAFT): "finalise",
}


def _fields(record_type: str) -> list[tuple[str, str]]:
    """(core field, column attribute) for each field of a record type but ``type``/``id``."""
    renames = _COLUMNS.get(record_type, {})
    names = RECORD_CLASSES[record_type].model_fields
    return [(f, renames.get(f, f)) for f in names if f not in ("type", "id")]


def to_core(row: RegisterRecord) -> Record:
    """The core record a row holds (raises :class:`RecordError` if the row is not valid)."""
    data: dict[str, Any] = {"type": row.RECORD_TYPE, "id": row.record_id}
    for field, column in _fields(row.RECORD_TYPE):
        value = getattr(row, column)
        if value is not None:
            data[field] = value
    return parse_record(data)


def _apply(row: RegisterRecord, record: Record) -> None:
    data = record.model_dump(mode="json")
    for field, column in _fields(row.RECORD_TYPE):
        setattr(row, column, data[field])


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_of(record_type: str, record_id: str) -> RegisterRecord | None:
    return MODELS[record_type].objects.filter(record_id=record_id).first()


def known_ids(ids: Iterable[str]) -> dict[str, str]:
    """id -> record type for those of ``ids`` already stored."""
    wanted = set(ids)
    found: dict[str, str] = {}
    if not wanted:
        return found
    for record_type, model in MODELS.items():
        for record_id in model.objects.filter(record_id__in=wanted).values_list(
            "record_id", flat=True
        ):
            found[record_id] = record_type
    return found


# --- who may do what ------------------------------------------------------------------------


def _role(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return str(getattr(user, "role", ""))


def may_edit(user: Any) -> bool:
    if _role(user) is None:
        return False
    return _role(user) in (User.Role.ADMIN, User.Role.SUPERVISOR) or bool(
        user.has_perm("register.edit_register")
    )


def may_review(user: Any) -> bool:
    if _role(user) is None:
        return False
    staff = (User.Role.ADMIN, User.Role.SUPERVISOR, User.Role.REVIEWER)
    return _role(user) in staff or bool(user.has_perm("register.review_register"))


def may_finalise(user: Any) -> bool:
    if _role(user) is None:
        return False
    return _role(user) in (User.Role.ADMIN, User.Role.SUPERVISOR) or bool(
        user.has_perm("register.finalise_register")
    )


def _author(user: Any) -> Any:
    """The user to record, or None for the command line. A signed-in user must be staff."""
    if user is None:
        return None
    if not may_edit(user):
        raise PermissionDenied("only documentation staff may record register entries")
    return user


# --- saving ---------------------------------------------------------------------------------


def save_record(
    record: Record,
    user: Any,
    reason: str,
    *,
    check: bool = True,
    audited: bool = True,
    stored: Mapping[str, str] | None = None,
) -> tuple[RegisterRecord, bool]:
    """Store a version of ``record``: create or update its row and append a revision, the
    record back in draft. A record identical to the stored one changes nothing (returns
    ``(row, False)``). ``check`` first checks that every id it names exists (imports check
    a whole batch instead). ``stored`` is :func:`known_ids` of a batch, looked up once by
    an import (one query per record type, not per record). Raises :class:`RecordError`,
    ``PermissionDenied``."""
    author = _author(user)
    reason = (reason or "").strip()
    if not reason:
        raise RecordError([f"{record.id}: say why the record is recorded or changed"])
    record_type = str(record.type)  # type: ignore[attr-defined]
    if check:
        refs = [target for _f, target, _t in record.references()]
        Register([record]).check(known_ids(refs))
    canonical = record_json(record)
    digest = sha256_text(canonical)
    model = MODELS[record_type]
    with transaction.atomic():
        row = model.objects.select_for_update().filter(record_id=record.id).first()
        if row is not None and row.sha256 == digest:
            return row, False
        other = known_ids([record.id]) if stored is None else stored
        if row is None and record.id in other:
            raise RecordError([f"{record.id}: the id is already used by a {other[record.id]}"])
        action = Revision.Action.CREATED if row is None else Revision.Action.UPDATED
        row = row or model(record_id=record.id)
        _apply(row, record)
        row.sha256 = digest
        row.revision += 1
        row.status = Status.DRAFT
        row.save()
        Revision.objects.create(
            record_type=record_type,
            record_id=record.id,
            number=row.revision,
            action=action,
            status=Status.DRAFT,
            canonical=canonical,
            sha256=digest,
            author=author,
            reason=reason,
        )
        if audited:
            audit(user, f"register_{action}", row, revision=row.revision, sha256=digest)
    return row, True


def content_author_id(row: RegisterRecord) -> int | None:
    """Who wrote the current content (None: the command line)."""
    last = (
        Revision.objects.filter(record_type=row.RECORD_TYPE, record_id=row.record_id)
        .exclude(action=Revision.Action.STATUS)
        .order_by("-number")
        .first()
    )
    return last.author_id if last is not None else None


def transition(row: RegisterRecord, to: str, user: Any, reason: str) -> Revision:
    """Move a record along the review workflow; the move is a revision (who, when, why)."""
    reason = (reason or "").strip()
    if _role(user) is None:
        raise PermissionDenied("a review step is taken by a signed-in person")
    with transaction.atomic():
        row = type(row).objects.select_for_update().get(pk=row.pk)
        move = _MOVES.get((row.status, to))
        if move is None:
            raise ValueError(f"{row.record_id}: cannot go from {row.status} to {to}")
        allowed = may_review(user) if move == "review" else may_finalise(user)
        if not allowed:
            raise PermissionDenied(f"you may not {move} register records")
        if (row.status, to) in _FORWARD and content_author_id(row) == user.pk:
            raise PermissionDenied("a second person reviews: you wrote this version yourself")
        if not reason:
            raise ValueError(f"{row.record_id}: say why (a review note)")
        last = Revision.objects.filter(record_type=row.RECORD_TYPE, record_id=row.record_id).latest(
            "number"
        )
        row.status = to
        row.revision += 1
        row.save(update_fields=["status", "revision", "updated_at"])
        revision = Revision.objects.create(
            record_type=row.RECORD_TYPE,
            record_id=row.record_id,
            number=row.revision,
            action=Revision.Action.STATUS,
            status=to,
            canonical=last.canonical,
            sha256=last.sha256,
            author=user,
            reason=reason,
        )
        audit(user, "register_status", row, status=to, revision=row.revision)
    return revision
