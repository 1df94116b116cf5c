"""Populations of known size, captured by lists under set rules: the estimators' proving ground.

A scenario is the probability of every one of the 2^J capture patterns (the all-zero one is
"missed by every list"); a replicate draws the N people's patterns from it in one multinomial
draw. The scenarios cover the cases of the MSE literature (Bishop, Fienberg & Holland 1975,
ch. 6; Manrique-Vallier 2016, section 4; Lum, Price & Banks 2013, "Applications of multiple
systems estimation in human rights research", *Am. Stat.* 67(4)):

* ``independent``: three lists, capture independent and equal for everybody;
* ``heterogeneous``: two latent groups, one hard to record (LCMCR's home ground);
* ``positive`` / ``negative``: four lists, two of them positively (a source copies another)
  or negatively dependent (sources working in different areas), as a log-linear interaction;
* ``sparse5`` / ``sparse6``: five or six lists with low coverage and heterogeneity, so that
  many overlap cells are empty.

:func:`study` estimates each replicate with the chosen methods and reports relative bias,
relative root mean squared error and the coverage of the 95% intervals.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from .lcmcr import LcmcrSettings, lcmcr_estimate
from .loglinear import loglinear_estimate
from .overlap import OverlapTable, all_patterns
from .result import Estimate

FloatArray = npt.NDArray[np.float64]


def _full_patterns(n_lists: int) -> npt.NDArray[np.int64]:
    return np.vstack([np.zeros((1, n_lists), dtype=np.int64), all_patterns(n_lists)])


def mixture_probs(weights: Sequence[float], capture: Sequence[Sequence[float]]) -> FloatArray:
    """Pattern probabilities of a mixture of groups with independent lists inside each."""
    lam = np.asarray(capture, dtype=np.float64)  # (groups, J)
    pats = _full_patterns(lam.shape[1]).astype(np.float64)
    per_group = np.prod(
        np.where(pats[None, :, :] == 1, lam[:, None, :], 1.0 - lam[:, None, :]), axis=2
    )
    return np.asarray(np.asarray(weights) @ per_group, dtype=np.float64)


def loglinear_probs(
    capture: Sequence[float], interactions: dict[tuple[int, int], float]
) -> FloatArray:
    """Pattern probabilities of a log-linear model: independent lists with the main effects of
    ``capture`` (their marginal rates without interaction) and two-way log odds ratios."""
    lam = np.asarray(capture, dtype=np.float64)
    pats = _full_patterns(len(lam)).astype(np.float64)
    log_w = pats @ np.log(lam / (1.0 - lam))
    for (a, b), gamma in interactions.items():
        log_w = log_w + gamma * pats[:, a] * pats[:, b]
    w = np.exp(log_w - log_w.max())
    return np.asarray(w / w.sum(), dtype=np.float64)


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    total: int
    probs: FloatArray  # over all 2^J patterns, index 0 = missed by every list

    @property
    def n_lists(self) -> int:
        return round(math.log2(len(self.probs)))

    def draw(self, rng: np.random.Generator) -> OverlapTable:
        cells = rng.multinomial(self.total, self.probs)
        lists = tuple(chr(ord("A") + j) for j in range(self.n_lists))
        return OverlapTable(lists, all_patterns(self.n_lists), cells[1:].astype(np.int64))


def scenarios(total: int = 2000) -> dict[str, Scenario]:
    """The standard scenarios (see the module docstring), each with ``total`` people."""
    small = max(total // 2, 200)
    return {
        s.name: s
        for s in (
            Scenario(
                "independent",
                "3 lists, independent, capture 0.30/0.25/0.20",
                total,
                mixture_probs([1.0], [[0.30, 0.25, 0.20]]),
            ),
            Scenario(
                "heterogeneous",
                "4 lists, 2 latent groups: 70% hard to record (0.08-0.15), 30% easy (0.4-0.6)",
                total,
                mixture_probs([0.7, 0.3], [[0.10, 0.15, 0.08, 0.12], [0.50, 0.40, 0.60, 0.45]]),
            ),
            Scenario(
                "positive",
                "4 lists, capture 0.2-0.3, lists A and B positively dependent (log OR +1.5)",
                total,
                loglinear_probs([0.25, 0.2, 0.3, 0.25], {(0, 1): 1.5}),
            ),
            Scenario(
                "negative",
                "4 lists, capture 0.2-0.3, lists A and B negatively dependent (log OR -1.5)",
                total,
                loglinear_probs([0.25, 0.2, 0.3, 0.25], {(0, 1): -1.5}),
            ),
            Scenario(
                "sparse5",
                f"5 lists, {small} people, low capture (0.05-0.25) in 2 groups",
                small,
                mixture_probs(
                    [0.6, 0.4],
                    [[0.05, 0.08, 0.06, 0.10, 0.07], [0.25, 0.20, 0.15, 0.25, 0.20]],
                ),
            ),
            Scenario(
                "sparse6",
                f"6 lists, {small} people, low capture (0.04-0.20) in 2 groups",
                small,
                mixture_probs(
                    [0.6, 0.4],
                    [
                        [0.05, 0.04, 0.06, 0.08, 0.05, 0.06],
                        [0.20, 0.15, 0.20, 0.18, 0.12, 0.20],
                    ],
                ),
            ),
        )
    }


Estimator = Callable[[OverlapTable, int], Estimate]


def estimators(settings: LcmcrSettings, criterion: str = "aic") -> dict[str, Estimator]:
    """The methods a study compares; LCMCR gets a fresh seed per replicate. ``lcmcr`` is
    what ``asylon estimate`` reports (the posterior checked by the two-class profile
    likelihood, :mod:`.likelihood_bound`), ``lcmcr_posterior`` the posterior alone (as R's
    LCMCR reports it)."""
    return {
        "lcmcr": lambda t, seed: lcmcr_estimate(t, replace(settings, seed=seed)),
        "lcmcr_posterior": lambda t, seed: lcmcr_estimate(
            t, replace(settings, seed=seed, bound_check=False)
        ),
        "loglinear": lambda t, _seed: loglinear_estimate(t, criterion),
    }


@dataclass
class MethodScore:
    """Accuracy of one method on one scenario over replicates (identified ones only)."""

    method: str
    replicates: int
    identified: int
    relative_bias: float
    relative_rmse: float
    coverage: float
    mean_relative_width: float
    seconds: float
    # of the replicates given no total but a lower bound (the data do not bound the total
    # from above), the share whose lower bound is at most the truth
    lower_bound_holds: float = math.nan
    # of all the replicates, the share whose statement holds: an interval that covers the
    # truth, or a lower bound at most the truth
    statement_holds: float = math.nan
    # the largest threshold the two-class check's Monte Carlo test set (none: not simulated)
    largest_simulated_threshold: float = math.nan

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in vars(self).items()}


def score(method: str, total: int, results: Sequence[Estimate], seconds: float) -> MethodScore:
    ok = [r for r in results if r.identified and r.median is not None]
    floors = [
        r.lower
        for r in results
        if not r.identified
        and r.lower is not None
        and any(n.code == "prior_closes_upper" for n in r.reason_notes)
    ]
    holds = float(np.mean([f <= total for f in floors])) if floors else math.nan
    covered = [(r.lower or 0.0) <= total <= (r.upper or 0.0) for r in ok]
    overall = (sum(covered) + sum(f <= total for f in floors)) / len(results)
    simulated = [
        t
        for r in results
        if (t := r.diagnostics.get("two_class_profile", {}).get("simulated_threshold")) is not None
    ]
    largest = max(simulated) if simulated else math.nan
    if not ok:
        nan = math.nan
        return MethodScore(
            method, len(results), 0, nan, nan, nan, nan, seconds, holds, overall, largest
        )
    med = np.array([r.median for r in ok], dtype=np.float64)
    lo = np.array([r.lower for r in ok], dtype=np.float64)
    hi = np.array([r.upper for r in ok], dtype=np.float64)
    return MethodScore(
        method,
        len(results),
        len(ok),
        float(med.mean() / total - 1.0),
        float(np.sqrt(np.mean((med - total) ** 2)) / total),
        float(np.mean(covered)),
        float(np.mean((hi - lo) / total)),
        seconds,
        holds,
        overall,
        largest,
    )


def study(
    scenario: Scenario,
    replicates: int,
    methods: dict[str, Estimator],
    seed: int = 2016,
) -> list[MethodScore]:
    """Draw ``replicates`` tables from ``scenario`` and score each method on them."""
    rng = np.random.default_rng(seed)
    tables = [scenario.draw(rng) for _ in range(replicates)]
    scores = []
    for name, run in methods.items():
        start = time.perf_counter()
        results = [run(t, seed * 1000 + i) for i, t in enumerate(tables)]
        scores.append(score(name, scenario.total, results, time.perf_counter() - start))
    return scores
