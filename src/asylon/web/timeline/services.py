"""The rules of the timeline: adding events and the case-file facts they establish.

Deadlines computed from the events are in :mod:`deadlines`, each user's alerts in
:mod:`alerts`, the calendar feed in :mod:`ical`; their public functions are re-exported here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from asylon.web.audit.services import record
from asylon.web.cases.models import Case
from asylon.web.timeline.alerts import (
    Alerts,
    CaseAlert,
    alerts_for_user,
    deadlines_for_user,
)
from asylon.web.timeline.deadlines import Deadline, deadlines_for, profile_of
from asylon.web.timeline.details import DetailsError, validate_details
from asylon.web.timeline.history import (
    K,
    _adverse_notice,
    _born,
    _chronological,
    _detentions,
    _held_status,
    _open_detention,
)
from asylon.web.timeline.ical import ical_path, ical_token, to_ical, user_for_token
from asylon.web.timeline.models import TimelineEvent

# ---------------------------------------------------------------------------------------------
# Events


@transaction.atomic
def add_event(case: Case, user: Any, kind: str, on: date, details: dict[str, Any]) -> TimelineEvent:
    """Validate and add one event; audited with its before (nothing) and after."""
    clean = validate_details(kind, on, details)
    born = _born(case)
    if born is not None and on < born:
        raise DetailsError([("on", _("the event is dated before the client's birth"))])
    if kind == K.DETENTION_ENDED and _open_detention(list(case.timeline_events.all()), on) is None:
        raise DetailsError([("on", _("no detention started on or before this date is open"))])
    event = TimelineEvent.objects.create(
        case=case, kind=kind, on=on, details=clean, created_by=user
    )
    record(user, "add_timeline_event", case, before=None, after=event.as_record())
    return event


@transaction.atomic
def delete_event(case: Case, user: Any, event: TimelineEvent) -> None:
    """Remove an event entered by mistake; audited with its before and after (nothing)."""
    before = event.as_record()
    event.delete()
    record(user, "delete_timeline_event", case, before=before, after=None)


# ---------------------------------------------------------------------------------------------
# Facts for the case file


def facts_from_timeline(
    case: Case, events: list[TimelineEvent] | None = None, until: date | None = None
) -> dict[str, Any]:
    """asylon.case/1 fragments the events establish, by section (JSON-ready values).

    Only the fields the timeline knows appear; where they appear they replace the stored facts
    (``removal.detention`` and ``removal.administrative_offences`` as whole lists). With
    ``until``, only the events up to that day count: an assessment on a past date must not see
    what happened after it (a detention still open on that day is open, not ended).
    """
    events = _chronological(list(case.timeline_events.all()) if events is None else events)
    if until is not None:
        events = [e for e in events if e.on <= until]
    born = _born(case)
    procedure: dict[str, Any] = {}
    applicant: dict[str, Any] = {}
    removal: dict[str, Any] = {}

    def after_birth(day: date) -> bool:
        return born is None or day >= born

    for e in events:
        if e.kind == K.APPLICATION_LODGED and after_birth(e.on):
            procedure["applied_on"] = e.on.isoformat()
        elif e.kind == K.ARRIVAL and after_birth(e.on):
            applicant["arrived_on"] = e.on.isoformat()
            if e.details.get("country"):
                applicant["host_country"] = e.details["country"]
                present = {"country": e.details["country"]}
                if e.details.get("place"):
                    present["place"] = e.details["place"]
                applicant["present_in"] = present
            entry = e.details.get("entry")
            applicant["entered_irregularly"] = None if entry is None else entry == "irregular"
        elif _adverse_notice(e):
            procedure["decision_notified_on"] = e.details["notified_on"]
    status_kinds = (K.STATUS_GRANTED, K.STATUS_RENEWED, K.STATUS_EXPIRED, K.STATUS_REFUSED)
    if any(e.kind in status_kinds for e in events):
        grant, _latest = _held_status(events)
        procedure["status_held"] = grant.details["status"] if grant else None
        procedure["status_granted_on"] = grant.on.isoformat() if grant else None
    detentions = _detentions(events)
    if detentions:
        removal["detention"] = [
            {
                "from": start.on.isoformat(),
                "to": end.isoformat() if end else None,
                "place": start.details.get("place"),
                "basis": start.details.get("basis"),
                "periodic_review_available": start.details.get("periodic_review_available"),
                "transit_zone": start.details.get("transit_zone"),
            }
            for start, end in detentions
        ]
    offences = [e for e in events if e.kind == K.ADMINISTRATIVE_OFFENCE]
    if offences:
        removal["administrative_offences"] = [
            {
                "article": e.details.get("article"),
                "on": e.on.isoformat(),
                "region": e.details.get("region"),
                "removal_ordered": e.details.get("removal_ordered"),
            }
            for e in offences
        ]
    out = {"procedure": procedure, "applicant": applicant, "removal": removal}
    return {k: v for k, v in out.items() if v}


def merge_facts(facts: dict[str, Any], fragments: dict[str, Any]) -> dict[str, Any]:
    """Stored facts with the timeline's fragments laid over them (the timeline wins)."""
    merged = dict(facts or {})
    for section, values in fragments.items():
        merged[section] = {**(merged.get(section) or {}), **values}
    return merged


# ---------------------------------------------------------------------------------------------
# Deadlines


__all__ = [
    "Alerts",
    "CaseAlert",
    "Deadline",
    "add_event",
    "alerts_for_user",
    "deadlines_for",
    "deadlines_for_user",
    "delete_event",
    "facts_from_timeline",
    "ical_path",
    "ical_token",
    "merge_facts",
    "profile_of",
    "to_ical",
    "user_for_token",
]
