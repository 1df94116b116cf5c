"""Estimate a total from one table or from strata, with the checks that decide if it can be.

Strata (governorates, periods) are estimated one by one and added up. For LCMCR the strata's
posteriors are independent, so the posterior of the total is that of the sum of the strata's
draws, draw by draw (as the stratified analyses of HRDAG do, e.g. Ball et al. 2002 for
Kosovo). For the log-linear baseline the point estimates add up and the interval is the sum
of the strata's bounds, which is conservative (wider than a joint 95% interval).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .identifiability import empty_lists, table_reasons
from .lcmcr import LcmcrSettings, lcmcr_estimate, summarise_draws
from .likelihood_bound import CHECK_VERSION
from .loglinear import loglinear_estimate
from .overlap import OverlapTable
from .result import INTERVAL, Estimate

METHODS = ("lcmcr", "loglinear")
FORMAT = "asylon.estimate/1"


@dataclass
class TableResult:
    """Every requested method's estimate for one table (or stratum)."""

    table: OverlapTable
    estimates: list[Estimate]
    notes: list[str] = field(default_factory=list)


def methods_for(choice: str) -> tuple[str, ...]:
    if choice == "both":
        return METHODS
    if choice not in METHODS:
        raise ValueError(f"method must be lcmcr, loglinear or both, got {choice!r}")
    return (choice,)


def estimate_table(
    table: OverlapTable,
    methods: Sequence[str] = ("lcmcr",),
    settings: LcmcrSettings | None = None,
    criterion: str = "aic",
) -> TableResult:
    """Run each method on ``table``; reasons found in the table itself apply to all methods."""
    settings = settings or LcmcrSettings()
    notes = []
    empty = empty_lists(table)
    if empty and len(empty) < table.n_lists:
        keep = [i for i, name in enumerate(table.lists) if name not in empty]
        notes.append(f"lists that recorded nobody were set aside: {', '.join(empty)}")
        table = table.drop_lists(keep)
    reasons = table_reasons(table)
    estimates = []
    for method in methods:
        if table.observed == 0 or len(keep_lists(table)) < 2:
            est = Estimate(method, table.observed, None, None, None, "none")
        elif method == "lcmcr":
            est = lcmcr_estimate(table, settings)
        else:
            est = loglinear_estimate(table, criterion)
        for reason in reasons:
            est.not_identified(reason)
        estimates.append(est)
    return TableResult(table, estimates, notes)


def keep_lists(table: OverlapTable) -> list[str]:
    totals = table.patterns.T @ table.counts
    return [name for name, t in zip(table.lists, totals, strict=True) if t > 0]


def combine_strata(results: Sequence[TableResult], method: str) -> Estimate:
    """The total over strata for one method (see the module docstring for how)."""
    parts = [next(e for e in r.estimates if e.method == method) for r in results]
    observed = sum(p.observed for p in parts)
    if method == "lcmcr" and all(p.draws is not None for p in parts):
        total = np.sum([p.draws for p in parts if p.draws is not None], axis=0)
        est = summarise_draws(total, observed)
        est.draws = total
        est.settings = dict(parts[0].settings)
        _widen_as_strata(est, parts)
    else:
        numbers = [(p.median, p.lower, p.upper) for p in parts]
        complete = all(None not in t for t in numbers)
        est = Estimate(
            method,
            observed,
            sum(t[0] for t in numbers if t[0] is not None) if complete else None,
            sum(t[1] for t in numbers if t[1] is not None) if complete else None,
            sum(t[2] for t in numbers if t[2] is not None) if complete else None,
            parts[0].point,
        )
        est.settings = {**parts[0].settings, "strata_interval": "sum of the strata's bounds"}
    for result, part in zip(results, parts, strict=True):
        label = result.table.stratum or "?"
        for reason in part.reason_notes:
            est.not_identified(reason.in_stratum(label))
        for warning in part.warning_notes:
            est.warn(warning.in_stratum(label))
    return est


def _widen_as_strata(est: Estimate, parts: Sequence[Estimate]) -> None:
    """Widen the total's posterior interval by as much as each stratum's was widened to take
    in its two-class profile likelihood (:func:`.lcmcr.apply_bounds`): the sum of the
    widenings, a conservative bound since the profiles' ends are not draws to add up."""
    down = up = 0.0
    for part in parts:
        posterior = part.diagnostics.get("posterior_interval")
        if posterior is None or not part.identified or part.lower is None or part.upper is None:
            continue  # a stratum with no total leaves the total without one
        down += posterior[0] - part.lower
        up += part.upper - posterior[1]
    if (down > 0 or up > 0) and est.lower is not None and est.upper is not None:
        est.diagnostics["posterior_interval"] = [est.lower, est.upper]
        est.warn(
            "widened",
            lower=est.lower - down,
            upper=est.upper + up,
            posterior_lower=est.lower,
            posterior_upper=est.upper,
        )
        est.lower, est.upper = est.lower - down, est.upper + up


def _stratum_settings(settings: LcmcrSettings, index: int) -> LcmcrSettings:
    """Independent, reproducible seeds for the strata, derived from the run's seed."""
    child = np.random.SeedSequence([settings.seed, index]).generate_state(1)[0]
    return replace(settings, seed=int(child))


def estimate(
    tables: Sequence[OverlapTable],
    method: str = "lcmcr",
    settings: LcmcrSettings | None = None,
    criterion: str = "aic",
    source: str = "",
) -> dict[str, Any]:
    """The stable JSON document of ``asylon estimate`` (format ``asylon.estimate/1``)."""
    settings = settings or LcmcrSettings()
    methods = methods_for(method)
    stratified = len(tables) > 1 or tables[0].stratum is not None
    if stratified:
        results = [
            estimate_table(t, methods, _stratum_settings(settings, i), criterion)
            for i, t in enumerate(tables)
        ]
        totals = [combine_strata(results, m) for m in methods]
    else:
        results = [estimate_table(tables[0], methods, settings, criterion)]
        totals = results[0].estimates
    primary = totals[0]
    doc: dict[str, Any] = {
        "format": FORMAT,
        "source": source,
        "lists": list(tables[0].lists),
        "observed": primary.observed,
        "method": primary.method,
        "median": primary.to_dict()["median"] if primary.identified else None,
        "lower": primary.to_dict()["lower"] if primary.identified else None,
        "upper": primary.to_dict()["upper"] if primary.identified else None,
        "interval": INTERVAL,
        "identified": primary.identified,
        "reasons": primary.reasons,
        "warnings": primary.warnings,
        "reason_notes": [n.to_dict() for n in primary.reason_notes],
        "warning_notes": [n.to_dict() for n in primary.warning_notes],
        "seed": settings.seed,
        "bound_check": settings.bound_check,
        "bound_check_version": CHECK_VERSION if settings.bound_check else None,
        "estimates": [e.to_dict() for e in totals],
        "notes": [n for r in results for n in r.notes],
    }
    if stratified:
        doc["strata"] = [
            {
                "stratum": r.table.stratum,
                "observed": r.table.observed,
                "notes": r.notes,
                "estimates": [e.to_dict() for e in r.estimates],
            }
            for r in results
        ]
    return doc
