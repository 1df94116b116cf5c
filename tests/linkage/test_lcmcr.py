"""The LCMCR Gibbs sampler: known totals, the Kosovo check at reduced size, determinism."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from asylon.linkage.estimate import lcmcr
from asylon.linkage.estimate.lcmcr import LcmcrSettings, lcmcr_estimate, sample_lcmcr
from asylon.linkage.estimate.overlap import read_overlap, table_from_patterns
from asylon.linkage.estimate.service import estimate
from asylon.linkage.estimate.simulate import scenarios
from asylon.paths import data_dir

DEFAULTS = LcmcrSettings(seed=11)  # the chain lengths users get: compiled, they take a second
KOSOVO = data_dir() / "mse-overlap-tables" / "kosovo_1999_4lists.csv"


def test_independent_three_lists_recovered_within_the_interval() -> None:
    table = scenarios(2000)["independent"].draw(np.random.default_rng(7))
    est = lcmcr_estimate(table, DEFAULTS)
    assert est.lower is not None and est.upper is not None and est.median is not None
    assert est.lower <= 2000 <= est.upper
    assert abs(est.median / 2000 - 1.0) < 0.1
    assert est.diagnostics["rhat"] < 1.1


def test_kosovo_falls_in_the_published_interval() -> None:
    """Ball et al. (2002): about 10,356 (9,002-12,122); R's LCMCR: median 10,300-10,600."""
    (table,) = read_overlap(KOSOVO)
    assert table.observed == 4400
    settings = LcmcrSettings(burn_in=1500, samples=500, thin=10, chains=4, seed=2016)
    est = lcmcr_estimate(table, settings)
    assert est.median is not None and 9_000 <= est.median <= 12_100
    assert est.lower is not None and est.upper is not None
    assert est.lower < 10_356 < est.upper


def test_a_seed_fixes_the_draws() -> None:
    table = table_from_patterns(
        ["A", "B", "C"],
        [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1]],
        [50, 40, 30, 12, 9, 7],
    )
    small = LcmcrSettings(burn_in=50, samples=40, thin=2, chains=2, seed=3)
    first, again = sample_lcmcr(table, small), sample_lcmcr(table, small)
    assert np.array_equal(first.total, again.total)
    other = sample_lcmcr(table, LcmcrSettings(burn_in=50, samples=40, thin=2, chains=2, seed=4))
    assert not np.array_equal(first.total, other.total)


def test_a_seed_gives_the_same_draws_on_one_core_or_several(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each chain has its own generator: how many run at once does not change the draws."""
    table = scenarios(2000)["heterogeneous"].draw(np.random.default_rng(2))
    settings = LcmcrSettings(burn_in=200, samples=50, thin=2, chains=4, seed=5)
    several = sample_lcmcr(table, settings)
    monkeypatch.setattr(lcmcr.os, "cpu_count", lambda: 1)
    one = sample_lcmcr(table, settings)
    assert np.array_equal(one.total, several.total) and np.array_equal(one.alpha, several.alpha)
    assert len({tuple(chain) for chain in one.total}) == 4  # and the chains differ


def test_strata_add_up_draw_by_draw() -> None:
    rng = np.random.default_rng(8)
    parts = []
    for label in ("north", "south"):
        t = scenarios(1500)["independent"].draw(rng)
        parts.append(table_from_patterns(t.lists, t.patterns, t.counts, stratum=label))
    doc = estimate(parts, "lcmcr", LcmcrSettings(seed=12))
    assert doc["identified"], doc["reasons"]
    assert [s["stratum"] for s in doc["strata"]] == ["north", "south"]
    medians = [s["estimates"][0]["median"] for s in doc["strata"]]
    assert doc["observed"] == sum(s["observed"] for s in doc["strata"])
    assert doc["lower"] <= 3000 <= doc["upper"]
    assert abs(doc["median"] - sum(medians)) < 0.05 * doc["median"]


def test_a_hopeless_table_is_not_given_a_number() -> None:
    table = table_from_patterns(
        ["A", "B", "C"], [[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1]], [40, 30, 10, 16]
    )
    doc = estimate([table], "lcmcr", DEFAULTS)
    assert doc["identified"] is False
    assert doc["median"] is None and doc["lower"] is None and doc["upper"] is None
    assert any("'C' shares no record" in r for r in doc["reasons"])


def test_chains_that_disagree_go_on_until_they_agree() -> None:
    """Short chains from a cold start disagree (R-hat > 1.1); going on from where they
    stopped, twice as thinned, they agree, where without it the table got no number."""
    table = scenarios(4000)["heterogeneous"].draw(np.random.default_rng(5))
    # the chains alone: the profile check would leave this table without a total whatever
    # the chains did (tests/linkage/test_simulate.py)
    short = LcmcrSettings(burn_in=0, samples=200, thin=10, seed=1, bound_check=False)
    alone = lcmcr_estimate(table, replace(short, extend=0))
    assert not alone.identified and "the chains disagree" in alone.reasons[0]
    assert alone.diagnostics["extended"] == 0
    went_on = lcmcr_estimate(table, short)
    assert went_on.identified and went_on.diagnostics["rhat"] < 1.1
    assert went_on.diagnostics["extended"] == 1 and went_on.diagnostics["thin_used"] == 20
    assert went_on.draws is not None and went_on.draws.shape == (4, 200)  # strata add up
    assert any("went on once more" in w for w in went_on.warnings)


def test_chains_that_never_agree_leave_the_total_unidentified() -> None:
    table = scenarios(4000)["heterogeneous"].draw(np.random.default_rng(5))
    est = lcmcr_estimate(table, LcmcrSettings(burn_in=0, samples=100, thin=2, seed=1))
    assert est.diagnostics["extended"] == 2 and not est.identified
    assert any("went on 2 more times" in w for w in est.warnings)
