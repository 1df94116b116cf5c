"""The audit log's hash chain: what an entry's hash covers, and how a chain is checked.

Each entry's ``entry_hash`` is the SHA-256 of the canonical JSON (RFC 8785, through
:func:`asylon.register.canonical.canonical_json`) of its content::

    {"sequence": 42, "at": "2026-11-22T05:52:01.123456+00:00", "user_id": 7,
     "action": "view_case", "object_type": "case", "object_id": "12",
     "details": {...}, "previous_hash": "<entry_hash of sequence 41>"}

``sequence`` runs 1, 2, 3 ... without gaps (unlike the autoincrement ``id``), so a deleted
entry leaves a hole; the chain head (``AuditHead``: last sequence and its hash, written in the
same transaction as the entry) shows a deleted *last* entry. The first entry's previous hash
is the empty string.

Details may hold numbers that are not integers (a screening threshold): RFC 8785 writes them
as ECMAScript does (``0.85``, ``1e-7``); :func:`canonical_text` does so and hands every other
value to ``canonical_json``. Integral floats are stored as integers (:func:`normalise_details`)
because PostgreSQL's ``jsonb`` would give them back as integers anyway.

``details`` are stored encrypted (asylon.web.crypto.fields); the hash covers their plaintext,
so re-encryption under a new key leaves every hash as it was.

This module is pure: no database. ``services`` reads the rows and the head and calls
:func:`check_chain`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

from asylon.register.canonical import canonical_json

__all__ = [
    "GENESIS",
    "Anchor",
    "ChainReport",
    "Problem",
    "canonical_text",
    "check_chain",
    "entry_content",
    "entry_hash",
    "normalise_details",
    "parse_anchor",
]

GENESIS = ""  # the previous hash of sequence 1


class Row(Protocol):
    """What :func:`check_chain` reads of an entry (an ``AuditEntry`` has all of it)."""

    id: Any
    sequence: int
    at: datetime
    user_id: int | None
    action: str
    object_type: str
    object_id: str
    details: Any
    previous_hash: str
    entry_hash: str


def iso_utc(at: datetime) -> str:
    """``at`` in UTC, ISO 8601 with microseconds: ``2026-11-22T05:52:01.123456+00:00``."""
    if at.tzinfo is None:
        raise ValueError("an audit time must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def normalise_details(details: dict[str, Any]) -> dict[str, Any]:
    """``details`` as the database gives them back: JSON types only (tuples become lists,
    keys strings), integral floats as integers. NaN and infinities are refused (JSON has
    none; PostgreSQL refuses them)."""
    text = json.dumps(details, allow_nan=False)
    return json.loads(text, parse_float=_float_or_int)  # type: ignore[no-any-return]


def _float_or_int(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def entry_content(
    *,
    sequence: int,
    at: datetime,
    user_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    details: Any,
    previous_hash: str,
) -> dict[str, Any]:
    """The content an entry's hash commits to."""
    return {
        "sequence": sequence,
        "at": iso_utc(at),
        "user_id": user_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "details": details,
        "previous_hash": previous_hash,
    }


def entry_hash(**content: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of :func:`entry_content` (same keyword arguments)."""
    text = canonical_text(entry_content(**content))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_hash(row: Row) -> str:
    """The hash ``row`` must carry, recomputed from its stored content."""
    return entry_hash(
        sequence=row.sequence,
        at=row.at,
        user_id=row.user_id,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        details=row.details,
        previous_hash=row.previous_hash,
    )


def canonical_text(value: Any) -> str:
    """RFC 8785 text of ``value``: ``canonical_json`` plus non-integral numbers."""
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("canonical JSON object keys must be strings")
        keys = sorted(value, key=lambda k: k.encode("utf-16-be", "surrogatepass"))
        return "{" + ",".join(f"{canonical_json(k)}:{canonical_text(value[k])}" for k in keys) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical_text(v) for v in value) + "]"
    return canonical_json(value)


def _number(x: float) -> str:
    """ECMAScript's Number::toString, which RFC 8785 prescribes (integral values as integers)."""
    if not math.isfinite(x):
        raise ValueError("canonical JSON holds no NaN or infinity")
    if x.is_integer():
        return str(int(x))
    sign = "-" if x < 0 else ""
    digits_t = Decimal(repr(abs(x))).normalize().as_tuple()
    digits = "".join(map(str, digits_t.digits))
    k = len(digits)
    n = k + int(digits_t.exponent)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits[0] + (f".{digits[1:]}" if k > 1 else "")
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the chain, naming the entry when there is one."""

    message: str
    sequence: int | None = None
    entry_id: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"sequence": self.sequence, "entry_id": self.entry_id, "problem": self.message}


@dataclass(frozen=True)
class Anchor:
    """A (sequence, hash) pair recorded outside the database earlier, to be found again."""

    sequence: int
    entry_hash: str


def parse_anchor(text: str) -> Anchor:
    """``SEQUENCE:SHA256`` as printed by ``asylon audit verify``."""
    seq, _, digest = text.partition(":")
    digest = digest.strip().lower()
    if (
        not seq.strip().isdigit()
        or len(digest) != 64
        or not all(c in "0123456789abcdef" for c in digest)
    ):
        raise ValueError(f"an anchor is SEQUENCE:SHA256 (64 hex digits), not {text!r}")
    return Anchor(int(seq), digest)


@dataclass
class ChainReport:
    entries: int = 0
    first_sequence: int | None = None
    last_sequence: int | None = None
    last_hash: str = ""
    head_sequence: int | None = None
    head_hash: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "asylon.audit-verify/1",
            "ok": self.ok,
            "entries": self.entries,
            "first_sequence": self.first_sequence,
            "last_sequence": self.last_sequence,
            "head": {"sequence": self.head_sequence, "entry_hash": self.head_hash or None},
            "problems": [p.to_dict() for p in self.problems],
        }


def _missing(first: int, last: int) -> Problem:
    if first == last:
        return Problem(f"sequence {first} missing: an entry was deleted", first)
    return Problem(
        f"sequences {first}-{last} missing: {last - first + 1} entries were deleted", first
    )


def _name(row: Row) -> str:
    return f"entry {row.id} (sequence {row.sequence})"


def check_chain(
    rows: Iterable[Row],
    head: tuple[int, str] | None,
    anchors: Sequence[Anchor] = (),
) -> ChainReport:
    """Check ``rows`` (in ascending sequence) against their hashes, each other, the head
    (``(sequence, entry_hash)``, or None when the head row is missing) and the anchors."""
    report = ChainReport()
    wanted = {a.sequence: a for a in anchors}
    previous: Row | None = None
    for row in rows:
        report.entries += 1
        if report.first_sequence is None:
            report.first_sequence = row.sequence
        expected = previous.sequence + 1 if previous is not None else 1
        gap = row.sequence > expected
        if gap:
            report.problems.append(_missing(expected, row.sequence - 1))
        try:
            recomputed = row_hash(row)
        except Exception as err:  # details that do not decrypt (asylon.web.crypto): altered
            report.problems.append(Problem(f"{_name(row)}: {err}", row.sequence, row.id))
        else:
            if recomputed != row.entry_hash:
                report.problems.append(
                    Problem(f"{_name(row)}: content does not match its hash", row.sequence, row.id)
                )
        if not gap:
            linked = previous.entry_hash if previous is not None else GENESIS
            if row.previous_hash != linked:
                what = (
                    f"does not link to sequence {previous.sequence} (its previous hash differs)"
                    if previous is not None
                    else "is the first entry but names a previous hash"
                )
                report.problems.append(Problem(f"{_name(row)} {what}", row.sequence, row.id))
        anchor = wanted.pop(row.sequence, None)
        if anchor is not None and anchor.entry_hash != row.entry_hash:
            report.problems.append(
                Problem(
                    f"{_name(row)}: its hash is not the anchored {anchor.entry_hash[:12]}...: "
                    "the chain was rewritten",
                    row.sequence,
                    row.id,
                )
            )
        previous = row
    if previous is not None:
        report.last_sequence, report.last_hash = previous.sequence, previous.entry_hash
    for anchor in wanted.values():
        report.problems.append(
            Problem(
                f"anchored sequence {anchor.sequence} is not in the log: it was deleted",
                anchor.sequence,
            )
        )
    _check_head(report, head, previous)
    return report


def _check_head(report: ChainReport, head: tuple[int, str] | None, last: Row | None) -> None:
    if head is None:
        if last is not None:
            report.problems.append(
                Problem("the chain head is missing: it was deleted", last.sequence)
            )
        return
    report.head_sequence, report.head_hash = head
    seq, digest = head
    if last is None:
        if seq:
            report.problems.append(
                Problem(
                    f"the head says sequence {seq} but the log is empty: every entry was deleted",
                    seq,
                )
            )
        return
    if seq > last.sequence:
        deleted = "the last entry was" if seq == last.sequence + 1 else "the last entries were"
        report.problems.append(
            Problem(
                f"the head says sequence {seq} but the last entry is {last.sequence}: "
                f"{deleted} deleted",
                seq,
            )
        )
    elif seq < last.sequence:
        report.problems.append(
            Problem(
                f"the head says sequence {seq} but the last entry is {last.sequence}: "
                "entries were added outside the application",
                last.sequence,
                last.id,
            )
        )
    elif digest != last.entry_hash:
        report.problems.append(
            Problem(
                f"{_name(last)}: the head's hash differs: the last entry was replaced",
                last.sequence,
                last.id,
            )
        )
