"""The text face of ``asylon estimate``: the number, its interval, and what may undo it."""

from __future__ import annotations

from typing import Any


def _n(value: Any) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _method_lines(est: dict[str, Any], indent: str = "  ") -> list[str]:
    name = {"lcmcr": "LCMCR (latent classes, Bayesian)", "loglinear": "log-linear (Poisson GLM)"}
    lines = [f"{indent}{name.get(est['method'], est['method'])}"]
    if est["identified"]:
        lines.append(
            f"{indent}  estimate {_n(est['median'])} ({est['point']}), "
            f"95% interval {_n(est['lower'])} – {_n(est['upper'])}"
        )
    else:
        lines.append(f"{indent}  NOT IDENTIFIED: the data cannot support an estimate")
        for reason in est["reasons"]:
            lines.append(f"{indent}    - {reason}")
        if est["median"] is not None:
            lines.append(
                f"{indent}  (for diagnosis only: {_n(est['median'])}, "
                f"{_n(est['lower'])} – {_n(est['upper'])})"
            )
    diag = est.get("diagnostics") or {}
    if "rhat" in diag:
        rhat = "—" if diag["rhat"] is None else f"{diag['rhat']:.3f}"
        ess = "—" if diag.get("ess") is None else f"{diag['ess']:.0f}"
        lines.append(
            f"{indent}  R-hat {rhat}, effective draws {ess} of {diag.get('draws', 0):,} "
            f"({diag.get('chains', 0)} chains)"
        )
    model = est.get("model") or {}
    if "interactions" in model:
        terms = ", ".join(model["interactions"]) or "none (independent lists)"
        lines.append(
            f"{indent}  model: main effects + {terms}; {model['residual_df']} residual df; "
            f"chosen by {est['settings'].get('criterion', '').upper()} "
            f"({est['settings'].get('search', '')})"
        )
    for warning in est["warnings"]:
        lines.append(f"{indent}  warning: {warning}")
    return lines


def render_text(doc: dict[str, Any]) -> str:
    lists = ", ".join(doc["lists"])
    lines = [
        f"Multiple-systems estimate for {doc['source'] or 'the table'}",
        f"lists: {lists}; observed (on at least one list): {doc['observed']:,}",
    ]
    if doc["identified"]:
        lines.append(
            f"total: {_n(doc['median'])}, 95% interval {_n(doc['lower'])} – {_n(doc['upper'])} "
            f"({doc['method']})"
        )
    else:
        lines.append(f"total: not identified ({doc['method']}); see the reasons below")
    for note in doc.get("notes", []):
        lines.append(f"note: {note}")
    lines.append("")
    lines.append("by method" + (" (sum over strata)" if "strata" in doc else ""))
    for est in doc["estimates"]:
        lines.extend(_method_lines(est))
    for stratum in doc.get("strata", []):
        lines.append("")
        lines.append(f"stratum {stratum['stratum']}: {stratum['observed']:,} observed")
        for est in stratum["estimates"]:
            lines.extend(_method_lines(est, "    "))
    lines.append("")
    lines.append(
        "The total counts people recorded on no list too; it assumes a closed population and "
        "no errors in the linkage between lists. The interval is the uncertainty under the model."
    )
    return "\n".join(lines)
