"""Detention of asylum-seekers and persons pending removal (LEGAL-SPEC §2.4, §1.9).

Lawful only with a legal basis, a realistic prospect of removal (none where return is barred:
Chahal para 113, Kim v Russia, M.D. and Others v Russia), periodic judicial review (ECHR Art
5(4)) and a reasonable length. Confinement in a transit zone is detention (Z.A. and Others v
Russia, GC 2019). Criminal detention is outside this module.
"""

from __future__ import annotations

from asylon.law.context import Context
from asylon.law.determination import Answer, Step, new_step
from asylon.law.facts import Detention
from asylon.law.logic import NA, NO, YES, Tri, all_of, known, negate, unknown


def _one(ctx: Context, j: int, d: Detention, barred: Tri) -> tuple[Tri, str]:
    p = f"removal.detention[{j}]"
    where = d.place or f"detention {j + 1}"
    if d.basis == "criminal":
        return NA, f"{where}: criminal detention, outside this assessment."
    if d.basis is None:
        return unknown(f"{p}.basis"), f"{where}: legal basis not recorded."
    if d.basis == "none":
        what = "confinement in a transit zone" if d.transit_zone else "detention"
        return NO, f"{where}: {what} without a legal basis."
    parts: list[Tri] = [known(d.periodic_review_available, f"{p}.periodic_review_available")]
    notes = []
    if d.basis == "pending_removal":
        parts.append(negate(barred))
        if barred.yes:
            notes.append("no realistic prospect of removal while return is barred")
    max_days = ctx.param("detention_max_days")
    if d.from_ is None:
        parts.append(unknown(f"{p}.from"))
    elif max_days is not None:
        days = ((d.to or ctx.day) - d.from_).days
        parts.append(YES if days <= max_days else NO)
        notes.append(f"{days} days{' so far' if d.to is None else ''} (limit {max_days})")
    if d.periodic_review_available is False:
        notes.append("no periodic judicial review")
    if d.transit_zone:
        notes.append("transit-zone confinement counts as detention")
    t = all_of(*parts)
    return t, f"{where}: basis {d.basis.replace('_', ' ')}" + (
        f"; {'; '.join(notes)}" if notes else ""
    ) + "."


def detention_lawful(ctx: Context, return_step: Step) -> Step:
    entries = ctx.removal.detention
    cites: list[str] = ["ICCPR Art 9"]
    if ctx.binds("ECHR") if not ctx.is_unhcr else ctx.profile.echr_binds_host(ctx.host, ctx.day):
        cites += ["ECHR Art 5(1)(f)", "ECHR Art 5(4)"]
    if ctx.is_ru:
        cites += ["ECtHR Kim v Russia", "ECtHR M.D. and Others v Russia"]
    elif ctx.is_eu:
        cites.append("Return Directive Art 15")
    else:
        cites.append("UNHCR Detention Guidelines")
    if any(d.transit_zone for d in entries):
        cites.append("ECtHR Z.A. and Others v Russia")
    if not entries:
        return new_step(
            "detention.lawful", Answer.NOT_APPLICABLE, ["No detention recorded."], cites
        )
    barred = Tri(return_step.answer, tuple(return_step.missing))
    results = [_one(ctx, j, d, barred) for j, d in enumerate(entries)]
    relevant = [t for t, _ in results if t.answer is not Answer.NOT_APPLICABLE]
    if not relevant:
        return new_step("detention.lawful", Answer.NOT_APPLICABLE, [r for _, r in results], cites)
    t = all_of(*relevant)
    if t.no:
        ctx.side("DETENTION_UNLAWFUL")
    return new_step("detention.lawful", t.answer, [r for _, r in results], cites, None, t.missing)
