"""Victim records in, persons out: the entry point of record linkage.

:func:`link` prepares the records (:mod:`~asylon.linkage.records.prepare`), trains the
:data:`~asylon.linkage.records.config.VICTIMS` model without labels and predicts
(:mod:`~asylon.linkage.records.model`), then builds clusters under the reviewers' judgements
(:mod:`~asylon.linkage.records.cluster`). :func:`link_frame` does the same for any prepared
table and configuration (for example :data:`~asylon.linkage.records.config.PERSON` on a
FEBRL-style register).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd  # type: ignore[import-untyped]

from asylon.linkage.records.cluster import COHESION, VICTIMS_THRESHOLD, build_clusters
from asylon.linkage.records.config import VICTIMS, LinkageConfig
from asylon.linkage.records.model import train_and_predict
from asylon.linkage.records.prepare import victim_frame
from asylon.linkage.records.result import LinkResult, ModelParameters
from asylon.linkage.records.types import LinkJudgement, VictimRecord

__all__ = ["link", "link_frame"]

#: below this many records there is nothing to train a model on
MIN_RECORDS = 2
#: pairs the model gives less than this count as 0 in the cohesion test (not fetched at all)
COHESION_FLOOR = 0.01


def link_frame(
    frame: pd.DataFrame,
    config: LinkageConfig,
    judgements: Sequence[LinkJudgement] = (),
    *,
    threshold: float = 0.9,
    seed: int = 0,
    cohesion: float = 0.0,
) -> LinkResult:
    """Link the rows of a prepared table (a ``unique_id`` column and the configuration's columns).

    Every row ends in exactly one cluster; "same" judgements are always merged and "different"
    ones never (:func:`~asylon.linkage.records.cluster.build_clusters`). ``cohesion`` (off by
    default: single links at a high threshold, as for registers like FEBRL, where duplicates
    come in groups of up to ten and blocking leaves many of their pairs unscored, which the
    cohesion test counts as 0) goes with a threshold of 0.5, as :func:`link` uses it.
    """
    if seed < 0:
        raise ValueError(f"seed must be 0 or more, not {seed}")
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    keys = [str(k) for k in frame["unique_id"]]
    if len(set(keys)) != len(keys):
        raise ValueError("record keys must be unique")
    if len(keys) < MIN_RECORDS:
        clusters, refused = build_clusters(keys, (), judgements, threshold)
        return LinkResult(clusters, ModelParameters(config.name, 0.0, ()), refused, threshold)
    frame = frame.assign(unique_id=keys)
    prediction = train_and_predict(
        frame,
        config,
        # the pairs below the threshold too (down to a floor): they weigh in the cohesion test
        threshold=min(threshold, COHESION_FLOOR) if cohesion > 0 else threshold,
        seed=seed,
        judged_pairs=[(j.left, j.right) for j in judgements if j.decision == "same"],
    )
    clusters, refused = build_clusters(
        keys, prediction.edges, judgements, threshold, prediction.judged_evidence, cohesion
    )
    return LinkResult(clusters, prediction.parameters, refused, threshold)


def link(
    records: Sequence[VictimRecord],
    judgements: Sequence[LinkJudgement] = (),
    *,
    threshold: float = VICTIMS_THRESHOLD,
    seed: int = 0,
    config: LinkageConfig = VICTIMS,
    cohesion: float = COHESION,
) -> LinkResult:
    """Link victim records from any number of sources into persons.

    Within and across sources, trained without labels, clustered at ``threshold`` (a pair's
    match probability) with groups joined only when ``cohesion`` holds; the reviewers'
    ``judgements`` are respected on every run. Deterministic for a given ``seed``. See
    :mod:`asylon.linkage.records.model` for how the same model runs on Spark for lists too
    large for one machine.
    """
    return link_frame(
        victim_frame(records),
        config,
        judgements,
        threshold=threshold,
        seed=seed,
        cohesion=cohesion,
    )
