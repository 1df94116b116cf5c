"""Each user's dashboard alerts: what is due or overdue, who is detained, who waits too long,
and what the latest assessment of each case flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from asylon.law.parameters import Profile
from asylon.web.cases.access import visible_cases
from asylon.web.cases.models import Assessment, Case
from asylon.web.timeline.deadlines import Deadline, _after, deadlines_for, profile_of
from asylon.web.timeline.history import (
    ALERT_FLAGS,
    ALERT_SIDE_OUTPUTS,
    DUE_SOON_DAYS,
    K,
    _detentions,
    _held_status,
)
from asylon.web.timeline.ical import ical_path
from asylon.web.timeline.models import TimelineEvent


@dataclass
class CaseAlert:
    case: Case
    text: str
    code: str = ""
    deadline: Deadline | None = None
    days: int | None = None


@dataclass
class Alerts:
    today: date
    due_soon: list[CaseAlert] = field(default_factory=list)
    overdue: list[CaseAlert] = field(default_factory=list)
    in_detention: list[CaseAlert] = field(default_factory=list)
    waiting_interview: list[CaseAlert] = field(default_factory=list)
    flags: list[CaseAlert] = field(default_factory=list)
    ical_path: str = ""

    @property
    def empty(self) -> bool:
        return not (
            self.due_soon
            or self.overdue
            or self.in_detention
            or self.waiting_interview
            or self.flags
        )


# What the deadlines, the alerts and the dashboard's alert list read of a case and an event:
# loading only these keeps every case's facts (and other JSON) out of the dashboard's work.
CASE_FIELDS = ("id", "jurisdiction", "procedure_kind", "client", "client__full_name")
EVENT_FIELDS = ("id", "case", "kind", "on", "details")


def _cases_with_events(user: Any) -> list[tuple[Case, list[TimelineEvent]]]:
    """The user's visible cases in id order, each with the id of its latest assessment, and
    the events of each in date order: two queries.

    The events are fetched and grouped here rather than with ``prefetch_related``: a
    ``Prefetch`` with its own queryset clones that queryset once per case, which cost more than
    the query itself on a caseload of hundreds of cases.
    """
    latest = Assessment.objects.filter(case=OuterRef("pk")).order_by("-created_at", "-id")
    cases = list(
        visible_cases(user)
        .exclude(status=Case.Status.CLOSED)  # a closed case has nothing due
        .select_related("client")
        .only(*CASE_FIELDS)
        .annotate(latest_assessment_id=Subquery(latest.values("id")[:1]))
        .order_by("pk")
    )
    events: dict[int, list[TimelineEvent]] = {case.pk: [] for case in cases}
    if events:
        for event in (
            TimelineEvent.objects.filter(case_id__in=events)
            .only(*EVENT_FIELDS)
            .order_by("on", "id")
        ):
            events[event.case_id].append(event)
    return [(case, events[case.pk]) for case in cases]


def _mandatory_removal(
    case: Case, events: list[TimelineEvent], profile: Profile | None
) -> list[CaseAlert]:
    """Offences for which the profile makes removal mandatory, while no status is held."""
    table = (profile.tables.get("cao_18_8_parts") or {}) if profile else {}
    parts = table.get("parts", {})
    if _held_status(events)[0] is not None:
        return []
    out = []
    for e in events:
        part = parts.get(e.details.get("article")) if e.kind == K.ADMINISTRATIVE_OFFENCE else None
        if part and part.get("removal") == "mandatory":
            out.append(
                CaseAlert(
                    case,
                    _(
                        "CAO Art %(article)s (%(conduct)s) of %(day)s: removal is mandatory and "
                        "no protection status is held"
                    )
                    % {"article": e.details["article"], "conduct": part["conduct"], "day": e.on},
                    "MANDATORY_REMOVAL",
                )
            )
    return out


def alerts_for_user(user: Any, today: date) -> Alerts:
    """What needs attention across the user's visible cases (a fixed number of queries)."""
    alerts = Alerts(today=today, ical_path=ical_path(user))
    cases = _cases_with_events(user)
    ids = [c.latest_assessment_id for c, _ in cases if c.latest_assessment_id]  # type: ignore[attr-defined]
    # Only the two keys the alerts read. The determination is encrypted at rest: it is read
    # whole and decrypted here (the database cannot pick keys out of a ciphertext).
    determinations = {
        a.case_id: {
            "flags": a.determination.get("flags") or [],
            "side_outputs": a.determination.get("side_outputs") or [],
        }
        for a in Assessment.objects.filter(pk__in=ids).order_by().only("case_id", "determination")
    }
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    for case, events in cases:
        profile = profile_of(case)
        deadlines = deadlines_for(case, today, events)
        for d in deadlines:
            item = CaseAlert(case, f"{d.label}: {d.basis}", d.kind, d, (d.due - today).days)
            if d.overdue:
                alerts.overdue.append(item)
            elif d.due <= horizon:
                alerts.due_soon.append(item)
        for start, end in _detentions(events):
            if end is None and start.on <= today:
                days = (today - start.on).days
                alerts.in_detention.append(
                    CaseAlert(
                        case,
                        _("in detention at %(place)s since %(day)s (%(days)s days)")
                        % {"place": start.details.get("place", ""), "day": start.on, "days": days},
                        start.details.get("basis", ""),
                        days=days,
                    )
                )
        apps = [e for e in events if e.kind == K.APPLICATION_LODGED]
        decision = next((d for d in deadlines if d.kind == "decision"), None)
        if apps and decision and decision.overdue:
            applied = apps[-1].on
            if not _after(events, (K.INTERVIEW_HELD,), applied):
                alerts.waiting_interview.append(
                    CaseAlert(
                        case,
                        _(
                            "no interview since the application of %(day)s; the decision "
                            "period ended on %(due)s"
                        )
                        % {"day": applied, "due": decision.due},
                        "WAITING_INTERVIEW",
                        decision,
                        (today - applied).days,
                    )
                )
        alerts.flags += _mandatory_removal(case, events, profile)
        det = determinations.get(case.pk) or {}
        for f in det.get("flags", []):
            if f.get("code") in ALERT_FLAGS:
                alerts.flags.append(CaseAlert(case, str(f.get("message", "")), f["code"]))
        for code in det.get("side_outputs", []):
            if code in ALERT_SIDE_OUTPUTS:
                alerts.flags.append(CaseAlert(case, str(code), str(code)))
    alerts.overdue.sort(key=lambda a: a.deadline.due if a.deadline else today)
    alerts.due_soon.sort(key=lambda a: a.deadline.due if a.deadline else today)
    alerts.in_detention.sort(key=lambda a: -(a.days or 0))
    return alerts


def deadlines_for_user(user: Any, today: date) -> list[Deadline]:
    """Every open deadline across the user's visible cases (for the calendar feed)."""
    out: list[Deadline] = []
    for case, events in _cases_with_events(user):
        out += deadlines_for(case, today, events)
    return sorted(out, key=lambda d: (d.due, d.case_id or 0, d.kind))


# ---------------------------------------------------------------------------------------------
# Calendar feed
