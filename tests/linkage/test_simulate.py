"""The simulation study at reduced size: known totals, bias and interval coverage."""

from __future__ import annotations

import numpy as np

from asylon.linkage.estimate.lcmcr import LcmcrSettings
from asylon.linkage.estimate.simulate import Estimator, estimators, scenarios, study


def lcmcr_checked_and_posterior() -> dict[str, Estimator]:
    """LCMCR as ``asylon estimate`` reports it, then its posterior alone."""
    methods = estimators(LcmcrSettings())
    return {"lcmcr": methods["lcmcr"], "lcmcr_posterior": methods["lcmcr_posterior"]}


def test_scenarios_are_probability_vectors_over_every_pattern() -> None:
    for scenario in scenarios().values():
        assert len(scenario.probs) == 2**scenario.n_lists
        assert abs(float(scenario.probs.sum()) - 1.0) < 1e-12
        table = scenario.draw(np.random.default_rng(1))
        assert 0 < table.observed < scenario.total


def test_loglinear_on_independent_lists_is_unbiased_and_covers() -> None:
    methods = {"loglinear": estimators(LcmcrSettings())["loglinear"]}
    (score,) = study(scenarios(2000)["independent"], 20, methods, seed=3)
    assert score.identified == 20
    assert abs(score.relative_bias) < 0.03
    assert score.coverage >= 0.8


def test_lcmcr_on_heterogeneous_capture_covers_the_total_or_gives_a_lower_bound() -> None:
    """70% of the people hard to record: the posterior alone covers the total in these two
    replicates, but the two-class profile likelihood does not fall by four times the
    unrecorded, so the checked estimate gives no total and a lower bound that holds."""
    methods = lcmcr_checked_and_posterior()
    checked, posterior = study(scenarios(4000)["heterogeneous"], 2, methods, seed=5)
    assert posterior.identified == 2
    assert posterior.coverage == 1.0
    assert abs(posterior.relative_bias) < 0.25
    assert checked.identified == 0 and checked.lower_bound_holds == 1.0
    assert checked.statement_holds == 1.0


def test_the_check_leaves_dependent_lists_alone() -> None:
    """Positive dependence between two of four lists: the data bound the total, and the
    checked interval covers it as the posterior's does."""
    methods = lcmcr_checked_and_posterior()
    checked, posterior = study(scenarios(2000)["positive"], 3, methods, seed=9)
    assert checked.identified == posterior.identified == 3
    assert checked.coverage == posterior.coverage == 1.0
    assert checked.relative_bias == posterior.relative_bias
    assert checked.statement_holds == posterior.statement_holds == 1.0
