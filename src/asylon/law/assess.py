"""The ordered decision procedure (LEGAL-SPEC §6.2) that assembles a determination.

STEP 0 selects the profile and the law in force on ``as_of``; STEP 1 admissibility; STEP 3 Art
1D/1E; STEP 4 inclusion; STEP 5 exclusion; STEP 6 danger exceptions; STEP 7 complementary
protection; STEP 8 absolute non-refoulement; STEP 10 extradition; STEP 11 detention and
penalties; STEP 12 status, cessation and deadlines. Pure: no I/O, no clock.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from asylon import __version__
from asylon.law.calendar import add_period
from asylon.law.context import Context
from asylon.law.determination import Answer, Determination, Step, new_step
from asylon.law.evidence import CountryEvidence
from asylon.law.facts import CaseFile
from asylon.law.logic import Tri, all_of, of_step, unknown
from asylon.law.parameters import LawNotInForce, load_profile, rules_digest
from asylon.law.rules import (
    cessation,
    complementary,
    deadlines,
    detention,
    exclusion,
    extradition,
    inclusion,
    non_refoulement,
    penalties,
    procedure,
)

STATUS_OF_OUTCOME = {
    "REFUGEE": "refugee",
    "SUBSIDIARY_PROTECTION": "subsidiary",
    "TEMPORARY_ASYLUM": "temporary_asylum",
    "POLITICAL_ASYLUM": "political_asylum",
    "COMPLEMENTARY_PROTECTION": "complementary",
    "NATIONAL_HUMANITARIAN_STATUS": "national_humanitarian",
}


@cache
def rules_version() -> str:
    """The package version and a digest of the jurisdiction parameter files."""
    return f"{__version__}+{rules_digest()}"


def assess(
    case: CaseFile,
    evidence: CountryEvidence | None = None,
    *,
    as_of: date | None = None,
    jurisdiction: str | None = None,
) -> Determination:
    """Assess one case file under the law of its jurisdiction on its decision date.

    ``as_of`` and ``jurisdiction`` override the file's values (``--as-of``, ``--jurisdiction``).
    Raises :class:`LawNotInForce` when the profile has no law in force on that date.
    """
    if as_of is not None or jurisdiction is not None:
        case = case.model_copy(
            update={
                "as_of": as_of or case.as_of,
                "jurisdiction": jurisdiction or case.jurisdiction,
            }
        )
    profile = load_profile(case.profile, case.member_state)
    if case.as_of < profile.in_force_from:
        raise LawNotInForce(
            f"as_of: the {profile.title} profile has no law in force before "
            f"{profile.in_force_from} (got {case.as_of})"
        )
    ctx = Context(case=case, profile=profile, day=case.as_of, evidence=evidence)
    steps: dict[str, Step] = {}
    steps["procedure.admissible"] = procedure.admissible(ctx)
    steps.update(inclusion.assess_inclusion(ctx))
    steps["inclusion.political_asylum"] = political_asylum(ctx, steps)
    acts = exclusion.analyse_acts(ctx)
    steps.update(exclusion.assess_exclusion(ctx, acts))
    steps["refugee.danger_exception"] = complementary.danger_exception(ctx)
    for rule in (
        complementary.death_penalty,
        complementary.torture,
        complementary.indiscriminate_violence,
        complementary.serious_illness,
    ):
        s = rule(ctx)
        steps[s.id] = s
    steps["complementary.humane_reasons"] = complementary.humane_reasons(ctx, steps)
    steps["complementary.excluded"] = complementary.complementary_excluded(
        ctx, acts, steps["exclusion.excluded"]
    )
    steps["complementary.qualifies"] = complementary.qualifies(ctx, steps)
    steps["return.barred"], bars = non_refoulement.return_barred(ctx, steps)
    steps["extradition.barred"] = extradition.extradition_barred(ctx, steps)
    steps["detention.lawful"] = detention.detention_lawful(ctx, steps["return.barred"])
    steps["penalties.article_31_applies"] = penalties.article_31(ctx, steps)
    steps["penalties.removal_order_compatible"] = penalties.removal_order_compatible(
        ctx, steps["return.barred"]
    )
    steps["cessation.applies"] = cessation.cessation_applies(ctx, steps)

    outcome = decide_outcome(ctx, steps)
    status, re_reg = _status(ctx, outcome)
    permitted = _removal_permitted(outcome, steps)
    _practice(ctx, outcome)
    due = (
        deadlines.appeal(ctx)
        + deadlines.decision_periods(ctx)
        + deadlines.status_deadlines(ctx, status, re_reg)
    )
    return Determination(
        case_id=case.id,
        jurisdiction=case.jurisdiction,
        as_of=case.as_of.isoformat(),
        rules_version=rules_version(),
        outcome=outcome,
        status=status,
        removal_permitted=permitted,
        bars=[{"code": b.code, "reason": b.reason, "citations": list(b.citations)} for b in bars],
        steps=list(steps.values()),
        side_outputs=list(ctx.side_outputs),
        flags=[{"code": c, "message": m, "evidence": ev} for (c, m), ev in ctx.flags.items()],
        deadlines=due,
        missing=_missing(steps),
        country_evidence=[r.to_dict() for r in ctx.readings],
    )


def political_asylum(ctx: Context, steps: dict[str, Step]) -> Step:
    """Decree 746 para 2: persecution directed at the applicant personally for socio-political
    activity and convictions (actual political opinion)."""
    cites = ["RF Constitution Art 63(1)", "Decree 746 para 2"]
    if not ctx.is_ru or ctx.procedure.kind != "political_asylum":
        return new_step(
            "inclusion.political_asylum",
            Answer.NOT_APPLICABLE,
            ["Only in a Russian political-asylum procedure."],
            cites,
        )
    grounds = [g for f in ctx.fears for g in (f.grounds or []) if g.ground == "political_opinion"]
    actual: Tri
    if any(g.imputed is False for g in grounds):
        actual = of_step(steps["inclusion.nexus"])
    elif grounds:
        actual = (
            unknown("claim.fears[].grounds[].imputed")
            if any(g.imputed is None for g in grounds)
            else Tri(Answer.NO)
        )
    else:
        actual = Tri(Answer.NO)
    t = all_of(
        of_step(steps["inclusion.well_founded_fear"]),
        of_step(steps["inclusion.persecution"]),
        actual,
    )
    reasons = [
        "Persecuted personally for political activity and convictions."
        if t.yes
        else "No personal persecution for actual political activity is established."
        if t.no
        else "Depends on a missing finding."
    ]
    return new_step("inclusion.political_asylum", t.answer, reasons, cites, None, t.missing)


def _a(steps: dict[str, Step], sid: str) -> Answer:
    return steps[sid].answer


def decide_outcome(ctx: Context, steps: dict[str, Step]) -> str:
    """The strongest protection the facts support (docs/law/steps.md, "Outcome")."""
    Y, N, U = Answer.YES, Answer.NO, Answer.UNKNOWN
    kind = ctx.procedure.kind
    adm = _a(steps, "procedure.admissible")
    if adm is N:
        return "INADMISSIBLE"
    if adm is U:
        return "UNDETERMINED"
    barred = _a(steps, "return.barred")
    if kind in ("removal", "extradition"):
        ext = _a(steps, "extradition.barred")
        if barred is Y or ext is Y:
            return "RETURN_BARRED"
        if barred is N and ext in (N, Answer.NOT_APPLICABLE):
            return "RETURN_PERMITTED"
        return "UNDETERMINED"
    if kind == "status_review":
        return _review_outcome(ctx, steps)

    def excluded_or_rejected(prefix: str) -> str:
        if barred is Y:
            return f"{prefix}_PROTECTED_FROM_RETURN"
        if barred is N:
            return f"{prefix}_RETURN_PERMITTED"
        return "UNDETERMINED"

    refugee = _a(steps, "inclusion.refugee")
    excluded = _a(steps, "exclusion.excluded")
    if refugee is Y:
        if excluded is Y:
            return excluded_or_rejected("EXCLUDED")
        if excluded is U:
            return "UNDETERMINED"
        danger = _a(steps, "refugee.danger_exception")
        if ctx.is_eu and danger is Y:
            return "REFUGEE_STATUS_REFUSED_BUT_REFUGEE"
        if ctx.is_eu and danger is U:
            return "UNDETERMINED"
        if ctx.is_ru:
            return _russian_refugee_outcome(ctx, steps)
        return "REFUGEE"
    if refugee is U:
        return "UNDETERMINED"
    need = ctx.remember(
        ("protection_need", 0), lambda: complementary.protection_need(ctx, steps)[0]
    )
    if need.yes:
        c_excl = _a(steps, "complementary.excluded")
        if c_excl is Y:
            return excluded_or_rejected("EXCLUDED")
        if c_excl is U:
            return "UNDETERMINED"
        if ctx.is_eu:
            return "SUBSIDIARY_PROTECTION"
        if ctx.is_ru:
            if kind not in ("temporary_asylum", None):
                ctx.flag(
                    "OTHER_PROCEDURE_NEEDED",
                    "Temporary asylum needs its own written "
                    "application to the territorial MVD body (RF Law Art 12; Decree 274); "
                    "this procedure was for " + kind.replace("_", " ") + ".",
                )
            return "TEMPORARY_ASYLUM"
        return "COMPLEMENTARY_PROTECTION"
    if need.unknown:
        return "UNDETERMINED"
    if ctx.is_eu:
        illness = _a(steps, "complementary.serious_illness")
        if illness is Y:
            return "NATIONAL_HUMANITARIAN_STATUS"
        if illness is U:
            return "UNDETERMINED"
    return excluded_or_rejected("REJECTED")


def _russian_refugee_outcome(ctx: Context, steps: dict[str, Step]) -> str:
    """RF: refugee status (Art 7), temporary asylum where the applicant limited the request
    (Art 12(2)(1)), or political asylum in a Decree 746 procedure."""
    kind = ctx.procedure.kind
    if kind == "political_asylum":
        pa = _a(steps, "inclusion.political_asylum")
        if pa is Answer.YES:
            ctx.flag(
                "PRACTICE_DIVERGES",
                "Political asylum is a discretionary grant by "
                "Presidential decree (Decree 746); eligibility does not oblige a grant.",
            )
            return "POLITICAL_ASYLUM"
        if pa is Answer.UNKNOWN:
            return "UNDETERMINED"
    if ctx.procedure.limited_to_temporary_asylum:
        return "TEMPORARY_ASYLUM"
    if kind in ("temporary_asylum", "political_asylum"):
        ctx.flag(
            "OTHER_PROCEDURE_NEEDED",
            "Refugee status needs an application for recognition "
            "as a refugee (RF Law Art 4); this procedure was for " + kind.replace("_", " ") + ".",
        )
    return "REFUGEE"


def _review_outcome(ctx: Context, steps: dict[str, Step]) -> str:
    """Revocation (QD Arts 14, 19; RF Law Art 9 deprivation) before cessation."""
    held = ctx.procedure.status_held
    revoke_steps = (
        ["complementary.excluded"]
        if held in ("subsidiary_protection", "temporary_asylum")
        else ["exclusion.excluded"]
    )
    if ctx.is_eu and held == "refugee_status":
        revoke_steps.append("refugee.danger_exception")
    answers = [_a(steps, s) for s in revoke_steps]
    if Answer.YES in answers:
        return "STATUS_REVOKED"
    if Answer.UNKNOWN in answers:
        return "UNDETERMINED"
    cess = _a(steps, "cessation.applies")
    return {Answer.YES: "STATUS_CEASED", Answer.NO: "STATUS_CONTINUES"}.get(cess, "UNDETERMINED")


def _status(ctx: Context, outcome: str) -> tuple[dict[str, Any] | None, dict[str, int] | None]:
    key = STATUS_OF_OUTCOME.get(outcome)
    v = ctx.profile.status(key, ctx.day) if key else None
    if v is None:
        return None, None
    if not v.verified:
        ctx.flag("LAW_UNCERTAIN", f"Status terms: {v.reference} (not verified).")
    spec = v.value
    until = add_period(ctx.day, spec["duration"]) if spec["duration"] else None
    status = {
        "code": spec["code"],
        "valid_from": ctx.day.isoformat(),
        "valid_until": until.isoformat() if until else None,
        "renewable": bool(spec["renewable"]),
        "rights": list(spec["rights"]),
        "citations": [ctx.resolve(c) for c in spec["citations"]],
    }
    return status, spec.get("re_registration")


def _removal_permitted(outcome: str, steps: dict[str, Step]) -> bool | None:
    if outcome in STATUS_OF_OUTCOME or outcome == "STATUS_CONTINUES":
        return False
    barred = steps["return.barred"].answer
    if barred is Answer.YES or steps["extradition.barred"].answer is Answer.YES:
        return False
    if barred is Answer.NO:
        return True
    return None


def _practice(ctx: Context, outcome: str) -> None:
    for note in ctx.profile.practice:
        cond = note["applies_to"]
        if "outcome" not in cond or cond["outcome"] != outcome or ctx.day < note["since"]:
            continue
        if cond.get("origin") in (None, ctx.origin):
            ctx.flag("PRACTICE_DIVERGES", f"{note['message']} ({note['reference']})")


def _missing(steps: dict[str, Step]) -> list[dict[str, Any]]:
    needed: dict[str, list[str]] = {}
    for s in steps.values():
        if s.answer is Answer.UNKNOWN:
            for f in s.missing:
                needed.setdefault(f, []).append(s.id)
    return [{"field": f, "needed_for": ids} for f, ids in needed.items()]


__all__ = ["assess", "decide_outcome", "rules_version"]
