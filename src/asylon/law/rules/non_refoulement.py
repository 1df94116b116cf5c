"""Absolute non-refoulement (LEGAL-SPEC §1.7, §2): CAT Art 3, ICCPR Arts 6-7, ECHR Arts 2, 3 and
flagrant denial of justice under Art 6 (Othman), EU Charter Art 19(2), Convention Art 33(1),
RF Law Art 10(1). A bar is listed only where its instrument binds the jurisdiction on the
decision date; no bar is weighed against the person's conduct (Chahal; Saadi; M, X, X).
"""

from __future__ import annotations

from typing import NamedTuple

from asylon.law.context import Context
from asylon.law.determination import Step, new_step
from asylon.law.evidence import ViolenceLevel
from asylon.law.logic import NA, NO, YES, Tri, all_of, any_of, at_least, negate, of_step, unknown
from asylon.law.rules.inclusion import STATE_ACTORS

_R = "claim.findings.risk_of_serious_harm"


class Bar(NamedTuple):
    code: str
    test: Tri
    reason: str
    citations: tuple[str, ...]


def _extreme_violence(ctx: Context) -> Tri:
    """Generalised violence breaches Arts 2-3 ECHR only in the most extreme cases (Sufi and Elmi
    para 241): a 'substantial' finding, or evidence of violence at the mere-presence level."""
    finding = ctx.risk.indiscriminate_violence
    if finding is not None:
        return YES if finding == "substantial" else NO
    reading = ctx.danger()
    if reading is None or reading.level is None:
        return unknown(f"{_R}.indiscriminate_violence")
    return YES if reading.level is ViolenceLevel.MERE_PRESENCE else NO


def _public_actor(ctx: Context) -> Tri:
    """CAT Art 1: torture by or with the acquiescence of a public official (or a group exercising
    quasi-governmental authority, CAT GC 4)."""
    kinds = [f.actor.kind for f in ctx.fears if f.actor and f.actor.kind]
    if any(k in STATE_ACTORS for k in kinds):
        return YES
    if kinds:
        return NO
    return unknown("claim.fears")


def bars(ctx: Context, steps: dict[str, Step]) -> list[Bar]:
    """Every bar, bound or not yet decided; the caller keeps those whose test is not 'no'."""
    thr = ctx.param("return_risk_threshold")
    torture = at_least(
        ctx.risk.torture_or_inhuman_treatment, thr, f"{_R}.torture_or_inhuman_treatment"
    )
    death = at_least(ctx.risk.death_penalty, thr, f"{_R}.death_penalty")
    extreme = _extreme_violence(ctx)
    life = any_of(death, extreme)
    fdj = at_least(
        ctx.findings.flagrant_denial_of_justice, thr, "claim.findings.flagrant_denial_of_justice"
    )
    refugee = of_step(steps["inclusion.refugee"])
    not_excluded = negate(of_step(steps["exclusion.excluded"]))
    not_danger = negate(of_step(steps["refugee.danger_exception"]))
    out: list[Bar] = []
    if ctx.binds("REFUGEE_CONVENTION"):
        out.append(
            Bar(
                "CONVENTION_33_1",
                all_of(refugee, not_excluded, not_danger),
                "A refugee (recognition is declaratory) may not be returned where life or "
                "freedom is threatened on a Convention ground.",
                ("1951 Convention Art 33(1)",),
            )
        )
    if ctx.binds("CAT"):
        out.append(
            Bar(
                "CAT_3",
                all_of(torture, _public_actor(ctx)),
                "Substantial grounds for believing the person would be in danger of "
                "torture by or with the acquiescence of public officials.",
                ("CAT Art 3",),
            )
        )
    if ctx.binds("ICCPR"):
        out.append(
            Bar(
                "ICCPR_6",
                life,
                "Real risk of irreparable harm to life (death penalty or extreme violence).",
                ("ICCPR Art 6", "HRC GC 36"),
            )
        )
        out.append(
            Bar(
                "ICCPR_7",
                torture,
                "Real risk of torture or cruel, inhuman or degrading treatment.",
                ("ICCPR Art 7", "HRC GC 31 para 12"),
            )
        )
    echr = ctx.binds("ECHR") if not ctx.is_unhcr else ctx.profile.echr_binds_host(ctx.host, ctx.day)
    if echr:
        out.append(
            Bar(
                "ECHR_2",
                life,
                "Real risk to life or of the death penalty.",
                ("ECHR Art 2", "ECHR Protocol 13"),
            )
        )
        out.append(
            Bar(
                "ECHR_3",
                any_of(torture, extreme),
                "Substantial grounds for believing "
                "there is a real risk of treatment contrary to Article 3; absolute whatever "
                "the person's conduct.",
                ("ECHR Art 3", "ECtHR Chahal v UK", "ECtHR Saadi v Italy"),
            )
        )
        out.append(
            Bar(
                "ECHR_6_FLAGRANT",
                fdj,
                "Real risk of a flagrant denial of justice.",
                ("ECHR Art 6", "ECtHR Othman v UK"),
            )
        )
    if ctx.is_eu and ctx.binds("EU_CHARTER"):
        out.append(
            Bar(
                "EU_CHARTER_19_2",
                any_of(death, torture),
                "Serious risk of the death "
                "penalty, torture or inhuman or degrading treatment; not displaced by QD "
                "14(4)-(6).",
                ("EU Charter Art 19(2)", "EU Charter Art 4", "CJEU C-391/16 M, X, X"),
            )
        )
    if ctx.is_ru and ctx.binds("RF_LAW"):
        out.append(
            Bar(
                "RF_LAW_10_1",
                all_of(refugee, not_excluded),
                "A person who applied for "
                "or holds refugee status may not be returned while the circumstances of "
                "Art 1(1)(1) persist.",
                ("RF Law Art 10(1)",),
            )
        )
    return out


def return_barred(ctx: Context, steps: dict[str, Step]) -> tuple[Step, list[Bar]]:
    """return.barred: at least one absolute bar applies."""
    all_bars = bars(ctx, steps)
    t = any_of(*(b.test for b in all_bars)) if all_bars else NA
    listed = [b for b in all_bars if b.test.yes]
    if t.yes:
        reasons = ["Return is barred: " + ", ".join(b.code for b in listed) + "."]
    elif t.no:
        reasons = ["No absolute bar to return is established on the findings recorded."]
    else:
        reasons = ["Whether return is barred depends on a missing finding."]
    cites = [c for b in (listed or all_bars) for c in b.citations]
    step = new_step(
        "return.barred", t.answer if all_bars else NO.answer, reasons, cites, None, t.missing
    )
    return step, listed
