"""The simulation study at reduced size: known totals, bias and interval coverage."""

from __future__ import annotations

import numpy as np

from asylon.linkage.estimate.lcmcr import LcmcrSettings
from asylon.linkage.estimate.simulate import estimators, scenarios, study


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


def test_lcmcr_on_heterogeneous_capture_covers_the_total() -> None:
    methods = {"lcmcr": estimators(LcmcrSettings())["lcmcr"]}
    (score,) = study(scenarios(4000)["heterogeneous"], 2, methods, seed=5)
    assert score.identified == 2
    assert score.coverage == 1.0
    assert abs(score.relative_bias) < 0.25
