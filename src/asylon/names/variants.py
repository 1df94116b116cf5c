"""The variant lexicon: which Arabic name a Latin or Cyrillic spelling is attested for.

Built from the shipped data (``data/names``, see its PROVENANCE.md), by a pure constructor:

- rigour's person-name synonym groups (OpenSanctions, from Wikidata name items): every Latin
  and Cyrillic spelling of a group is a spelling of each Arabic form in that group;
- Wikidata transliteration pairs (Merhav & Ash 2018, the 80% training split): a Latin token
  seen with an Arabic token in the labels of n people, and Latin/Cyrillic pairs that carry the
  Arabic forms of the Latin spelling over to Cyrillic;
- Google's Arabic→English pairs mined from Wikipedia (the training split only; the evaluation
  split is kept for the benchmark).

The sources are noisy (a group keyed by a Wikidata item gathers homographs: "asad" sits in the
group of أسعد As'ad as well as in that of أسد Asad; token alignment pairs "abdullah" with عبد).
So a spelling's **readings** are not every Arabic form it was seen with, but those its sound
skeleton fits best (:func:`asylon.names.align.skeleton_similarity`): Asad reads أسد, As'ad
and Assaad read أسعد. Two spellings with a reading in common are the same name; two spellings
whose readings are all different are different names, however alike they look.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from asylon.names.align import skeleton_similarity
from asylon.names.normalise import fold_cyrillic, fold_latin, normalise_arabic, script_of

__all__ = ["SOURCES", "Lexicon", "Reading", "lookup_form"]

#: source bits, in the order of this tuple
SOURCES = ("rigour", "wikidata", "google", "wikidata-ru")
_RIGOUR, _WIKIDATA, _GOOGLE, _WIKIDATA_RU = (1 << i for i in range(len(SOURCES)))

_ARTICLE = re.compile(r"^(?:al|el|ul|аль|эль|ал|эл)[- ]|^ال(?=..)")
_SEPARATORS = re.compile(r"[\s\-‐‑–—_.·]+")
_MIN_READING = 0.75
_READING_MARGIN = 0.06
_MIN_SHARE = 0.2  # a near-best reading attested less than a fifth as often as the best is noise


def lookup_form(text: str) -> str:
    """The form under which a spelling is looked up: folded, without a leading article,
    spaces and hyphens (so Abdul Rahman, Abdul-Rahman and Abdulrahman meet)."""
    script = script_of(text)
    if script == "arabic":
        folded = normalise_arabic(text, strict=True)
    elif script == "cyrillic":
        folded = fold_cyrillic(text)
    else:
        folded = fold_latin(text)
    folded = _ARTICLE.sub("", folded, count=1)
    return _SEPARATORS.sub("", folded)


@dataclass(frozen=True, slots=True)
class Reading:
    """An Arabic form a spelling is attested for, and how well its sounds fit."""

    arabic: str
    fit: float  # skeleton similarity of the spelling and the Arabic form
    weight: float  # how often the sources pair them
    sources: tuple[str, ...]


@dataclass(repr=False)
class Lexicon:
    """Spellings (lookup forms) → attested Arabic forms, with their sources; pure data."""

    arabic_forms: list[str] = field(default_factory=list)  # display form, light-normalised
    _arabic_ids: dict[str, int] = field(default_factory=dict)  # lookup form → id
    _edges: dict[str, dict[int, list[float]]] = field(default_factory=dict)  # [weight, bits]
    _groups: dict[int, set[str]] = field(default_factory=dict)  # Arabic id → rigour QIDs
    _readings: dict[str, tuple[Reading, ...]] = field(default_factory=dict, repr=False)
    _spellings: dict[int, list[tuple[str, float]]] = field(default_factory=dict, repr=False)
    _reading_ids: dict[str, frozenset[int]] = field(default_factory=dict, repr=False)

    # -- building -------------------------------------------------------------------------
    def _arabic_id(self, text: str) -> int:
        key = lookup_form(text)
        found = self._arabic_ids.get(key)
        if found is None:
            found = self._arabic_ids[key] = len(self.arabic_forms)
            light = _SEPARATORS.sub(" ", normalise_arabic(text, strict=False)).strip()
            self.arabic_forms.append(_ARTICLE.sub("", light, count=1))
        return found

    def _link(self, spelling: str, arabic_id: int, weight: float, bit: int) -> None:
        key = lookup_form(spelling)
        if not key:
            return
        edge = self._edges.setdefault(key, {}).setdefault(arabic_id, [0.0, 0])
        edge[0] += weight
        edge[1] = int(edge[1]) | bit

    def add_group(self, aliases: Iterable[str], group: str) -> None:
        """One rigour synonym group: every non-Arabic alias spells every Arabic alias."""
        arabic: list[str] = []
        other: list[str] = []
        for alias in aliases:
            (arabic if script_of(alias) == "arabic" else other).append(alias)
        ids = [self._arabic_id(a) for a in arabic]
        for arabic_id in ids:
            self._groups.setdefault(arabic_id, set()).add(group)
        for alias in other:
            for arabic_id in ids:
                self._link(alias, arabic_id, 1.0, _RIGOUR)

    def add_pair(self, spelling: str, arabic: str, count: float, source: str) -> None:
        """A Latin (or Cyrillic) token attested with an Arabic token ``count`` times."""
        if script_of(arabic) != "arabic" or script_of(spelling) == "arabic":
            return
        bit = _WIKIDATA if source == "wikidata" else _GOOGLE
        self._link(spelling, self._arabic_id(arabic), count, bit)

    def add_cyrillic(self, latin: str, cyrillic: str, count: float) -> None:
        """A Latin/Cyrillic pair: the Cyrillic spelling inherits the Latin one's Arabic forms."""
        edges = self._edges.get(lookup_form(latin))
        if not edges or script_of(cyrillic) != "cyrillic":
            return
        for arabic_id, (weight, _) in list(edges.items()):
            self._link(cyrillic, arabic_id, min(count, weight), _WIKIDATA_RU)

    # -- reading --------------------------------------------------------------------------
    def knows(self, text: str) -> bool:
        """Whether a spelling (any script) is attested in the lexicon."""
        key = lookup_form(text)
        return key in self._edges or key in self._arabic_ids

    def arabic_id(self, text: str) -> int | None:
        """The id of an Arabic-script spelling, if the lexicon has it."""
        return self._arabic_ids.get(lookup_form(text))

    def groups(self, arabic_id: int) -> frozenset[str]:
        return frozenset(self._groups.get(arabic_id, ()))

    def readings(self, text: str) -> tuple[Reading, ...]:
        """The Arabic forms this Latin/Cyrillic spelling is read as (best fit first).

        Attested forms whose sounds fit the spelling (similarity at least 0.75, and within
        0.06 of the best fit) and that are attested at least a fifth as often as the most
        attested of those (Mehmud: محمود, not محمد, which fits as well since Arabic script
        does not write the short vowels): the rest is treated as noise of the sources.
        """
        key = lookup_form(text)
        cached = self._readings.get(key)
        if cached is not None:
            return cached
        edges = self._edges.get(key, {})
        scored = []
        for arabic_id, (weight, bits) in edges.items():
            fit = skeleton_similarity(key, self.arabic_forms[arabic_id]).similarity
            sources = tuple(s for i, s in enumerate(SOURCES) if int(bits) >> i & 1)
            scored.append(Reading(self.arabic_forms[arabic_id], fit, weight, sources))
        best = max((r.fit for r in scored), default=0.0)
        floor = max(_MIN_READING, best - _READING_MARGIN)
        near = [r for r in scored if r.fit >= floor]
        heaviest = max((r.weight for r in near), default=0.0)
        result = tuple(
            sorted(
                (r for r in near if r.weight >= _MIN_SHARE * heaviest),
                key=lambda r: (-r.fit, -r.weight),
            )
        )
        self._readings[key] = result
        return result

    def reading_ids(self, text: str) -> frozenset[int]:
        """Ids of :meth:`readings` (an Arabic-script spelling reads as itself). Memoised."""
        found = self._reading_ids.get(text)
        if found is None:
            if script_of(text) == "arabic":
                arabic_id = self.arabic_id(text)
                found = frozenset() if arabic_id is None else frozenset([arabic_id])
            else:
                found = frozenset(
                    self._arabic_ids[lookup_form(r.arabic)] for r in self.readings(text)
                )
            self._reading_ids[text] = found
        return found

    def share(self, text: str, arabic_id: int) -> float:
        """The share of a spelling's attestations that pair it with one Arabic form (0 to 1)."""
        edges = self._edges.get(lookup_form(text), {})
        total = sum(weight for weight, _ in edges.values())
        edge = edges.get(arabic_id)
        return edge[0] / total if edge and total else 0.0

    def written_alike(self, first: int, second: int, floor: float = 2.0) -> bool:
        """Whether the usual spelling of one Arabic form is also attested (at least ``floor``
        times) for the other: حسن Ḥasan and حسان Ḥassān are both "Hassan" in Latin script, so
        a Latin spelling cannot tell them apart."""
        for one, other in ((first, second), (second, first)):
            usual = max(self.attested(one), key=lambda kw: kw[1], default=None)
            if usual is not None:
                edge = self._edges.get(usual[0], {}).get(other)
                if edge is not None and edge[0] >= floor:
                    return True
        return False

    def spellings(self, arabic: str) -> list[tuple[str, float]]:
        """Attested Latin and Cyrillic spellings (lookup forms) of an Arabic form, most
        frequent first, keeping only those that read as it (:meth:`readings`)."""
        target = self.arabic_id(arabic)
        if target is None:
            return []
        found = [
            (key, weight)
            for key, weight in self.attested(target)
            if target in self.reading_ids(key)
        ]
        return sorted(found, key=lambda kw: (-kw[1], kw[0]))

    def attested(self, arabic_id: int) -> list[tuple[str, float]]:
        """Every spelling (lookup form) the sources pair with an Arabic form, unchecked."""
        if not self._spellings:
            for key, edges in self._edges.items():
                for other, (weight, _) in edges.items():
                    self._spellings.setdefault(other, []).append((key, weight))
        return self._spellings.get(arabic_id, [])

    def __len__(self) -> int:
        return len(self._edges)

    def __repr__(self) -> str:
        return f"Lexicon({len(self._edges)} spellings, {len(self.arabic_forms)} Arabic forms)"
