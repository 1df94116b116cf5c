"""Evaluation measures on small examples computed by hand."""

from __future__ import annotations

import pytest

from asylon.linkage.records.evaluate import b_cubed, evaluate, pairwise

TRUTH = {"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Z"}
PREDICTED = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "3"}


def test_pairwise_by_hand() -> None:
    # true pairs ab ac bc; predicted ab cd; one in common
    precision, recall, f1 = pairwise(PREDICTED, TRUTH)
    assert precision == pytest.approx(1 / 2)
    assert recall == pytest.approx(1 / 3)
    assert f1 == pytest.approx(0.4)


def test_b_cubed_by_hand() -> None:
    # per record precision a 1, b 1, c 1/2, d 1/2, e 1; recall a 2/3, b 2/3, c 1/3, d 1, e 1
    precision, recall, f1 = b_cubed(PREDICTED, TRUTH)
    assert precision == pytest.approx(4 / 5)
    assert recall == pytest.approx(11 / 15)
    assert f1 == pytest.approx(2 * (4 / 5) * (11 / 15) / (4 / 5 + 11 / 15))


def test_unique_count_error() -> None:
    scores = evaluate(PREDICTED, TRUTH)
    assert (scores.predicted_persons, scores.true_persons, scores.unique_error) == (3, 3, 0)
    merged = evaluate(dict.fromkeys(TRUTH, "all"), TRUTH)
    assert merged.unique_error == -2  # two persons erased by false merges
    assert merged.pairwise_precision == pytest.approx(3 / 10)
    assert merged.pairwise_recall == 1.0
    split = evaluate({k: k for k in TRUTH}, TRUTH)
    assert split.unique_error == 2 and split.relative_unique_error == pytest.approx(2 / 3)
    assert split.bcubed_precision == 1.0


def test_perfect_and_mismatched_keys() -> None:
    perfect = evaluate(TRUTH, TRUTH)
    assert perfect.pairwise_f1 == perfect.bcubed_f1 == 1.0
    with pytest.raises(KeyError):
        evaluate({"a": "1"}, TRUTH)
