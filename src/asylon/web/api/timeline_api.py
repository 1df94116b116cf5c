"""The JSON API of the timeline: a case's dated events, the deadlines computed from them, and
each caller's dashboard alerts. A django-ninja ``Router`` mounted on the API at the root
(``api.add_router("", "asylon.web.api.timeline_api.router")``).

Same rules as the timeline pages (:mod:`asylon.web.timeline.services`): the case is found
through the access rule (404 for anyone who may not see it, researchers included), an event
through its case; events are validated, added and deleted by the services the pages use, which
audit them with their before and after. Deadlines are computed, never typed by hand.
Authentication is the API's own, set on the router itself.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, P, QueryEx, Router, Schema, Status

from asylon.web.api.auth import session_auth, token_auth
from asylon.web.api.schemas import ClientOut, ErrorOut
from asylon.web.audit.services import record
from asylon.web.cases.access import visible_cases
from asylon.web.cases.models import Case
from asylon.web.timeline import services
from asylon.web.timeline.details import DetailsError
from asylon.web.timeline.history import DUE_SOON_DAYS
from asylon.web.timeline.models import TimelineEvent

router = Router(auth=[token_auth, session_auth], tags=["timeline and deadlines"])
NOT_FOUND = {404: ErrorOut, 401: ErrorOut}
MAX_DAYS = 365


class EventIn(Schema):
    kind: str = Field(
        description="The kind of event; its details depend on it.",
        json_schema_extra={"enum": list(TimelineEvent.Kind.values)},
    )
    on: date = Field(description="The day of the event (ISO 8601).")
    details: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "The details of this kind of event, validated strictly (unknown fields, wrong "
            "types and dates before ``on`` are refused), e.g. for a decision "
            '``{"outcome": "refused", "notified_on": "2016-12-06"}``; for a detention '
            '``{"place": "...", "basis": "pending_removal"}``.'
        ),
    )


class EventOut(Schema):
    id: int
    kind: str
    on: date
    details: dict[str, Any]
    created_by: str | None
    created_at: datetime


class DeadlineOut(Schema):
    kind: str
    label: str
    due: date
    overdue: bool
    days_left: int
    basis: str
    citation: str
    verified: bool = Field(
        description="False when the period rests on a parameter whose source is unverified."
    )


class AlertOut(Schema):
    case_id: int
    client: ClientOut
    code: str
    text: str
    days: int | None = Field(
        description="Days left (due soon), days late (overdue, negative), days detained, or "
        "days waited since the application."
    )
    deadline: DeadlineOut | None


class AlertsOut(Schema):
    today: date
    days: int
    due_soon: list[AlertOut]
    overdue: list[AlertOut]
    in_detention: list[AlertOut]
    waiting_interview: list[AlertOut]
    flags: list[AlertOut]


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _case(request: HttpRequest, case_id: int) -> Case:
    return get_object_or_404(visible_cases(_user(request)).select_related("client"), pk=case_id)


def _event_out(e: TimelineEvent) -> dict[str, Any]:
    return {
        "id": e.pk,
        "kind": e.kind,
        "on": e.on,
        "details": e.details,
        "created_by": e.created_by.get_username() if e.created_by else None,
        "created_at": e.created_at,
    }


def _deadline_out(d: services.Deadline, today: date) -> dict[str, Any]:
    return {
        "kind": d.kind,
        "label": d.label,
        "due": d.due,
        "overdue": d.overdue,
        "days_left": d.days_left(today),
        "basis": d.basis,
        "citation": d.citation,
        "verified": d.verified,
    }


def _alert_out(a: services.CaseAlert, today: date) -> dict[str, Any]:
    return {
        "case_id": a.case.pk,
        "client": {"id": a.case.client.pk, "name": a.case.client.full_name},
        "code": a.code,
        "text": a.text,
        "days": a.days,
        "deadline": _deadline_out(a.deadline, today) if a.deadline else None,
    }


def _details_field(name: str) -> str:
    """The request field a :class:`DetailsError` names: the event's own ``on`` and ``kind``, or
    a key of ``details``."""
    if name in ("on", "kind"):
        return name
    return f"details.{name}" if name else "details"


@router.get("/cases/{case_id}/events", response={200: list[EventOut], **NOT_FOUND})
def list_events(request: HttpRequest, case_id: int) -> Any:
    """The case's timeline events, oldest first (audited like the timeline page)."""
    case = _case(request, case_id)
    record(_user(request), "view_timeline", case, via="api")
    events = (
        TimelineEvent.objects.filter(case=case).select_related("created_by").order_by("on", "id")
    )
    return [_event_out(e) for e in events]


@router.post(
    "/cases/{case_id}/events",
    response={201: EventOut, 422: ErrorOut, **NOT_FOUND},
)
def add_event(request: HttpRequest, case_id: int, body: EventIn) -> Any:
    """Add one event. Invalid details are refused with 422 naming the field (``details.
    notified_on``, ``on``...); nothing is written. Audited with its before and after."""
    case = _case(request, case_id)
    try:
        event = services.add_event(case, _user(request), body.kind, body.on, body.details)
    except DetailsError as err:
        errors = [{"field": _details_field(f), "message": m} for f, m in err.errors]
        return Status(422, {"detail": str(err), "errors": errors})
    return Status(201, _event_out(event))


@router.delete(
    "/cases/{case_id}/events/{event_id}",
    response={204: None, **NOT_FOUND},
)
def delete_event(request: HttpRequest, case_id: int, event_id: int) -> Any:
    """Remove an event entered by mistake (audited with what it was)."""
    case = _case(request, case_id)
    event = get_object_or_404(TimelineEvent, pk=event_id, case=case)
    services.delete_event(case, _user(request), event)
    return Status(204, None)


@router.get("/cases/{case_id}/deadlines", response={200: list[DeadlineOut], **NOT_FOUND})
def case_deadlines(request: HttpRequest, case_id: int, as_of: date | None = None) -> Any:
    """The case's open deadlines as the timeline page shows them, by due date: computed from
    its events and the dated parameters of its jurisdiction, each with the provision it rests
    on. ``as_of`` (default today) is the day they are judged overdue on."""
    case = _case(request, case_id)
    today = as_of or date.today()
    record(_user(request), "view_timeline", case, via="api", part="deadlines")
    return [_deadline_out(d, today) for d in services.deadlines_for(case, today)]


def _due_within(user: Any, today: date, horizon: date) -> list[services.CaseAlert]:
    """Deadlines not yet overdue and due by ``horizon``, across the user's visible cases (for a
    horizon beyond the dashboard's)."""
    events = TimelineEvent.objects.only("id", "case", "kind", "on", "details").order_by("on", "id")
    cases = (
        visible_cases(user)
        .select_related("client")
        .only("id", "jurisdiction", "procedure_kind", "client", "client__full_name")
        .prefetch_related(Prefetch("timeline_events", queryset=events))
        .order_by("pk")
    )
    out: list[services.CaseAlert] = []
    for case in cases:
        case_events = list(case.timeline_events.all())  # type: ignore[attr-defined]
        out += [
            services.CaseAlert(case, f"{d.label}: {d.basis}", d.kind, d, d.days_left(today))
            for d in services.deadlines_for(case, today, case_events)
            if not d.overdue and d.due <= horizon
        ]
    return sorted(out, key=lambda a: (a.deadline.due if a.deadline else today, a.case.pk))


@router.get("/deadlines", response={200: AlertsOut, 401: ErrorOut, 422: ErrorOut})
def my_deadlines(
    request: HttpRequest,
    days: QueryEx[int, P(ge=1, le=MAX_DAYS)] = DUE_SOON_DAYS,
    as_of: date | None = None,
) -> Any:
    """The caller's dashboard alerts across every case they may see (none for a researcher):
    deadlines due within ``days`` (default 30) and overdue ones, clients in detention, clients
    waiting for an interview past the decision period, and the flags of each case's latest
    assessment. Each names its case and client."""
    user = _user(request)
    today = as_of or date.today()
    alerts = services.alerts_for_user(user, today)
    horizon = today + timedelta(days=days)
    if days <= DUE_SOON_DAYS:
        due_soon = [a for a in alerts.due_soon if a.deadline and a.deadline.due <= horizon]
    else:
        due_soon = _due_within(user, today, horizon)
    record(user, "view_deadlines", None, via="api", days=days)
    return {
        "today": today,
        "days": days,
        "due_soon": [_alert_out(a, today) for a in due_soon],
        "overdue": [_alert_out(a, today) for a in alerts.overdue],
        "in_detention": [_alert_out(a, today) for a in alerts.in_detention],
        "waiting_interview": [_alert_out(a, today) for a in alerts.waiting_interview],
        "flags": [_alert_out(a, today) for a in alerts.flags],
    }
