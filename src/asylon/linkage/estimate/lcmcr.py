"""Bayesian non-parametric latent-class capture-recapture (LCMCR): the posterior of the total.

Model (Manrique-Vallier 2016, "Bayesian population size estimation using Dirichlet process
mixtures", *Biometrics* 72(4):1246-1254, section 2-3), for N people and J lists:

    x_ij | z_i = k  ~ Bernoulli(lambda_jk)        independent lists *within* a latent class
    z_i             ~ Categorical(nu)             nu ~ stick-breaking SB_K(alpha), truncated at K
    lambda_jk       ~ Beta(1, 1)
    alpha           ~ Gamma(a=0.25, b=0.25)       (shape, rate)
    p(N)            ∝ 1/N                         (improper, N >= n)

Heterogeneity in capture and dependence between lists are both represented by the mixture.
The priors and the truncation default (K = 10 in the package example) are those of the R
package LCMCR 0.4.14 (``lcmCR(K, a_alpha = 0.25, b_alpha = 0.25)``).

Gibbs sampler with data augmentation (paper, section 3; the full conditionals of the R
package's ``CNPLCM_CR_Basic_Freq::Update``), working on cell counts rather than individuals:

1. class counts of the observed people in each capture pattern: Multinomial(n_x, p(z | x));
2. the sticks V_k ~ Beta(1 + n_k, alpha + sum_{l>k} n_l) (unobserved people included),
   drawn through log-gamma variates so that tiny alpha does not underflow;
3. lambda_jk ~ Beta(1 + #(z=k, x_j=1), 1 + #(z=k, x_j=0)), the unobserved people included;
4. n0 = N - n ~ NegativeBinomial(n, 1 - pi_0) with pi_0 = sum_k nu_k prod_j (1 - lambda_jk),
   the number of failures before n successes (this is what the 1/N prior gives);
5. the classes of the n0 unobserved people: Multinomial(n0, p(z | x = 0));
6. alpha ~ Gamma(a + K - 1, b - log nu_K).

Steps 2 and 3 are independent given the classes, so their order does not matter (R draws
lambda first). Steps 3-5 can be repeated ``inner`` times per sweep (default 1, as in R): each
is an exact conditional draw, and the repetition speeds up the slow lambda/n0 exchange.
Starting values follow the R package (see :func:`_start`).

Several chains run from dispersed starting points, each compiled (:mod:`.lcmcr_chain`, Numba)
with its own random generator and all at once on threads; R-hat and the effective sample size
of N come from :mod:`.diagnostics`. Chains that disagree (R-hat of N above 1.1) go on from
where they stopped, up to ``extend`` times, each time keeping as many draws twice as far apart
(the draws before serve as burn-in, as in Gelman et al. 2013, *Bayesian Data Analysis*,
section 11.4); only chains that still disagree make the estimate "not identified".

With four lists or more the posterior's interval is then checked by a two-class profile
likelihood (:mod:`.likelihood_bound`, :func:`apply_bounds`): the estimate is not identified
when the data do not bound the total from above (the interval's upper end would be the
prior's), and its interval is widened where the profile's reaches beyond it.
``bound_check=False`` gives the posterior alone, as R's LCMCR reports it.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .diagnostics import effective_sample_size, quantiles, split_rhat
from .identifiability import runaway_upper
from .likelihood_bound import Bounds
from .likelihood_bound import check as check_bounds
from .overlap import OverlapTable
from .result import Estimate

RHAT_MAX = 1.1
ESS_MIN = 100.0
WARM_UP = 500  # iterations with alpha fixed, before the burn-in proper (as the R package)


@dataclass(frozen=True)
class LcmcrSettings:
    """Sampler settings. ``samples`` are kept draws *per chain*, one every ``thin`` iterations."""

    K: int = 10
    a_alpha: float = 0.25
    b_alpha: float = 0.25
    burn_in: int = 2_000
    samples: int = 1_000
    thin: int = 20
    chains: int = 4
    seed: int = 1
    inner: int = 1
    extend: int = 2  # chains that disagree go on, each time twice as long, at most this often
    bound_check: bool = True  # the two-class profile likelihood checks the interval's ends

    def check(self) -> None:
        if self.K < 1 or self.chains < 1 or self.samples < 1 or self.thin < 1:
            raise ValueError("K, chains, samples and thin must be at least 1")
        if self.extend < 0:
            raise ValueError("extend must be 0 or more")
        if self.burn_in < 0 or self.a_alpha <= 0 or self.b_alpha <= 0:
            raise ValueError("burn-in must be >= 0 and the alpha prior parameters > 0")


@dataclass(frozen=True)
class LcmcrDraws:
    """Posterior draws, each shaped (chains, samples)."""

    total: npt.NDArray[np.int64]
    alpha: npt.NDArray[np.float64]
    occupied: npt.NDArray[np.int64]  # number of latent classes with at least one person


def sample_lcmcr(table: OverlapTable, settings: LcmcrSettings) -> LcmcrDraws:
    """Run the Gibbs sampler; deterministic for a given ``settings.seed``."""
    return Chains(table, settings).run()


_State = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], float, int]


class Chains:
    """The chains of one estimate, which can go on from where they stopped.

    Each chain draws from its own generator (``SeedSequence(seed).spawn``) and runs compiled
    (:mod:`.lcmcr_chain`), the chains side by side on threads: the same seed gives the same
    draws whatever the number of cores.
    """

    def __init__(self, table: OverlapTable, settings: LcmcrSettings) -> None:
        settings.check()
        keep = table.counts > 0
        self.x = np.ascontiguousarray(table.patterns[keep], dtype=np.float64)  # (M, J)
        self.freq = np.ascontiguousarray(table.counts[keep], dtype=np.int64)
        if int(self.freq.sum()) == 0:
            raise ValueError("the table records nobody")
        self.settings = settings
        self.rngs = [
            np.random.default_rng(s)
            for s in np.random.SeedSequence(settings.seed).spawn(settings.chains)
        ]
        self.states: list[_State] = [_start(r, self.x, self.freq, settings.K) for r in self.rngs]
        self.started = False

    def run(self, thin: int | None = None) -> LcmcrDraws:
        """``settings.samples`` draws per chain, one every ``thin`` iterations (default the
        settings'): after the warm-up and burn-in on the first run, straight on afterwards."""
        from .lcmcr_chain import run_chain  # Numba and LLVM load only when a chain runs

        s = self.settings
        warm_up, burn_in = (0, 0) if self.started else (WARM_UP, WARM_UP + s.burn_in)

        def chain(i: int) -> tuple[Any, ...]:
            lam, log_nu, alpha, n0 = self.states[i]
            return tuple(
                run_chain(
                    self.rngs[i],
                    self.x,
                    self.freq,
                    lam,
                    log_nu,
                    alpha,
                    n0,
                    s.a_alpha,
                    s.b_alpha,
                    warm_up,
                    burn_in,
                    s.samples,
                    thin or s.thin,
                    s.inner,
                )
            )

        with ThreadPoolExecutor(max_workers=min(s.chains, os.cpu_count() or 1)) as pool:
            runs = list(pool.map(chain, range(s.chains)))
        self.states = [(r[3], r[4], float(r[5]), int(r[6])) for r in runs]
        self.started = True
        return LcmcrDraws(
            np.stack([r[0] for r in runs]),
            np.stack([r[1] for r in runs]),
            np.stack([r[2] for r in runs]),
        )


def _start(
    rng: np.random.Generator,
    x: npt.NDArray[np.float64],
    freq: npt.NDArray[np.int64],
    n_classes: int,
) -> _State:
    """A chain's start, as in the R package (class weights concentrated on four classes, every
    class at the lists' marginal capture shares, alpha = 0.3 / K held fixed for a warm-up of
    ``WARM_UP`` iterations, then classes ordered by weight), made dispersed across chains by
    jittering the shares and drawing the number unobserved between 0.2 n and 3 n."""
    n = int(freq.sum())
    share = np.clip(x.T @ freq / n, 0.02, 0.98)
    jitter = np.exp(rng.normal(0.0, 0.3, size=(share.size, 1)))
    lam = np.ascontiguousarray(
        np.broadcast_to(np.clip(share[:, None] * jitter, 0.01, 0.99), (share.size, n_classes))
    )
    log_nu = np.log(_start_weights(n_classes))
    n0 = int(np.floor(n * rng.uniform(0.2, 3.0)))
    return lam, log_nu, 0.3 / n_classes, n0


def _start_weights(n_classes: int) -> npt.NDArray[np.float64]:
    if n_classes < 5:
        return np.full(n_classes, 1.0 / n_classes)
    weights = np.full(n_classes, 0.1 / (n_classes - 4))
    weights[:4] = 0.9 / 4
    return weights


def summarise_draws(draws: npt.NDArray[np.int64], observed: int, method: str = "lcmcr") -> Estimate:
    """Posterior median and central 95% interval of N, with R-hat and ESS and their verdicts."""
    median, lower, upper = quantiles(draws, (0.5, 0.025, 0.975))
    rhat = split_rhat(draws) if draws.shape[0] > 1 else math.nan
    ess = effective_sample_size(draws)
    est = Estimate(
        method=method,
        observed=observed,
        median=float(round(median)),
        lower=float(math.floor(lower)),
        upper=float(math.ceil(upper)),
        point="posterior median",
        diagnostics={
            "rhat": rhat,
            "ess": ess,
            "chains": int(draws.shape[0]),
            "draws": int(draws.size),
            "mean": float(draws.mean()),
            "sd": float(draws.std(ddof=1)) if draws.size > 1 else 0.0,
        },
    )
    if math.isfinite(rhat) and rhat > RHAT_MAX:
        est.not_identified("chains_disagree", rhat=float(rhat), rhat_max=RHAT_MAX)
    if runaway_upper(observed, median, upper):
        est.not_identified(
            "no_concentration", upper=float(upper), median=float(median), observed=int(observed)
        )
    if ess < ESS_MIN:
        est.warn("few_draws", ess=float(ess), ess_min=float(ESS_MIN))
    return est


def _disagree(total: npt.NDArray[np.int64]) -> bool:
    """Whether the chains have not converged on N (split R-hat above :data:`RHAT_MAX`)."""
    if total.shape[0] < 2:
        return False
    rhat = split_rhat(total)
    return bool(math.isfinite(rhat) and rhat > RHAT_MAX)


def lcmcr_estimate(table: OverlapTable, settings: LcmcrSettings | None = None) -> Estimate:
    """Estimate the total of ``table`` with LCMCR; see the module docstring for the model."""
    settings = settings or LcmcrSettings()
    chains = Chains(table, settings)
    draws = chains.run()
    thin, extended = settings.thin, 0
    while extended < settings.extend and _disagree(draws.total):
        # go on from where the chains stopped, twice as long between kept draws; what came
        # before becomes burn-in (the kept draws stay ``samples`` per chain, so strata still
        # add up draw by draw)
        thin *= 2
        draws = chains.run(thin)
        extended += 1
    est = summarise_draws(draws.total, table.observed)
    est.draws = draws.total
    est.diagnostics["extended"] = extended
    est.diagnostics["thin_used"] = thin
    if extended:
        if extended == 1:
            est.warn("went_on_once", rhat_max=RHAT_MAX, thin=thin)
        else:
            est.warn("went_on", rhat_max=RHAT_MAX, runs=extended, thin=thin)
    occupied = draws.occupied
    est.diagnostics["occupied_classes_mean"] = float(occupied.mean())
    est.diagnostics["alpha_median"] = float(np.median(draws.alpha))
    if float((occupied >= settings.K).mean()) > 0.5:
        est.warn("classes_full", K=settings.K)
    if table.n_lists < 3:
        est.warn("two_lists")
    if settings.bound_check and est.identified:
        apply_bounds(est, check_bounds(table, float(est.median or 0.0), settings.seed))
    est.settings = {**asdict(settings), "prior_lambda": "Beta(1, 1)", "prior_N": "1/N"}
    return est


def apply_bounds(est: Estimate, bounds: Bounds) -> None:
    """What the two-class profile likelihood (:mod:`.likelihood_bound`) makes of a posterior
    interval: not identified when the data do not bound the total from above, widened where
    the profile interval reaches beyond it. The posterior's own interval stays in the
    diagnostics."""
    est.diagnostics["two_class_profile"] = bounds.as_dict()
    if not bounds.made or est.lower is None or est.upper is None:
        return
    est.diagnostics["posterior_interval"] = [est.lower, est.upper]
    lower = est.lower
    if math.isfinite(bounds.lower):
        lower = float(math.floor(min(est.lower, bounds.lower)))
    if not bounds.bounded_above:
        est.lower = lower
        est.not_identified("prior_closes_upper", lower=lower)
        return
    upper = float(math.ceil(max(est.upper, bounds.upper)))
    if lower < est.lower or upper > est.upper:
        est.warn(
            "widened",
            lower=lower,
            upper=upper,
            posterior_lower=est.lower,
            posterior_upper=est.upper,
        )
        est.lower, est.upper = lower, upper
