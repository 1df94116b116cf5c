"""Status review: cessation as the mirror of inclusion (1951 Convention Art 1C(5); QD Arts 11,
16; RF Law Art 9 and Art 12 for temporary asylum; CJEU C-175/08 Abdulla; LEGAL-SPEC §1.3).

A status ceases when the risk that founded it no longer exists after a significant and
non-temporary change (the current findings record that), unless compelling reasons arising out
of previous persecution remain (Art 1C(5) proviso; QD Art 11(3)).
"""

from __future__ import annotations

from datetime import date

from asylon.law.context import Context
from asylon.law.determination import Answer, Step, new_step
from asylon.law.logic import NO, YES, Tri, all_of, any_of, at_least, negate, of_step, unknown

SYRIA_REGIME_CHANGE = date(2024, 12, 8)


def cessation_applies(ctx: Context, steps: dict[str, Step]) -> Step:
    held = ctx.procedure.status_held
    cites = ["1951 Convention Art 1C(5)", "CJEU C-175/08 Abdulla"]
    if ctx.is_eu:
        cites += [ctx.qd("11"), ctx.qd("16")]
    elif ctx.is_ru:
        cites.append("RF Law Art 9" if held != "temporary_asylum" else "RF Law Art 12")
    if ctx.procedure.kind != "status_review":
        return new_step("cessation.applies", Answer.NOT_APPLICABLE, ["Not a status review."], cites)
    if held is None:
        t: Tri = unknown("procedure.status_held")
        return new_step(
            "cessation.applies",
            t.answer,
            ["The status held is not recorded."],
            cites,
            None,
            t.missing,
        )
    if held == "refugee_status":
        thr = ctx.param("inclusion_risk_threshold")
        risk_persists = at_least(
            ctx.findings.risk_of_persecution, thr, "claim.findings.risk_of_persecution"
        )
        reasons = [
            f"Current finding on the risk of persecution: "
            f"{ctx.findings.risk_of_persecution or 'not recorded'}."
        ]
    elif held == "subsidiary_protection":
        risk_persists = any_of(
            *(
                of_step(steps[s])
                for s in (
                    "complementary.death_penalty",
                    "complementary.torture",
                    "complementary.indiscriminate_violence",
                )
            )
        )
        reasons = ["Subsidiary protection ceases when the risk of serious harm no longer exists."]
    else:
        risk_persists = of_step(steps["complementary.humane_reasons"])
        reasons = [
            "Temporary asylum ends when the humane reasons no longer exist; it is "
            "renewed yearly on application."
        ]
    compelling = "survivor_of_torture" in (ctx.applicant.vulnerabilities or [])
    if compelling:
        reasons.append(
            "Compelling reasons arising out of previous persecution (survivor of "
            "torture) keep the status despite the change."
        )
        ctx.flag(
            "LAW_UNCERTAIN",
            "Whether the compelling-reasons exception (Art 1C(5) proviso; "
            "QD Art 11(3)) protects survivors of past atrocities is not settled "
            "(LEGAL-SPEC §8 item 7).",
        )
    new_nationality = bool(ctx.applicant.protection_of_another_nationality_available)
    t = YES if new_nationality else all_of(negate(risk_persists), NO if compelling else YES)
    if ctx.origin == "SY" and ctx.day >= SYRIA_REGIME_CHANGE:
        ctx.flag(
            "LAW_UNCERTAIN",
            "Whether the fall of the Assad government on 8 December 2024 is "
            "a significant and non-temporary change (Abdulla; QD Art 11(2)) is contested "
            "(LEGAL-SPEC §8 item 7).",
        )
    if new_nationality:
        reasons.append("The person now enjoys the protection of another nationality (Art 1C(3)).")
    return new_step("cessation.applies", t.answer, reasons, cites, None, t.missing)
