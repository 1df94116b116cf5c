"""Linking victim records from several sources into persons (issue 8), pure: no Django, no I/O.

:func:`link` is the entry point (:mod:`~asylon.linkage.records.link`); the contract types are
in :mod:`~asylon.linkage.records.types`, the result in :mod:`~asylon.linkage.records.result`,
the comparison sets in :mod:`~asylon.linkage.records.config`, evaluation against known truth in
:mod:`~asylon.linkage.records.evaluate` and a seeded synthetic multi-source population in
:mod:`~asylon.linkage.records.synthetic`.

The model is trained on the records themselves, without labels: it needs lists of a few
hundred records or more to learn from (on a handful of records the training steps that could
not run are listed in ``LinkResult.parameters.notes`` and Splink's starting values are used).
"""

from asylon.linkage.records.config import PERSON, VICTIMS, LinkageConfig
from asylon.linkage.records.link import link, link_frame
from asylon.linkage.records.result import LevelParameter, LinkResult, ModelParameters, RefusedLink
from asylon.linkage.records.types import Cluster, LinkJudgement, MatchEvidence, VictimRecord

__all__ = [
    "PERSON",
    "VICTIMS",
    "Cluster",
    "LevelParameter",
    "LinkJudgement",
    "LinkResult",
    "LinkageConfig",
    "MatchEvidence",
    "ModelParameters",
    "RefusedLink",
    "VictimRecord",
    "link",
    "link_frame",
]
