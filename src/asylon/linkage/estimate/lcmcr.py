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
Starting values follow the R package (see :func:`sample_lcmcr`).

Several chains run side by side in one vectorised NumPy loop from dispersed starting points;
R-hat and the effective sample size of N come from :mod:`.diagnostics`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from .diagnostics import effective_sample_size, quantiles, split_rhat
from .identifiability import runaway_upper
from .overlap import OverlapTable
from .result import Estimate

RHAT_MAX = 1.1
ESS_MIN = 100.0
_TINY = 1e-12
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

    def check(self) -> None:
        if self.K < 1 or self.chains < 1 or self.samples < 1 or self.thin < 1:
            raise ValueError("K, chains, samples and thin must be at least 1")
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
    settings.check()
    keep = table.counts > 0
    x = table.patterns[keep].astype(np.float64)  # (M, J)
    freq = table.counts[keep]
    n = int(freq.sum())
    if n == 0:
        raise ValueError("the table records nobody")
    n_chains, n_classes, n_lists = settings.chains, settings.K, table.n_lists
    rng = np.random.default_rng(settings.seed)

    # Starts as in the R package (class weights concentrated on four classes, every class at
    # the lists' marginal capture shares, alpha = 0.3 / K held fixed for a warm-up of
    # ``WARM_UP`` iterations, then classes ordered by weight), made dispersed across chains by
    # jittering the shares and drawing the number unobserved between 0.2 n and 3 n.
    share = np.clip(x.T @ freq / n, 0.02, 0.98)
    jitter = np.exp(rng.normal(0.0, 0.3, size=(n_chains, n_lists, 1)))
    lam = np.broadcast_to(
        np.clip(share[None, :, None] * jitter, 0.01, 0.99), (n_chains, n_lists, n_classes)
    ).copy()
    log_nu = np.log(np.broadcast_to(_start_weights(n_classes), (n_chains, n_classes))).copy()
    alpha = np.full(n_chains, 0.3 / n_classes)
    n0 = np.floor(n * rng.uniform(0.2, 3.0, size=n_chains)).astype(np.int64)
    count0 = rng.multinomial(n0, _normalise(log_nu + np.log1p(-lam).sum(axis=1)))
    freq_c = np.broadcast_to(freq, (n_chains, freq.size))
    burn_in = WARM_UP + settings.burn_in
    total_draws = burn_in + settings.samples * settings.thin
    out_total = np.empty((n_chains, settings.samples), dtype=np.int64)
    out_alpha = np.empty((n_chains, settings.samples), dtype=np.float64)
    out_occ = np.empty((n_chains, settings.samples), dtype=np.int64)
    kept = 0
    log_lam = np.log(lam)
    log_lam_not = np.log1p(-lam)
    for it in range(total_draws):
        # 1. latent classes of the observed people, cell by cell
        not_seen = log_lam_not.sum(axis=1)  # (C, K): log prod_j (1 - lambda_jk)
        log_p = (log_nu + not_seen)[:, None, :] + x @ (log_lam - log_lam_not)  # (C, M, K)
        counts = rng.multinomial(freq_c, _normalise(log_p))
        n_obs_k = counts.sum(axis=1)
        ones = (x.T @ counts).astype(np.float64)  # (C, J, K)
        # 2. stick-breaking weights given the classes (observed and unobserved people)
        log_nu = _draw_weights(rng, n_obs_k + count0, alpha)
        # 3. capture probabilities, then 4. the number unobserved and 5. their classes;
        # repeated ``settings.inner`` times, since this loop is where the chain is slowest
        for _ in range(settings.inner):
            log_lam, log_lam_not = _draw_capture(rng, ones, n_obs_k + count0)
            n0, count0 = _draw_unobserved(rng, log_nu, log_lam_not, n)
        # 6. concentration of the stick-breaking process
        if it >= WARM_UP:
            alpha = rng.gamma(
                settings.a_alpha + n_classes - 1.0, 1.0 / (settings.b_alpha - log_nu[:, -1])
            )
        elif it == WARM_UP - 1:
            order = np.argsort(-log_nu, axis=1, kind="stable")
            log_nu = np.take_along_axis(log_nu, order, axis=1)
            log_lam = np.take_along_axis(log_lam, order[:, None, :], axis=2)
            log_lam_not = np.take_along_axis(log_lam_not, order[:, None, :], axis=2)
            count0 = np.take_along_axis(count0, order, axis=1)
            n_obs_k = np.take_along_axis(n_obs_k, order, axis=1)
        if it >= burn_in and (it - burn_in) % settings.thin == settings.thin - 1:
            out_total[:, kept] = n + n0
            out_alpha[:, kept] = alpha
            out_occ[:, kept] = ((n_obs_k + count0) > 0).sum(axis=1)
            kept += 1
    return LcmcrDraws(out_total, out_alpha, out_occ)


def _draw_weights(
    rng: np.random.Generator, n_k: npt.NDArray[np.int64], alpha: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """log nu from the truncated stick-breaking posterior: V_k ~ Beta(1 + n_k, alpha + n_>k).

    Beta variates as Ga / (Ga + Gb) on the log scale, with log Gamma(a) drawn as
    log Gamma(a + 1) + log(U) / a so that tiny shapes (alpha near 0) do not underflow.
    """
    above = (n_k.sum(axis=1, keepdims=True) - np.cumsum(n_k, axis=1))[:, :-1]
    shapes = np.concatenate([1.0 + n_k[:, :-1], alpha[:, None] + above], axis=1)
    lg = np.log(rng.standard_gamma(shapes + 1.0)) + np.log(rng.random(shapes.shape)) / shapes
    half = n_k.shape[1] - 1
    lsum = np.logaddexp(lg[:, :half], lg[:, half:])
    log_1mv = lg[:, half:] - lsum
    rest = np.cumsum(log_1mv, axis=1)
    return np.concatenate([lg[:, :half] - lsum + rest - log_1mv, rest[:, -1:]], axis=1)


def _draw_capture(
    rng: np.random.Generator, ones: npt.NDArray[np.float64], n_k: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """log lambda and log(1 - lambda): lambda_jk ~ Beta(1 + ones_jk, 1 + n_k - ones_jk)."""
    g = rng.standard_gamma(np.stack([1.0 + ones, 1.0 + n_k[:, None, :] - ones]))
    lam = np.minimum(np.maximum(g[0] / (g[0] + g[1]), _TINY), 1.0 - _TINY)
    return np.log(lam), np.log1p(-lam)


def _draw_unobserved(
    rng: np.random.Generator,
    log_nu: npt.NDArray[np.float64],
    log_lam_not: npt.NDArray[np.float64],
    n: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """n0 ~ NegBin(n, 1 - pi_0), then the classes of the n0 unobserved ~ Multinomial."""
    log_q0 = log_nu + log_lam_not.sum(axis=1)
    top = log_q0.max(axis=1)
    q0 = np.exp(log_q0 - top[:, None])
    q0_sum = q0.sum(axis=1)
    log_pi0 = np.minimum(top + np.log(q0_sum), 0.0)
    p_seen = np.maximum(-np.expm1(log_pi0), 1e-10)
    n0 = rng.negative_binomial(n, p_seen).astype(np.int64)
    return n0, rng.multinomial(n0, q0 / q0_sum[:, None])


def _start_weights(n_classes: int) -> npt.NDArray[np.float64]:
    if n_classes < 5:
        return np.full(n_classes, 1.0 / n_classes)
    weights = np.full(n_classes, 0.1 / (n_classes - 4))
    weights[:4] = 0.9 / 4
    return weights


def _normalise(log_w: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    w = np.exp(log_w - log_w.max(axis=-1, keepdims=True))
    return np.asarray(w / w.sum(axis=-1, keepdims=True), dtype=np.float64)


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
        est.not_identified(
            f"the chains disagree (R-hat of N = {rhat:.2f} > {RHAT_MAX}): the posterior did not "
            "converge or is multimodal"
        )
    if runaway_upper(observed, median, upper):
        est.not_identified(
            f"the posterior of N does not concentrate: its 97.5% quantile ({upper:,.0f}) is far "
            f"above the median ({median:,.0f}) for {observed:,} observed"
        )
    if ess < ESS_MIN:
        est.warn(f"few effective draws of N (ESS {ess:.0f} < {ESS_MIN:.0f}): run longer chains")
    return est


def lcmcr_estimate(table: OverlapTable, settings: LcmcrSettings | None = None) -> Estimate:
    """Estimate the total of ``table`` with LCMCR; see the module docstring for the model."""
    settings = settings or LcmcrSettings()
    draws = sample_lcmcr(table, settings)
    est = summarise_draws(draws.total, table.observed)
    est.draws = draws.total
    occupied = draws.occupied
    est.diagnostics["occupied_classes_mean"] = float(occupied.mean())
    est.diagnostics["alpha_median"] = float(np.median(draws.alpha))
    if float((occupied >= settings.K).mean()) > 0.5:
        est.warn(f"all K = {settings.K} latent classes are often in use: raise K (--K) and compare")
    if table.n_lists < 3:
        est.warn(
            "with two lists the latent classes are not identified by the data: the estimate leans "
            "on the prior, which favours few classes (close to Lincoln-Petersen's independence)"
        )
    est.settings = {**asdict(settings), "prior_lambda": "Beta(1, 1)", "prior_N": "1/N"}
    return est
