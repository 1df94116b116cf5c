"""The records linkage works on, the reviewers' judgements it must respect, and what it returns.

These types are the contract between the pure linkage core (:mod:`asylon.linkage.records`,
no Django, no I/O) and the victim lists kept in the web app (``asylon.web.victims``): the web
app decrypts its rows into :class:`VictimRecord` values in memory, calls
:func:`asylon.linkage.records.link`, and stores the :class:`Cluster` values it gets back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Cluster", "LinkJudgement", "MatchEvidence", "Status", "VictimRecord"]

Status = Literal["civilian", "combatant", "unknown"]


@dataclass(frozen=True, slots=True)
class VictimRecord:
    """One row of one source's list, as the source recorded it (nothing inferred).

    ``key`` is unique across all sources (the web app uses ``"<source>:<source_id>"``).
    Every finding is optional: a missing value is ``None``, never a guess.
    """

    key: str
    source: str
    source_id: str
    name: str
    sex: Literal["male", "female"] | None = None
    age: int | None = None
    birth_date: dt.date | None = None
    birth_year: int | None = None
    event_date: dt.date | None = None  # date of death or of disappearance
    event: Literal["killed", "disappeared"] | None = None
    place: str | None = None  # as written in the source
    governorate: str | None = None  # gazetteer code (SY01..SY14) when known
    cause: str | None = None
    status: Status | None = None


@dataclass(frozen=True, slots=True)
class LinkJudgement:
    """A reviewer's decision on two records: ``same`` (merge) or ``different`` (split).

    Kept and respected on every re-run: ``same`` records always end in one cluster,
    ``different`` records never do (a merge that would join them is refused, with the reason).
    """

    left: str
    right: str
    decision: Literal["same", "different"]


@dataclass(frozen=True, slots=True)
class MatchEvidence:
    """Why two records were linked: the match weight, each comparison's level and its weight."""

    left: str
    right: str
    probability: float
    weight: float  # log2 Bayes factor, summed over the comparisons
    comparisons: tuple[tuple[str, str, float], ...]  # (comparison, level label, log2 Bayes factor)
    judged: bool = False  # linked because a reviewer said "same"


@dataclass(frozen=True, slots=True)
class Cluster:
    """One person: the records linked into them and the pairwise evidence that joined them."""

    id: str  # stable across re-runs for the same members (the smallest member key)
    members: tuple[str, ...]
    evidence: tuple[MatchEvidence, ...] = field(default=())
