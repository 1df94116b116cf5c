"""Log-linear multiple-systems estimation: the classical baseline beside LCMCR.

The observed cells of the 2^J table are independent Poisson counts with
``log mu_x = u + sum_j u_j x_j + sum_{j<k} u_jk x_j x_k`` over the selected two-way terms;
the unobserved cell's expected count is ``exp(u)`` and the total is ``n + exp(u)`` (Fienberg
1972, "The multiple recapture census for closed populations and incomplete 2^k contingency
tables", *Biometrika* 59(3); Bishop, Fienberg & Holland 1975, ch. 6). With two lists and no
interaction this is exactly Lincoln-Petersen, n1 n2 / m.

Fit: iteratively reweighted least squares (McCullagh & Nelder 1989, section 2.5) with step
halving. A model is admissible when its MLE exists (IRLS converges with finite coefficients,
Fienberg & Rinaldo 2012), it keeps at least one residual degree of freedom (three or more
lists), and each of its interactions joins two lists that share someone.

Selection: all hierarchical two-way models are compared by AIC (default) or BIC, exhaustively
when there are at most 6 candidate pairs (four lists), otherwise by stepwise search in both
directions from the independence model.

Interval: profile likelihood for N under the multinomial model (Cormack 1992, "Interval
estimation for mark-recapture studies of closed populations", *Biometrics* 48(2); the method
of R's Rcapture): the values of N whose profile log-likelihood is within 3.84 / 2 (chi-square,
1 df, 95%) of its maximum. It is conditional on the selected model: it ignores the uncertainty
of the selection itself, which is why competing models are reported beside it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .identifiability import runaway_upper
from .overlap import OverlapTable
from .result import Estimate

FloatArray = npt.NDArray[np.float64]
Pair = tuple[int, int]
CHI2_95 = 3.841458820694124
MAX_COEF = 25.0
EXHAUSTIVE_PAIRS = 6
COMPETING_DELTA = 2.0
COMPETING_RATIO = 1.25


@dataclass(frozen=True)
class PoissonFit:
    beta: FloatArray
    loglik: float
    ok: bool
    fitted: FloatArray


def poisson_fit(
    x: FloatArray, y: FloatArray, offset: float = 0.0, start: FloatArray | None = None
) -> PoissonFit:
    """Poisson GLM with log link by IRLS; ``ok`` is false when the MLE does not exist."""
    p = x.shape[1]
    if start is None:
        beta: FloatArray = np.asarray(
            np.linalg.lstsq(x, np.log(y + 0.5) - offset, rcond=None)[0], dtype=np.float64
        )
    else:
        beta = start.copy()
    const = float(sum(math.lgamma(v + 1.0) for v in y))

    def loglik(b: npt.NDArray[np.floating[Any]]) -> tuple[float, FloatArray]:
        eta = np.minimum(x @ b + offset, 700.0)
        mu = np.exp(eta)
        return float(y @ eta - mu.sum()) - const, mu

    ll, mu = loglik(beta)
    converged = False
    for _ in range(200):
        w = np.maximum(mu, 1e-300)
        z = x @ beta + (y - mu) / w
        xtw = x.T * w
        try:
            new = np.linalg.solve(xtw @ x + 1e-12 * np.eye(p), xtw @ z)
        except np.linalg.LinAlgError:
            break
        step = new - beta
        new_ll, new_mu = loglik(beta + step)
        halvings = 0
        while (not math.isfinite(new_ll) or new_ll < ll - 1e-9) and halvings < 30:
            step /= 2.0
            new_ll, new_mu = loglik(beta + step)
            halvings += 1
        beta, mu = np.asarray(beta + step, dtype=np.float64), new_mu
        if abs(new_ll - ll) < 1e-10 * (abs(ll) + 1.0) and float(np.abs(step).max()) < 1e-7:
            ll = new_ll
            converged = True
            break
        ll = new_ll
    ok = converged and bool(np.all(np.isfinite(beta))) and float(np.abs(beta).max()) < MAX_COEF
    return PoissonFit(beta, ll, ok, mu)


def design(patterns: npt.NDArray[np.int64], pairs: tuple[Pair, ...]) -> FloatArray:
    """Intercept, main effects and the given two-way interactions, one row per cell."""
    x = patterns.astype(np.float64)
    cols = [np.ones(len(x)), *x.T, *(x[:, a] * x[:, b] for a, b in pairs)]
    return np.column_stack(cols)


@dataclass(frozen=True)
class Model:
    pairs: tuple[Pair, ...]
    fit: PoissonFit
    n_params: int
    aic: float
    bic: float

    @property
    def unobserved(self) -> float:
        return math.exp(float(self.fit.beta[0]))

    def score(self, criterion: str) -> float:
        return self.aic if criterion == "aic" else self.bic


def fit_model(table: OverlapTable, pairs: tuple[Pair, ...]) -> Model:
    x = design(table.patterns, pairs)
    fit = poisson_fit(x, table.counts.astype(np.float64))
    p = x.shape[1]
    n = max(table.observed, 1)
    return Model(pairs, fit, p, -2.0 * fit.loglik + 2.0 * p, -2.0 * fit.loglik + p * math.log(n))


def candidate_pairs(table: OverlapTable) -> list[Pair]:
    """Pairs of lists that share at least one person (others have no finite interaction)."""
    pats, counts = table.patterns, table.counts
    out = []
    for a, b in itertools.combinations(range(table.n_lists), 2):
        if int(counts[(pats[:, a] == 1) & (pats[:, b] == 1)].sum()) > 0:
            out.append((a, b))
    return out


def select_model(
    table: OverlapTable, criterion: str = "aic"
) -> tuple[Model | None, list[Model], str]:
    """The admissible model with the lowest criterion, every model tried, and the search used."""
    if criterion not in ("aic", "bic"):
        raise ValueError(f"criterion must be 'aic' or 'bic', got {criterion!r}")
    cells = len(table.counts)
    max_params = cells if table.n_lists == 2 else cells - 1
    base = 1 + table.n_lists
    room = max_params - base
    pairs = candidate_pairs(table) if room > 0 else []
    tried: dict[tuple[Pair, ...], Model] = {}

    def model(ps: tuple[Pair, ...]) -> Model | None:
        key = tuple(sorted(ps))
        if len(key) > room:
            return None
        if key not in tried:
            tried[key] = fit_model(table, key)
        m = tried[key]
        return m if m.fit.ok else None

    if len(pairs) <= EXHAUSTIVE_PAIRS:
        search = "exhaustive"
        for r in range(0, min(len(pairs), max(room, 0)) + 1):
            for ps in itertools.combinations(pairs, r):
                model(ps)
    else:
        search = "stepwise"
        current: tuple[Pair, ...] = ()
        best = model(current)
        while best is not None:
            moves = [tuple(sorted((*current, p))) for p in pairs if p not in current]
            moves += [tuple(q for q in current if q != p) for p in current]
            scored = [(m.score(criterion), ps) for ps in moves if (m := model(ps)) is not None]
            if not scored:
                break
            score, ps = min(scored)
            if score >= best.score(criterion) - 1e-9:
                break
            current, best = ps, tried[ps]
    admissible = [m for m in tried.values() if m.fit.ok]
    chosen = min(admissible, key=lambda m: m.score(criterion)) if admissible else None
    return chosen, list(tried.values()), search


def profile_interval(table: OverlapTable, chosen: Model) -> tuple[float, float]:
    """95% profile-likelihood interval for N (Cormack 1992), under the selected model.

    For a fixed N the multinomial likelihood of the observed cells is that of the complete
    table with N - n in the unobserved cell, so its maximum over the model's parameters is a
    Poisson fit of that table; the profile log-likelihood is
    ``log N! - log (N - n)! + sum_x y_x log(mu_x / N)``. The interval holds the N within
    3.84 / 2 of its maximum; N is searched on the scale of log(N - n).
    """
    n = table.observed
    pats = np.vstack([np.zeros((1, table.n_lists), dtype=np.int64), table.patterns])
    x = design(pats, chosen.pairs)
    y = np.concatenate([[0.0], table.counts.astype(np.float64)])
    start = chosen.fit.beta
    cache: dict[float, float] = {}

    def profile(t: float) -> float:
        if t in cache:
            return cache[t]
        missing = math.exp(t)
        total = n + missing
        y[0] = missing
        fit = poisson_fit(x, y, start=start)
        if not math.isfinite(fit.loglik):
            return -math.inf
        mu = fit.fitted
        pos = y > 0
        value = (
            math.lgamma(total + 1.0)
            - math.lgamma(missing + 1.0)
            + float(y[pos] @ np.log(mu[pos] / float(mu.sum())))
        )
        cache[t] = value
        return value

    # the maximum, by golden-section search around the Poisson MLE
    t_hat = float(chosen.fit.beta[0])
    lo_t, hi_t = t_hat - 1.0, t_hat + 1.0
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    for _ in range(40):
        a_t = hi_t - ratio * (hi_t - lo_t)
        b_t = lo_t + ratio * (hi_t - lo_t)
        if profile(a_t) >= profile(b_t):
            hi_t = b_t
        else:
            lo_t = a_t
    t_max = (lo_t + hi_t) / 2.0
    target = max(profile(t_max), profile(t_hat)) - CHI2_95 / 2.0

    def bound(direction: float, limit: float) -> float:
        step = 0.05
        inside = t_max
        while True:
            t = t_max + direction * step
            if (direction > 0 and t > limit) or (direction < 0 and t < limit):
                return math.inf * direction
            if profile(t) < target:
                break
            inside = t
            step *= 2.0
        outside = t
        for _ in range(60):
            mid = (inside + outside) / 2.0
            if profile(mid) >= target:
                inside = mid
            else:
                outside = mid
            if abs(outside - inside) < 1e-6:
                break
        return (inside + outside) / 2.0

    upper_t = bound(1.0, math.log(max(n, 1) * 1e4))
    lower_t = bound(-1.0, math.log(1e-6))
    lower = 0.0 if math.isinf(lower_t) else math.exp(lower_t)
    upper = math.inf if math.isinf(upper_t) else math.exp(upper_t)
    return lower, upper


def _describe(table: OverlapTable, pairs: tuple[Pair, ...]) -> list[str]:
    return [f"{table.lists[a]}*{table.lists[b]}" for a, b in pairs]


def loglinear_estimate(table: OverlapTable, criterion: str = "aic") -> Estimate:
    """Estimate the total with the selected log-linear model and its profile interval."""
    n = table.observed
    chosen, tried, search = select_model(table, criterion)
    est = Estimate(
        method="loglinear",
        observed=n,
        median=None,
        lower=None,
        upper=None,
        point="maximum likelihood",
    )
    est.settings = {"criterion": criterion, "search": search, "interval": "profile likelihood"}
    if chosen is None:
        est.not_identified("no_finite_model")
        return est
    lo, hi = profile_interval(table, chosen)
    n0 = chosen.unobserved
    est.median, est.lower, est.upper = n + n0, n + lo, n + hi
    if not lo <= n0 <= hi:  # the profile's grid and the Poisson MLE can differ by rounding
        est.lower, est.upper = min(est.lower, est.median), max(est.upper, est.median)
    df = len(table.counts) - chosen.n_params
    deviance = 2.0 * float(
        np.sum(
            np.where(
                table.counts > 0,
                table.counts * np.log(np.maximum(table.counts, 1) / chosen.fit.fitted),
                0.0,
            )
        )
        - np.sum(table.counts - chosen.fit.fitted)
    )
    est.model = {
        "interactions": _describe(table, chosen.pairs),
        "parameters": chosen.n_params,
        "cells": len(table.counts),
        "residual_df": df,
        "deviance": deviance,
        criterion: chosen.score(criterion),
        "models_tried": len(tried),
    }
    best = chosen.score(criterion)
    close = sorted(
        (m for m in tried if m.fit.ok and m.score(criterion) - best <= COMPETING_DELTA),
        key=lambda m: m.score(criterion),
    )
    est.model["competing"] = [
        {
            "interactions": _describe(table, m.pairs),
            "delta": m.score(criterion) - best,
            "estimate": n + m.unobserved,
        }
        for m in close[:6]
    ]
    totals = [n + m.unobserved for m in close]
    if max(totals) > COMPETING_RATIO * min(totals):
        est.warn(
            "model_choice",
            delta=COMPETING_DELTA,
            criterion=criterion.upper(),
            low=float(min(totals)),
            high=float(max(totals)),
        )
    if df <= 0:
        est.warn("saturated")
    elif df == 1:
        est.warn("nearly_saturated")
    if int((table.counts > 0).sum()) <= chosen.n_params:
        est.warn(
            "sparse_table", cells=int((table.counts > 0).sum()), parameters=int(chosen.n_params)
        )
    if math.isinf(hi):
        est.not_identified("no_upper_bound")
    elif runaway_upper(n, est.median, est.upper):
        est.not_identified(
            "unstable", upper=float(est.upper), median=float(est.median), observed=int(n)
        )
    return est
