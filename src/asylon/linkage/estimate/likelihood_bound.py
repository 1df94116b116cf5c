"""Whether the data, and not the prior, bound the total: a two-class profile likelihood.

LCMCR's interval is a posterior's. Where the likelihood of the total N is flat above some
value, the prior (1/N on N, the stick-breaking prior on the latent classes) closes the interval
there, and a narrow interval can exclude the truth. A large group that every list records
rarely is the usual cause: its members are mostly seen on one list each, and the table cannot
tell many of them recorded rarely from fewer recorded more often (Bishop, Fienberg & Holland
1975, *Discrete Multivariate Analysis*, ch. 6, on heterogeneous capture; Chan, Silverman &
Vincent 2021, *JASA* 116(535), on sparse tables; Manrique-Vallier 2016, *Biometrics* 72(4),
section 5). In the simulation study's sparse five- and six-list designs and its heterogeneous
one, the posterior's 95% interval missed the true total in most replicates.

The check fits the simplest model in which such a group can hide: two latent classes, the
lists independent within each (Goodman 1974, *Biometrika* 61(2); the two-class case of
LCMCR's own model), by maximum likelihood with EM (Dempster, Laird & Rubin 1977), with N free
and then held at each of a grid of totals, from the observed up to the total that
:func:`~.identifiability.runaway_upper` calls runaway (the observed plus ``TAIL_RATIO_MAX``
times the median's unobserved). The grid is walked up and then down, each fit starting where
its neighbour stopped as well as from fresh starts, so that no point of the profile rests on a
local maximum its neighbours escaped. The profile-likelihood interval is where the profile is
within chi-square(1, 0.95) / 2 of its maximum (Cormack 1992, *Biometrics* 48(2), as the
log-linear estimator's interval).

Above the maximum the chi-square calibration cannot be trusted. Where a group is rarely
recorded, more people can always hide in it at a small cost in likelihood, so the profile falls
a little and then flattens: the total sits on the edge of what the model can tell, where the
likelihood-ratio statistic is not chi-square distributed (the same failure as in testing the
number of components of a mixture; McLachlan 1987, *Applied Statistics* 36(3)). In the
simulation study's sparse designs the chi-square interval, of the true two-class model, often
stopped short of the truth. So the upper end is calibrated by a parametric bootstrap
(McLachlan 1987) at the runaway total, run as a Monte Carlo test (Hope 1968, *JRSS B* 30(3)):
``SIMULATIONS`` (199) tables are drawn from the two-class fit held at that total, and each is
fitted free and held there. The data exclude the runaway total at the 5% level only when their
drop in log-likelihood there exceeds the tenth largest of the simulated tables' drops (at most
nine of 199 reach it: p = (1 + 9) / 200) and chi-square(1, 0.95) / 2. That threshold, where
it is above chi-square's, also sets the interval's upper end; the simulation is not repeated
at every total. Simulating stops once ten tables reach the data's drop: the answer is then
already no. A drop beyond ``SIMULATION_NOT_NEEDED`` (20) is taken as excluding the runaway
total without simulating: the simulated thresholds in the study's designs and on the shipped
tables stayed under 6, and simulating a dense 8-list table would take longer than the
estimate's target of 10 seconds. The seed makes the simulation, and so the verdict,
repeatable.

* If the profile is still within that distance at the runaway total, the data do not exclude
  that many people: the upper end of the posterior's interval is the prior's, and the estimate
  is reported as not identified, with its lower end as what the data do say (a lower bound).
* Otherwise, where the profile interval reaches beyond the posterior's, the reported interval
  is widened to cover both, and a warning gives the posterior's own interval.

A check, not a second estimator: the point estimate stays the posterior median. It can show
that the data do not bound the total; it cannot show that they do, since a model with more
classes can always hide more people than two classes can.

With three lists a two-class model has more parameters (seven, and N) than the table has cells
(seven): it cannot be fitted and the check is not made. A three-list estimate rests on its
model's assumptions whatever the data; the method statement says so.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from numba import njit

from .identifiability import TAIL_RATIO_MAX
from .loglinear import CHI2_95
from .overlap import OverlapTable, all_patterns

CHECK_VERSION = 2  # 1: both ends by chi-square; 2: the upper end calibrated by simulation.
# An estimate kept with another version is computed again.
MIN_LISTS = 4  # fewer: the two-class model has no fewer parameters than the table has cells
FREE_STARTS = 12  # EM starts for the fit with N free
CHI2_DROP = CHI2_95 / 2.0  # the drop from the maximum at the ends of a chi-square interval
POINT_STARTS = 2  # fresh starts at each grid point on the way up, besides its neighbour's fit
# and the free fit's maximum
GRID = 20  # totals on the grid between the observed and the runaway total
BISECTIONS = 10  # steps refining each end of the interval between two grid points
MAX_ITERATIONS = 5_000
TOLERANCE = 1e-6  # change in log-likelihood over 10 iterations at which EM stops
_CLIP = 1e-9
_N_CAP = 1e4  # the free fit stops growing the unobserved beyond this many times the observed
SIMULATIONS = 199  # tables of the Monte Carlo test at the runaway total
_BEYOND = round(0.05 * (SIMULATIONS + 1)) - 1  # simulated drops at or above the data's that
# a test at the 5% level allows: (1 + 9) / (199 + 1) = 0.05
SIMULATION_NOT_NEEDED = 20.0  # drops at the runaway total beyond this are not simulated
SIMULATION_TOLERANCE = 1e-4  # EM's stopping rule for simulated tables (drops to 0.001)

FloatArray = npt.NDArray[np.float64]
_Start = tuple[FloatArray, FloatArray]  # capture probabilities (lists x classes), class weights
_Fit = tuple[float, float, FloatArray, FloatArray]  # log-likelihood, N, where EM stopped


@dataclass(frozen=True)
class Bounds:
    """What the two-class profile likelihood says of the total.

    ``made`` is false when the check was not made (too few lists); ``lower`` and ``upper`` are
    the ends of the profile-likelihood interval (``upper`` infinite when the profile does not
    fall far enough by ``limit``, the runaway total tested).
    """

    made: bool
    limit: float
    lower: float
    upper: float
    mle: float  # the two-class maximum-likelihood total (infinite: it grows without end)
    drop_at_limit: float  # maximum log-likelihood less the profile at ``limit``
    # the Monte Carlo test at ``limit``: tables simulated, and the threshold they set
    simulated: int = 0
    simulated_threshold: float = math.nan

    @property
    def threshold(self) -> float:
        """The drop from the maximum that ends the interval below: chi-square's."""
        return CHI2_DROP

    @property
    def threshold_upper(self) -> float:
        """The drop that ends it above: chi-square's, or the simulated if larger."""
        simulated = self.simulated_threshold
        return max(self.threshold, simulated) if math.isfinite(simulated) else self.threshold

    @property
    def bounded_above(self) -> bool:
        return not self.made or math.isfinite(self.upper)

    def as_dict(self) -> dict[str, object]:
        def num(v: float) -> float | None:
            return round(v, 1) if math.isfinite(v) else None

        return {
            "made": self.made,
            "model": "two latent classes, maximum likelihood",
            "limit": num(self.limit),
            "lower": num(self.lower),
            "upper": num(self.upper),
            "mle": num(self.mle),
            "drop_at_limit": round(self.drop_at_limit, 3)
            if math.isfinite(self.drop_at_limit)
            else None,
            "threshold": round(self.threshold, 3),
            "threshold_upper": round(self.threshold_upper, 3),
            "simulated": self.simulated,
            "simulated_threshold": round(self.simulated_threshold, 3)
            if math.isfinite(self.simulated_threshold)
            else None,
        }


@njit(cache=True, nogil=True)
def _class_logs(
    x: FloatArray, lam: FloatArray, pi: FloatArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """log P(cell i, class c) into ``out`` (cells x classes)."""
    m, j = x.shape
    for i in range(m):
        for c in range(lam.shape[1]):
            s = math.log(pi[c])
            for li in range(j):
                s += math.log(lam[li, c]) if x[i, li] > 0.5 else math.log1p(-lam[li, c])
            out[i, c] = s


@njit(cache=True, nogil=True)
def _unseen(lam: FloatArray, pi: FloatArray, out: FloatArray) -> float:  # pragma: no cover
    """P(class c, on no list) into ``out``; returns their sum, P(on no list)."""
    p0 = 0.0
    for c in range(lam.shape[1]):
        s = 0.0
        for li in range(lam.shape[0]):
            s += math.log1p(-lam[li, c])
        out[c] = pi[c] * math.exp(s)
        p0 += out[c]
    return p0


@njit(cache=True, nogil=True)
def _loglik(
    x: FloatArray, f: FloatArray, lam: FloatArray, pi: FloatArray, total: float
) -> float:  # pragma: no cover - compiled
    """Multinomial log-likelihood of the observed cells and the unobserved one for total N
    (the constant in the observed counts left out)."""
    k = lam.shape[1]
    logs = np.empty((x.shape[0], k))
    _class_logs(x, lam, pi, logs)
    ll = 0.0
    for i in range(x.shape[0]):
        top = logs[i].max()
        acc = 0.0
        for c in range(k):
            acc += math.exp(logs[i, c] - top)
        ll += f[i] * (top + math.log(acc))
    p0 = _unseen(lam, pi, np.empty(k))
    n0 = total - f.sum()
    if n0 > 0:
        ll += n0 * math.log(max(p0, 1e-300))
    return ll + math.lgamma(total + 1.0) - math.lgamma(n0 + 1.0)


@njit(cache=True, nogil=True)
def _fit(
    x: FloatArray,
    f: FloatArray,
    lam0: FloatArray,
    pi0: FloatArray,
    total: float,
    tolerance: float = TOLERANCE,
) -> tuple[float, float, FloatArray, FloatArray]:  # pragma: no cover - compiled
    """EM for the latent-class model from ``lam0``/``pi0``: N held at ``total``, or free when
    ``total`` is not positive, until the log-likelihood gains less than ``tolerance`` in ten
    iterations. Returns the log-likelihood, N, and the capture probabilities and class
    weights it stopped at."""
    m, j = x.shape
    k = lam0.shape[1]
    n = f.sum()
    lam = lam0.copy()
    pi = pi0.copy()
    w = np.empty((m, k))
    p0k = np.empty(k)
    nk = np.empty(k)
    ones = np.empty((j, k))
    tot = total if total > 0 else n
    last = -np.inf
    for it in range(MAX_ITERATIONS):
        _class_logs(x, lam, pi, w)
        for i in range(m):  # the E step: P(class | cell)
            top = w[i].max()
            acc = 0.0
            for c in range(k):
                w[i, c] = math.exp(w[i, c] - top)
                acc += w[i, c]
            for c in range(k):
                w[i, c] /= acc
        p0 = _unseen(lam, pi, p0k)
        if total > 0:
            n0 = total - n
        else:
            n0 = min(n * p0 / max(1.0 - p0, _CLIP), _N_CAP * n)
            tot = n + n0
        ones[:, :] = 0.0
        for c in range(k):
            nk[c] = n0 * p0k[c] / max(p0, 1e-300)
        for i in range(m):
            for c in range(k):
                fw = f[i] * w[i, c]
                nk[c] += fw
                for li in range(j):
                    if x[i, li] > 0.5:
                        ones[li, c] += fw
        weight = 0.0
        for c in range(k):
            for li in range(j):
                lam[li, c] = min(max(ones[li, c] / max(nk[c], _CLIP), _CLIP), 1.0 - _CLIP)
            pi[c] = max(nk[c], _CLIP)
            weight += pi[c]
        for c in range(k):
            pi[c] /= weight
        if it % 10 == 9:
            now = _loglik(x, f, lam, pi, tot)
            if abs(now - last) < tolerance:
                break
            last = now
    return _loglik(x, f, lam, pi, tot), tot, lam, pi


class _Profile:
    """The two-class fits of one table, its cells ``x`` with counts ``f``: free, and at held
    totals (warm-started).

    With a ``pool``, the fits from a set of starts run side by side (the compiled fit releases
    the GIL); the starts are drawn first and the fits compared in the same order either way,
    so the pool changes the time and not the result."""

    def __init__(
        self,
        x: FloatArray,
        f: FloatArray,
        rng: np.random.Generator,
        tolerance: float = TOLERANCE,
        pool: Executor | None = None,
    ) -> None:
        self.x, self.f, self.rng, self.tolerance, self.pool = x, f, rng, tolerance, pool
        share = np.clip(x.T @ f / f.sum(), 0.02, 0.9)
        # a group recorded as often as the lists' shares say, and one recorded rarely
        self.guided = [
            np.column_stack([share, share * 0.2]),
            np.clip(np.column_stack([share * 1.5, share * 0.5]), 0.01, 0.95),
        ]
        self.best = (-math.inf, math.nan, self.guided[0], np.full(2, 0.5))

    @classmethod
    def of(cls, table: OverlapTable, seed: int, pool: Executor | None = None) -> _Profile:
        keep = table.counts > 0
        return cls(
            np.ascontiguousarray(table.patterns[keep], dtype=np.float64),
            np.ascontiguousarray(table.counts[keep], dtype=np.float64),
            np.random.default_rng(seed),
            pool=pool,
        )

    def _fits(self, starts: Iterable[_Start], total: float) -> Iterator[_Fit]:
        """The fits from ``starts`` at ``total`` (free if not positive), in their order."""

        def fit(start: _Start) -> _Fit:
            return _fit(self.x, self.f, start[0], start[1], total, self.tolerance)

        return self.pool.map(fit, starts) if self.pool is not None else map(fit, starts)

    def _fresh(self, count: int) -> list[FloatArray]:
        return [self.rng.uniform(0.01, 0.5, size=(self.x.shape[1], 2)) for _ in range(count)]

    def free(
        self,
        fresh: int | None = None,
        also: tuple[tuple[FloatArray, FloatArray], ...] = (),
        guided: bool = True,
    ) -> None:
        """Fit with N free from ``also``, the guided starts and ``fresh`` random ones."""
        half = np.full(2, 0.5)
        if fresh is None:  # as many as make ``FREE_STARTS`` with the guided ones
            fresh = FREE_STARTS - len(self.guided)
        lams = (self.guided if guided else []) + self._fresh(fresh)
        for fit in self._fits([*also, *((lam, half) for lam in lams)], -1.0):
            self._keep(fit)

    def held(
        self, total: float, warm: tuple[FloatArray, FloatArray] | None, fresh: bool = False
    ) -> tuple[float, tuple[FloatArray, FloatArray]]:
        """The profile log-likelihood at ``total`` and where its best fit stopped, from the
        free fit's maximum, from ``warm`` and, if ``fresh``, from new random starts."""
        starts = [(lam, np.full(2, 0.5)) for lam in self._fresh(POINT_STARTS if fresh else 0)]
        starts.append((self.best[2], self.best[3]))
        if warm is not None:
            starts.append(warm)
        best: tuple[float, tuple[FloatArray, FloatArray]] = (-math.inf, starts[0])
        for ll, _, lam_end, pi_end in self._fits(starts, total):
            if ll > best[0]:
                best = (ll, (lam_end, pi_end))
        return best

    def _keep(self, fit: tuple[float, float, FloatArray, FloatArray]) -> None:
        if fit[0] > self.best[0]:
            self.best = fit


def _workers() -> int:
    """Threads for fits side by side: the compiled fit releases the GIL."""
    return min(os.cpu_count() or 1, 4)


def _pattern_probs(lam: FloatArray, pi: FloatArray) -> FloatArray:
    """P(each capture pattern) under the latent-class model, the all-zero pattern first."""
    n_lists = lam.shape[0]
    pats = np.vstack([np.zeros((1, n_lists)), all_patterns(n_lists)]).astype(np.float64)
    logs = np.empty((pats.shape[0], lam.shape[1]))
    _class_logs(pats, lam, pi, logs)
    probs = np.exp(logs).sum(axis=1)
    return np.asarray(probs / probs.sum(), dtype=np.float64)


def _simulate(
    data: _Profile, total: float, at: tuple[FloatArray, FloatArray], drop: float, seed: int
) -> tuple[int, float]:
    """The Monte Carlo test of ``total`` (see the module docstring): tables drawn from the fit
    ``at`` that total, each fitted free and held there. Returns how many were simulated and
    the threshold they set, the ``_BEYOND + 1``-th largest of their drops; it stops as soon
    as that many reach the data's ``drop``, since the data then cannot exclude ``total``."""
    people = round(total)
    probs = _pattern_probs(*at)
    pats = all_patterns(at[0].shape[0]).astype(np.float64)
    data_free = (data.best[2], data.best[3])

    def one(sequence: np.random.SeedSequence) -> float:
        rng = np.random.default_rng(sequence)
        cells = rng.multinomial(people, probs)[1:]
        keep = cells > 0
        if not keep.any():
            return 0.0
        x = np.ascontiguousarray(pats[keep])
        sim = _Profile(x, cells[keep].astype(np.float64), rng, SIMULATION_TOLERANCE)
        sim.free(0, also=(at, data_free), guided=False)
        held, _ = sim.held(float(people), at)
        return max(sim.best[0], held) - held

    sequences = np.random.SeedSequence([seed, people]).spawn(SIMULATIONS)
    workers = _workers()
    drops: list[float] = []
    with ThreadPoolExecutor(workers) as pool:
        for first in range(0, SIMULATIONS, 4 * workers):
            drops.extend(pool.map(one, sequences[first : first + 4 * workers]))
            if sum(d >= drop for d in drops) > _BEYOND:
                break
    return len(drops), sorted(drops, reverse=True)[min(_BEYOND, len(drops) - 1)]


def check(table: OverlapTable, median: float, seed: int = 0) -> Bounds:
    """The two-class profile-likelihood interval of ``table``'s total, up to the total that
    :func:`~.identifiability.runaway_upper` would call runaway for ``median``, its upper end
    calibrated by simulation (see the module docstring)."""
    observed = float(table.observed)
    unobserved = max(median - observed, 1.0, 0.05 * observed)
    limit = observed + TAIL_RATIO_MAX * unobserved
    if table.n_lists < MIN_LISTS or table.observed == 0:
        return Bounds(False, limit, math.nan, math.nan, math.nan, math.nan)
    with ThreadPoolExecutor(_workers()) as pool:
        return _profile_bounds(_Profile.of(table, seed, pool), observed, limit, seed)


def _profile_bounds(prof: _Profile, observed: float, limit: float, seed: int) -> Bounds:
    """The rest of :func:`check`, on the fits of ``prof``."""
    prof.free()
    grid = observed + np.geomspace(max(1.0, 0.001 * observed), limit - observed, GRID)
    mle = prof.best[1] if prof.best[1] < observed * (1.0 + _N_CAP) else math.inf
    if mle > limit:  # the data favour more people than the runaway total
        return Bounds(True, limit, math.nan, math.inf, mle, math.nan)
    grid = np.unique(np.append(grid, max(mle, grid[0])))
    size = grid.size
    values = np.full(size, -math.inf)
    ends: list[tuple[FloatArray, FloatArray] | None] = [None] * size
    for order, fresh in ((range(size), True), (range(size - 1, -1, -1), False)):
        warm: tuple[FloatArray, FloatArray] | None = None
        for i in order:
            ll, end = prof.held(float(grid[i]), warm, fresh)
            if ll > values[i]:
                values[i], ends[i] = ll, end
            warm = ends[i]
    top = max(prof.best[0], float(values.max()))
    drop = float(top - values[-1])
    simulated, calibrated = 0, math.nan
    at_limit = ends[-1]
    if CHI2_DROP < drop <= SIMULATION_NOT_NEEDED and at_limit is not None:
        simulated, calibrated = _simulate(prof, float(grid[-1]), at_limit, drop, seed)
    made = Bounds(True, limit, math.nan, math.nan, mle, drop, simulated, calibrated)

    def edge(below: int, above: int, threshold: float) -> float:
        """Where the profile crosses ``threshold`` between grid points ``below`` it and
        ``above`` it: the last total found above."""
        out, into = float(grid[below]), float(grid[above])
        warm = ends[above]
        for _ in range(BISECTIONS):
            mid = math.sqrt((out - observed) * (into - observed)) + observed
            ll, end = prof.held(mid, warm)
            if ll >= threshold:
                into, warm = mid, end
            else:
                out = mid
        return into

    # the interval below the maximum is chi-square's, above it the calibrated one's; both
    # contain the maximum, a grid point
    first = int(np.flatnonzero(values >= top - made.threshold)[0])
    last = int(np.flatnonzero(values >= top - made.threshold_upper)[-1])
    lower = observed if first == 0 else edge(first - 1, first, top - made.threshold)
    upper = math.inf if last == size - 1 else edge(last + 1, last, top - made.threshold_upper)
    return replace(made, lower=lower, upper=upper)
