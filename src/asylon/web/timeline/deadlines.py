"""Deadlines computed from a case's timeline and its jurisdiction profile, never typed by hand.

Every period is a dated parameter of the case's profile (``asylon.law.parameters``), read on
the day the period starts. Public holidays are not modelled, so a due date is never later than
the true one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asylon.law.calendar import add_period, add_working_days
from asylon.law.parameters import LawNotInForce, Profile, load_profile
from asylon.web.cases.models import Case
from asylon.web.timeline.history import (
    RENEWAL_REMINDER,
    STATUS_PROFILE_NAME,
    K,
    _adverse_notice,
    _chronological,
    _detentions,
    _held_status,
)
from asylon.web.timeline.models import TimelineEvent


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


def _day(day: date) -> str:
    """A date in the reader's locale, for the messages below."""
    return date_format(day, "DATE_FORMAT")


def _span(period: dict[str, int]) -> str:
    """“1 month”, “14 days”, “2 years” in the active language (Russian and Arabic plurals)."""

    units = {
        "days": lambda n: ngettext("%(n)d day", "%(n)d days", n),
        "working_days": lambda n: ngettext("%(n)d working day", "%(n)d working days", n),
        "weeks": lambda n: ngettext("%(n)d week", "%(n)d weeks", n),
        "months": lambda n: ngettext("%(n)d month", "%(n)d months", n),
        "years": lambda n: ngettext("%(n)d year", "%(n)d years", n),
    }
    return ", ".join(
        units[k](v) % {"n": v} if k in units else f"{v} {k}" for k, v in period.items()
    )


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
        "day": _day(notified),
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
                "day": _day(applied),
            }
            out.append(Deadline("decision", due, basis, cite, due < today, case.pk, ok))
    elif profile.name == "ru":
        found = _param(profile, "decision_period", applied)
        if found:
            p, cite, ok = found
            certs = [e for e in events if e.kind == K.CERTIFICATE_ISSUED and e.on >= applied]
            if certs:
                start = certs[0].on
                basis = ngettext(
                    "%(m)s month from the certificate issued on %(day)s",
                    "%(m)s months from the certificate issued on %(day)s",
                    p["months"],
                ) % {
                    "m": p["months"],
                    "day": _day(start),
                }
            else:
                start = add_working_days(applied, p["preliminary_working_days"])
                out.append(
                    Deadline(
                        "certificate",
                        start,
                        _("%(n)s working days from the application of %(day)s")
                        % {"n": p["preliminary_working_days"], "day": _day(applied)},
                        "RF Law Art 4(5)",
                        start < today,
                        case.pk,
                        ok,
                    )
                )
                basis = ngettext(
                    "%(m)s month from the certificate, due at the latest on %(day)s",
                    "%(m)s months from the certificate, due at the latest on %(day)s",
                    p["months"],
                ) % {
                    "m": p["months"],
                    "day": _day(start),
                }
            due = add_period(start, {"months": p["months"]})
            basis += " " + ngettext(
                "(exceptionally extendable by %(m)s month)",
                "(exceptionally extendable by %(m)s months)",
                p["extension_months"],
            ) % {"m": p["extension_months"]}
            out.append(Deadline("decision", due, basis, "RF Law Art 7", due < today, case.pk, ok))
    else:
        found = _param(profile, "decision_period", applied)
        if found:
            p, cite, ok = found
            due = add_period(applied, {"months": p["months"]})
            basis = ngettext(
                "%(m)s month from lodging on %(day)s",
                "%(m)s months from lodging on %(day)s",
                p["months"],
            ) % {"m": p["months"], "day": _day(applied)}
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
        basis = _("valid until %(day)s as stated on the decision") % {"day": _day(expiry)}
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
            "day": _day(latest.on),
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
                % {"day": _day(expiry)},
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
                    % {"place": start.details.get("place", ""), "day": _day(due)},
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
                    % {"n": days, "day": _day(start.on)},
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
                        _("interview appointment given on %(day)s") % {"day": _day(e.on)},
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
