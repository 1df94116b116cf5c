"""One LCMCR Gibbs chain, compiled (Numba): the sweep of :mod:`.lcmcr`, step for step.

The sampler's cost is the classes of the observed people, one multinomial per capture pattern
and chain: with 255 patterns, ten classes and four chains NumPy spent about 1 ms an iteration,
half of it in Python between small array operations. Compiled, a chain is one loop without
those, and the chains run at once on threads (the compiled code releases the GIL); each chain
draws from its own generator, so a seed gives the same draws on one core or many.

Multinomials are drawn as conditional binomials over the classes, most probable first,
stopping when nobody is left to place (exact; the order does not change the distribution).
The steps and their references are in :mod:`.lcmcr`'s docstring.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from numba import njit

_TINY = 1e-12


@njit(cache=True, nogil=True)
def _multinomial(
    rng: np.random.Generator,
    n: int,
    p: npt.NDArray[np.float64],
    out: npt.NDArray[np.int64],
    order: npt.NDArray[np.int64],
) -> None:
    """``out`` ~ Multinomial(n, p) (``p`` sums to 1), by conditional binomials, the most
    probable class first (``order`` is scratch space)."""
    size = p.size
    for i in range(size):  # insertion sort of the classes by falling probability
        k = i
        while k > 0 and p[order[k - 1]] < p[i]:
            order[k] = order[k - 1]
            k -= 1
        order[k] = i
    out[:] = 0
    left = n
    rest = 1.0
    for i in range(size - 1):
        if left <= 0:
            return
        k = order[i]
        q = p[k] / rest if rest > 0.0 else 1.0
        if q >= 1.0:
            out[k] = left
            return
        if q > 0.0:
            draw = rng.binomial(left, q)
            out[k] = draw
            left -= draw
        rest -= p[k]
    out[order[size - 1]] = left


@njit(cache=True, nogil=True)
def _log_gamma_draw(rng: np.random.Generator, shape: float) -> float:
    """log of a Gamma(shape, 1) draw, as log Gamma(shape + 1) + log(U) / shape (no underflow
    for tiny shapes)."""
    return math.log(rng.standard_gamma(shape + 1.0)) + math.log(rng.random()) / shape


@njit(cache=True, nogil=True)
def run_chain(
    rng: np.random.Generator,
    x: npt.NDArray[np.float64],
    freq: npt.NDArray[np.int64],
    lam0: npt.NDArray[np.float64],
    log_nu0: npt.NDArray[np.float64],
    alpha0: float,
    n0_start: int,
    a_alpha: float,
    b_alpha: float,
    warm_up: int,
    burn_in: int,
    samples: int,
    thin: int,
    inner: int,
) -> tuple[
    npt.NDArray[np.int64],
    npt.NDArray[np.float64],
    npt.NDArray[np.int64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    float,
    int,
]:
    """Run one chain from the given state; returns the kept N, alpha and occupied classes,
    then the state it stopped in (lambda, log nu, alpha, the number unobserved), from which
    the chain can go on (the classes of the unobserved are drawn afresh from their full
    conditional, an exact Gibbs step)."""
    m_cells, n_lists = x.shape
    n_classes = log_nu0.size
    n = 0
    for m in range(m_cells):
        n += freq[m]
    log_nu = log_nu0.copy()
    log_lam = np.log(lam0)
    log_lam_not = np.log1p(-lam0)
    alpha = alpha0
    p = np.empty(n_classes)
    draw = np.empty(n_classes, dtype=np.int64)
    order = np.empty(n_classes, dtype=np.int64)
    n_obs = np.zeros(n_classes, dtype=np.int64)
    ones = np.zeros((n_lists, n_classes))
    count0 = np.zeros(n_classes, dtype=np.int64)
    n_k = np.zeros(n_classes, dtype=np.int64)
    # the start's unobserved people and their classes
    for k in range(n_classes):
        s = log_nu[k]
        for j in range(n_lists):
            s += log_lam_not[j, k]
        p[k] = s
    _softmax(p)
    _multinomial(rng, n0_start, p, count0, order)
    n0 = n0_start
    total_its = burn_in + samples * thin
    out_total = np.empty(samples, dtype=np.int64)
    out_alpha = np.empty(samples)
    out_occ = np.empty(samples, dtype=np.int64)
    kept = 0
    shapes = np.empty(2 * (n_classes - 1))
    lg = np.empty(2 * (n_classes - 1))
    for it in range(total_its):
        # 1. latent classes of the observed people, cell by cell; the loops over the
        # classes are innermost, so that the compiler can do the classes side by side (each
        # class's sum is still taken list by list, in the same order)
        n_obs[:] = 0
        ones[:, :] = 0.0
        for m in range(m_cells):
            for k in range(n_classes):
                p[k] = log_nu[k]
            for j in range(n_lists):
                if x[m, j] > 0.5:
                    for k in range(n_classes):
                        p[k] += log_lam[j, k]
                else:
                    for k in range(n_classes):
                        p[k] += log_lam_not[j, k]
            _softmax(p)
            _multinomial(rng, freq[m], p, draw, order)
            for k in range(n_classes):
                n_obs[k] += draw[k]
            for j in range(n_lists):
                if x[m, j] > 0.5:
                    for k in range(n_classes):
                        ones[j, k] += draw[k]
        # 2. stick-breaking weights given all the classes
        for k in range(n_classes):
            n_k[k] = n_obs[k] + count0[k]
        _draw_weights(rng, n_k, alpha, log_nu, shapes, lg)
        # 3.-5. capture probabilities, the number unobserved and their classes
        for _ in range(inner):
            for k in range(n_classes):
                for j in range(n_lists):
                    g1 = rng.standard_gamma(1.0 + ones[j, k])
                    g2 = rng.standard_gamma(1.0 + n_k[k] - ones[j, k])
                    lam = min(max(g1 / (g1 + g2), _TINY), 1.0 - _TINY)
                    log_lam[j, k] = math.log(lam)
                    log_lam_not[j, k] = math.log1p(-lam)
            top = -np.inf
            for k in range(n_classes):
                s = log_nu[k]
                for j in range(n_lists):
                    s += log_lam_not[j, k]
                p[k] = s
                top = max(top, s)
            q_sum = 0.0
            for k in range(n_classes):
                p[k] = math.exp(p[k] - top)
                q_sum += p[k]
            for k in range(n_classes):
                p[k] /= q_sum
            log_pi0 = min(top + math.log(q_sum), 0.0)
            p_seen = max(-math.expm1(log_pi0), 1e-10)
            n0 = rng.negative_binomial(n, p_seen)
            _multinomial(rng, n0, p, count0, order)
            for k in range(n_classes):
                n_k[k] = n_obs[k] + count0[k]
        # 6. concentration of the stick-breaking process; the warm-up's end orders classes
        if it >= warm_up:
            alpha = rng.gamma(a_alpha + n_classes - 1.0, 1.0 / (b_alpha - log_nu[n_classes - 1]))
        elif it == warm_up - 1:
            order = np.argsort(-log_nu, kind="mergesort")
            log_nu = log_nu[order].copy()
            log_lam = log_lam[:, order].copy()
            log_lam_not = log_lam_not[:, order].copy()
            count0 = count0[order].copy()
            n_obs = n_obs[order].copy()
        if it >= burn_in and (it - burn_in) % thin == thin - 1:
            out_total[kept] = n + n0
            out_alpha[kept] = alpha
            occ = 0
            for k in range(n_classes):
                if n_obs[k] + count0[k] > 0:
                    occ += 1
            out_occ[kept] = occ
            kept += 1
    return out_total, out_alpha, out_occ, np.exp(log_lam), log_nu, alpha, n0


@njit(cache=True, nogil=True)
def _softmax(p: npt.NDArray[np.float64]) -> None:
    top = p.max()
    total = 0.0
    for k in range(p.size):
        p[k] = math.exp(p[k] - top)
        total += p[k]
    for k in range(p.size):
        p[k] /= total


@njit(cache=True, nogil=True)
def _draw_weights(
    rng: np.random.Generator,
    n_k: npt.NDArray[np.int64],
    alpha: float,
    log_nu: npt.NDArray[np.float64],
    shapes: npt.NDArray[np.float64],
    lg: npt.NDArray[np.float64],
) -> None:
    """log nu from the truncated stick-breaking posterior: V_k ~ Beta(1 + n_k, alpha + n_>k),
    written into ``log_nu``."""
    half = n_k.size - 1
    above = 0
    for k in range(n_k.size):
        above += n_k[k]
    for k in range(half):
        above -= n_k[k]
        shapes[k] = 1.0 + n_k[k]
        shapes[half + k] = alpha + above
    for i in range(2 * half):
        lg[i] = _log_gamma_draw(rng, shapes[i])
    rest = 0.0
    for k in range(half):
        a, b = lg[k], lg[half + k]
        top = max(a, b)
        lsum = top + math.log(math.exp(a - top) + math.exp(b - top))
        log_1mv = b - lsum
        log_nu[k] = a - lsum + rest
        rest += log_1mv
    log_nu[half] = rest
