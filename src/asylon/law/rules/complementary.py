"""Complementary protection: QD Art 15(a)-(c) with Art 17; RF temporary asylum on humane
grounds (RF Law Art 12(2)(2)); UNHCR broader mandate; danger exceptions to refugee protection
(Art 33(2); QD 14(4)-(5)). LEGAL-SPEC §1.7, §3.1-3.2, §4.11.
"""

from __future__ import annotations

from asylon.law.context import Context
from asylon.law.determination import Answer, Step, new_step
from asylon.law.evidence import ViolenceLevel
from asylon.law.logic import NA, NO, YES, Tri, all_of, any_of, at_least, known, negate, of_step
from asylon.law.rules.exclusion import ActFinding

_FIELD = "claim.findings.risk_of_serious_harm"


def _step(sid: str, t: Tri, reasons: list[str], cites: list[str]) -> Step:
    return new_step(sid, t.answer, reasons, cites, None, t.missing)


def _risk_cites(ctx: Context, qd_article: str) -> list[str]:
    if ctx.is_eu:
        return [ctx.qd(qd_article)]
    if ctx.is_ru:
        return ["RF Law Art 12(2)(2)"]
    return ["UNHCR broader mandate"]


def death_penalty(ctx: Context) -> Step:
    """QD Art 15(a): death penalty or execution; ICCPR Art 6; ECHR Art 2 and Protocols 6, 13."""
    thr = ctx.param("return_risk_threshold")
    t = at_least(ctx.risk.death_penalty, thr, f"{_FIELD}.death_penalty")
    return _step(
        "complementary.death_penalty",
        t,
        [f"Finding on the risk of the death penalty: {ctx.risk.death_penalty or 'not recorded'}."],
        _risk_cites(ctx, "15(a)"),
    )


def torture(ctx: Context) -> Step:
    """QD Art 15(b): torture or inhuman or degrading treatment or punishment in the country of
    origin; CAT Art 3; ECHR Art 3."""
    thr = ctx.param("return_risk_threshold")
    v = ctx.risk.torture_or_inhuman_treatment
    t = at_least(v, thr, f"{_FIELD}.torture_or_inhuman_treatment")
    return _step(
        "complementary.torture",
        t,
        [f"Finding on the risk of torture or inhuman treatment: {v or 'not recorded'}."],
        _risk_cites(ctx, "15(b)"),
    )


def indiscriminate_violence(ctx: Context) -> Step:
    """QD Art 15(c) as read in CJEU C-465/07 Elgafaji (sliding scale), C-285/12 Diakité (armed
    conflict) and C-901/19 CF and DN (no casualty threshold as a gate). Where the decision-maker
    made no finding, the country evidence for the home area on the decision date is read."""
    thr = ctx.param("return_risk_threshold")
    field = f"{_FIELD}.indiscriminate_violence"
    finding = ctx.risk.indiscriminate_violence
    cites = _risk_cites(ctx, "15(c)")
    if ctx.is_eu:
        cites += ["CJEU C-465/07 Elgafaji", "CJEU C-901/19 CF and DN"]
    reading = ctx.danger()
    place = ctx.home_area.place if ctx.home_area and ctx.home_area.place else "the home area"
    figures: list[str] = []
    if reading is not None:
        level = reading.level.value.replace("_", " ") if reading.level else "not published"
        figures = [
            f"Country evidence for {place} ({reading.place}), {reading.period[0]} to "
            f"{reading.period[1]}: country-guidance level {level}.",
            *reading.summary,
        ]
    if finding is not None:
        t: Tri = at_least(finding, thr, field)
        reasons = [f"Finding on the threat from indiscriminate violence: {finding}.", *figures]
        if (
            reading is not None
            and t.no
            and (
                reading.level in (ViolenceLevel.MERE_PRESENCE, ViolenceLevel.HIGH)
                or reading.high_lethal_rate
            )
        ):
            ctx.flag(
                "FINDING_CONTRADICTS_EVIDENCE",
                f"The finding that the threat from indiscriminate violence in {place} is "
                f"'{finding}' contradicts the country evidence: " + " ".join(figures),
                list(reading.sources),
            )
        return _step("complementary.indiscriminate_violence", t, reasons, cites)
    if reading is None:
        ctx.flag(
            "EVIDENCE_MISSING",
            f"No country evidence for {place} on {ctx.day} and no finding on indiscriminate "
            "violence."
            if ctx.evidence is not None
            else "No country evidence store was given and no finding on indiscriminate violence "
            "is recorded.",
        )
        return _step(
            "complementary.indiscriminate_violence",
            Tri(Answer.UNKNOWN, (field,)),
            [
                "No finding on indiscriminate violence and no country evidence for the "
                "home area on the decision date."
            ],
            cites,
        )
    reasons = list(figures)
    if reading.armed_conflict is False:
        t = NO
        reasons.append("The evidence records no armed conflict in the area (Diakité).")
    elif reading.level is ViolenceLevel.MERE_PRESENCE:
        t = YES
        reasons.append(
            "Violence so high that a civilian faces a real risk solely by being "
            "present (Elgafaji para 35)."
        )
    elif reading.level is ViolenceLevel.HIGH and ctx.applicant.vulnerabilities:
        t = YES
        reasons.append(
            "High level of violence and individual elements ("
            + ", ".join(ctx.applicant.vulnerabilities)
            + "): the sliding scale is met (Elgafaji para 39)."
        )
    elif reading.level is ViolenceLevel.NO_REAL_RISK:
        t = NO
        reasons.append("The country guidance finds no real risk in general.")
    elif reading.level is None:
        t = Tri(Answer.UNKNOWN, (field,))
        reasons.append(
            "Casualty figures alone never decide the question (CJEU C-901/19 CF and "
            "DN): the decision-maker must make the finding, weighing these figures."
        )
        if "CJEU C-901/19 CF and DN" not in cites:
            cites.append("CJEU C-901/19 CF and DN")
    else:
        t = Tri(Answer.UNKNOWN, (field,))
        reasons.append(
            "At this level the individual elements decide (Elgafaji para 39): the "
            "decision-maker must make the finding."
        )
    return _step("complementary.indiscriminate_violence", t, reasons, cites)


def serious_illness(ctx: Context) -> Step:
    """Serious illness without treatment: RF humane reasons (practice list); in the EU a national
    status, not QD 15(b) (CJEU C-542/13 M'Bodj; ECtHR Paposhvili v Belgium)."""
    if ctx.is_unhcr:
        return new_step(
            "complementary.serious_illness",
            Answer.NOT_APPLICABLE,
            ["Not a criterion of the UNHCR mandate."],
            ["UNHCR broader mandate"],
        )
    thr = ctx.param("return_risk_threshold")
    v = ctx.risk.serious_illness_without_treatment
    t = at_least(v, thr, f"{_FIELD}.serious_illness_without_treatment")
    cites = (
        ["RF Law Art 12(2)(2)"]
        if ctx.is_ru
        else ["CJEU C-542/13 M'Bodj", "ECtHR Paposhvili v Belgium"]
    )
    return _step(
        "complementary.serious_illness",
        t,
        [f"Finding on serious illness without treatment: {v or 'not recorded'}."],
        cites,
    )


def humane_reasons(ctx: Context, risks: dict[str, Step]) -> Step:
    """RF Law Art 12(2)(2): no grounds for refugee status, but cannot be expelled for humane
    reasons. The term is undefined; practice lists torture or cruel treatment, serious illness
    without treatment, and threats to life from armed conflict (LEGAL-SPEC §4.11, §8 item 11)."""
    if not ctx.is_ru:
        return new_step(
            "complementary.humane_reasons",
            Answer.NOT_APPLICABLE,
            ["Russian temporary asylum only."],
            ["RF Law Art 12(2)(2)"],
        )
    listed = ctx.param("humane_reasons_list")
    by_item = {
        "torture_or_inhuman_treatment": "complementary.torture",
        "serious_illness_without_treatment": "complementary.serious_illness",
        "indiscriminate_violence": "complementary.indiscriminate_violence",
        "death_penalty": "complementary.death_penalty",
    }
    t = any_of(*(of_step(risks[by_item[i]]) for i in listed))
    met = [
        risks[by_item[i]].id.split(".")[1].replace("_", " ")
        for i in listed
        if risks[by_item[i]].answer is Answer.YES
    ]
    reasons = [
        "Humane reasons met: " + ", ".join(met) + "."
        if met
        else "No humane reason is established."
        if t.no
        else "A humane reason depends on a missing finding."
    ]
    reading = ctx.danger()
    if reading is not None and "indiscriminate_violence" in listed:
        reasons += list(reading.summary)
    return _step("complementary.humane_reasons", t, reasons, ["RF Law Art 12(2)(2)", "Decree 274"])


def complementary_excluded(ctx: Context, acts: list[ActFinding], excluded: Step) -> Step:
    """EU: QD Art 17(1) — (a) and (c) as Art 12(2); (b) any serious crime, with no political,
    territorial or temporal limit; (d) danger to the community or security (CJEU C-369/17 Ahmed).
    RF: Law Art 2 bars temporary asylum too. UNHCR: 1F applies to the broader mandate."""
    if not ctx.is_eu:
        cites = ["RF Law Art 2"] if ctx.is_ru else ["UNHCR GIP 5"]
        t = of_step(excluded)
        return _step(
            "complementary.excluded",
            t,
            ["The same exclusion clauses bar complementary protection."],
            cites,
        )
    c = ctx.conduct
    parts: list[Tri] = []
    reasons: list[str] = []
    for f in acts:
        if f.ground in ("a", "c"):
            # 17(1)(c) has no seniority limit in the EU (Lounani); 12(2)(a) elements suffice.
            parts.append(all_of(f.responsibility, negate(f.defence), f.standard))
        elif f.ground == "b":
            parts.append(all_of(f.responsibility, negate(f.defence), f.standard))
            reasons.append(
                "Art 17(1)(b): a serious crime excludes from subsidiary protection "
                "wherever and whenever committed."
            )
        else:
            parts.append(f.excluded)
    for i, cv in enumerate(c.convictions):
        if cv.particularly_serious:
            parts.append(known(cv.final, f"conduct.convictions[{i}].final"))
            reasons.append(
                f"Conviction for {cv.offence or 'an offence'} assessed as a serious crime."
            )
    for flag, name in ((c.danger_to_community, "community"), (c.danger_to_security, "security")):
        if flag:
            parts.append(YES)
            reasons.append(f"Art 17(1)(d): danger to the {name} of the member state.")
    if not parts:
        return new_step(
            "complementary.excluded",
            Answer.NOT_APPLICABLE,
            ["No act, serious conviction or danger is recorded."],
            [ctx.qd("17(1)")],
        )
    t = any_of(*parts)
    reasons.insert(
        0,
        "Art 17(1) is broader than Art 12(2)."
        if t.yes
        else "No ground of Art 17(1) is established."
        if t.no
        else "Exclusion from subsidiary protection depends on a missing finding.",
    )
    return _step("complementary.excluded", t, reasons, [ctx.qd("17(1)"), "CJEU C-369/17 Ahmed"])


def protection_need(ctx: Context, steps: dict[str, Step]) -> tuple[Tri, list[str]]:
    """Would the person qualify for complementary protection if no exclusion clause applied?
    The answer is also kept in ``ctx.memo[("protection_need", 0)]`` for the outcome."""
    need, cites = _protection_need(ctx, steps)
    ctx.memo[("protection_need", 0)] = need
    return need, cites


def _protection_need(ctx: Context, steps: dict[str, Step]) -> tuple[Tri, list[str]]:

    def s(sid: str) -> Tri:
        return of_step(steps[sid])

    if ctx.is_eu:
        need = any_of(
            s("complementary.death_penalty"),
            s("complementary.torture"),
            s("complementary.indiscriminate_violence"),
        )
        ip = ctx.findings.internal_protection
        ipa = NA
        if (
            ctx.param("internal_protection_applies")
            and ip is not None
            and (ip.safe is not None or ip.reasonable is not None)
        ):
            ipa = negate(
                all_of(
                    known(ip.safe, "claim.findings.internal_protection.safe"),
                    known(ip.reasonable, "claim.findings.internal_protection.reasonable"),
                )
            )
        return all_of(need, ipa), [ctx.qd("2(f)"), ctx.qd("15"), ctx.qd("18")]
    if ctx.is_ru:
        return s("complementary.humane_reasons"), ["RF Law Art 12(2)(2)"]
    return s("complementary.indiscriminate_violence"), ["UNHCR broader mandate"]


def qualifies(ctx: Context, steps: dict[str, Step]) -> Step:
    """Summary: EU subsidiary protection (QD 2(f), 15, 18); RF temporary asylum on the humane
    track (Art 12(2)(2)); UNHCR broader mandate (generalised violence)."""
    need, cites = protection_need(ctx, steps)
    t = all_of(need, negate(of_step(steps["complementary.excluded"])))
    if ctx.is_unhcr and t.yes:
        ctx.flag(
            "LAW_UNCERTAIN",
            "UNHCR broader-mandate criteria are not codified; their scope "
            "(generalised violence, events seriously disturbing public order) is standard "
            "knowledge, not verified (LEGAL-SPEC §8 item 20).",
        )
    reasons = [
        "Qualifies for complementary protection."
        if t.yes
        else "Does not qualify for complementary protection."
        if t.no
        else "Complementary protection depends on a missing finding."
    ]
    return _step("complementary.qualifies", t, reasons, cites)


def danger_exception(ctx: Context) -> Step:
    """Art 33(2); QD Art 14(4)-(5): reasonable grounds for regarding the refugee as a danger to
    security, or a final conviction for a particularly serious crime and a danger to the
    community. Examined only on an indicator (the State must establish it)."""
    c = ctx.conduct
    cites = ["1951 Convention Art 33(2)"] + (
        [ctx.qd("14(4)"), ctx.qd("14(5)")] if ctx.is_eu else []
    )
    serious = [(i, cv) for i, cv in enumerate(c.convictions) if cv.particularly_serious]
    if not (c.danger_to_security or c.danger_to_community or serious):
        return new_step(
            "refugee.danger_exception",
            Answer.NOT_APPLICABLE,
            ["No indicator of danger to security or the community."],
            cites,
        )
    conviction = any_of(*(known(cv.final, f"conduct.convictions[{i}].final") for i, cv in serious))
    t = any_of(
        known(c.danger_to_security, "conduct.danger_to_security"),
        all_of(conviction, known(c.danger_to_community, "conduct.danger_to_community")),
    )
    reasons = [
        "Danger to security, or a final conviction for a particularly serious crime and a "
        "present danger to the community."
        if t.yes
        else "The conditions of the danger exception are not met."
        if t.no
        else "The danger exception depends on a missing finding."
    ]
    return _step("refugee.danger_exception", t, reasons, cites)
