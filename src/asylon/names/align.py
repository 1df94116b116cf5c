"""Align two sound skeletons and say how far apart they are, and why.

A weighted edit distance (Levenshtein 1966, with costs in the manner of phonetic string
alignment, Kondrak 2000) over :mod:`asylon.names.skeleton` segments. The costs encode what
romanisation and Arabic spelling actually do:

- a segment that can stand for the same Arabic letter costs nothing (``h``/ح, ``ou``/و);
- short vowels are not written in Arabic and vary freely in Latin (Muhammad/Mohamed): 0.05
  to add or drop, 0.25 to change quality (a/u: Hasan/Husn), 0.1 to change length;
- a long vowel or ي/و read as a vowel, added or dropped: 0.3 (Jamil/Jml);
- ayn and hamza at the start of a word are never written in informal spellings (Ali, Omar,
  Ahmad): free; a medial hamza: 0.15 (Raed/Ra'id); a medial ayn: 0.6 (As'ad/Asad, which are
  different names, أسعد and أسد), or 0.15 where a long vowel or double vowel stands for it
  (Saad, Saeed);
- consonants confused in speech or romanisation (ح/ه/خ, س/ص/ث, ت/ط, د/ض/ذ, ك/ق/غ): 0.4;
  any other consonant change, addition or removal: 1.

The similarity is ``1 - cost / weight``, the weight being the larger side's information
(1 per consonant, 0.7 per ayn, 0.6 per و/ي, 0.3 per long vowel, 0.1 per short vowel).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from asylon.names.skeleton import (
    CONSONANTS,
    DIPH,
    GLOTTAL,
    LONG,
    OPT,
    VOWELS,
    Skeleton,
    describe,
    near,
    skeleton,
)

__all__ = ["Alignment", "align", "skeleton_similarity"]

_AYN = 1 << "ءبپتثجچحخدذرزژسشصضطظعغفڤقكگلمنهوي".index("ع")
_HAMZA = 1


def _is_vowel(mask: int) -> bool:
    return bool(mask & VOWELS) and not mask & CONSONANTS


def _is_dual(mask: int) -> bool:
    return bool(mask & VOWELS) and bool(mask & CONSONANTS)


def _weight(mask: int) -> float:
    if mask & OPT:
        return 0.05
    if _is_vowel(mask):
        return 0.3 if mask & LONG else 0.1
    if _is_dual(mask):
        return 0.6
    if mask & CONSONANTS == mask & GLOTTAL:
        return 0.7 if mask & _AYN else 0.3
    return 1.0


def _indel(mask: int, first: bool, last: bool, other_arabic: bool, arabic: bool) -> float:
    """The cost of a segment present on one side only.

    A short vowel against Arabic script (which does not write it) is almost free; between
    two alphabets that write vowels, a dropped vowel is a real, if small, difference. Between
    two Arabic spellings, a missing ا, و or ي is a different word (محمود/محمد).
    """
    if mask & OPT:
        return 0.05
    both_arabic = arabic and other_arabic
    if _is_vowel(mask):
        if mask & LONG:
            return 0.6 if both_arabic else 0.3
        return 0.05 if other_arabic else 0.15
    if _is_dual(mask):
        return 0.6 if both_arabic else 0.3
    if mask & CONSONANTS == mask & GLOTTAL:
        if first:
            return 0.0
        if mask & _AYN:
            return 0.3 if last else 0.6
        return 0.15
    return 1.0


def _vowel_cost(a: int, b: int) -> float:
    cost = 0.0 if a & b & VOWELS else 0.3
    if (a & LONG) != (b & LONG):
        cost += 0.1
    return cost


_SUBSTITUTION: dict[tuple[int, int, bool], float] = {}
_INDEL: dict[tuple[int, bool, bool, bool, bool], float] = {}


def _substitution(a: int, b: int, hiatus: bool = False) -> float:
    """Cost of aligning two segments (memoised: the masks are few)."""
    key = (a, b, hiatus)
    found = _SUBSTITUTION.get(key)
    if found is None:
        found = _SUBSTITUTION[key] = _substitution_cost(a, b, hiatus)
    return found


def _indel_cached(mask: int, first: bool, last: bool, other_arabic: bool, arabic: bool) -> float:
    key = (mask, first, last, other_arabic, arabic)
    found = _INDEL.get(key)
    if found is None:
        found = _INDEL[key] = _indel(mask, first, last, other_arabic, arabic)
    return found


def _substitution_cost(a: int, b: int, hiatus: bool) -> float:
    """Cost of aligning two segments; ``hiatus``: the vowel side has another vowel beside it."""
    if a == b:
        return 0.0
    best = 2.0
    if a & CONSONANTS and b & CONSONANTS:
        if a & b & CONSONANTS:
            best = 0.0
        elif near(a & CONSONANTS, b & CONSONANTS):
            best = 0.4
        else:
            best = 1.0
    if a & VOWELS and b & VOWELS:
        vowel = _vowel_cost(a, b)
        if (a & DIPH and _is_vowel(b) and not b & LONG) or (
            b & DIPH and _is_vowel(a) and not a & LONG
        ):
            vowel = max(vowel, 0.3)  # a diphthong or ي/و against a short vowel: Husayn/Hasan
        best = min(best, vowel)
    for x, y in ((a, b), (b, a)):  # ayn/hamza written as a vowel: Saad, Saeed, Raed
        if x & GLOTTAL and not x & (CONSONANTS & ~GLOTTAL) and y & VOWELS:
            best = min(best, 0.15 if y & LONG or hiatus else 0.45)
    return best


def _hiatus(masks: tuple[int, ...]) -> list[bool]:
    """Vowels standing next to another vowel, where an ayn or hamza was heard (Sa-eed)."""
    n = len(masks)
    return [
        _is_vowel(m)
        and ((i > 0 and bool(masks[i - 1] & VOWELS)) or (i + 1 < n and bool(masks[i + 1] & VOWELS)))
        for i, m in enumerate(masks)
    ]


@dataclass(frozen=True, slots=True)
class Alignment:
    """The cost of turning one skeleton into the other, the similarity, and the notable edits."""

    cost: float
    similarity: float
    notes: tuple[str, ...]


def align(left: Skeleton, right: Skeleton) -> Alignment:
    """Align two skeletons (dynamic programming, with a trace of the costly steps)."""
    a, b = left.masks, right.masks
    n, m = len(a), len(b)
    a_arabic, b_arabic = left.script == "arabic", right.script == "arabic"
    (ha, wa), (hb, wb) = _profile(a), _profile(b)
    del_a = [_indel_cached(x, i == 0, i == n - 1, b_arabic, a_arabic) for i, x in enumerate(a)]
    del_b = [_indel_cached(y, j == 0, j == m - 1, a_arabic, b_arabic) for j, y in enumerate(b)]
    dist = [[0.0] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    for j in range(1, m + 1):
        dist[0][j], back[0][j] = dist[0][j - 1] + del_b[j - 1], 2
    for i in range(1, n + 1):
        row, prev = dist[i], dist[i - 1]
        brow = back[i]
        row[0], brow[0] = prev[0] + del_a[i - 1], 1
        x, hx, dx = a[i - 1], ha[i - 1], del_a[i - 1]
        for j in range(1, m + 1):
            best, step = prev[j - 1] + _substitution(x, b[j - 1], hx or hb[j - 1]), 3
            c = prev[j] + dx
            if c < best:
                best, step = c, 1
            c = row[j - 1] + del_b[j - 1]
            if c < best:
                best, step = c, 2
            row[j], brow[j] = best, step
    cost = dist[n][m]
    similarity = max(0.0, 1.0 - cost / max(wa, wb, 1.0))
    notes = _notes(left, right, back) if similarity >= 0.5 else ()
    return Alignment(cost, similarity, notes)


_PROFILES: dict[tuple[int, ...], tuple[list[bool], float]] = {}


def _profile(masks: tuple[int, ...]) -> tuple[list[bool], float]:
    """Hiatus flags and total weight of a skeleton (memoised)."""
    found = _PROFILES.get(masks)
    if found is None:
        found = _PROFILES[masks] = (_hiatus(masks), sum(map(_weight, masks)))
    return found


def _notes(left: Skeleton, right: Skeleton, back: list[list[int]]) -> tuple[str, ...]:
    notes: list[str] = []
    vowels = False
    ha, hb = _profile(left.masks)[0], _profile(right.masks)[0]
    i, j = len(left.masks), len(right.masks)
    while i or j:
        step = back[i][j]
        if step == 3:
            i, j = i - 1, j - 1
            x, y = left.masks[i], right.masks[j]
            cost = _substitution(x, y, ha[i] or hb[j])
            if cost == 0:
                continue
            if (x & VOWELS or x & GLOTTAL) and (y & VOWELS or y & GLOTTAL) and cost < 0.4:
                if x & GLOTTAL or y & GLOTTAL:
                    notes.append("ʿayn/hamza written as a vowel")
                else:
                    vowels = True
                continue
            lx, ly = describe(x, left.graphemes[i]), describe(y, right.graphemes[j])
            kind = "often confused" if cost < 1 else "different letters"
            notes.append(f"{lx} / {ly} ({kind})")
        elif step == 1:
            i -= 1
            notes.extend(_indel_note(left, i))
            vowels = vowels or _is_vowel(left.masks[i])
        else:
            j -= 1
            notes.extend(_indel_note(right, j))
            vowels = vowels or _is_vowel(right.masks[j])
    if vowels:
        notes.append("vowels differ (Arabic script does not write short vowels)")
    return tuple(reversed(notes))


def _indel_note(skel: Skeleton, i: int) -> list[str]:
    mask = skel.masks[i]
    if _is_vowel(mask) or mask & OPT:
        return []
    label = describe(mask, skel.graphemes[i])
    if mask & CONSONANTS == mask & GLOTTAL:
        return [] if i == 0 else [f"{label} not written on one side"]
    if _is_dual(mask):
        return [f"long vowel {label} not written on one side"]
    return [f"extra letter {label}"]


@lru_cache(maxsize=262144)
def skeleton_similarity(left: str, right: str) -> Alignment:
    """Align the skeletons of two tokens (cached: names repeat)."""
    return align(skeleton(left), skeleton(right))
