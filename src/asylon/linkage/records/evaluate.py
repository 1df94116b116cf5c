"""How good a linkage is, measured against known truth (record key → entity id).

- **pairwise** precision, recall and F1 over the record pairs put in one cluster (a cluster of
  n records holds n(n-1)/2 pairs): the usual record-linkage measure; large clusters weigh
  quadratically.
- **B-cubed** (Bagga and Baldwin 1998): for each record, the share of its predicted cluster that
  truly belongs with it (precision) and the share of its true entity that its cluster found
  (recall), averaged over records; F1 of the two averages. Every record weighs the same.
- **unique-count error**: predicted clusters minus true entities among the linked records
  (positive: persons counted twice; negative: persons erased by false merges), and the same
  relative to the true count.

Only records present in both mappings are scored (a missing key is an error). Pure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Scores", "b_cubed", "evaluate", "pairwise"]


@dataclass(frozen=True, slots=True)
class Scores:
    """Every measure of one linkage against the truth."""

    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    predicted_persons: int
    true_persons: int

    @property
    def unique_error(self) -> int:
        """Predicted minus true number of unique persons."""
        return self.predicted_persons - self.true_persons

    @property
    def relative_unique_error(self) -> float:
        return self.unique_error / self.true_persons if self.true_persons else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _check(predicted: Mapping[str, str], truth: Mapping[str, str]) -> None:
    if set(predicted) != set(truth):
        missing = sorted(set(truth) ^ set(predicted))[:5]
        raise KeyError(f"the predicted and true mappings hold different records: {missing}")


def pairwise(predicted: Mapping[str, str], truth: Mapping[str, str]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 (1.0 where there is nothing to find or to get wrong)."""
    _check(predicted, truth)
    joint = Counter((predicted[k], truth[k]) for k in truth)
    tp = sum(n * (n - 1) // 2 for n in joint.values())
    pred_pairs = sum(n * (n - 1) // 2 for n in Counter(predicted.values()).values())
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(truth.values()).values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    return precision, recall, _f1(precision, recall)


def b_cubed(predicted: Mapping[str, str], truth: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1."""
    _check(predicted, truth)
    if not truth:
        return 1.0, 1.0, 1.0
    joint = Counter((predicted[k], truth[k]) for k in truth)
    pred_size = Counter(predicted.values())
    true_size = Counter(truth.values())
    precision = recall = 0.0
    for key in truth:
        both = joint[(predicted[key], truth[key])]
        precision += both / pred_size[predicted[key]]
        recall += both / true_size[truth[key]]
    n = len(truth)
    return precision / n, recall / n, _f1(precision / n, recall / n)


def evaluate(predicted: Mapping[str, str], truth: Mapping[str, str]) -> Scores:
    """All the measures of ``predicted`` (record → cluster) against ``truth`` (record → entity)."""
    pp, pr, pf = pairwise(predicted, truth)
    bp, br, bf = b_cubed(predicted, truth)
    clusters: dict[str, int] = defaultdict(int)
    for value in predicted.values():
        clusters[value] += 1
    return Scores(pp, pr, pf, bp, br, bf, len(clusters), len(set(truth.values())))
