"""Clusters under judgements: cannot-links refused, must-links kept, stable ids (no model)."""

from __future__ import annotations

import pytest

from asylon.linkage.records.cluster import ConflictingJudgements, Edge, build_clusters
from asylon.linkage.records.types import LinkJudgement, MatchEvidence


def edge(left: str, right: str, p: float) -> Edge:
    return Edge(left, right, p, MatchEvidence(left, right, p, 5.0, (("name", "same", 5.0),)))


KEYS = ["s:1", "s:2", "s:3", "t:1", "t:2"]


def test_threshold_and_singletons() -> None:
    clusters, refused = build_clusters(KEYS, [edge("s:1", "t:1", 0.95), edge("s:2", "t:2", 0.5)])
    assert [c.members for c in clusters] == [("s:1", "t:1"), ("s:2",), ("s:3",), ("t:2",)]
    assert refused == ()
    assert clusters[0].id == "s:1" and len(clusters[0].evidence) == 1


def test_cannot_link_refuses_the_edge_that_would_join_it() -> None:
    edges = [edge("s:1", "t:1", 0.99), edge("t:1", "s:2", 0.97), edge("s:2", "s:3", 0.96)]
    different = [LinkJudgement("s:1", "s:2", "different")]
    clusters, refused = build_clusters(KEYS, edges, different)
    members = {c.id: c.members for c in clusters}
    assert members["s:1"] == ("s:1", "t:1")
    assert members["s:2"] == ("s:2", "s:3")
    assert [(r.left, r.right, r.judged_left, r.judged_right) for r in refused] == [
        ("s:2", "t:1", "s:1", "s:2")
    ]
    assert "judged them different" in refused[0].reason


def test_same_judgement_merges_without_any_edge() -> None:
    clusters, _ = build_clusters(KEYS, [], [LinkJudgement("t:2", "s:3", "same")])
    merged = next(c for c in clusters if len(c.members) == 2)
    assert merged.id == "s:3" and merged.members == ("s:3", "t:2")
    assert merged.evidence[0].judged


def test_contradictory_judgements_are_an_error() -> None:
    judgements = [
        LinkJudgement("s:1", "s:2", "same"),
        LinkJudgement("s:2", "s:3", "same"),
        LinkJudgement("s:1", "s:3", "different"),
    ]
    with pytest.raises(ConflictingJudgements):
        build_clusters(KEYS, [], judgements)


def test_order_of_edges_does_not_matter() -> None:
    edges = [edge("s:1", "t:1", 0.95), edge("s:2", "t:1", 0.95), edge("s:3", "t:2", 0.92)]
    different = [LinkJudgement("s:1", "s:2", "different")]
    one = build_clusters(KEYS, edges, different)
    two = build_clusters(KEYS, list(reversed(edges)), different)
    assert one == two
