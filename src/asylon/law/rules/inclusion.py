"""Inclusion: is the person a refugee? 1951 Convention Art 1A(2), 1D, 1E (LEGAL-SPEC §1.2-1.5).

Elements E1-E7 are a conjunction (Kleene AND). EU and Russian profiles cite their own
transpositions (QD Arts 2(d), 4-10; RF Law Art 1(1)(1)).
"""

from __future__ import annotations

from asylon.law.context import Context
from asylon.law.determination import Answer, Step, new_step
from asylon.law.facts import Fear
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
    unknown,
)

SEVERE_HARMS = frozenset(
    {
        "killing",
        "torture",
        "detention",
        "disappearance",
        "sexual_violence",
        "death_penalty",
        "forced_recruitment",
    }
)
STATE_ACTORS = frozenset({"state", "party_controlling_state"})


def _refugee_definition(ctx: Context) -> list[str]:
    out = ["1951 Convention Art 1A(2)"]
    if ctx.is_eu:
        out.append(ctx.qd("2(d)"))
    elif ctx.is_ru:
        out.append("RF Law Art 1(1)(1)")
    return out


def _step(
    ctx: Context,
    sid: str,
    t: Tri,
    reasons: list[str],
    cites: list[str],
    evidence: list[str] | None = None,
) -> Step:
    return new_step(sid, t.answer, reasons, cites, evidence, t.missing)


def outside_country(ctx: Context) -> Step:
    """E1: outside the country of nationality or former habitual residence (Art 1A(2))."""
    a = ctx.applicant
    host = ctx.host
    if host is None:
        t = unknown("applicant.host_country")
        why = "The country where the person now is is not recorded."
    elif a.stateless:
        hr = a.habitual_residence.country if a.habitual_residence else None
        t = unknown("applicant.habitual_residence") if hr is None else (YES if hr != host else NO)
        why = f"Stateless; former habitual residence {hr or 'unknown'}, now in {host}."
    elif a.nationalities is None:
        t = unknown("applicant.nationalities")
        why = "Nationality is not recorded."
    elif not a.nationalities:
        t = unknown("applicant.stateless")
        why = "No nationality is recorded, but statelessness is not stated."
    else:
        t = NO if host in a.nationalities else YES
        why = f"Nationality {', '.join(a.nationalities)}; now in {host}."
    return _step(ctx, "inclusion.outside_country", t, [why], _refugee_definition(ctx))


def no_other_nationality_protection(ctx: Context) -> Step:
    """Art 1A(2) second paragraph: a person with several nationalities must lack the protection
    of each; QD Art 4(3)(e)."""
    a = ctx.applicant
    others = [n for n in (a.nationalities or []) if n != ctx.origin]
    v = a.protection_of_another_nationality_available
    if v is not None:
        t = NO if v else YES
        why = (
            "The protection of another nationality is available."
            if v
            else "No other nationality's protection is available."
        )
    elif others:
        t = unknown("applicant.protection_of_another_nationality_available")
        why = f"The person also holds {', '.join(others)}; whether its protection is available is not recorded."
    else:
        t = NA
        why = "The person holds no other nationality."
    cites = ["1951 Convention Art 1A(2)"] + ([ctx.qd("4(3)(e)")] if ctx.is_eu else [])
    return _step(ctx, "inclusion.no_other_nationality_protection", t, [why], cites)


def well_founded_fear(ctx: Context) -> Step:
    """E2: subjective fear (presumed) and a reasonable likelihood of persecution (Handbook 37-42;
    QD Art 4(4) for past persecution)."""
    f = ctx.findings
    threshold = ctx.param("inclusion_risk_threshold")
    t = all_of(
        known(f.credible, "claim.findings.credible"),
        at_least(f.risk_of_persecution, threshold, "claim.findings.risk_of_persecution"),
    )
    reasons = [
        f"Finding on the risk of persecution: {f.risk_of_persecution or 'not recorded'} "
        f"(threshold: {threshold.replace('_', ' ')}); credibility: "
        f"{'accepted' if f.credible else 'not accepted' if f.credible is False else 'not recorded'}."
    ]
    cites = ["1951 Convention Art 1A(2)", "UNHCR Handbook paras 37-42"]
    if any(fe.past_persecution for fe in ctx.fears):
        reasons.append(
            "Past persecution is a serious indication of a well-founded fear unless "
            "there are good reasons to consider it will not be repeated."
        )
        if ctx.is_eu:
            cites.append(ctx.qd("4(4)"))
    evidence = [e for fe in ctx.fears for e in fe.evidence]
    return _step(ctx, "inclusion.well_founded_fear", t, reasons, cites, evidence)


def _ez_presumption(ctx: Context, fear: Fear) -> bool:
    """CJEU C-238/19 EZ: refusal of military service under QD 9(2)(e) raises a strong
    presumption of a connection with a Convention ground."""
    m = ctx.military
    harms = fear.harms or []
    return bool(
        m.refused
        and m.unit_likely_to_commit_war_crimes
        and ("conscription" in harms or "prosecution" in harms)
        and ctx.param("draft_evasion_nexus_presumption")
    )


def _military_persecution(ctx: Context, i: int) -> Tri:
    """Draft evasion is persecution where service would involve war crimes (QD 9(2)(e);
    CJEU C-472/13 Shepherd) or conscientious objection is not respected (UNHCR GIP 10)."""
    m = ctx.military
    if m.refused is None:
        return unknown("claim.military_service.refused")
    if not m.refused:
        return NO
    return any_of(
        known(
            m.unit_likely_to_commit_war_crimes,
            "claim.military_service.unit_likely_to_commit_war_crimes",
        ),
        negate(
            known(
                m.conscientious_objection_procedure_available,
                "claim.military_service.conscientious_objection_procedure_available",
            )
        ),
    )


def _fear_persecution(ctx: Context, i: int, fear: Fear) -> Tri:
    return ctx.remember(("persecution", i), lambda: _fear_persecution_uncached(ctx, i, fear))


def _fear_persecution_uncached(ctx: Context, i: int, fear: Fear) -> Tri:
    if fear.harms is None:
        return unknown(f"claim.fears[{i}].harms")
    parts: list[Tri] = []
    for harm in fear.harms:
        if harm in SEVERE_HARMS:
            parts.append(YES)
        elif harm in ("conscription", "prosecution") and ctx.military.refused is not None:
            parts.append(_military_persecution(ctx, i))
        elif (
            harm == "indiscriminate_violence" and not fear.grounds
        ) or harm == "denial_of_treatment":
            parts.append(NO)
        else:
            # discrimination, prosecution, other: persecution only if severe, cumulative,
            # discriminatory or disproportionate: a finding the case file must state.
            parts.append(unknown(f"claim.fears[{i}].harms"))
    return any_of(*parts)


def persecution(ctx: Context) -> Step:
    """E3: a threat to life or freedom, or other serious violations of human rights
    (Handbook paras 51-60; QD Art 9)."""
    if ctx.claim.fears is None:
        t = unknown("claim.fears")
        reasons = ["No feared harm is recorded."]
    else:
        t = any_of(*(_fear_persecution(ctx, i, f) for i, f in enumerate(ctx.fears)))
        harms = sorted({h for f in ctx.fears for h in (f.harms or [])})
        reasons = [f"Feared harms: {', '.join(harms) or 'none'}."]
        if t.yes:
            reasons.append(
                "A threat to life or freedom, or a severe violation of basic human "
                "rights, is persecution."
            )
        elif t.no:
            reasons.append(
                "Generalised violence, lack of medical treatment or ordinary "
                "prosecution alone are not persecution."
            )
        else:
            reasons.append(
                "Whether discrimination, prosecution or the other harms recorded are "
                "severe, cumulative or discriminatory enough is a finding not in the "
                "case file."
            )
    cites = ["1951 Convention Art 1A(2)", "UNHCR Handbook paras 51-60"]
    if ctx.is_eu:
        cites.append(ctx.qd("9"))
    if ctx.military.refused:
        cites += ["UNHCR GIP 10", "CJEU C-472/13 Shepherd"]
    return _step(ctx, "inclusion.persecution", t, reasons, cites)


def _fear_ground(ctx: Context, i: int, fear: Fear) -> Tri:
    return ctx.remember(("ground", i), lambda: _fear_ground_uncached(ctx, i, fear))


def _fear_ground_uncached(ctx: Context, i: int, fear: Fear) -> Tri:
    if _ez_presumption(ctx, fear):
        return YES
    if fear.grounds is None:
        return unknown(f"claim.fears[{i}].grounds")
    return YES if fear.grounds else NO


def convention_ground(ctx: Context) -> Step:
    """E4: race, religion, nationality, particular social group or political opinion, actual or
    imputed (Handbook para 80; QD Art 10(2))."""
    if ctx.claim.fears is None:
        t, reasons = unknown("claim.fears"), ["No feared harm is recorded."]
    else:
        t = any_of(*(_fear_ground(ctx, i, f) for i, f in enumerate(ctx.fears)))
        named = sorted({(g.ground, bool(g.imputed)) for f in ctx.fears for g in (f.grounds or [])})
        reasons = [
            "Grounds: "
            + (", ".join(f"{g}{' (imputed)' if imp else ''}" for g, imp in named) or "none named")
            + "."
        ]
    cites = ["1951 Convention Art 1A(2)"]
    if ctx.is_eu:
        cites += [ctx.qd("10")]
    if any(_ez_presumption(ctx, f) for f in ctx.fears):
        reasons.append(
            "Refusal of military service in a conflict where the unit would commit "
            "war crimes: strong presumption of a connection with a Convention ground "
            "(imputed political opinion)."
        )
        cites += [ctx.qd("9(2)(e)"), "CJEU C-238/19 EZ"]
    return _step(ctx, "inclusion.convention_ground", t, reasons, cites)


def nexus(ctx: Context) -> Step:
    """E5: the ground is a contributing cause of the persecution or of the lack of protection
    (QD Art 9(3)); mixed motives suffice."""
    f = ctx.findings
    if ctx.claim.fears is None:
        t = unknown("claim.fears")
    else:
        per_fear = [
            all_of(_fear_persecution(ctx, i, fe), _fear_ground(ctx, i, fe))
            for i, fe in enumerate(ctx.fears)
        ]
        t = all_of(any_of(*per_fear), known(f.credible, "claim.findings.credible"))
    reasons = [
        "A feared persecutory harm and a Convention ground must be linked in the same "
        "fear; the account must be credible."
    ]
    cites = ["1951 Convention Art 1A(2)"]
    if ctx.is_eu:
        cites.append(ctx.qd("9(3)"))
    if any(_ez_presumption(ctx, fe) for fe in ctx.fears):
        reasons.append("The nexus is presumed (CJEU EZ); the applicant need not prove it.")
        cites.append("CJEU C-238/19 EZ")
    return _step(ctx, "inclusion.nexus", t, reasons, cites)


def state_protection_lacking(ctx: Context) -> Step:
    """E6: the state is the persecutor, or unable or unwilling to protect against non-state
    agents (Handbook para 65; QD Arts 6-7)."""
    v = ctx.findings.state_protection_available
    actors = {fe.actor.kind for fe in ctx.fears if fe.actor and fe.actor.kind}
    if v is not None:
        t = NO if v else YES
        reasons = ["Finding: state protection is " + ("available." if v else "not available.")]
    elif actors & STATE_ACTORS:
        t = YES
        reasons = [
            "The feared actor is the state or a party controlling it: protection is "
            "presumed unavailable."
        ]
    else:
        t = unknown("claim.findings.state_protection_available")
        reasons = ["Non-state or unknown actor, and no finding on state protection."]
    cites = ["1951 Convention Art 1A(2)", "UNHCR Handbook para 65"]
    if ctx.is_eu:
        cites += [ctx.qd("6"), ctx.qd("7")]
    return _step(ctx, "inclusion.state_protection_lacking", t, reasons, cites)


def no_internal_protection(ctx: Context) -> Step:
    """E7: internal protection alternative, relevance and reasonableness (UNHCR GIP 4; QD Art 8),
    only where the profile applies it."""
    cites = ["UNHCR GIP 4"] + ([ctx.qd("8")] if ctx.is_eu else [])
    if not ctx.param("internal_protection_applies"):
        return new_step(
            "inclusion.no_internal_protection",
            Answer.NOT_APPLICABLE,
            ["This profile does not apply an internal protection alternative."],
            cites,
        )
    ip = ctx.findings.internal_protection
    actors = {fe.actor.kind if fe.actor else None for fe in ctx.fears}
    if ip is not None and (ip.safe is not None or ip.reasonable is not None):
        t = negate(
            all_of(
                known(ip.safe, "claim.findings.internal_protection.safe"),
                known(ip.reasonable, "claim.findings.internal_protection.reasonable"),
            )
        )
        area = ip.area.place if ip.area and ip.area.place else "the proposed area"
        reasons = [
            f"Internal protection in {area}: safe "
            f"{'yes' if ip.safe else 'no' if ip.safe is False else 'not recorded'}, "
            f"reasonable {'yes' if ip.reasonable else 'no' if ip.reasonable is False else 'not recorded'}."
        ]
    elif actors and actors <= STATE_ACTORS:
        t = YES
        reasons = [
            "The persecutor is the state: an internal protection alternative is normally "
            "not available (GIP 4 para 7)."
        ]
    else:
        t = unknown("claim.findings.internal_protection")
        reasons = ["No finding on an internal protection alternative."]
    return _step(ctx, "inclusion.no_internal_protection", t, reasons, cites)


def article_1d(ctx: Context) -> tuple[Step, Step]:
    """Art 1D: persons receiving UNRWA protection or assistance are outside the Convention; if it
    ceased for reasons beyond their control they are ipso facto refugees (CJEU C-31/09 Bolbol;
    C-364/11 El Kott; QD Art 12(1)(a))."""
    a = ctx.applicant
    cites = ["1951 Convention Art 1D"]
    if ctx.is_eu:
        cites += [ctx.qd("12(1)(a)"), "CJEU C-364/11 El Kott"]
    elif ctx.is_ru:
        cites.append("RF Law Art 2")
    palestinian = "PS" in (a.nationalities or []) or bool(a.stateless)
    if a.unrwa_registered is None and palestinian:
        bar = ipso = unknown("applicant.unrwa_registered")
        why = (
            "Stateless or Palestinian: whether the person is registered with UNRWA is not recorded."
        )
    elif not a.unrwa_registered:
        bar = ipso = NA
        why = "Not a person receiving UNRWA protection or assistance."
    else:
        ceased = known(
            a.unrwa_assistance_ceased_involuntarily,
            "applicant.unrwa_assistance_ceased_involuntarily",
        )
        bar, ipso = negate(ceased), ceased
        why = {
            Answer.YES: "UNRWA assistance ceased for reasons beyond the person's control: "
            "ipso facto entitled to the Convention's benefits (El Kott).",
            Answer.NO: "UNRWA protection or assistance is still available: Art 1D applies.",
            Answer.UNKNOWN: "Whether UNRWA assistance ceased involuntarily is not recorded.",
        }[ceased.answer]
    return (
        _step(ctx, "inclusion.article_1d", bar, [why], cites),
        _step(ctx, "inclusion.article_1d_ipso_facto", ipso, [why], cites),
    )


def article_1e(ctx: Context) -> Step:
    """Art 1E: a person with the rights and obligations of a national in the country of residence
    is outside the Convention (QD Art 12(1)(b))."""
    v = ctx.applicant.rights_of_national_in_residence_country
    cites = ["1951 Convention Art 1E"] + ([ctx.qd("12(1)(b)")] if ctx.is_eu else [])
    if v is None:
        return new_step(
            "inclusion.article_1e",
            Answer.NOT_APPLICABLE,
            ["No indication of national-like status in a country of residence."],
            cites,
        )
    why = (
        "The person has the rights and obligations of a national in the country of residence."
        if v
        else "The person does not have national-like status in a country of residence."
    )
    return new_step("inclusion.article_1e", Answer.YES if v else Answer.NO, [why], cites)


def refugee(ctx: Context, steps: dict[str, Step]) -> Step:
    """Summary of Art 1A(2) with the 1D and 1E clauses."""

    def tri(sid: str) -> Tri:
        return of_step(steps[sid])

    no_1e = negate(tri("inclusion.article_1e"))
    # Two routes (Art 1D second paragraph, or Art 1A(2)); an unknown route keeps the answer open.
    ipso_route = all_of(
        tri("inclusion.outside_country"), tri("inclusion.article_1d_ipso_facto"), no_1e
    )
    if steps["inclusion.article_1d_ipso_facto"].answer is Answer.NOT_APPLICABLE:
        ipso_route = NA
    regular = all_of(
        *(
            tri(s)
            for s in (
                "inclusion.outside_country",
                "inclusion.no_other_nationality_protection",
                "inclusion.well_founded_fear",
                "inclusion.persecution",
                "inclusion.convention_ground",
                "inclusion.nexus",
                "inclusion.state_protection_lacking",
                "inclusion.no_internal_protection",
            )
        ),
        negate(tri("inclusion.article_1d")),
        no_1e,
    )
    t = any_of(ipso_route, regular)
    if ipso_route.yes:
        reasons = ["Ipso facto refugee under Art 1D second paragraph (El Kott)."]
    elif t.yes:
        reasons = ["Every element of the refugee definition is met."]
    elif t.no:
        failed = [
            s.id.split(".")[1].replace("_", " ")
            for s in steps.values()
            if s.id.startswith("inclusion.")
            and s.answer is Answer.NO
            and s.id not in ("inclusion.article_1d", "inclusion.article_1e")
        ]
        barred = [
            s.id.split(".")[1].replace("_", " ")
            for s in steps.values()
            if s.id in ("inclusion.article_1d", "inclusion.article_1e") and s.answer is Answer.YES
        ]
        reasons = ["Not met: " + ", ".join(failed + barred) + "."]
    else:
        reasons = ["An element of the refugee definition depends on a missing finding."]
    return _step(ctx, "inclusion.refugee", t, reasons, _refugee_definition(ctx))


def assess_inclusion(ctx: Context) -> dict[str, Step]:
    steps = [
        outside_country(ctx),
        no_other_nationality_protection(ctx),
        well_founded_fear(ctx),
        persecution(ctx),
        convention_ground(ctx),
        nexus(ctx),
        state_protection_lacking(ctx),
        no_internal_protection(ctx),
        *article_1d(ctx),
        article_1e(ctx),
    ]
    out = {s.id: s for s in steps}
    out["inclusion.refugee"] = refugee(ctx, out)
    return out
