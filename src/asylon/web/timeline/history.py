"""Reading a case's event history: the helpers every timeline rule shares, and its constants."""

from __future__ import annotations

from datetime import date
from typing import Any

from asylon.web.cases.models import Case
from asylon.web.timeline.details import ADVERSE_OUTCOMES
from asylon.web.timeline.models import TimelineEvent

K = TimelineEvent.Kind
DUE_SOON_DAYS = 30
RENEWAL_REMINDER = {"months": 1}
STATUS_PROFILE_NAME = {
    "refugee_status": "refugee",
    "subsidiary_protection": "subsidiary",
    "temporary_asylum": "temporary_asylum",
}
# Flags of a stored determination worth a caseworker's attention on the dashboard.
ALERT_FLAGS = frozenset(
    {
        "PRACTICE_DIVERGES",
        "FINDING_CONTRADICTS_EVIDENCE",
        "EVIDENCE_MISSING",
        "OTHER_PROCEDURE_NEEDED",
    }
)
ALERT_SIDE_OUTPUTS = frozenset({"DETENTION_UNLAWFUL", "EXTRADITION_BARRED", "REFER_TO_PROSECUTOR"})


def _born(case: Case) -> date | None:
    raw = ((case.facts or {}).get("applicant") or {}).get("born")
    if raw:
        try:
            return date.fromisoformat(str(raw))
        except ValueError:
            return None
    return case.client.born if case.client_id else None


def _chronological(events: list[TimelineEvent]) -> list[TimelineEvent]:
    return sorted(events, key=lambda e: (e.on, e.pk or 0))


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def _open_detention(events: list[TimelineEvent], on: date) -> TimelineEvent | None:
    """The detention started on or before ``on`` and not yet ended before it."""
    current = None
    for e in _chronological(events):
        if e.on > on:
            break
        if e.kind == K.DETENTION_STARTED:
            current = e
        elif e.kind == K.DETENTION_ENDED:
            current = None
    return current


def _detentions(events: list[TimelineEvent]) -> list[tuple[TimelineEvent, date | None]]:
    """Each detention with the day it ended (None while it lasts). A new start while detained
    is a transfer: the earlier period ends that day."""
    out: list[tuple[TimelineEvent, date | None]] = []
    current: TimelineEvent | None = None
    for e in _chronological(events):
        if e.kind == K.DETENTION_STARTED:
            if current is not None:
                out.append((current, e.on))
            current = e
        elif e.kind == K.DETENTION_ENDED and current is not None:
            out.append((current, e.on))
            current = None
    if current is not None:
        out.append((current, None))
    return out


def _adverse_notice(e: TimelineEvent) -> bool:
    """A refusal (or an ending of status) notified in writing: it starts an appeal time limit."""
    adverse = e.kind == K.STATUS_REFUSED or (
        e.kind == K.DECISION and e.details.get("outcome") in ADVERSE_OUTCOMES
    )
    return adverse and bool(e.details.get("notified_on"))


def _held_status(events: list[TimelineEvent]) -> tuple[TimelineEvent | None, TimelineEvent | None]:
    """(the grant, the latest grant or renewal) of the status held now, or (None, None)."""
    grant = latest = None
    for e in _chronological(events):
        if e.kind == K.STATUS_GRANTED:
            grant = latest = e
        elif e.kind == K.STATUS_RENEWED and grant is not None:
            latest = e
        elif e.kind in (K.STATUS_EXPIRED, K.STATUS_REFUSED) or (
            e.kind == K.DECISION and e.details.get("outcome") in ("revoked", "ceased")
        ):
            grant = latest = None
    return grant, latest
