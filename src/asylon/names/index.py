"""Candidate generation: which register persons are worth comparing with a name at all.

An inverted index (blocking, Christen 2012 *Data Matching* ch. 4) from token keys to entries.
A token's keys are the consonant skeletons of its spelling (:func:`coarse_keys`: Muhammad,
Мухаммед and محمد all give ``MHMD``) and of the Arabic forms the variant lexicon reads it as
(Gamal → جمال → ``JML``, which the spelling alone would not give); compounds keep their head
(``abd:RHMN``).

Candidates are the entries that share at least two tokens with the query (one for a one-word
name, or any entry with a very rare token). The postings of the rare tokens (in at most 1% of
the entries) bring entries in; when fewer than two tokens are rare, the entries sharing two of
the three rarest common tokens (Ahmad Hasan, whose family name may be misspelt past its key)
come in too. Entries are ranked by how many of the query's tokens they share (all before two:
Omar Mahmoud al-Muhammadi must not lose to a dozen Omar Mahmouds), then by the summed rarity
(inverse document frequency, Christen 2012 §4.2) of the shared tokens, each counting
``1 + FINE_BONUS`` times when it also shares a **fine key**: the Arabic reading of the token
(:meth:`Lexicon.reading_ids`; the normalised word in Arabic script), which separates names the
coarse keys merge (محمود Mahmoud and محمد Muhammad are both ``MHMD``). Only the best ``limit``
go on to the full comparison; entries still tied at that cut (many Hassan Haithams) are
ordered by the likeness of the consonant skeletons of their whole names (rapidfuzz token-set
ratio of the coarse keys). Pure: in memory.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from asylon.names.parse import Ident, NameToken, ParsedName
from asylon.names.skeleton import coarse_keys
from asylon.names.variants import Lexicon, lookup_form

__all__ = ["NameIndex", "token_keys"]

_RARE_POSTING = 64  # a token this rare brings its entries in even when it is the only one shared
_COMMON_SHARE = 0.01  # a token in more than 1% of the entries only adds to entries found otherwise
_MIN_CAP = 256
_MAX_TIED = 128  # at most this many tied entries are ordered by skeleton likeness
#: how much a shared fine key (the same Arabic reading) adds to a shared token's rarity weight
FINE_BONUS = 0.5


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


def fine_keys(token: NameToken, lexicon: Lexicon | None = None) -> frozenset[str]:
    """The fine keys of one token: its Arabic readings (ids in the lexicon), else the word
    itself (an Arabic-script word, or a spelling the lexicon does not know)."""
    if token.is_initial:
        return frozenset()
    prefix = f"{token.head}:" if token.head else ""
    if lexicon is not None:
        ids = lexicon.reading_ids(token.base)
        if ids:
            return frozenset(f"{prefix}#{i}" for i in ids)
    return frozenset([prefix + lookup_form(token.base)])


@dataclass
class NameIndex:
    """Token keys → entry ids, for any number of names per entry."""

    lexicon: Lexicon | None = None
    _postings: dict[str, set[int]] = field(default_factory=dict, repr=False)
    _fine: dict[str, set[int]] = field(default_factory=dict, repr=False)
    _entries: int = 0
    _names: list[tuple[ParsedName, ...]] = field(default_factory=list, repr=False)
    _signature_cache: dict[int, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _key_cache: dict[Ident, tuple[frozenset[str], frozenset[str]]] = field(
        default_factory=dict, repr=False
    )
    #: a query token's postings (coarse, fine), united over its keys; emptied by :meth:`add`
    _query_cache: dict[Ident, tuple[set[int], set[int]] | None] = field(
        default_factory=dict, repr=False
    )

    def keys(self, token: NameToken) -> frozenset[str]:
        return self._keys(token)[0]

    def _keys(self, token: NameToken) -> tuple[frozenset[str], frozenset[str]]:
        found = self._key_cache.get(token.ident)
        if found is None:
            found = self._key_cache[token.ident] = (
                token_keys(token, self.lexicon),
                fine_keys(token, self.lexicon),
            )
        return found

    def add(self, entry: int, names: Iterable[ParsedName]) -> None:
        """Index one entry (a register person) under every token of every name it has."""
        self._entries += 1
        names = tuple(names)
        while len(self._names) <= entry:
            self._names.append(())
        self._names[entry] = names
        if self._query_cache:
            self._query_cache.clear()
        postings, fine = self._postings, self._fine
        for name in names:
            for token in name.comparable:
                coarse, exact = self._keys(token)
                for key in coarse:
                    found = postings.get(key)
                    if found is None:
                        found = postings[key] = set()
                    found.add(entry)
                for key in exact:
                    found = fine.get(key)
                    if found is None:
                        found = fine[key] = set()
                    found.add(entry)

    def __len__(self) -> int:
        return self._entries

    def _token_postings(self, token: NameToken) -> tuple[set[int], set[int]] | None:
        ident = token.ident
        if ident in self._query_cache:
            return self._query_cache[ident]
        coarse, exact = self._keys(token)
        sets = [self._postings[k] for k in coarse if k in self._postings]
        found: tuple[set[int], set[int]] | None = None
        if sets:
            fines = [self._fine[k] for k in exact if k in self._fine]
            found = (
                sets[0] if len(sets) == 1 else set().union(*sets),
                fines[0] if len(fines) == 1 else set().union(*fines),
            )
        if len(self._query_cache) > 65536:
            self._query_cache.clear()
        self._query_cache[ident] = found
        return found

    def candidates(self, names: Sequence[ParsedName], limit: int = 30) -> list[tuple[int, float]]:
        """Entries sharing tokens with any of ``names``, best first, as (entry, rank score):
        the number of shared tokens, then their rarity (see the module)."""
        scores: dict[int, float] = {}
        for name in names:
            for entry, score in self._candidates_for(name, limit):
                if score > scores.get(entry, -1.0):
                    scores[entry] = score
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return ranked[:limit]

    def _candidates_for(self, name: ParsedName, limit: int) -> list[tuple[int, float]]:
        postings = [p for p in map(self._token_postings, name.comparable) if p is not None]
        if not postings:
            return []
        postings.sort(key=lambda p: len(p[0]))
        total = max(self._entries, 1)
        n = len(postings)
        cap = max(_MIN_CAP, int(total * _COMMON_SHARE))
        rare = sum(1 for coarse, _ in postings if len(coarse) <= cap)
        if n == 1:
            coarse, exact = postings[0]
            pool = (coarse & exact) or coarse
        else:
            # entries sharing every token rank first: when there are enough, they are the pool
            pool = set.intersection(*(coarse for coarse, _ in postings))
            if len(pool) < limit:
                for x in range(n):  # entries sharing two tokens (set operations, in C)
                    for y in range(x + 1, n):
                        if x < rare or y < rare + 3 - min(rare, 2):
                            pair = postings[x][0] & postings[y][0]
                            if x < rare or rare == 0 or len(pair) <= cap:
                                pool |= pair
                if len(postings[0][0]) <= _RARE_POSTING:
                    pool |= postings[0][0]  # a very rare token alone
        if not pool:
            return []
        # rank: shared tokens first (each adds ``scale``, more than any sum of rarities),
        # then their rarity, a shared fine key adding FINE_BONUS of it
        scale = (1 + FINE_BONUS) * math.log(1 + total) * n + 1.0
        score = dict.fromkeys(pool, 0.0)
        for coarse, exact in postings:
            weight = math.log(1 + total / len(coarse))
            shared = scale + weight
            for entry in pool & coarse:
                score[entry] += shared
            bonus = FINE_BONUS * weight
            for entry in pool & exact:
                score[entry] += bonus
        if len(score) <= limit:
            return sorted(score.items(), key=lambda item: (-item[1], item[0]))
        ranked = heapq.nlargest(limit + 1, score.items(), key=lambda item: (item[1], -item[0]))
        edge = ranked[limit - 1][1]
        if ranked[limit][1] >= edge - 1e-9:
            ranked = self._break_ties(name, ranked[:limit], score, edge, limit)
        return ranked[:limit]

    def _signatures(self, entry: int) -> tuple[str, ...]:
        found = self._signature_cache.get(entry)
        if found is None:
            if len(self._signature_cache) > 65536:
                self._signature_cache.clear()
            found = self._signature_cache[entry] = tuple(
                {self._signature(name): None for name in self._names[entry]}
            )
        return found

    def _signature(self, name: ParsedName) -> str:
        return " ".join(min(self.keys(t), default="") for t in name.comparable)

    def _break_ties(
        self,
        name: ParsedName,
        ranked: list[tuple[int, float]],
        score: dict[int, float],
        edge: float,
        limit: int,
    ) -> list[tuple[int, float]]:
        """Entries tied at the cut: the closer consonant skeletons of the whole name first."""
        head = [item for item in ranked if item[1] > edge + 1e-9]
        tied = sorted(e for e, s in score.items() if abs(s - edge) <= 1e-9)[:_MAX_TIED]
        query = self._signature(name)
        likeness = {
            entry: max(
                (fuzz.token_set_ratio(query, other) for other in self._signatures(entry)),
                default=0.0,
            )
            for entry in tied
        }
        tied.sort(key=lambda entry: (-likeness[entry], entry))
        return head + [(entry, edge) for entry in tied[: limit - len(head)]]
