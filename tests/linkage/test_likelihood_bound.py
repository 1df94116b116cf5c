"""The two-class profile likelihood that checks LCMCR's interval: where the data do not bound
the total from above the estimate gives no total, and where they bound it more widely than the
posterior the interval is widened."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from asylon.linkage.estimate.lcmcr import LcmcrSettings, lcmcr_estimate
from asylon.linkage.estimate.likelihood_bound import (
    SIMULATIONS,
    _Profile,
    _profile_bounds,
    _simulate,
    check,
)
from asylon.linkage.estimate.overlap import (
    OverlapTable,
    all_patterns,
    read_overlap,
    table_from_patterns,
)
from asylon.linkage.estimate.result import Estimate
from asylon.linkage.estimate.service import _widen_as_strata, estimate
from asylon.linkage.estimate.simulate import scenarios
from asylon.paths import data_dir

TABLES = data_dir() / "mse-overlap-tables"
SETTINGS = LcmcrSettings(seed=11)


def expected_table(name: str, total: int) -> OverlapTable:
    """The simulation design ``name`` with ``total`` people, each cell at its expected count
    (no sampling noise: what the design itself lets the data say)."""
    design = scenarios()[name]
    counts = np.rint(design.probs[1:] * total).astype(np.int64)
    lists = tuple(chr(ord("A") + j) for j in range(design.n_lists))
    return OverlapTable(lists, all_patterns(design.n_lists), counts)


def test_a_large_rarely_recorded_group_leaves_the_total_unbounded_above() -> None:
    """Sparse five-list design, 1,000 people, 60% of them recorded by each list 5-10% of the
    time: 46% are on some list, and a two-class model fits as well with four times the
    posterior's unrecorded. LCMCR's own interval misses the truth here (0.11 coverage)."""
    table = expected_table("sparse5", 1000)
    est = lcmcr_estimate(table, SETTINGS)
    assert not est.identified
    assert [n.code for n in est.reason_notes] == ["prior_closes_upper"]
    bound = est.diagnostics["two_class_profile"]
    assert bound["made"] and bound["upper"] is None
    # what the data do say: a lower bound, below the truth and quoted in the reason
    assert est.lower is not None and table.observed < est.lower < 1000
    assert est.reason_notes[0].values["lower"] == est.lower
    assert f"Read {est.lower:,.0f} as a lower bound" in est.reasons[0]
    doc = estimate([table], "lcmcr", SETTINGS)
    assert doc["identified"] is False and doc["median"] is None and doc["upper"] is None


def test_the_same_design_with_enough_people_is_bounded_and_covers_the_truth() -> None:
    """A hundred times the people: the overlaps now tell the rare group's size."""
    table = expected_table("sparse5", 100_000)
    bound = check(table, median=90_000.0)
    assert bound.made and bound.bounded_above
    assert bound.lower < 100_000 < bound.upper < bound.limit
    # the Monte Carlo test ran in full and excluded the runaway total
    assert bound.simulated == SIMULATIONS
    assert bound.threshold <= bound.threshold_upper < bound.drop_at_limit


def test_a_profile_that_falls_far_needs_no_simulation() -> None:
    """Four lists of 2,000 people, two of them negatively dependent: at the runaway total
    the profile has fallen by more than 20, far beyond any simulated table's, and the upper end
    is chi-square's."""
    bound = check(expected_table("negative", 2000), median=2000.0)
    assert bound.drop_at_limit > 20 and bound.simulated == 0
    assert bound.threshold_upper == bound.threshold and bound.bounded_above


def test_a_chi_square_bound_the_simulation_does_not_bear_out_gives_no_total() -> None:
    """Sparse five lists, 1,000 people, one drawn table (the study's 13th): at the runaway
    total the profile has fallen by 3.1, more than chi-square's 1.92, so chi-square alone would
    call the total bounded. But tables drawn from the two-class fit held at that total fall as
    far too often: the data do not exclude it at the 5% level, and the estimate gives no total.
    The test stops at the tenth simulated table that falls as far; a seed gives one verdict."""
    rng = np.random.default_rng(2016)
    table = [scenarios(2000)["sparse5"].draw(rng) for _ in range(13)][-1]
    bound = check(table, median=742.0)
    assert bound.drop_at_limit > bound.threshold
    assert not bound.bounded_above and bound.upper == math.inf
    assert 10 <= bound.simulated < SIMULATIONS
    assert bound.threshold_upper == bound.simulated_threshold >= bound.drop_at_limit
    assert bound.lower < 1000
    assert check(table, median=742.0) == bound


def test_the_monte_carlo_test_sets_its_threshold_at_the_tenth_largest_drop() -> None:
    """199 simulated tables, a test at the 5% level: the threshold is the tenth largest drop
    among them (nine may reach the data's), and simulating stops once ten have reached it."""
    (table,) = read_overlap(TABLES / "us_western_site_5lists.csv")
    prof = _Profile.of(table, 0)
    prof.free()
    total = 3 * float(table.observed)
    _, at = prof.held(total, None)
    every, threshold = _simulate(prof, total, at, math.inf, seed=3)
    assert every == SIMULATIONS and threshold > 0
    some, reached = _simulate(prof, total, at, 0.0, seed=3)  # every table reaches a drop of 0
    assert some < SIMULATIONS and reached >= 0.0
    assert _simulate(prof, total, at, math.inf, seed=3) == (every, threshold)


def test_kosovo_is_bounded_by_the_data_and_keeps_its_posterior_median() -> None:
    """Ball et al. (2002): about 10,356 (9,002-12,122). The two-class profile closes well
    before the runaway total and contains the published figure; it reaches a little below the
    posterior's lower end, which is widened to it, and the posterior's upper end stands."""
    (table,) = read_overlap(TABLES / "kosovo_1999_4lists.csv")
    settings = LcmcrSettings(burn_in=1500, samples=500, thin=10, chains=4, seed=2016)
    raw = lcmcr_estimate(table, replace(settings, bound_check=False))
    est = lcmcr_estimate(table, settings)
    assert est.identified and (est.median, est.upper) == (raw.median, raw.upper)
    bound = est.diagnostics["two_class_profile"]
    assert bound["lower"] < 10_356 < bound["upper"] < bound["limit"]
    assert bound["drop_at_limit"] > bound["threshold"]
    # the Monte Carlo test ran in full and excluded the runaway total
    assert bound["simulated"] == SIMULATIONS
    assert bound["simulated_threshold"] < bound["drop_at_limit"]
    assert est.lower == min(raw.lower or 0.0, math.floor(bound["lower"]))
    assert 8_000 < est.lower < 9_002


def test_an_interval_narrower_than_the_profile_is_widened_and_says_so() -> None:
    """US western site (Farrell et al. 2019): the profile reaches past the posterior's upper
    end; the interval takes in both, and the posterior's own stays in the warning."""
    (table,) = read_overlap(TABLES / "us_western_site_5lists.csv")
    raw = lcmcr_estimate(table, replace(SETTINGS, bound_check=False))
    est = lcmcr_estimate(table, SETTINGS)
    assert est.identified and est.median == raw.median
    assert raw.upper is not None and est.upper is not None and est.upper > raw.upper
    assert est.lower == raw.lower
    assert est.diagnostics["posterior_interval"] == [raw.lower, raw.upper]
    (note,) = [n for n in est.warning_notes if n.code == "widened"]
    assert note.values["posterior_upper"] == raw.upper and note.values["upper"] == est.upper
    assert est.upper == math.ceil(est.diagnostics["two_class_profile"]["upper"])


def test_the_verdict_does_not_depend_on_the_random_starts() -> None:
    """UK 2013, six lists: EM's local maxima once made the verdict a coin toss between
    starts; the grid walked both ways, each fit from its neighbour's, gives one answer."""
    (table,) = read_overlap(TABLES / "uk_2013_6lists.csv")
    verdicts = {check(table, median=22_916.0, seed=seed) for seed in (0, 1, 2)}
    assert {v.bounded_above for v in verdicts} == {False}
    assert len({round(v.drop_at_limit, 2) for v in verdicts}) == 1
    assert len({round(v.lower) for v in verdicts}) == 1


def test_fits_side_by_side_give_the_same_bounds_as_one_after_another() -> None:
    """The check runs the fits from each set of starts on threads; the starts are drawn before
    and the fits compared in order, so the threads change the time, never the bounds."""
    (table,) = read_overlap(TABLES / "uk_2013_6lists.csv")
    observed = float(table.observed)
    limit = check(table, median=22_916.0, seed=4).limit
    alone = _profile_bounds(_Profile.of(table, 4), observed, limit, seed=4)
    assert check(table, median=22_916.0, seed=4) == alone


def test_three_lists_are_not_checked() -> None:
    """A two-class model has as many parameters as a three-list table has cells."""
    table = scenarios(2000)["independent"].draw(np.random.default_rng(7))
    bound = check(table, median=2000.0)
    assert not bound.made and bound.bounded_above
    est = lcmcr_estimate(table, SETTINGS)
    assert est.identified and est.diagnostics["two_class_profile"]["made"] is False
    assert "posterior_interval" not in est.diagnostics


def test_a_total_over_strata_is_widened_as_its_strata_were() -> None:
    """The total's interval is the summed draws', widened by each stratum's widening."""
    (west,) = read_overlap(TABLES / "us_western_site_5lists.csv")
    parts = [
        table_from_patterns(west.lists, west.patterns, west.counts, stratum=label)
        for label in ("first half", "second half")
    ]
    doc = estimate(parts, "lcmcr", SETTINGS)
    widened = [
        n["values"]
        for s in doc["strata"]
        for n in s["estimates"][0]["warning_notes"]
        if n["code"] == "widened"
    ]
    assert len(widened) == 2
    up = sum(v["upper"] - v["posterior_upper"] for v in widened)
    down = sum(v["posterior_lower"] - v["lower"] for v in widened)
    posterior = doc["estimates"][0]["diagnostics"]["posterior_interval"]
    assert up > 0
    assert doc["upper"] == posterior[1] + up and doc["lower"] == posterior[0] - down
    assert any(n["code"] == "widened" and "stratum" not in n for n in doc["warning_notes"])


def test_a_stratum_without_a_total_adds_nothing_to_the_total_s_widening() -> None:
    """A stratum the data do not bound keeps its lower bound below its posterior's; that is
    not a widening of the total (which gets that stratum's reason, and no number)."""
    total = Estimate("lcmcr", 300, 1_000.0, 800.0, 1_400.0, "posterior median")
    widened = Estimate("lcmcr", 100, 400.0, 290.0, 650.0, "posterior median")
    widened.diagnostics["posterior_interval"] = [300.0, 600.0]
    unbounded = Estimate("lcmcr", 200, 600.0, 350.0, 900.0, "posterior median")
    unbounded.diagnostics["posterior_interval"] = [450.0, 900.0]
    unbounded.not_identified("prior_closes_upper", lower=350.0)
    _widen_as_strata(total, [widened, unbounded])
    assert (total.lower, total.upper) == (790.0, 1_450.0)
    assert total.diagnostics["posterior_interval"] == [800.0, 1_400.0]
