"""Exclusion: Art 1F (a), (b), (c); QD Art 12(2)-(3); RF Law Art 2 (LEGAL-SPEC §1.6).

Each act in ``conduct.acts`` is examined on its own: the category gives the ground, then
individual responsibility, defences, the "serious reasons for considering" standard, expiation
and proportionality where the profile provides for them. Exclusion is an exception the
authority must establish: with no act recorded, the steps are ``not_applicable``. Membership of
an implicated organisation alone never excludes (UNHCR GIP 5 Background Note para 59); it
raises ``EXCLUSION_REVIEW_REQUIRED``.
"""

from __future__ import annotations

from dataclasses import dataclass

from asylon.law.calendar import add_months
from asylon.law.context import Context
from asylon.law.determination import Answer, Step, new_step
from asylon.law.facts import Act
from asylon.law.logic import (
    NA,
    NO,
    YES,
    Tri,
    all_of,
    any_of,
    at_least,
    known,
    negate,
    of_step,
    strength_at_least,
    unknown,
)

GROUND = {
    "crime_against_peace": "a",
    "war_crime": "a",
    "crime_against_humanity": "a",
    "serious_non_political_crime": "b",
    "acts_contrary_to_un_purposes": "c",
    "terrorist_group_participation": "c",
}
MANIFESTLY_UNLAWFUL = frozenset({"crime_against_humanity", "crime_against_peace"})


@dataclass(frozen=True, slots=True)
class ActFinding:
    """The exclusion analysis of one act."""

    index: int
    act: Act
    ground: str | None
    ground_conditions: Tri
    responsibility: Tri
    defence: Tri
    standard: Tri
    expiation: Tri
    proportionality: Tri
    excluded: Tri
    reasons: tuple[str, ...]


def citations_for(ctx: Context, ground: str) -> list[str]:
    out = [f"1951 Convention Art 1F({ground})"]
    if ctx.is_eu:
        out.append(ctx.qd(f"12(2)({ground})"))
        if ground == "c":
            out.append("CJEU C-573/14 Lounani")
    elif ctx.is_ru:
        out.append("RF Law Art 2(1)(1)" if ground == "a" else "RF Law Art 2")
    else:
        out.append("UNHCR GIP 5")
    if ground == "a":
        out.append("Rome Statute Arts 7-8")
    return out


def _responsibility(ctx: Context, i: int, act: Act) -> tuple[Tri, str]:
    """Commission or a substantial contribution with knowledge (GIP 5 paras 18-19; Rome Statute
    Arts 25, 28, 30). A senior, voluntary role in an implicated organisation during the act
    raises a rebuttable presumption (GIP 5 BN para 57; EUAA Syria)."""
    p = f"conduct.acts[{i}]"
    if act.mode_of_liability is not None:
        parts = [known(act.knowledge, f"{p}.knowledge")]
        if act.mode_of_liability != "superior_responsibility":
            parts.append(known(act.intent, f"{p}.intent"))
        t = all_of(*parts)
        return t, f"mode of liability {act.mode_of_liability.replace('_', ' ')}"
    for role in ctx.conduct.roles:
        if role.senior and role.voluntary and role.organisation_implicated and _overlaps(role, act):
            ctx.flag(
                "LAW_UNCERTAIN",
                "Individual responsibility rests on a rebuttable presumption "
                "from a senior, voluntary role in an implicated organisation; record any "
                "dissociation or non-involvement.",
            )
            return YES, f"presumed from a senior role in {role.organisation or 'the organisation'}"
    return unknown(f"{p}.mode_of_liability"), "mode of liability not recorded"


def _overlaps(role: object, act: Act) -> bool:
    start, end = getattr(role, "from_", None), getattr(role, "to", None)
    if act.from_ is None:
        return True
    return (start is None or start <= (act.to or act.from_)) and (end is None or end >= act.from_)


def _defence(ctx: Context, i: int, act: Act) -> tuple[Tri, str]:
    """Grounds negating responsibility (GIP 5 BN paras 64-75; Rome Statute Arts 26, 31, 33)."""
    born = ctx.applicant.born
    if born is not None and act.from_ is not None and act.from_ < add_months(born, 12 * 18):
        return YES, "under 18 at the time: lack of capacity"
    if act.defences_accepted is None:
        return unknown(f"conduct.acts[{i}].defences_accepted"), "defences not recorded"
    accepted = list(act.defences_accepted)
    note = ""
    if "superior_orders" in accepted and act.category in MANIFESTLY_UNLAWFUL:
        accepted.remove("superior_orders")
        note = "; superior orders are no defence to a manifestly unlawful order (Rome Statute Art 33(2))"
    if accepted:
        return YES, "defence accepted: " + ", ".join(accepted) + note
    return NO, "no defence accepted" + note


def _expiation(ctx: Context, i: int, act: Act, ground: str | None) -> Tri:
    """UNHCR: a served sentence, pardon or legitimate amnesty may expiate a 1F(b) crime, unless
    it was particularly heinous (GIP 5 para 23). EU: no time limit (EUAA)."""
    if ground != "b" or not ctx.param("expiation_considered"):
        return NA
    p = f"conduct.acts[{i}]"
    ex = act.expiation
    if ex is None:
        return unknown(f"{p}.expiation")
    factor = any_of(
        known(ex.sentence_served, f"{p}.expiation.sentence_served"),
        known(ex.pardon, f"{p}.expiation.pardon"),
        known(ex.amnesty_legitimate, f"{p}.expiation.amnesty_legitimate"),
    )
    return all_of(factor, negate(known(act.particularly_cruel, f"{p}.particularly_cruel")))


def _proportionality(ctx: Context, i: int, act: Act, ground: str | None) -> Tri:
    """UNHCR only: weigh the gravity of the act against the consequences of exclusion (GIP 5
    para 24; BN paras 76-78). Contested (LEGAL-SPEC §8 item 1)."""
    if not ctx.param("proportionality_test"):
        return NA
    ctx.flag(
        "LAW_UNCERTAIN",
        "Proportionality in exclusion is contested (UNHCR applies it; CJEU "
        "B and D rejects it); the weighing is for the decision-maker to confirm.",
    )
    if ground in ("a", "c"):
        return YES
    severe = any(h in ("killing", "torture") for f in ctx.fears for h in (f.harms or []))
    threshold = ctx.param("inclusion_risk_threshold")
    risk = at_least(
        ctx.findings.risk_of_persecution, threshold, "claim.findings.risk_of_persecution"
    )
    grave_consequences = all_of(YES if severe else NO, risk)
    return any_of(
        known(act.particularly_cruel, f"conduct.acts[{i}].particularly_cruel"),
        negate(grave_consequences),
    )


def _ground_conditions(ctx: Context, i: int, act: Act, ground: str | None) -> tuple[Tri, list[str]]:
    p = f"conduct.acts[{i}]"
    if ground == "b":
        non_political = (
            YES
            if act.political_objective is False
            else (
                known(act.particularly_cruel, f"{p}.particularly_cruel")
                if act.political_objective
                else unknown(f"{p}.political_objective")
            )
        )
        t = all_of(
            negate(known(act.in_host_country, f"{p}.in_host_country")),
            known(act.before_admission, f"{p}.before_admission"),
            non_political,
        )
        return t, [
            "1F(b) needs a serious non-political crime outside the country of refuge "
            "before admission; particularly cruel acts are non-political even with a "
            "political objective."
        ]
    if ground == "c" and ctx.param("article_1f_c_senior_only"):
        seniors = [known(r.senior, "conduct.roles") for r in ctx.conduct.roles]
        t = any_of(*seniors) if seniors else unknown("conduct.roles")
        return t, [
            "UNHCR: 1F(c) applies in principle only to persons in senior positions with an "
            "international dimension."
        ]
    return YES, []


def analyse_act(ctx: Context, i: int, act: Act) -> ActFinding:
    p = f"conduct.acts[{i}]"
    ground = GROUND.get(act.category) if act.category else None
    if ground is None:
        none = unknown(f"{p}.category")
        return ActFinding(
            i,
            act,
            None,
            none,
            none,
            none,
            none,
            NA,
            NA,
            none,
            ("The act's category is not recorded.",),
        )
    cond, notes = _ground_conditions(ctx, i, act, ground)
    resp, resp_why = _responsibility(ctx, i, act)
    defence, def_why = _defence(ctx, i, act)
    threshold = ctx.param("exclusion_standard")
    standard = strength_at_least(act.evidence_strength, threshold, f"{p}.evidence_strength")
    expiation = _expiation(ctx, i, act, ground)
    prop = _proportionality(ctx, i, act, ground)
    parts = [cond, resp, negate(defence), standard, negate(expiation), prop]
    if ctx.param("present_danger_required"):
        parts.append(
            any_of(
                known(ctx.conduct.danger_to_security, "conduct.danger_to_security"),
                known(ctx.conduct.danger_to_community, "conduct.danger_to_community"),
            )
        )
    excluded = all_of(*parts)
    label = act.id or f"act {i + 1}"
    reasons = (
        f"{label}: {(act.description or act.category or '').strip()} — category "
        f"{(act.category or '').replace('_', ' ')} (1F({ground})); {resp_why}; {def_why}; "
        f"evidence {(act.evidence_strength or 'not recorded').replace('_', ' ')} "
        f"(needed: {threshold.replace('_', ' ')}).",
        *notes,
    )
    return ActFinding(
        i, act, ground, cond, resp, defence, standard, expiation, prop, excluded, reasons
    )


def analyse_acts(ctx: Context) -> list[ActFinding]:
    return [analyse_act(ctx, i, a) for i, a in enumerate(ctx.conduct.acts)]


def _summary(sid: str, t: Tri, reasons: list[str], cites: list[str], evidence: list[str]) -> Step:
    return new_step(sid, t.answer, reasons, cites, evidence, t.missing)


def assess_exclusion(ctx: Context, findings: list[ActFinding]) -> dict[str, Step]:
    """The exclusion steps, and the review and referral side outputs they call for."""
    none_reason = ["No act in the file indicates an exclusion ground."]
    general = ["UNHCR GIP 5"] if not ctx.is_eu else [ctx.qd("12(2)"), ctx.qd("12(3)")]
    if not findings:
        _side_outputs(ctx, findings, NA)
        return {
            sid: new_step(sid, Answer.NOT_APPLICABLE, none_reason, cites)
            for sid, cites in _no_act_citations(ctx, general)
        }
    steps: dict[str, Step] = {}
    for ground in ("a", "b", "c"):
        sid = f"exclusion.article_1f_{ground}"
        mine = [f for f in findings if f.ground == ground]
        if not mine:
            steps[sid] = new_step(
                sid, Answer.NOT_APPLICABLE, none_reason, citations_for(ctx, ground)
            )
            continue
        t = any_of(*(f.excluded for f in mine))
        reasons = [r for f in mine for r in f.reasons]
        ev = [e for f in mine for e in f.act.evidence]
        steps[sid] = _summary(sid, t, reasons, citations_for(ctx, ground), ev)
    unknown_cat = [f for f in findings if f.ground is None]

    def combine(sid: str, attr: str, how: str, cites: list[str], why: str) -> None:
        relevant = [getattr(f, attr) for f in findings if f.ground is not None]
        relevant = [t for t in relevant if t.answer is not Answer.NOT_APPLICABLE]
        if not relevant:
            steps[sid] = new_step(sid, Answer.NOT_APPLICABLE, [why], cites)
            return
        t = any_of(*relevant) if how == "any" else all_of(*relevant)
        steps[sid] = _summary(sid, t, [why], cites, [])

    combine(
        "exclusion.individual_responsibility",
        "responsibility",
        "any",
        [*general, "Rome Statute Arts 25, 28, 30"],
        "Responsibility needs a mode of liability with knowledge and intent; mere "
        "membership is not enough.",
    )
    combine(
        "exclusion.defence_applies",
        "defence",
        "all",
        ["UNHCR GIP 5", "Rome Statute Arts 26, 31, 33"],
        "Duress, self-defence and lack of capacity negate responsibility; superior orders "
        "rarely do.",
    )
    combine(
        "exclusion.standard_met",
        "standard",
        "any",
        general,
        "'Serious reasons for considering': clear and credible evidence, below the criminal "
        "standard; no conviction needed.",
    )
    combine(
        "exclusion.expiation",
        "expiation",
        "all",
        ["UNHCR GIP 5"],
        "Expiation (sentence served, pardon, legitimate amnesty) is weighed only for 1F(b) "
        "under the UNHCR profile.",
    )
    prop_cites = ["UNHCR GIP 5"] if ctx.is_unhcr else ["CJEU C-57/09 B and D"]
    combine(
        "exclusion.proportionality",
        "proportionality",
        "any",
        prop_cites,
        "UNHCR weighs the gravity of the act against the consequences of exclusion; the EU "
        "(B and D) and Russia do not.",
    )
    if not findings:
        excluded = NA
    else:
        excluded = any_of(
            *(of_step(steps[f"exclusion.article_1f_{g}"]) for g in "abc"),
            *(f.excluded for f in unknown_cat),
        )
    if excluded.answer is Answer.NOT_APPLICABLE:
        reasons = none_reason
    elif excluded.yes:
        reasons = [
            "There are serious reasons for considering that the person committed an act "
            "within an exclusion clause. Exclusion does not end the protection against "
            "refoulement under CAT, ICCPR or ECHR."
        ]
    elif excluded.no:
        reasons = ["The acts recorded do not meet every element of an exclusion clause."]
    else:
        reasons = ["Exclusion depends on a missing finding."]
    cites = general if not ctx.is_ru else ["RF Law Art 2"]
    steps["exclusion.excluded"] = _summary(
        "exclusion.excluded",
        excluded,
        reasons,
        cites,
        [e for f in findings for e in f.act.evidence],
    )
    _side_outputs(ctx, findings, excluded)
    return steps


def _no_act_citations(ctx: Context, general: list[str]) -> list[tuple[str, list[str]]]:
    """The exclusion steps and their citations when no act is recorded."""
    return [
        ("exclusion.article_1f_a", citations_for(ctx, "a")),
        ("exclusion.article_1f_b", citations_for(ctx, "b")),
        ("exclusion.article_1f_c", citations_for(ctx, "c")),
        ("exclusion.individual_responsibility", [*general, "Rome Statute Arts 25, 28, 30"]),
        ("exclusion.defence_applies", ["UNHCR GIP 5", "Rome Statute Arts 26, 31, 33"]),
        ("exclusion.standard_met", general),
        ("exclusion.expiation", ["UNHCR GIP 5"]),
        (
            "exclusion.proportionality",
            ["UNHCR GIP 5"] if ctx.is_unhcr else ["CJEU C-57/09 B and D"],
        ),
        ("exclusion.excluded", general if not ctx.is_ru else ["RF Law Art 2"]),
    ]


def _side_outputs(ctx: Context, findings: list[ActFinding], excluded: Tri) -> None:
    """EXCLUSION_REVIEW_REQUIRED for every lead; REFER_TO_PROSECUTOR for credible allegations of
    international crimes by a person present in the territory (CAT Arts 5(2), 7(1); Geneva
    Conventions grave breaches; ICJ Belgium v Senegal)."""
    c = ctx.conduct
    implicated_role = any(r.organisation_implicated for r in c.roles)
    prior_conviction = any(
        cv.country and cv.country != ctx.host and cv.particularly_serious for cv in c.convictions
    )
    if excluded.answer in (Answer.YES, Answer.UNKNOWN) or implicated_role or prior_conviction:
        ctx.side("EXCLUSION_REVIEW_REQUIRED")
    credible_international = any(
        f.ground == "a" and f.standard.yes and f.responsibility.answer is not Answer.NO
        for f in findings
    )
    if credible_international and ctx.host is not None:
        ctx.side("REFER_TO_PROSECUTOR")
