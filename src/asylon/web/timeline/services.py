"""The rules of the timeline: adding events, the case-file facts they establish, the deadlines
computed from them with the jurisdiction profile, and each user's alerts.

Deadlines are never typed by hand: every period is a dated parameter of the case's profile
(``asylon.law.parameters``), read on the day the period starts. Public holidays are not
modelled, so a due date is never later than the true one.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _

from asylon.law.calendar import add_period, add_working_days
from asylon.law.parameters import LawNotInForce, Profile, load_profile
from asylon.web.audit.services import record
from asylon.web.cases.access import visible_cases
from asylon.web.cases.models import Assessment, Case
from asylon.web.timeline.details import ADVERSE_OUTCOMES, DetailsError, validate_details
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


# ---------------------------------------------------------------------------------------------
# Events


def _born(case: Case) -> date | None:
    raw = ((case.facts or {}).get("applicant") or {}).get("born")
    if raw:
        try:
            return date.fromisoformat(str(raw))
        except ValueError:
            return None
    return case.client.born if case.client_id else None


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


# ---------------------------------------------------------------------------------------------
# Facts for the case file


def facts_from_timeline(case: Case, events: list[TimelineEvent] | None = None) -> dict[str, Any]:
    """asylon.case/1 fragments the events establish, by section (JSON-ready values).

    Only the fields the timeline knows appear; where they appear they replace the stored facts
    (``removal.detention`` and ``removal.administrative_offences`` as whole lists).
    """
    events = _chronological(list(case.timeline_events.all()) if events is None else events)
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


@dataclass(frozen=True)
class Deadline:
    kind: str
    due: date
    basis: str
    citation: str
    overdue: bool
    case_id: int | None = None
    verified: bool = True

    @property
    def label(self) -> str:
        return str(DEADLINE_LABELS.get(self.kind, self.kind))

    def days_left(self, today: date) -> int:
        return (self.due - today).days


def _labels() -> dict[str, Any]:
    from django.utils.translation import gettext_lazy

    return {
        "appeal": gettext_lazy("appeal time limit"),
        "certificate": gettext_lazy("certificate (preliminary examination)"),
        "decision": gettext_lazy("decision period"),
        "interview": gettext_lazy("interview"),
        "court_hearing": gettext_lazy("court hearing"),
        "status_expiry": gettext_lazy("status expires"),
        "renewal_reminder": gettext_lazy("apply for renewal"),
        "detention_review": gettext_lazy("detention review"),
        "detention_limit": gettext_lazy("maximum detention"),
    }


DEADLINE_LABELS: dict[str, Any] = _labels()


def profile_of(case: Case) -> Profile | None:
    name, _sep, state = case.jurisdiction.partition(":")
    try:
        return load_profile(name, state.upper() or None)
    except LawNotInForce:
        return None


def _cite(reference: str) -> str:
    """The provision a parameter rests on, without its gloss."""
    return reference.split(":")[0].split(" (")[0].strip()


def _param(profile: Profile, name: str, day: date) -> tuple[Any, str, bool] | None:
    try:
        v = profile.param(name, day)
    except (LawNotInForce, KeyError):
        return None
    if v.value is None:
        return None
    return v.value, _cite(v.reference), v.verified


def _span(period: dict[str, int]) -> str:
    return ", ".join(f"{v} {k}" for k, v in period.items())


def _after(events: list[TimelineEvent], kinds: tuple[str, ...], day: date) -> bool:
    return any(e.kind in kinds and e.on >= day for e in events)


def _appeals(
    case: Case, events: list[TimelineEvent], profile: Profile, today: date
) -> list[Deadline]:
    notices = [e for e in events if _adverse_notice(e)]
    if not notices:
        return []
    latest = max(notices, key=lambda e: (e.details["notified_on"], e.on))
    notified = date.fromisoformat(latest.details["notified_on"])
    if _after(events, (K.APPEAL_LODGED,), latest.on):
        return []
    found = _param(profile, "appeal_time_limit", notified)
    if found is None:
        return []
    limit, cite, verified = found
    due = add_period(notified, limit)
    basis = _("%(span)s from written notice of the decision on %(day)s") % {
        "span": _span(limit),
        "day": notified,
    }
    return [Deadline("appeal", due, basis, cite, due < today, case.pk, verified)]


def _decision_periods(
    case: Case, events: list[TimelineEvent], profile: Profile, today: date
) -> list[Deadline]:
    applications = [e for e in events if e.kind == K.APPLICATION_LODGED]
    if not applications:
        return []
    app = applications[-1]
    if _after(events, (K.DECISION,), app.on):
        return []
    kind = app.details.get("procedure") or case.procedure_kind or ""
    if kind in ("status_review", "removal", "extradition", "political_asylum"):
        return []
    applied = app.on
    out: list[Deadline] = []
    if profile.name == "ru" and kind == "temporary_asylum":
        found = _param(profile, "ta_decision_period", applied)
        if found:
            p, cite, ok = found
            due = add_period(applied, p)
            basis = _("%(span)s from the temporary-asylum application of %(day)s") % {
                "span": _span(p),
                "day": applied,
            }
            out.append(Deadline("decision", due, basis, cite, due < today, case.pk, ok))
    elif profile.name == "ru":
        found = _param(profile, "decision_period", applied)
        if found:
            p, cite, ok = found
            certs = [e for e in events if e.kind == K.CERTIFICATE_ISSUED and e.on >= applied]
            if certs:
                start = certs[0].on
                basis = _("%(m)s months from the certificate issued on %(day)s") % {
                    "m": p["months"],
                    "day": start,
                }
            else:
                start = add_working_days(applied, p["preliminary_working_days"])
                out.append(
                    Deadline(
                        "certificate",
                        start,
                        _("%(n)s working days from the application of %(day)s")
                        % {"n": p["preliminary_working_days"], "day": applied},
                        "RF Law Art 4(5)",
                        start < today,
                        case.pk,
                        ok,
                    )
                )
                basis = _("%(m)s months from the certificate, due at the latest on %(day)s") % {
                    "m": p["months"],
                    "day": start,
                }
            due = add_period(start, {"months": p["months"]})
            basis += " " + _("(exceptionally extendable by %(m)s months)") % {
                "m": p["extension_months"]
            }
            out.append(Deadline("decision", due, basis, "RF Law Art 7", due < today, case.pk, ok))
    else:
        found = _param(profile, "decision_period", applied)
        if found:
            p, cite, ok = found
            due = add_period(applied, {"months": p["months"]})
            basis = _("%(m)s months from lodging on %(day)s") % {"m": p["months"], "day": applied}
            out.append(Deadline("decision", due, basis, cite, due < today, case.pk, ok))
    return out


def _status(
    case: Case, events: list[TimelineEvent], profile: Profile, today: date
) -> list[Deadline]:
    grant, latest = _held_status(events)
    if grant is None or latest is None:
        return []
    status = grant.details["status"]
    if latest.details.get("valid_until"):
        expiry = date.fromisoformat(latest.details["valid_until"])
        basis = _("valid until %(day)s as stated on the decision") % {"day": expiry}
        cite, ok, renewable = "", True, True
        rows = profile.status(STATUS_PROFILE_NAME[status], latest.on)
        if rows is not None:
            cite = ", ".join(rows.value.get("citations", []))
            renewable = bool(rows.value.get("renewable"))
    else:
        rows = profile.status(STATUS_PROFILE_NAME[status], latest.on)
        if rows is None or not rows.value.get("duration"):
            return []
        expiry = add_period(latest.on, rows.value["duration"])
        basis = _("%(span)s from the grant or renewal of %(day)s") % {
            "span": _span(rows.value["duration"]),
            "day": latest.on,
        }
        cite, ok, renewable = (
            ", ".join(rows.value.get("citations", [])),
            rows.verified,
            bool(rows.value.get("renewable")),
        )
    out = [Deadline("status_expiry", expiry, basis, cite, expiry < today, case.pk, ok)]
    if renewable and not _after(events, (K.RENEWAL_APPLIED,), latest.on):
        remind = add_period(expiry, {k: -v for k, v in RENEWAL_REMINDER.items()})
        out.append(
            Deadline(
                "renewal_reminder",
                remind,
                _(
                    "reminder: apply to renew before the status expires on %(day)s "
                    "(one month ahead, to leave time for the application)"
                )
                % {"day": expiry},
                cite,
                remind < today,
                case.pk,
                ok,
            )
        )
    return out


def _detention(
    case: Case, events: list[TimelineEvent], profile: Profile, today: date
) -> list[Deadline]:
    out: list[Deadline] = []
    for start, end in _detentions(events):
        if end is not None:
            continue
        review = start.details.get("next_review_on")
        if review:
            due = date.fromisoformat(review)
            out.append(
                Deadline(
                    "detention_review",
                    due,
                    _("review of the detention at %(place)s set for %(day)s")
                    % {"place": start.details.get("place", ""), "day": due},
                    "",
                    due < today,
                    case.pk,
                )
            )
        found = _param(profile, "detention_max_days", start.on)
        if found:
            days, cite, ok = found
            due = start.on + timedelta(days=int(days))
            out.append(
                Deadline(
                    "detention_limit",
                    due,
                    _("%(n)s days from the start of detention on %(day)s")
                    % {"n": days, "day": start.on},
                    cite,
                    due < today,
                    case.pk,
                    ok,
                )
            )
    return out


def _hearings(case: Case, events: list[TimelineEvent], today: date) -> list[Deadline]:
    out = []
    for e in events:
        if e.kind == K.COURT_HEARING and e.on >= today:
            where = e.details.get("court") or ""
            out.append(
                Deadline(
                    "court_hearing",
                    e.on,
                    _("hearing %(court)s") % {"court": where},
                    "",
                    False,
                    case.pk,
                )
            )
        if e.kind == K.INTERVIEW_SCHEDULED:
            day = date.fromisoformat(e.details["interview_on"])
            if not _after(events, (K.INTERVIEW_HELD,), day) and day >= today:
                out.append(
                    Deadline(
                        "interview",
                        day,
                        _("interview scheduled on %(day)s") % {"day": e.on},
                        "",
                        False,
                        case.pk,
                    )
                )
    return out


def deadlines_for(
    case: Case, today: date, events: list[TimelineEvent] | None = None
) -> list[Deadline]:
    """Every open deadline of the case, computed from its events and its profile, by due date."""
    events = _chronological(list(case.timeline_events.all()) if events is None else events)
    profile = profile_of(case)
    out: list[Deadline] = _hearings(case, events, today)
    if profile is not None:
        out += _appeals(case, events, profile, today)
        out += _decision_periods(case, events, profile, today)
        out += _status(case, events, profile, today)
        out += _detention(case, events, profile, today)
    return sorted(out, key=lambda d: (d.due, d.kind))


# ---------------------------------------------------------------------------------------------
# Alerts


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


def _cases_with_events(user: Any) -> QuerySet[Case]:
    latest = Assessment.objects.filter(case=OuterRef("pk")).order_by("-created_at", "-id")
    return (
        visible_cases(user)
        .select_related("client")
        .annotate(latest_assessment_id=Subquery(latest.values("id")[:1]))
        .prefetch_related(
            Prefetch("timeline_events", queryset=TimelineEvent.objects.order_by("on", "id"))
        )
        .order_by("pk")
    )


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
    cases = list(_cases_with_events(user))
    ids = [c.latest_assessment_id for c in cases if c.latest_assessment_id]  # type: ignore[attr-defined]
    determinations = dict(
        Assessment.objects.filter(pk__in=ids).values_list("case_id", "determination")
    )
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    for case in cases:
        events = list(case.timeline_events.all())
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
    for case in _cases_with_events(user):
        out += deadlines_for(case, today, list(case.timeline_events.all()))
    return sorted(out, key=lambda d: (d.due, d.case_id or 0, d.kind))


# ---------------------------------------------------------------------------------------------
# Calendar feed


def ical_token(user: Any) -> str:
    """``<user id>-<HMAC-SHA256 of the id with SECRET_KEY>``: a capability URL for one user."""
    mac = hmac.new(
        settings.SECRET_KEY.encode(), f"asylon.timeline.ical:{user.pk}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{user.pk}-{mac[:40]}"


def user_for_token(token: str) -> Any | None:
    from asylon.web.accounts.models import User

    uid, _sep, _mac = token.partition("-")
    if not uid.isdigit():
        return None
    user = User.objects.filter(pk=int(uid), is_active=True).select_related("team").first()
    if user is None or not hmac.compare_digest(ical_token(user), token):
        return None
    return user


def ical_path(user: Any) -> str:
    from django.urls import reverse

    if not getattr(user, "is_authenticated", False):
        return ""
    return reverse("timeline:ical", kwargs={"token": ical_token(user)})


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 3.1: lines of at most 75 octets, continued with CRLF and a space."""
    out: list[str] = []
    current = b""
    for ch in line:
        b = ch.encode()
        if len(current) + len(b) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += b
    out.append(current.decode())
    return "\r\n ".join(out)


def to_ical(deadlines: list[Deadline], stamp: str, host: str = "asylon") -> str:
    """The deadlines as an RFC 5545 calendar of all-day events. Summaries name the case by its
    number only: calendar clients sync to third parties, so no client name leaves Asylon."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Asylon//Timeline deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + _escape(_("Asylon deadlines")),
    ]
    for d in deadlines:
        summary = _("Case %(case)s: %(what)s") % {"case": d.case_id, "what": d.label}
        if d.overdue:
            summary += " (" + _("overdue") + ")"
        desc = d.basis + (f" — {d.citation}" if d.citation else "")
        if not d.verified:
            desc += " " + _("(parameter not verified against the primary text)")
        lines += [
            "BEGIN:VEVENT",
            f"UID:case-{d.case_id}-{d.kind}-{d.due:%Y%m%d}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{d.due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{d.due + timedelta(days=1):%Y%m%d}",
            "SUMMARY:" + _escape(summary),
            "DESCRIPTION:" + _escape(desc),
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
