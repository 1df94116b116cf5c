"""Which records become one person: clusters built edge by edge under the reviewers' judgements.

Clusters are the connected components of the accepted links, built like Kruskal's algorithm:
first every reviewer's "same" judgement is applied (a must-link, whatever the model says), then
the model's links at or above the threshold are added from the most to the least probable
(ties by record keys, so the result does not depend on the order the model returned them in).
A link that would put two records a reviewer judged "different" (a cannot-link) into one
cluster is refused and reported with the judgement that forbids it; links are never added
transitively past a refusal. Judgements that contradict each other ("same" chains joining a
"different" pair) are an error for the reviewer to resolve, never silently broken.

Chaining is held back by **cohesion** (average linkage): two components are joined by a link
only if the mean match probability over *all* pairs across them (a pair the model did not
score counts as 0) is at least ``cohesion``. Without it, single links chain: A-B and B-C at
0.6 join A and C though the model gives A-C 0.01, and at a threshold of 0.5 half the merged
pairs were false (pairwise precision 0.54-0.71 on generated lists); a high threshold instead
(0.9) stops chaining by splitting true persons (recall 0.86-0.89: 8-9% too many persons).
With a threshold of 0.5 — link when the model says a pair is more likely one person than two,
the decision that neither inflates nor deflates a count — and cohesion 0.5, generated lists of
1,000 people came out within 0-2% of the true number of persons (precision 0.97-0.99, recall
0.95-0.98; seeds 5, 11 and 42, the last never used in development). Not for every kind of
list: where duplicates come in large groups and blocking leaves many of their pairs unscored
(FEBRL3, Splink's 50k historical figures), the unscored pairs pull the mean down and true
persons stay split; :func:`asylon.linkage.records.link_frame` leaves it off by default.

A cluster's id is its smallest member key, so the same members get the same id on every run.
Pure: no model, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from asylon.linkage.records.result import RefusedLink
from asylon.linkage.records.types import Cluster, LinkJudgement, MatchEvidence

#: victim lists: link a pair when the model finds it more likely one person than two, the
#: decision that neither inflates nor deflates a count; chaining is held back by cohesion (the
#: evidence for both is in the module's docstring). Kept here, where no model is loaded, so
#: that the web forms can show the threshold without loading Splink.
VICTIMS_THRESHOLD = 0.5
COHESION = 0.5

__all__ = ["COHESION", "VICTIMS_THRESHOLD", "ConflictingJudgements", "Edge", "build_clusters"]


class ConflictingJudgements(ValueError):
    """Reviewers' "same" judgements join records another judgement says are different."""


@dataclass(frozen=True, slots=True)
class Edge:
    """A candidate link the model scored, with its evidence."""

    left: str
    right: str
    probability: float
    evidence: MatchEvidence


class _Components:
    """Union-find over record keys, with the cannot-link partners of each component."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.parent: dict[str, str] = {k: k for k in keys}
        self.members: dict[str, list[str]] = {k: [k] for k in self.parent}
        self.forbidden: dict[str, dict[str, tuple[str, str]]] = {}

    def find(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def forbid(self, left: str, right: str) -> None:
        self.forbidden.setdefault(left, {})[right] = (left, right)
        self.forbidden.setdefault(right, {})[left] = (left, right)

    def blocker(self, a: str, b: str) -> tuple[str, str] | None:
        """The judged-different pair that joining the components of ``a`` and ``b`` would join."""
        ra, rb = self.find(a), self.find(b)
        small, other = (
            (ra, rb)
            if len(self.forbidden.get(ra, {})) <= len(self.forbidden.get(rb, {}))
            else (rb, ra)
        )
        for partner, pair in sorted(self.forbidden.get(small, {}).items()):
            if self.find(partner) == other:
                return pair
        return None

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        keep, gone = (ra, rb) if ra < rb else (rb, ra)
        self.parent[gone] = keep
        self.members[keep] += self.members.pop(gone)
        merged = self.forbidden.pop(gone, {})
        if merged:
            self.forbidden.setdefault(keep, {}).update(merged)


def _cohesion(comps: _Components, a: str, b: str, scored: dict[tuple[str, str], Edge]) -> float:
    """The mean match probability over every pair across the components of ``a`` and ``b``."""
    left, right = comps.members[comps.find(a)], comps.members[comps.find(b)]
    if len(left) == len(right) == 1:
        edge = scored.get((min(a, b), max(a, b)))
        return edge.probability if edge is not None else 0.0
    total = 0.0
    for x in left:
        for y in right:
            edge = scored.get((x, y) if x < y else (y, x))
            if edge is not None:
                total += edge.probability
    return total / (len(left) * len(right))


def _judged_evidence(judgement: LinkJudgement, scored: MatchEvidence | None) -> MatchEvidence:
    left, right = sorted((judgement.left, judgement.right))
    if scored is not None:
        return MatchEvidence(
            left, right, scored.probability, scored.weight, scored.comparisons, judged=True
        )
    return MatchEvidence(left, right, 0.0, 0.0, (), judged=True)


def build_clusters(
    keys: Sequence[str],
    edges: Iterable[Edge],
    judgements: Sequence[LinkJudgement] = (),
    threshold: float = 0.9,
    judged_evidence: dict[tuple[str, str], MatchEvidence] | None = None,
    cohesion: float = 0.5,
) -> tuple[tuple[Cluster, ...], tuple[RefusedLink, ...]]:
    """Clusters of ``keys`` from the ``edges`` at or above ``threshold`` and the judgements.

    ``edges`` may include pairs below the threshold: they are never links, but they count in
    the cohesion of two components (the mean probability of the pairs across them, which must
    reach ``cohesion`` for a link to join them; 0 turns the test off).

    ``judged_evidence`` holds the model's evidence for judged-same pairs it did not link by
    itself (so a merge by hand still shows what the comparisons said). Returns the clusters,
    sorted by id, and the refused links, in the order they were refused.
    """
    known = set(keys)
    comps = _Components(sorted(known))
    scored = {(min(e.left, e.right), max(e.left, e.right)): e for e in edges}
    for judgement in judgements:
        for key in (judgement.left, judgement.right):
            if key not in known:
                raise KeyError(f"judgement names an unknown record {key!r}")
    for judgement in judgements:
        if judgement.decision == "different":
            comps.forbid(*sorted((judgement.left, judgement.right)))
    accepted: dict[str, list[MatchEvidence]] = {}
    same = sorted((tuple(sorted((j.left, j.right))), j) for j in judgements if j.decision == "same")
    for (left, right), judgement in same:
        blocked = comps.blocker(left, right)
        if blocked is not None:
            raise ConflictingJudgements(
                f"judging {left} and {right} the same would join {blocked[0]} and "
                f"{blocked[1]}, which a reviewer judged different; resolve the judgements"
            )
        edge = scored.get((left, right))
        evidence = (judged_evidence or {}).get((left, right))
        comps.union(left, right)
        accepted.setdefault(left, []).append(
            _judged_evidence(judgement, edge.evidence if edge is not None else evidence)
        )
    refused: list[RefusedLink] = []
    ordered = sorted(
        (e for e in scored.values() if e.probability >= threshold),
        key=lambda e: (-round(e.probability, 9), min(e.left, e.right), max(e.left, e.right)),
    )
    for edge in ordered:
        left, right = sorted((edge.left, edge.right))
        if comps.find(left) == comps.find(right):
            accepted.setdefault(left, []).append(edge.evidence)
            continue
        blocked = comps.blocker(left, right)
        if blocked is not None:
            refused.append(
                RefusedLink(
                    left,
                    right,
                    edge.probability,
                    blocked[0],
                    blocked[1],
                    f"the model links {left} and {right} (probability {edge.probability:.3f}) "
                    f"but that would put {blocked[0]} and {blocked[1]} in one person, and a "
                    "reviewer judged them different",
                )
            )
            continue
        if cohesion > 0 and _cohesion(comps, left, right, scored) < cohesion:
            continue  # the two groups as a whole are not one person: no chaining through here
        comps.union(left, right)
        accepted.setdefault(left, []).append(edge.evidence)
    members: dict[str, list[str]] = {}
    for key in sorted(known):
        members.setdefault(comps.find(key), []).append(key)
    evidence_of: dict[str, list[MatchEvidence]] = {}
    for left, items in accepted.items():
        evidence_of.setdefault(comps.find(left), []).extend(items)
    clusters = []
    for root, keys_in in members.items():
        unique: dict[tuple[str, str], MatchEvidence] = {}
        for item in evidence_of.get(root, []):
            unique.setdefault((item.left, item.right), item)  # a judged edge comes first
        explained = sorted(unique.values(), key=lambda e: (e.left, e.right))
        clusters.append(Cluster(keys_in[0], tuple(keys_in), tuple(explained)))
    clusters.sort(key=lambda c: c.id)
    return tuple(clusters), tuple(refused)
