"""Candidate generation: which register persons are worth comparing with a name at all.

An inverted index (blocking, Christen 2012 *Data Matching* ch. 4) from token keys to entries.
A token's keys are the consonant skeletons of its spelling (:func:`coarse_keys`: Muhammad,
Мухаммед and محمد all give ``MHMD``) and of the Arabic forms the variant lexicon reads it as
(Gamal → جمال → ``JML``, which the spelling alone would not give); compounds keep their head
(``abd:RHMN``). Candidates are the entries that share at least two tokens with the query
(one for a one-word name, or any entry with a very rare token). The postings of the rare
tokens (in at most 1% of the entries) bring entries in and the common ones (Muhammad, Ahmad)
only add to them, unless every token is common, when the entries sharing two of the three
rarest are taken; ties (many Ahmad Yusufs) are broken by the similarity of the consonant
skeletons of the whole names. Entries are ranked by the summed rarity (inverse document frequency) of the
tokens they share; only the best ``limit`` go on to the full comparison. Pure: in memory.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from asylon.names.parse import NameToken, ParsedName
from asylon.names.skeleton import coarse_keys
from asylon.names.variants import Lexicon

__all__ = ["NameIndex", "token_keys"]

_RARE_POSTING = 64  # a token this rare brings its entries in even when it is the only one shared
_COMMON_SHARE = 0.01  # a token in more than 1% of the entries only adds to entries found otherwise
_MIN_CAP = 256


def token_keys(token: NameToken, lexicon: Lexicon | None = None) -> frozenset[str]:
    """The blocking keys of one token (none for an initial)."""
    if token.is_initial:
        return frozenset()
    prefix = f"{token.head}:" if token.head else ""
    if token.head == "abd" and token.base == "allah":
        return frozenset(["abd:allah"])
    keys = set(coarse_keys(token.base))
    if lexicon is not None and token.script != "arabic":
        for reading in lexicon.readings(token.base):
            keys.update(coarse_keys(reading.arabic))
    return frozenset(prefix + k for k in keys if k)


@dataclass
class NameIndex:
    """Token keys → entry ids, for any number of names per entry."""

    lexicon: Lexicon | None = None
    _postings: dict[str, set[int]] = field(default_factory=dict, repr=False)
    _entries: int = 0
    _key_cache: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict, repr=False)
    _signatures: dict[int, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def keys(self, token: NameToken) -> frozenset[str]:
        cache_key = (token.key, token.script)
        found = self._key_cache.get(cache_key)
        if found is None:
            found = self._key_cache[cache_key] = token_keys(token, self.lexicon)
        return found

    def add(self, entry: int, names: Iterable[ParsedName]) -> None:
        """Index one entry (a register person) under every token of every name it has."""
        self._entries += 1
        signatures = []
        for name in names:
            for token in name.comparable:
                for key in self.keys(token):
                    self._postings.setdefault(key, set()).add(entry)
            signatures.append(" ".join(min(self.keys(t), default="") for t in name.comparable))
        self._signatures[entry] = tuple(dict.fromkeys(signatures))

    def __len__(self) -> int:
        return self._entries

    def candidates(self, names: Sequence[ParsedName], limit: int = 30) -> list[tuple[int, float]]:
        """Entries sharing tokens with any of ``names``, best first, as (entry, rarity score)."""
        scores: dict[int, float] = {}
        for name in names:
            for entry, score in self._candidates_for(name, limit):
                if score > scores.get(entry, -1.0):
                    scores[entry] = score
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        return ranked[:limit]

    def _candidates_for(self, name: ParsedName, limit: int) -> list[tuple[int, float]]:
        postings: list[set[int]] = []
        for token in name.comparable:
            keys = self.keys(token)
            sets = [self._postings[k] for k in keys if k in self._postings]
            if not sets:
                continue
            postings.append(sets[0] if len(sets) == 1 else set().union(*sets))
        if not postings:
            return []
        postings.sort(key=len)
        total = max(self._entries, 1)
        weights = [math.log(1 + total / len(p)) for p in postings]
        cap = max(_MIN_CAP, int(total * _COMMON_SHARE))
        score: dict[int, float] = {}
        count: dict[int, int] = {}
        rare = [k for k, p in enumerate(postings) if len(p) <= cap]
        if rare:
            for k in rare:  # the rare tokens bring their entries in
                w = weights[k]
                for entry in postings[k]:
                    score[entry] = score.get(entry, 0.0) + w
                    count[entry] = count.get(entry, 0) + 1
            common = [k for k in range(len(postings)) if k not in rare]
        else:  # only common tokens: entries sharing two of the three rarest
            rarest = range(min(3, len(postings)))
            found = set(postings[0]) if len(postings) == 1 else set()
            for x in rarest:
                for y in rarest:
                    if x < y:
                        found |= postings[x] & postings[y]
            for entry in found:
                score[entry] = 0.0
                count[entry] = 0
            common = list(range(len(postings)))
        for k in common:  # common tokens only add to entries already found
            p, w = postings[k], weights[k]
            for entry in score:
                if entry in p:
                    score[entry] += w
                    count[entry] += 1
        needed = 2 if len(postings) > 1 else 1
        scored = [
            (e, s)
            for e, s in score.items()
            if count[e] >= needed or len(postings[0]) <= _RARE_POSTING
        ]
        scored.sort(key=lambda item: -item[1])
        if len(scored) > limit and scored[limit][1] >= scored[limit - 1][1] - 1e-9:
            scored = self._break_ties(name, scored, limit)
        return scored[:limit]

    def _break_ties(
        self, name: ParsedName, scored: list[tuple[int, float]], limit: int
    ) -> list[tuple[int, float]]:
        """Entries tied on shared tokens (many Ahmad Yusufs): the closer consonant skeletons of
        the whole name first (rapidfuzz token-set ratio of the coarse keys)."""
        edge = scored[limit - 1][1]
        head = [item for item in scored if item[1] > edge + 1e-9]
        tied = [item for item in scored if abs(item[1] - edge) <= 1e-9]
        query = " ".join(min(self.keys(t), default="") for t in name.comparable)
        ranked = sorted(
            tied,
            key=lambda item: (
                -max(
                    (fuzz.token_set_ratio(query, sig) for sig in self._signatures[item[0]]),
                    default=0.0,
                )
            ),
        )
        return head + ranked
