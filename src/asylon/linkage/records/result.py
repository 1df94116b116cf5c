"""What a linkage run returns: the persons (clusters), the trained model and the refused merges.

:class:`LinkResult` is what :func:`asylon.linkage.records.link` hands back to its caller (the
web app stores the clusters; a reviewer reads the parameters and the refusals). Everything here
is a frozen value, so a result can be kept, compared and shown without the model that made it.
"""

from __future__ import annotations

from dataclasses import dataclass

from asylon.linkage.records.types import Cluster

__all__ = ["LevelParameter", "LinkResult", "ModelParameters", "RefusedLink"]


@dataclass(frozen=True, slots=True)
class LevelParameter:
    """One level of one comparison: how often it occurs among matches (m) and non-matches (u).

    ``log2_bayes_factor`` is ``log2(m / u)``: what landing on this level adds to (or takes from)
    the match weight; ``None`` where the level is the null level (a value missing) or a
    probability was not estimated. ``tf_adjusted`` says the weight is also adjusted for how
    common the exact value is (a common name weighs less than a rare one).
    """

    comparison: str
    level: str
    m: float | None
    u: float | None
    log2_bayes_factor: float | None
    tf_adjusted: bool = False
    null_level: bool = False


@dataclass(frozen=True, slots=True)
class ModelParameters:
    """The trained Fellegi-Sunter model: the prior and every level's m and u."""

    configuration: str
    prior: float  # probability that two random records are the same person
    levels: tuple[LevelParameter, ...]
    notes: tuple[str, ...] = ()  # training steps that could not run (too few pairs), and why

    def level(self, comparison: str, label: str) -> LevelParameter:
        """The parameters of one level, by comparison name and level label."""
        for item in self.levels:
            if item.comparison == comparison and item.level == label:
                return item
        raise KeyError(f"no level {label!r} in comparison {comparison!r}")

    def table(self) -> str:
        """The parameters as a plain-text table, one line per level."""

        def fmt(value: float | None, spec: str) -> str:
            return "-" if value is None else format(value, spec)

        lines = [
            f"model {self.configuration}: prior P(match) = {self.prior:.3g}",
            f"{'comparison':<14} {'level':<44} {'m':>8} {'u':>10} {'log2 BF':>8}",
        ]
        for p in self.levels:
            label = p.level + (" [tf]" if p.tf_adjusted else "")
            lines.append(
                f"{p.comparison:<14} {label[:44]:<44} {fmt(p.m, '.4f'):>8} "
                f"{fmt(p.u, '.2e'):>10} {fmt(p.log2_bayes_factor, '+.2f'):>8}"
            )
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class RefusedLink:
    """A pair the model would link that a reviewer's "different" judgement forbids."""

    left: str
    right: str
    probability: float
    judged_left: str  # the pair a reviewer judged different, which the merge would join
    judged_right: str
    reason: str


@dataclass(frozen=True, slots=True)
class LinkResult:
    """Every record in exactly one cluster (singletons included), the model and the refusals."""

    clusters: tuple[Cluster, ...]
    parameters: ModelParameters
    refused: tuple[RefusedLink, ...] = ()
    threshold: float = 0.9

    def assignment(self) -> dict[str, str]:
        """Record key → cluster id."""
        return {key: cluster.id for cluster in self.clusters for key in cluster.members}

    @property
    def persons(self) -> int:
        """The number of unique persons: one per cluster."""
        return len(self.clusters)
