"""The log-linear baseline against closed forms, known totals and hopeless tables."""

from __future__ import annotations

import numpy as np
import pytest

from asylon.linkage.estimate.loglinear import loglinear_estimate
from asylon.linkage.estimate.overlap import table_from_patterns
from asylon.linkage.estimate.service import estimate_table
from asylon.linkage.estimate.simulate import scenarios


def two_lists(only_a: int, only_b: int, both: int):  # type: ignore[no-untyped-def]
    return table_from_patterns(["A", "B"], [[1, 0], [0, 1], [1, 1]], [only_a, only_b, both])


@pytest.mark.parametrize(("only_a", "only_b", "both"), [(60, 40, 20), (700, 450, 300), (5, 9, 2)])
def test_two_lists_give_lincoln_petersen(only_a: int, only_b: int, both: int) -> None:
    est = loglinear_estimate(two_lists(only_a, only_b, both))
    n1, n2 = only_a + both, only_b + both
    assert est.median == pytest.approx(n1 * n2 / both, rel=1e-9)
    assert est.lower is not None and est.upper is not None
    assert est.lower < est.median < est.upper
    assert any("saturated" in w for w in est.warnings)


def test_lincoln_petersen_approaches_chapman_for_large_counts() -> None:
    est = loglinear_estimate(two_lists(7000, 4500, 3000))
    n1, n2, m = 10000, 7500, 3000
    chapman = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    assert est.median == pytest.approx(chapman, rel=1e-3)


def test_independent_lists_recover_the_total() -> None:
    rng = np.random.default_rng(5)
    scenario = scenarios(5000)["independent"]
    est = loglinear_estimate(scenario.draw(rng))
    assert est.identified
    assert est.lower is not None and est.upper is not None
    assert est.lower <= 5000 <= est.upper


def test_a_list_dependence_is_found() -> None:
    rng = np.random.default_rng(6)
    table = scenarios(20000)["positive"].draw(rng)
    est = loglinear_estimate(table)
    assert "A*B" in est.model["interactions"]
    assert est.median is not None and abs(est.median / 20000 - 1.0) < 0.05


def test_two_lists_with_nobody_in_common_are_not_identified() -> None:
    result = estimate_table(two_lists(50, 40, 0), ["loglinear"])
    (est,) = result.estimates
    assert not est.identified
    assert any("shares no record" in r for r in est.reasons)


def test_a_list_apart_from_the_others_is_not_identified() -> None:
    table = table_from_patterns(
        ["A", "B", "C"], [[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1]], [40, 30, 10, 16]
    )
    (est,) = estimate_table(table, ["loglinear"]).estimates
    assert not est.identified
    assert any("'C' shares no record" in r for r in est.reasons)
