"""Time limits: appeals from written notice, decision periods, status validity and renewal
(RF Law Arts 4(5), 7, 10(3); Decree 274 points 2 and 12; APD Arts 31, 46(4); QD Art 24;
UNHCR Procedural Standards s 7-2).

Every period is a dated parameter of the profile. Public holidays are not modelled: a due date
that falls on a holiday moves later under national rules, never earlier, so the date given is
the safe one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from asylon.law.calendar import add_period, add_working_days
from asylon.law.context import Context


def _deadline(ctx: Context, kind: str, due: date, basis: str, cites: list[str]) -> dict[str, Any]:
    return {
        "kind": kind,
        "due": due.isoformat(),
        "basis": basis,
        "overdue": due < ctx.day,
        "citations": cites,
    }


def appeal(ctx: Context) -> list[dict[str, Any]]:
    notified = ctx.procedure.decision_notified_on
    if notified is None:
        return []
    limit = ctx.param("appeal_time_limit")
    ref = ctx.profile.param("appeal_time_limit", ctx.day).reference
    if limit is None:
        ctx.flag(
            "LAW_UNCERTAIN",
            "The appeal time limit is set by national law (APD Art 46(4)); "
            "name the member state (for example eu:de) to compute it.",
        )
        return []
    cites = {"ru": ["RF Law Art 10(3)"], "unhcr": ["UNHCR Procedural Standards s 7-2"]}.get(
        ctx.profile.name, [ref.split(" (")[0]] if ctx.profile.member_state else [ctx.apd("46(4)")]
    )
    span = ", ".join(f"{v} {k[:-1] if v == 1 else k}" for k, v in limit.items())
    return [
        _deadline(
            ctx,
            "appeal",
            add_period(notified, limit),
            f"{span} from written notice of the decision on {notified}",
            cites,
        )
    ]


def decision_periods(ctx: Context) -> list[dict[str, Any]]:
    proc = ctx.procedure
    if (
        proc.applied_on is None
        or proc.decision_notified_on is not None
        or proc.kind in ("status_review", "removal", "extradition", "political_asylum")
    ):
        return []
    out: list[dict[str, Any]] = []
    if ctx.is_ru and proc.kind == "temporary_asylum":
        p = ctx.param("ta_decision_period")
        if p is None:
            return out
        out.append(
            _deadline(
                ctx,
                "decision",
                add_period(proc.applied_on, p),
                f"3 months from the temporary-asylum application of {proc.applied_on}",
                ["Decree 274 point 2"],
            )
        )
    elif ctx.is_ru and ctx.param("decision_period") is not None:
        p = ctx.param("decision_period")
        prelim = add_working_days(proc.applied_on, p["preliminary_working_days"])
        out.append(
            _deadline(
                ctx,
                "preliminary_decision",
                prelim,
                f"{p['preliminary_working_days']} working days from the application "
                f"of {proc.applied_on}",
                ["RF Law Art 4(5)"],
            )
        )
        out.append(
            _deadline(
                ctx,
                "decision",
                add_period(prelim, {"months": p["months"]}),
                f"{p['months']} months from the certificate, issued at the latest "
                f"on {prelim}; exceptionally extendable by {p['extension_months']} "
                "months",
                ["RF Law Art 7"],
            )
        )
    elif ctx.is_eu and ctx.param("decision_period") is not None:
        p = ctx.param("decision_period")
        out.append(
            _deadline(
                ctx,
                "decision",
                add_period(proc.applied_on, {"months": p["months"]}),
                f"{p['months']} months from lodging on {proc.applied_on}; extendable "
                f"to at most {p['max_months']} months",
                [ctx.apd("31(3)")],
            )
        )
    return out


def status_deadlines(
    ctx: Context, status: dict[str, Any] | None, re_registration: dict[str, int] | None
) -> list[dict[str, Any]]:
    if status is None:
        return []
    out = []
    if status["valid_until"] and status["renewable"]:
        due = date.fromisoformat(status["valid_until"])
        out.append(
            _deadline(
                ctx,
                "renewal",
                due,
                f"apply to renew before the status expires on {due}",
                list(status["citations"]),
            )
        )
    if re_registration:
        due = add_period(ctx.day, re_registration)
        out.append(
            _deadline(
                ctx,
                "re_registration",
                due,
                "annual re-registration of the refugee",
                ["RF Law Art 8"],
            )
        )
    return out
