"""Plain-language text of a determination, as a caseworker reads it: the outcome first, then
what is missing and due, then each step with its reasons and citations. Pure."""

from __future__ import annotations

from typing import Any

OUTCOME_TEXT = {
    "REFUGEE": "Refugee status should be recognised.",
    "REFUGEE_STATUS_REFUSED_BUT_REFUGEE": "Refugee status may be refused or revoked for danger (QD 14(4)-(5)), but the person "
    "remains a refugee and keeps the rights of Art 14(6).",
    "SUBSIDIARY_PROTECTION": "Subsidiary protection should be granted.",
    "TEMPORARY_ASYLUM": "Temporary asylum should be granted (one year, renewable).",
    "POLITICAL_ASYLUM": "Eligible for political asylum (a discretionary Presidential grant).",
    "COMPLEMENTARY_PROTECTION": "Protection under UNHCR's broader mandate.",
    "NATIONAL_HUMANITARIAN_STATUS": "A national humanitarian status (not international protection).",
    "EXCLUDED_PROTECTED_FROM_RETURN": "Excluded from protection, but return is barred.",
    "EXCLUDED_RETURN_PERMITTED": "Excluded from protection, and no bar to return is established.",
    "REJECTED_PROTECTED_FROM_RETURN": "No protection status, but return is barred.",
    "REJECTED_RETURN_PERMITTED": "No protection need found; return is lawful.",
    "INADMISSIBLE": "Not to be considered on the merits.",
    "STATUS_CEASED": "The status has ceased.",
    "STATUS_REVOKED": "The status is to be revoked.",
    "STATUS_CONTINUES": "The status continues.",
    "RETURN_BARRED": "Return is barred.",
    "RETURN_PERMITTED": "Return is permitted.",
    "UNDETERMINED": "Undetermined: a finding needed for the outcome is missing.",
}
PROFILE_TEXT = {"unhcr": "UNHCR mandate", "eu": "European Union", "ru": "Russian Federation"}
MARK = {"yes": "yes", "no": "no ", "unknown": " ? ", "not_applicable": "n/a"}


def _jur(j: str) -> str:
    base, _, ms = j.partition(":")
    return PROFILE_TEXT.get(base, base) + (f" ({ms.upper()})" if ms else "")


def render_text(d: dict[str, Any], *, all_steps: bool = False) -> str:
    """Text of one determination. ``not_applicable`` steps are left out unless ``all_steps``."""
    out = [
        f"Case {d['case_id']} — {_jur(d['jurisdiction'])}, law in force on {d['as_of']}",
        f"OUTCOME: {d['outcome']} — {OUTCOME_TEXT[d['outcome']]}",
    ]
    st = d["status"]
    if st:
        until = f" until {st['valid_until']}" if st["valid_until"] else " (no fixed end)"
        out.append(
            f"Status: {st['code']} from {st['valid_from']}{until}"
            f"{', renewable' if st['renewable'] else ''} [{'; '.join(st['citations'])}]"
        )
        out += [f"  - {r}" for r in st["rights"]]
    rem = d["removal"]
    permitted = {True: "permitted", False: "not permitted", None: "undetermined"}[rem["permitted"]]
    out.append(f"Removal: {permitted}")
    for b in rem["bars"]:
        out.append(f"  bar {b['code']}: {b['reason']} [{'; '.join(b['citations'])}]")
    if d["missing"]:
        out.append("Missing findings:")
        for m in d["missing"]:
            out.append(f"  - {m['field']} (needed for {', '.join(m['needed_for'])})")
    if d["deadlines"]:
        out.append("Deadlines:")
        for dl in d["deadlines"]:
            late = " — OVERDUE" if dl["overdue"] else ""
            out.append(
                f"  - {dl['kind']}: {dl['due']}{late} ({dl['basis']}) [{'; '.join(dl['citations'])}]"
            )
    if d["side_outputs"]:
        out.append("Also: " + ", ".join(d["side_outputs"]))
    for f in d["flags"]:
        out.append(f"! {f['code']}: {f['message']}")
    for ce in d["country_evidence"]:
        out.append(
            f"Country evidence {ce['place']} {ce['period'][0]}..{ce['period'][1]}: "
            f"guidance level {ce['level'] or 'not published'} [{'; '.join(ce['sources'])}]"
        )
    out.append("Steps:")
    for s in d["steps"]:
        if s["answer"] == "not_applicable" and not all_steps:
            continue
        out.append(f"  [{MARK[s['answer']]}] {s['question']}  ({s['id']})")
        out += [f"        {r}" for r in s["reasons"]]
        if s["citations"]:
            out.append(f"        Cites: {'; '.join(s['citations'])}")
    return "\n".join(out)


def render_comparison(case_id: str, results: dict[str, dict[str, Any] | str]) -> str:
    """Side-by-side table: the same facts under each profile."""
    cols = list(results)
    rows: list[tuple[str, list[str]]] = []

    def cell(j: str, f: Any) -> str:
        r = results[j]
        return r if isinstance(r, str) else str(f(r))

    rows.append(("outcome", [cell(j, lambda d: d["outcome"]) for j in cols]))
    rows.append(("status", [cell(j, lambda d: (d["status"] or {}).get("code", "-")) for j in cols]))
    rows.append(
        (
            "return bars",
            [
                cell(j, lambda d: ",".join(b["code"] for b in d["removal"]["bars"]) or "-")
                for j in cols
            ],
        )
    )
    ids: list[str] = []
    for r in results.values():
        if not isinstance(r, str):
            ids += [s["id"] for s in r["steps"] if s["id"] not in ids]
    for sid in ids:
        vals = []
        for j in cols:
            r = results[j]
            if isinstance(r, str):
                vals.append("")
                continue
            ans = next((s["answer"] for s in r["steps"] if s["id"] == sid), "")
            vals.append({"not_applicable": "n/a"}.get(ans, ans))
        if any(v not in ("n/a", "") for v in vals):
            rows.append((sid, vals))
    rows.append(
        (
            "flags",
            [
                cell(j, lambda d: ",".join(sorted({f["code"] for f in d["flags"]})) or "-")
                for j in cols
            ],
        )
    )
    w0 = max(len(r[0]) for r in rows)
    widths = [max(len(c), *(len(r[1][i]) for r in rows)) for i, c in enumerate(cols)]

    def line(a: str, vs: list[str]) -> str:
        return "  ".join([a.ljust(w0), *(v.ljust(w) for v, w in zip(vs, widths, strict=True))])

    out = [
        f"Case {case_id}: the same facts under each profile",
        line("", cols),
        line("-" * w0, ["-" * w for w in widths]),
    ]
    out += [line(a, vs) for a, vs in rows]
    return "\n".join(x.rstrip() for x in out)
