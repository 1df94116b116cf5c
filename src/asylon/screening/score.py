"""Screening: find, for an applicant, the register persons worth an Article 1F review.

A hit is a **lead for a person to judge**, never an exclusion. Article 1F excludes only where
there are serious reasons for considering that the person committed a crime it names, on an
individual assessment (1951 Convention Art 1F; QD 2011/95/EU Art 12(2)-(3); CJEU C-57/09 and
C-101/09 *B and D*, paras 87-99; UNHCR Guidelines No. 5); a name that resembles a name in a
register establishes none of it. Asylon shows the score, the features and (in the register
app) the allegations with their sources; a reviewer records the judgement.

The score is the logistic of the summed feature weights (:mod:`asylon.screening.features`)
plus a prior ``BIAS``: 1 / (1 + e^-(bias + Σ weights)). It is a ranking and a threshold for
the review queue, not a probability calibrated on real cases.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from asylon.names.compare import NameComparer, NameMatch, default_comparer
from asylon.names.index import NameIndex
from asylon.names.parse import ParsedName
from asylon.screening.features import (
    Feature,
    SamePlace,
    SameUnit,
    birth_date_feature,
    birth_place_feature,
    name_feature,
    namesakes_feature,
    nationality_feature,
    role_feature,
)
from asylon.screening.records import ApplicantRecord, RegisterPerson

__all__ = ["BIAS", "DEFAULT_THRESHOLD", "Hit", "Screener", "score_pair"]

BIAS = -3.0
DEFAULT_THRESHOLD = 0.6
#: candidates whose name scores at least this are namesakes of each other (a common name is
#: weaker evidence: Winkler 1989, frequency-based matching weights). 0.95 until issue 5; set
#: to 0.9 on the benchmark's tuning seed (1982, register 20,000), never the evaluation seed:
#: a name one middle name short of another is as much a namesake (P 0.905 → 0.951, R 0.965
#: → 0.954 there)
NAMESAKE_SCORE = 0.9
GOOD_ENOUGH = 0.97  # stop comparing a person's other names (scripts, aliases) once one scores this


@dataclass(frozen=True, slots=True)
class Hit:
    """A screening lead: the applicant, the register person, the score and its features."""

    applicant_id: str
    register_id: str
    register_name: str
    score: float
    features: tuple[Feature, ...]

    def feature(self, name: str) -> Feature | None:
        return next((f for f in self.features if f.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``asylon screen --format json`` (allegations are the caller's)."""
        return {
            "applicant_id": self.applicant_id,
            "register_id": self.register_id,
            "register_name": self.register_name,
            "score": round(self.score, 4),
            "features": [f.to_dict() for f in self.features],
        }


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass
class _Prepared:
    person: RegisterPerson
    names: tuple[ParsedName, ...]  # names then aliases, Arabic script first
    fullest: ParsedName | None  # the primary name with the most tokens


def _best_name(
    comparer: NameComparer,
    left: Sequence[ParsedName],
    right: Sequence[ParsedName],
    fullest: ParsedName | None = None,
) -> NameMatch | None:
    """The best pair of names; a shorter rendering of the register name (given and family name
    only) scores at most 0.05 above the person's fullest name, whose middle names may
    contradict the applicant's (Ahmad Emad Haideri / Ahmad Ziad Issam al-Heydari). An alias
    that is only a kunya (Abu Ghassan, "father of Ghassan") is compared only with an applicant
    name that has a kunya: it is not a given name (Schimmel 1989 ch. 1)."""
    best: NameMatch | None = None
    ceiling: float | None = None
    kunya = any(t.role == "kunya" for a in left for t in a.comparable)
    against_fullest: dict[int, float] = {}
    for k, a in enumerate(left):
        for b in right:
            if not kunya and b.comparable and all(t.role == "kunya" for t in b.comparable):
                continue  # an alias that is only a kunya (Abu Ghassan) is no given name
            match = comparer.parsed(a, b)
            if b is fullest:
                against_fullest[k] = match.score
            if (
                fullest is not None
                and b is not fullest
                and len(b.comparable) < len(fullest.comparable)
            ):
                if ceiling is None:
                    ceiling = (
                        max(
                            against_fullest[x]
                            if x in against_fullest
                            else comparer.parsed(y, fullest).score
                            for x, y in enumerate(left)
                        )
                        + 0.05
                    )
                if match.score > ceiling:
                    match = replace(match, score=round(ceiling, 4))
            if best is None or match.score > best.score:
                best = match
                if match.score >= GOOD_ENOUGH:
                    return best
    return best


def _combine(
    applicant: ApplicantRecord,
    person: RegisterPerson,
    name: NameMatch | None,
    comparer: NameComparer,
    same_place: SamePlace | None,
    same_unit: SameUnit | None,
    namesakes: int = 0,
) -> Hit:
    features = [
        name_feature(name),
        birth_date_feature(applicant.birth_dates, person.birth_dates),
        birth_place_feature(applicant.birth_places, person.birth_places, comparer, same_place),
        nationality_feature(applicant.nationalities, person.nationalities),
        role_feature(applicant.roles, person.memberships, comparer, same_unit),
    ]
    if namesakes > 1:
        features.append(namesakes_feature(namesakes))
    score = _logistic(BIAS + sum(f.weight for f in features))
    register_name = person.names[0] if person.names else person.id
    return Hit(applicant.id, person.id, register_name, score, tuple(features))


def score_pair(
    applicant: ApplicantRecord,
    person: RegisterPerson,
    *,
    comparer: NameComparer | None = None,
    same_place: SamePlace | None = None,
    same_unit: SameUnit | None = None,
) -> Hit:
    """Score one applicant against one register person (no index, no namesake count)."""
    comparer = comparer or default_comparer()
    left = [comparer.parse(n) for n in applicant.names]
    primary = [comparer.parse(n) for n in person.names]
    right = primary + [comparer.parse(n) for n in person.aliases]
    fullest = max(primary, key=lambda p: len(p.comparable), default=None)
    match = _best_name(comparer, left, right, fullest)
    return _combine(applicant, person, match, comparer, same_place, same_unit)


@dataclass
class Screener:
    """A register prepared for screening: parsed names, an index of name keys.

    ``same_place`` and ``same_unit`` let the caller bring its gazetteer and its unit aliases;
    ``candidates`` bounds how many register persons per applicant are compared in full: 6
    (was 10) since the index ranks entries sharing every token, and the same Arabic readings,
    first; on the tuning seed (register 20,000) 6 and 10 differ by 7 true matches in 1,000
    and the comparisons are two fifths of the time.
    """

    persons: Sequence[RegisterPerson]
    comparer: NameComparer = field(default_factory=default_comparer)
    same_place: SamePlace | None = None
    same_unit: SameUnit | None = None
    candidates: int = 6
    _prepared: list[_Prepared] = field(default_factory=list, repr=False)
    _index: NameIndex = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._index = NameIndex(self.comparer.lexicon)
        for i, person in enumerate(self.persons):
            primary = [self.comparer.parse(n) for n in person.names]
            names = tuple(
                sorted(
                    primary + [self.comparer.parse(n) for n in person.aliases],
                    key=lambda p: p.comparable[0].script != "arabic" if p.comparable else True,
                )
            )  # Arabic script first: every rendering is compared with it through the lexicon
            fullest = max(primary, key=lambda p: len(p.comparable), default=None)
            self._prepared.append(_Prepared(person, names, fullest))
            self._index.add(i, names)

    def screen(
        self,
        applicant: ApplicantRecord,
        threshold: float = DEFAULT_THRESHOLD,
        all_hits: bool = False,
    ) -> list[Hit]:
        """The register persons whose score reaches ``threshold`` (every candidate with
        ``all_hits``), best first."""
        names = [self.comparer.parse(n) for n in applicant.names]
        scored: list[tuple[_Prepared, NameMatch | None]] = []
        for entry, _ in self._index.candidates(names, self.candidates):
            prepared = self._prepared[entry]
            scored.append(
                (prepared, _best_name(self.comparer, names, prepared.names, prepared.fullest))
            )
        top = max((m.score for _, m in scored if m is not None), default=0.0)
        namesakes = sum(1 for _, m in scored if m is not None and m.score >= NAMESAKE_SCORE)
        hits = []
        for prepared, match in scored:
            if match is None or (match.score < 0.5 and not all_hits):
                continue
            count = namesakes if match.score >= NAMESAKE_SCORE and top >= NAMESAKE_SCORE else 0
            hit = _combine(
                applicant,
                prepared.person,
                match,
                self.comparer,
                self.same_place,
                self.same_unit,
                count,
            )
            if all_hits or hit.score >= threshold:
                hits.append(hit)
        hits.sort(key=lambda h: -h.score)
        return hits

    def screen_many(
        self, applicants: Iterable[ApplicantRecord], threshold: float = DEFAULT_THRESHOLD
    ) -> Iterator[Hit]:
        """Batch mode for a caseload: the hits of every applicant, applicant by applicant."""
        for applicant in applicants:
            yield from self.screen(applicant, threshold)
