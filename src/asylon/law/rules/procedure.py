"""Admissibility: RF Law Art 5(1); Decree 746 para 5 (political asylum); APD Art 33(2).

Grounds of inadmissibility are exceptions the authority must establish: only grounds indicated
by the facts are examined (LEGAL-SPEC §4.5, §4.12, §3.3). Mandate RSD has no admissibility
stage.
"""

from __future__ import annotations

from asylon.law.context import Context
from asylon.law.determination import Answer, Step, new_step
from asylon.law.logic import NO, YES, Tri, any_of, known, negate


def admissible(ctx: Context) -> Step:
    proc = ctx.procedure
    if ctx.is_unhcr or proc.kind in ("removal", "extradition", "status_review"):
        return new_step(
            "procedure.admissible",
            Answer.NOT_APPLICABLE,
            ["No admissibility stage in this procedure."],
            [],
        )
    grounds: list[tuple[str, Tri, str]] = []
    prior = proc.prior_refusal
    unchanged = (
        negate(known(prior.circumstances_changed, "procedure.prior_refusal.circumstances_changed"))
        if prior is not None
        else NO
    )
    if ctx.is_eu:
        cites = [ctx.apd("33(2)(d)")]
        home = ctx.profile.member_state or ctx.host
        if prior is not None and (prior.country is None or prior.country == home):
            grounds.append(
                ("subsequent application without new elements", unchanged, ctx.apd("33(2)(d)"))
            )
    else:
        political = proc.kind == "political_asylum"
        cites = ["Decree 746 para 5"] if political else ["RF Law Art 5(1)"]
        if any(c.country == "RU" for c in ctx.conduct.convictions):
            grounds.append(
                (
                    "criminal case for a crime committed in the Russian Federation",
                    YES,
                    "Decree 746 para 5" if political else "RF Law Art 5(1)(1)",
                )
            )
        if prior is not None and not political:
            if prior.country in (None, "RU"):
                grounds.append(
                    (
                        "earlier refusal and no change in the country of origin",
                        unchanged,
                        "RF Law Art 5(1)(2)",
                    )
                )
            else:
                grounds.append(
                    (
                        "justified refusal in another State party to the Convention",
                        unchanged,
                        "RF Law Art 5(1)(3)",
                    )
                )
        if ctx.applicant.protection_of_another_nationality_available:
            grounds.append(
                (
                    "nationality of a third State whose protection is available",
                    YES,
                    "Decree 746 para 5" if political else "RF Law Art 5(1)(4)",
                )
            )
        if political and any(
            a.category == "acts_contrary_to_un_purposes" for a in ctx.conduct.acts
        ):
            grounds.append(
                ("acts contrary to the purposes and principles of the UN", YES, "Decree 746 para 5")
            )
        _late_application(ctx, political)
    t = negate(any_of(*(g[1] for g in grounds))) if grounds else YES
    met = [g for g in grounds if g[1].yes]
    if t.yes:
        reasons = ["No ground for refusing to consider the application on the merits is shown."]
    elif t.no:
        reasons = ["Not considered on the merits: " + "; ".join(g[0] for g in met) + "."]
    else:
        reasons = ["Admissibility depends on a missing finding."]
    cites += [g[2] for g in grounds]
    return new_step("procedure.admissible", t.answer, reasons, cites, None, t.missing)


def _late_application(ctx: Context, political: bool) -> None:
    """Time limits for applying are contested grounds: they raise flags, never inadmissibility
    on their own (a good-reason exception exists and is not recorded in the case file)."""
    a, applied = ctx.applicant, ctx.procedure.applied_on
    if a.arrived_on is None or applied is None:
        return
    days = (applied - a.arrived_on).days
    if political:
        limit = ctx.param("political_asylum_filing_days")
        if limit is not None and days > limit:
            ctx.flag(
                "LAW_UNCERTAIN",
                f"Political asylum application {days} days after arrival "
                f"(Decree 746 para 8 sets {limit} days from arrival or from the circumstances "
                "arising); when the circumstances arose is not recorded.",
            )
    elif a.entered_irregularly and days * 24 > ctx.param("late_application_hours"):
        ctx.flag(
            "LAW_UNCERTAIN",
            f"Application {days} days after an irregular entry: RF Law "
            "Art 4 expects 24 hours; the good-reason exception is not recorded and the "
            "ground's numbering in Art 5(1) is unverified.",
        )
