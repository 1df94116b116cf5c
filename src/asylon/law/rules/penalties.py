"""Penalties for illegal entry or stay: 1951 Convention Art 31 and RF CAO Art 18.8
(LEGAL-SPEC §1.9, §4.13).
"""

from __future__ import annotations

from asylon.law.context import Context
from asylon.law.determination import Answer, Step, new_step
from asylon.law.logic import NO, YES, Tri, all_of, negate, of_step, unknown


def article_31(ctx: Context, steps: dict[str, Step]) -> Step:
    """Art 31(1): no penalties on refugees (and asylum-seekers, recognition being declaratory)
    who come directly, present themselves without delay and show good cause."""
    offences = ctx.removal.administrative_offences
    cites = ["1951 Convention Art 31(1)"] + (["RF CAO Art 18.8"] if ctx.is_ru else [])
    if not offences and not ctx.applicant.entered_irregularly:
        return new_step(
            "penalties.article_31_applies",
            Answer.NOT_APPLICABLE,
            ["No irregular entry or immigration offence recorded."],
            cites,
        )
    applied = ctx.procedure.applied_on
    prompt: list[Tri] = []
    notes = []
    for i, o in enumerate(offences):
        if o.on is None:
            prompt.append(unknown(f"removal.administrative_offences[{i}].on"))
        elif applied is None:
            prompt.append(unknown("procedure.applied_on"))
        elif applied <= o.on:
            prompt.append(YES)
            notes.append(
                f"Offence {o.article or ''} on {o.on} was penalised after the application "
                f"of {applied}."
            )
        else:
            prompt.append(NO)
            notes.append(
                f"Offence {o.article or ''} on {o.on} preceded the application of "
                f"{applied}: the person had not yet presented to the authorities."
            )
    t = all_of(of_step(steps["inclusion.refugee"]), *prompt)
    notes.append(
        "'Coming directly' and 'good cause' are not recorded in asylon.case/1; UNHCR "
        "reads the first to include transit and the need for protection as good cause."
    )
    if t.yes:
        ctx.side("ART31_NO_PENALTY")
        ctx.flag(
            "LAW_UNCERTAIN",
            "Art 31: 'coming directly' and 'good cause' are presumed "
            "from the refugee finding; confirm them.",
        )
    return new_step("penalties.article_31_applies", t.answer, notes, cites, None, t.missing)


def removal_order_compatible(ctx: Context, return_step: Step) -> Step:
    """A removal ordered for an immigration offence (RF CAO 18.8 parts 1.1, 3, 3.1) cannot be
    executed where return is barred (L.M. and Others; S.K.; M.D. and Others v Russia)."""
    ordered = [o for o in ctx.removal.administrative_offences if o.removal_ordered]
    reasons_parts: list[str] = []
    cites = ["RF CAO Art 18.8"] if ctx.is_ru else []
    cites.append("ECtHR L.M. and Others v Russia" if ctx.is_ru else "1951 Convention Art 33(1)")
    if not ordered:
        return new_step(
            "penalties.removal_order_compatible",
            Answer.NOT_APPLICABLE,
            ["No removal order recorded."],
            cites,
        )
    for o in ordered:
        part_note = _cao_part(ctx, o.article)
        if part_note:
            reasons_parts.append(part_note)
    barred = of_step(return_step)
    t = negate(barred) if barred.answer is not Answer.NOT_APPLICABLE else YES
    if t.no:
        reasons = [
            f"Removal ordered under {', '.join(o.article or 'an offence' for o in ordered)} "
            "while return is barred: the order cannot lawfully be executed."
        ]
        for note in ctx.profile.practice:
            if note["applies_to"].get("removal_ordered") and ctx.day >= note["since"]:
                ctx.flag("PRACTICE_DIVERGES", f"{note['message']} ({note['reference']})")
    elif t.yes:
        reasons = ["No return bar prevents execution of the removal order."]
    else:
        reasons = ["Whether the removal order can be executed depends on a missing finding."]
    return new_step(
        "penalties.removal_order_compatible",
        t.answer,
        reasons + reasons_parts,
        cites,
        None,
        t.missing,
    )


def _cao_part(ctx: Context, article: str | None) -> str | None:
    """What the CAO 18.8 part provides: fine range and whether removal is mandatory."""
    table = ctx.profile.tables.get("cao_18_8_parts") if ctx.is_ru else None
    part = table["parts"].get(article) if table and article else None
    if part is None:
        return None
    if part["tag"] == "?":
        ctx.flag("LAW_UNCERTAIN", f"CAO Art {article}: the sanction is not verified.")
        return f"CAO Art {article} ({part['conduct']}): sanction not verified."
    low, high = part["fine"]
    return (
        f"CAO Art {article} ({part['conduct']}): fine RUB {low:,}-{high:,}, removal "
        f"{part['removal']} (amounts and mandatory removal are standard knowledge, not verified "
        "against the current text)."
    )
