"""Extradition bars (LEGAL-SPEC §5.1-5.3, §4.14): UN Model Treaty on Extradition Art 3, European
Convention on Extradition Arts 3 and 11, RF Constitution Art 63(2) and CPC Art 464(1), and
diplomatic assurances scored on the factors of *Othman (Abu Qatada) v UK* para 189.
"""

from __future__ import annotations

from asylon.law.context import Context
from asylon.law.determination import Answer, Step, new_step
from asylon.law.facts import Assurances
from asylon.law.logic import NO, YES, Tri, all_of, any_of, at_least, known, negate, of_step, unknown

# Othman para 189 factors that the case file records; the last one counts against reliability.
OTHMAN_FACTORS = (
    "given",
    "specific",
    "binding_on_state",
    "from_state_with_good_compliance_record",
    "verifiable_by_monitoring",
    "effective_torture_prevention_system",
)
ESSENTIAL = ("given", "specific", "binding_on_state", "verifiable_by_monitoring")


def assurance_score(a: Assurances | None) -> tuple[Tri, str]:
    """Are the assurances sufficient? Sufficient only if given, specific, binding and verifiable,
    from a state with a good compliance record, and the person was not ill-treated there before.
    Returns the answer and a one-line score for the reasons."""
    if a is None:
        return unknown("removal.assurances"), "no assurances recorded"
    favourable = sum(1 for f in OTHMAN_FACTORS if getattr(a, f) is True)
    if a.applicant_previously_ill_treated_there is False:
        favourable += 1
    score = f"Othman factors met: {favourable} of {len(OTHMAN_FACTORS) + 1}"
    t = all_of(
        *(known(getattr(a, f), f"removal.assurances.{f}") for f in ESSENTIAL),
        known(
            a.from_state_with_good_compliance_record,
            "removal.assurances.from_state_with_good_compliance_record",
        ),
        negate(
            known(
                a.applicant_previously_ill_treated_there,
                "removal.assurances.applicant_previously_ill_treated_there",
            )
        ),
    )
    return t, score


def extradition_barred(ctx: Context, steps: dict[str, Step]) -> Step:
    r = ctx.removal
    is_extradition = r.kind == "extradition" or ctx.procedure.kind == "extradition"
    base = ["UN Model Treaty on Extradition Art 3"]
    if not is_extradition:
        return new_step(
            "extradition.barred",
            Answer.NOT_APPLICABLE,
            ["No extradition request in the file."],
            base,
        )
    thr = ctx.param("return_risk_threshold")
    f = ctx.findings
    grounds: list[tuple[str, Tri, list[str]]] = [
        (
            "political offence",
            known(r.offence_political, "removal.offence_political"),
            ["UN Model Treaty on Extradition Art 3(a)"],
        ),
        (
            "request made to persecute on a protected ground",
            all_of(
                of_step(steps["inclusion.nexus"]), of_step(steps["inclusion.well_founded_fear"])
            ),
            ["UN Model Treaty on Extradition Art 3(b)"],
        ),
        (
            "torture or cruel, inhuman or degrading treatment",
            at_least(
                ctx.risk.torture_or_inhuman_treatment,
                thr,
                "claim.findings.risk_of_serious_harm.torture_or_inhuman_treatment",
            ),
            ["UN Model Treaty on Extradition Art 3(f)"],
        ),
        (
            "no minimum fair-trial guarantees",
            at_least(
                f.flagrant_denial_of_justice, thr, "claim.findings.flagrant_denial_of_justice"
            ),
            ["UN Model Treaty on Extradition Art 3(f)", "ICCPR Art 14"],
        ),
    ]
    reasons: list[str] = []
    if r.death_penalty_possible is None:
        grounds.append(("death penalty", unknown("removal.death_penalty_possible"), []))
    elif r.death_penalty_possible:
        sufficient, score = assurance_score(r.assurances)
        reasons.append(f"Death penalty possible; assurances: {score}.")
        grounds.append(
            (
                "death penalty without sufficient assurances",
                negate(sufficient),
                ["UN Model Treaty on Extradition Art 4(d)", "ECtHR Othman v UK"],
            )
        )
    if ctx.binds("ECE"):
        for _name, _t, c in grounds[:2]:
            c.append("ECE Art 3")
        if r.death_penalty_possible:
            grounds[-1][2].append("ECE Art 11")
    if ctx.is_ru:
        nats = ctx.applicant.nationalities or []
        grounds.append(
            (
                "citizen of the Russian Federation",
                YES if "RU" in nats else NO,
                ["RF Constitution Art 61", "RF CPC Art 464(1)(1)"],
            )
        )
        held = ctx.procedure.status_held
        grounds.append(
            (
                "granted asylum in the Russian Federation",
                YES if held else NO,
                ["RF CPC Art 464(1)(2)"],
            )
        )
        political = any(
            g.ground == "political_opinion" for fe in ctx.fears for g in (fe.grounds or [])
        )
        grounds.append(
            (
                "persecution for political convictions",
                all_of(of_step(steps["inclusion.nexus"]), YES if political else NO),
                ["RF Constitution Art 63(2)"],
            )
        )
    t = any_of(*(g[1] for g in grounds))
    met = [g for g in grounds if g[1].yes]
    if t.yes:
        reasons.insert(0, "Extradition is barred: " + "; ".join(g[0] for g in met) + ".")
        ctx.side("EXTRADITION_BARRED")
    elif t.no:
        reasons.insert(0, "No bar to extradition is established.")
    else:
        reasons.insert(0, "A bar to extradition depends on a missing finding.")
    cites = base + [c for g in (met or grounds) for c in g[2]]
    return new_step("extradition.barred", t.answer, reasons, cites, None, t.missing)
