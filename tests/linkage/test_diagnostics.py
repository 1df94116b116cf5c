"""R-hat and effective sample size on draws whose answer is known."""

from __future__ import annotations

import numpy as np

from asylon.linkage.estimate.diagnostics import effective_sample_size, split_rhat


def test_independent_draws_have_rhat_one_and_full_ess() -> None:
    draws = np.random.default_rng(1).normal(size=(4, 1000))
    assert abs(split_rhat(draws) - 1.0) < 0.01
    assert 3000 < effective_sample_size(draws) < 5000


def test_chains_in_different_places_have_high_rhat() -> None:
    draws = np.random.default_rng(2).normal(size=(4, 500)) + np.arange(4)[:, None]
    assert split_rhat(draws) > 1.5


def test_autocorrelated_draws_have_small_ess() -> None:
    rng = np.random.default_rng(3)
    x = np.zeros((4, 2000))
    for t in range(1, 2000):
        x[:, t] = 0.95 * x[:, t - 1] + rng.normal(size=4)
    # AR(1) with rho = 0.95: tau = (1 + rho) / (1 - rho) = 39
    assert 100 < effective_sample_size(x) < 400
