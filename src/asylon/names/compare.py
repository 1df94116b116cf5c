"""Compare two names in any of the three scripts: a score from 0 to 1 and the reasons for it.

Token by token (:meth:`NameComparer.tokens`), the first rule that applies decides:

1. **same spelling** (after normalisation: case, diacritics, alef/hamza/ta marbuta forms);
2. **abbreviation** (Mhd, Mohd for Muhammad) and **initial** (M. for Muhammad: 0.7);
3. **structure**: a kunya (Abu Muhammad, "father of Muhammad") is not the given name
   Muhammad; compounds compare head with head (ʿAbd, Abu, Umm, al-Din, Allah) and base with
   base (Abd al-Rahman / Abdulrahman / عبد الرحمن: rahman / رحمن);
4. **variant data**: the two spellings share a reading in the lexicon (Mohammed, Мухаммед and
   محمد all read محمد): 0.98; or every reading differs (Asad أسد / As'ad أسعد, Hasan حسن /
   Husayn حسين): **different names**, at most 0.4 however alike the letters;
5. **sound skeleton**: otherwise the weighted alignment of :mod:`asylon.names.align`.

A name is the best one-to-one alignment of its tokens with the other's (order-free: family
names move). Score: the matched similarity over the matched tokens, plus each token left
unmatched on the side with fewer unmatched tokens (when both sides have tokens left over they
conflict: Ahmad Said Hassan / Ahmad Haitham Hassan) and 0.3 of each left on the other side,
0.15 for a middle name (one record often carries a longer nasab chain than the other: Ahmad
Muhammad Ali Hassan / Ahmad Muhammad Hassan = 0.95). A score is a measure of likeness for a person
to weigh, never a finding that two people are one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz.distance import Levenshtein

from asylon.names.align import skeleton_similarity
from asylon.names.normalise import fold_cyrillic, fold_latin
from asylon.names.parse import NameToken, ParsedName, parse_name
from asylon.names.skeleton import coarse_keys
from asylon.names.variants import Lexicon

__all__ = ["NameComparer", "NameMatch", "Rule", "TokenMatch", "compare_names", "default_comparer"]

Rule = Literal[
    "same spelling",
    "abbreviation",
    "initial",
    "variant data",
    "different names",
    "sound skeleton",
    "compound",
    "kunya",
    "no match",
]

DIFFERENT_NAMES_CAP = 0.4
ESTABLISHED = 3.0  # attestations a spelling's reading needs before "different names" is said
EXTRA_TOKEN_WEIGHT = 0.3
MIDDLE_NAME_WEIGHT = 0.15  # a father's or grandfather's name (nasab) one record leaves out
MIN_PAIR = 0.5  # token pairs below this are not aligned


@dataclass(frozen=True, slots=True)
class TokenMatch:
    """Two aligned tokens, their similarity and the rule that decided it, in plain English."""

    left: str
    right: str
    score: float
    rule: Rule
    explanation: str


@dataclass(frozen=True, slots=True)
class NameMatch:
    """Two names compared: the score, the aligned tokens, what was left over, and why."""

    left: str
    right: str
    score: float
    matches: tuple[TokenMatch, ...]
    unmatched_left: tuple[str, ...]
    unmatched_right: tuple[str, ...]
    rejected: tuple[TokenMatch, ...] = ()  # look-alike tokens judged different (Hasan/Husayn)

    @property
    def explanation(self) -> str:
        parts = [
            f"{m.left} ~ {m.right} ({m.score:.2f}, {m.rule}: {m.explanation})" for m in self.matches
        ]
        parts += [f"{m.left} ≠ {m.right} ({m.rule}: {m.explanation})" for m in self.rejected]
        if self.unmatched_left:
            parts.append("only in the first: " + ", ".join(self.unmatched_left))
        if self.unmatched_right:
            parts.append("only in the second: " + ", ".join(self.unmatched_right))
        return "; ".join(parts) if parts else "nothing to compare"


_CYRILLIC_INITIAL = dict(
    zip("абвгдеёжзийклмнопрстуфхцчшщэюя", "abvgdeezziyklmnoprstufkcssseyy", strict=True)
)


def _first_letter(token: NameToken) -> str:
    """The Latin initial a token would have (Мухаммед → m; Хасан → k, as in Khasan)."""
    text = token.base if token.head in (None, "din", "allah") else token.head or token.base
    if token.script == "cyrillic":
        return _CYRILLIC_INITIAL.get(fold_cyrillic(text)[:1], "")
    return fold_latin(text)[:1]


_HEAD_TEXT = {
    "latin": {"abd": "abdal", "abu": "abu", "umm": "umm", "din": "aldin", "allah": "allah"},
    "cyrillic": {"abd": "абдаль", "abu": "абу", "umm": "умм", "din": "ад-дин", "allah": "аллах"},
    "arabic": {"abd": "عبدال", "abu": "ابو", "umm": "ام", "din": "الدين", "allah": "الله"},
}


def _joined(token: NameToken) -> str:
    """A compound as one word (for comparing it with a plain token)."""
    if token.head is None:
        return token.base
    head = _HEAD_TEXT.get(token.script, _HEAD_TEXT["latin"])[token.head]
    return head + token.base if token.head in ("abd", "abu", "umm") else token.base + head


@dataclass
class NameComparer:
    """Compares names with one lexicon, caching token comparisons (names repeat)."""

    lexicon: Lexicon | None = None
    _cache: dict[tuple[tuple[str, str, bool], tuple[str, str, bool]], TokenMatch] = field(
        default_factory=dict, repr=False
    )

    def parse(self, text: str) -> ParsedName:
        known = self.lexicon.knows if self.lexicon is not None else None
        return parse_name(text, known)

    # -- tokens ---------------------------------------------------------------------------
    def tokens(self, left: NameToken, right: NameToken) -> TokenMatch:
        """Compare two tokens (cached on their keys and scripts)."""
        cache_key = (left.ident, right.ident)
        found = self._cache.get(cache_key)
        if found is None:
            if left.is_initial or right.is_initial:
                found = self._initial(left, right)
            else:
                found = self._structure(left, right)
            self._cache[cache_key] = found
        return found

    def _initial(self, left: NameToken, right: NameToken) -> TokenMatch:
        if left.is_initial and right.is_initial:
            same = left.base == right.base
            return TokenMatch(
                left.text, right.text, 0.7 if same else 0.0, "initial", "two initials"
            )
        initial, full = (left, right) if left.is_initial else (right, left)
        if _first_letter(full) == fold_latin(initial.base)[:1] and initial.script != "arabic":
            return TokenMatch(
                left.text,
                right.text,
                0.7,
                "initial",
                f"{initial.text} may be the initial of {full.text}",
            )
        return TokenMatch(left.text, right.text, 0.0, "no match", "the initial does not fit")

    def _structure(self, left: NameToken, right: NameToken) -> TokenMatch:
        if left.key == right.key:
            return self._same(left, right)
        if left.head != right.head:
            kunya = next((t for t in (left, right) if t.head in ("abu", "umm")), None)
            if kunya is not None:
                other = right if kunya is left else left
                return TokenMatch(
                    left.text, right.text, 0.0, "kunya",
                    f"{kunya.text} is a kunya ('{'father' if kunya.head == 'abu' else 'mother'} of "
                    f"{kunya.base}'), not the name {other.text}",
                )  # fmt: skip
            if left.head is not None and right.head is not None:
                return TokenMatch(
                    left.text, right.text, 0.0, "no match", "different compound names"
                )
            base = self._bases(_joined(left), left.script, _joined(right), right.script)
            score = round(base.score * 0.9, 3)
            return TokenMatch(
                left.text, right.text, score, "compound",
                f"compared as one word ({base.rule}: {base.explanation})",
            )  # fmt: skip
        base = self._bases(left.base, left.script, right.base, right.script)
        if left.head is None:
            return TokenMatch(left.text, right.text, base.score, base.rule, base.explanation)
        return TokenMatch(
            left.text,
            right.text,
            base.score,
            base.rule,
            f"same compound ({left.head}); {base.explanation}",
        )

    def _same(self, left: NameToken, right: NameToken) -> TokenMatch:
        abbreviation = left.abbreviation or right.abbreviation
        if abbreviation:
            full = right if left.abbreviation else left
            return TokenMatch(
                left.text, right.text, 0.95, "abbreviation",
                f"{abbreviation} is a common abbreviation of {full.text if not full.abbreviation else 'Muhammad'}",
            )  # fmt: skip
        if left.text == right.text:
            return TokenMatch(left.text, right.text, 1.0, "same spelling", "identical")
        if left.head is not None and (left.script != right.script or left.text != right.text):
            label = {"abd": "ʿAbd al-", "abu": "Abu ", "umm": "Umm "}.get(left.head, "")
            what = f"{label}{left.base}" if label else f"{left.base} + {left.head}"
            return TokenMatch(
                left.text, right.text, 1.0, "same spelling",
                f"the same compound name ({what}), written as one word or two",
            )  # fmt: skip
        return TokenMatch(
            left.text, right.text, 1.0, "same spelling",
            "identical after normalising case, diacritics and letter forms",
        )  # fmt: skip

    def _bases(self, a: str, a_script: str, b: str, b_script: str) -> TokenMatch:
        if a == b:
            return TokenMatch(a, b, 1.0, "same spelling", "identical after normalisation")
        lexicon = self.lexicon
        ka, kb = coarse_keys(a), coarse_keys(b)
        if not any(Levenshtein.normalized_similarity(x, y) >= 0.5 for x in ka for y in kb):
            return TokenMatch(a, b, 0.0, "no match", "different consonants")
        ra: frozenset[int] = frozenset()
        rb: frozenset[int] = frozenset()
        if lexicon is not None:
            ra, rb = lexicon.reading_ids(a), lexicon.reading_ids(b)
            shared = ra & rb
            if shared:
                arabic = lexicon.arabic_forms[min(shared)]
                return TokenMatch(
                    a, b, 0.98, "variant data", f"both are attested spellings of {arabic}"
                )  # fmt: skip
        rule = skeleton_similarity(a, b)
        if (
            lexicon is not None
            and ra
            and rb
            and self._established(a, a_script)
            and self._established(b, b_script)
        ):
            if a_script == "arabic" and b_script == "arabic":
                groups = lexicon.groups(min(ra)) & lexicon.groups(min(rb))
                if groups:
                    return TokenMatch(
                        a, b, 0.95, "variant data", f"one name in Wikidata {min(groups)}"
                    )
            return TokenMatch(
                a, b, min(rule.similarity, DIFFERENT_NAMES_CAP), "different names",
                f"{self._reads(a, a_script, ra)} and {self._reads(b, b_script, rb)} are "
                "different names that look alike",
            )  # fmt: skip
        notes = "; ".join(rule.notes) if rule.notes else "same sounds"
        return TokenMatch(a, b, round(rule.similarity, 3), "sound skeleton", notes)

    def _established(self, text: str, script: str) -> bool:
        """Whether a spelling's reading rests on enough attestations to call names different
        (an Arabic-script spelling is its own reading)."""
        if script == "arabic" or self.lexicon is None:
            return True
        return sum(r.weight for r in self.lexicon.readings(text)) >= ESTABLISHED

    def _reads(self, text: str, script: str, ids: frozenset[int]) -> str:
        if script == "arabic" or self.lexicon is None:
            return text
        forms = " or ".join(self.lexicon.arabic_forms[i] for i in sorted(ids)[:2])
        return f"{text} ({forms})"

    # -- names ----------------------------------------------------------------------------
    def names(self, left: str | ParsedName, right: str | ParsedName) -> NameMatch:
        """Compare two names; the best one-to-one alignment of their tokens."""
        lp = left if isinstance(left, ParsedName) else self.parse(left)
        rp = right if isinstance(right, ParsedName) else self.parse(right)
        return self.parsed(lp, rp)

    def parsed(self, lp: ParsedName, rp: ParsedName) -> NameMatch:
        lt, rt = lp.comparable, rp.comparable
        cache = self._cache
        idents = [t.ident for t in rt]
        pairs: list[tuple[float, int, int, TokenMatch]] = []
        notable: list[TokenMatch] = []
        for i, a in enumerate(lt):
            ai = a.ident
            for j, b in enumerate(rt):
                match = cache.get((ai, idents[j])) or self.tokens(a, b)
                if match.score >= MIN_PAIR:
                    pairs.append((match.score, i, j, match))
                elif match.rule in ("different names", "kunya"):
                    notable.append(match)
        pairs.sort(key=lambda p: -p[0])
        used_l: set[int] = set()
        used_r: set[int] = set()
        matches: list[tuple[int, TokenMatch]] = []
        for _, i, j, match in pairs:
            if i in used_l or j in used_r:
                continue
            used_l.add(i)
            used_r.add(j)
            matches.append((i, match))
        matches.sort(key=lambda m: m[0])
        rejected: list[TokenMatch] = []
        matched_texts = {m.left for _, m in matches} | {m.right for _, m in matches}
        for match in notable:
            if match.left in matched_texts or match.right in matched_texts:
                continue
            if all(r.left != match.left and r.right != match.right for r in rejected):
                rejected.append(match)
        left_over = [t for k, t in enumerate(lt) if k not in used_l]
        right_over = [t for k, t in enumerate(rt) if k not in used_r]
        ul = tuple(t.text for t in left_over)
        ur = tuple(t.text for t in right_over)
        total = sum(m.score for _, m in matches)
        conflicts = min(len(left_over), len(right_over))
        extras = sorted(
            MIDDLE_NAME_WEIGHT if t.role == "nasab" else EXTRA_TOKEN_WEIGHT
            for t in (left_over if len(left_over) > len(right_over) else right_over)
        )[: abs(len(left_over) - len(right_over))]
        denominator = len(matches) + conflicts + sum(extras)
        score = total / denominator if denominator else 0.0
        return NameMatch(
            lp.text, rp.text, round(score, 4), tuple(m for _, m in matches), ul, ur, tuple(rejected)
        )

    def best(
        self, lefts: Iterable[str | ParsedName], rights: Sequence[str | ParsedName]
    ) -> NameMatch | None:
        """The best match between any name of one list and any of the other (names, aliases)."""
        best: NameMatch | None = None
        for left in lefts:
            for right in rights:
                match = self.names(left, right)
                if best is None or match.score > best.score:
                    best = match
        return best


_DEFAULT: NameComparer | None = None


def default_comparer() -> NameComparer:
    """A comparer with the shipped lexicon (built on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        from asylon.names.data import default_lexicon

        _DEFAULT = NameComparer(default_lexicon())
    return _DEFAULT


def compare_names(left: str, right: str, lexicon: Lexicon | None = None) -> NameMatch:
    """Compare two names written in any of the three scripts, with the shipped lexicon unless
    another is given."""
    comparer = default_comparer() if lexicon is None else NameComparer(lexicon)
    return comparer.names(left, right)
