"""Convergence diagnostics of MCMC draws: split R-hat and effective sample size.

Both follow Gelman et al., *Bayesian Data Analysis*, 3rd ed. (2013), section 11.4-11.5:
R-hat is the potential scale reduction factor computed on split chains (each chain cut in
two halves, so that a trend inside one chain also shows); the effective sample size combines
the within- and between-chain variance with the autocorrelations summed over Geyer's (1992)
initial monotone sequence of pair sums, as in Stan (Stan Reference Manual, "Effective sample
size"). A common rule reads R-hat above 1.1 (BDA3) as chains that have not mixed.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def _split(draws: npt.ArrayLike) -> FloatArray:
    x = np.asarray(draws, dtype=np.float64)
    if x.ndim == 1:
        x = x[None, :]
    half = x.shape[1] // 2
    if half < 2:
        return x
    return np.concatenate([x[:, :half], x[:, x.shape[1] - half :]], axis=0)


def split_rhat(draws: npt.ArrayLike) -> float:
    """Split potential scale reduction factor of ``draws`` shaped (chains, draws); BDA3 (11.4)."""
    x = _split(draws)
    m, n = x.shape
    if m < 2 or n < 2:
        return math.nan
    means = x.mean(axis=1)
    within = float(x.var(axis=1, ddof=1).mean())
    between = float(n * means.var(ddof=1))
    if within <= 0.0:
        return 1.0 if between <= 0.0 else math.inf
    var_plus = (n - 1) / n * within + between / n
    return math.sqrt(var_plus / within)


def _autocovariance(x: FloatArray) -> FloatArray:
    """Autocovariance of each row at every lag, by FFT (biased estimator, as in Stan)."""
    n = x.shape[1]
    centred = x - x.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(centred, n=size, axis=1)
    acov = np.fft.irfft(spectrum * np.conj(spectrum), n=size, axis=1)[:, :n]
    return np.asarray(acov / n, dtype=np.float64)


def effective_sample_size(draws: npt.ArrayLike) -> float:
    """Effective sample size of ``draws`` shaped (chains, draws); BDA3 (11.8) with Geyer's rule."""
    x = _split(draws)
    m, n = x.shape
    if n < 4:
        return float(m * n)
    acov = _autocovariance(x)
    chain_var = acov[:, 0] * n / (n - 1.0)
    within = float(chain_var.mean())
    var_plus = within * (n - 1.0) / n
    if m > 1:
        var_plus += float(x.mean(axis=1).var(ddof=1))
    if var_plus <= 0.0:
        return float(m * n)
    rho = 1.0 - (within - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    # Geyer's initial positive sequence of pair sums, made monotone.
    total = 0.0
    previous = math.inf
    t = 0
    while t + 1 < n:
        pair = float(rho[t] + rho[t + 1])
        if pair < 0.0:
            break
        pair = min(pair, previous)
        total += pair
        previous = pair
        t += 2
    tau = -1.0 + 2.0 * total
    tau = max(tau, 1.0 / math.log10(m * n + 10.0))
    return float(m * n / tau)


def quantiles(values: npt.ArrayLike, probs: tuple[float, ...]) -> tuple[float, ...]:
    """Sample quantiles (type 7, the R and NumPy default)."""
    flat = np.asarray(values, dtype=np.float64).ravel()
    return tuple(float(q) for q in np.quantile(flat, probs))
