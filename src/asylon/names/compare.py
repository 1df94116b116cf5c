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

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz.distance import Levenshtein

from asylon.names.align import skeleton_similarity
from asylon.names.normalise import fold_cyrillic, fold_latin
from asylon.names.parse import Ident, NameToken, ParsedName, parse_name
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
#: what a swap of two aligned names (given/father) costs, in tokens' similarity
ORDER_PENALTY = 0.6
#: a spelling whose reading is not decisive against another name (:meth:`NameComparer._doubt`)
#: scores at most this: a likely, not a certain, spelling of the same name
AMBIGUOUS_CAP = 0.9
#: a spelling's pairing with an Arabic form below this share of its attestations is noise
WEAK_SHARE = 0.05
#: how much worse a form may fit a spelling's sounds and still count as an equal reading
#: (the lexicon's ``_READING_MARGIN``)
READING_MARGIN = 0.06


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
    order: str = ""  # given and father's names swapped (empty: same order)

    @property
    def explanation(self) -> str:
        parts = [
            f"{m.left} ~ {m.right} ({m.score:.2f}, {m.rule}: {m.explanation})" for m in self.matches
        ]
        parts += [f"{m.left} ≠ {m.right} ({m.rule}: {m.explanation})" for m in self.rejected]
        if self.order:
            parts.append(self.order)
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
    _cache: dict[tuple[Ident, Ident], TokenMatch] = field(default_factory=dict, repr=False)

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
            doubt = self._doubt(a, a_script, ra, b, b_script, rb)
            if doubt is not None:
                return TokenMatch(
                    a, b, round(min(rule.similarity, AMBIGUOUS_CAP), 3), "sound skeleton", doubt
                )
            return TokenMatch(
                a, b, min(rule.similarity, DIFFERENT_NAMES_CAP), "different names",
                f"{self._reads(a, a_script, ra)} and {self._reads(b, b_script, rb)} are "
                "different names that look alike",
            )  # fmt: skip
        notes = "; ".join(rule.notes) if rule.notes else "same sounds"
        return TokenMatch(a, b, round(rule.similarity, 3), "sound skeleton", notes)

    def _doubt(
        self,
        a: str,
        a_script: str,
        ra: frozenset[int],
        b: str,
        b_script: str,
        rb: frozenset[int],
    ) -> str | None:
        """Why the readings of two spellings do not prove them different names, or None.

        A Latin or Cyrillic spelling's readings are the Arabic forms it is *mostly* attested
        for; that does not exclude another when its sounds fit that other form as well (within
        the lexicon's reading margin) and either the sources also pair it with that form
        (Basil: باسيل, but also باسل, Bassel al-Assad's usual English spelling; Хамад: حمد,
        also حماد) or the two Arabic forms share their usual Latin spelling (Hassen reads
        حسان, but حسان and حسن are both "Hassan"). Amr (عمرو, 48 to 1 against عمر) stays a
        different name from Omar: a pairing below ``WEAK_SHARE`` of a spelling's
        attestations is the sources' noise (the lexicon's own rule, :mod:`variants`).
        """
        lexicon = self.lexicon
        if lexicon is None:
            return None
        forms = lexicon.arabic_forms
        for text, script, own, other in ((a, a_script, ra, rb), (b, b_script, rb, ra)):
            if script == "arabic":
                continue
            fit_own = max(skeleton_similarity(text, forms[i]).similarity for i in own)
            for i in sorted(other):
                if skeleton_similarity(text, forms[i]).similarity < fit_own - READING_MARGIN:
                    continue
                mostly = " or ".join(forms[k] for k in sorted(own)[:2])
                if lexicon.share(text, i) >= WEAK_SHARE:
                    return (
                        f"{text} is mostly attested for {mostly}, but also for {forms[i]}, "
                        "which it sounds as close to"
                    )
                alike = next((k for k in sorted(own) if lexicon.written_alike(k, i)), None)
                if alike is not None:
                    return (
                        f"{text} is attested for {forms[alike]}, but {forms[alike]} and "
                        f"{forms[i]} share their usual Latin spelling and it sounds as close "
                        f"to {forms[i]}"
                    )
        return None

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
        aligned: list[tuple[int, int, TokenMatch]] = []
        for _, i, j, match in pairs:
            if i in used_l or j in used_r:
                continue
            used_l.add(i)
            used_r.add(j)
            aligned.append((i, j, match))
        order = (
            self._order(lt, rt, aligned)
            if len(aligned) > 2 or (len(aligned) == 2 and len(lt) > 2 and len(rt) > 2)
            else None
        )
        matches = [(i, m) for i, _, m in sorted(aligned, key=lambda x: x[0])]
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
        if order is not None:
            total -= ORDER_PENALTY * order[0]
        conflicts = min(len(left_over), len(right_over))
        extras = sorted(
            MIDDLE_NAME_WEIGHT if t.role == "nasab" else EXTRA_TOKEN_WEIGHT
            for t in (left_over if len(left_over) > len(right_over) else right_over)
        )[: abs(len(left_over) - len(right_over))]
        denominator = len(matches) + conflicts + sum(extras)
        score = total / denominator if denominator else 0.0
        return NameMatch(
            lp.text,
            rp.text,
            round(max(score, 0.0), 4),
            tuple(m for _, m in matches),
            ul,
            ur,
            tuple(rejected),
            order[1] if order is not None else "",
        )

    def _order(
        self,
        lt: Sequence[NameToken],
        rt: Sequence[NameToken],
        aligned: list[tuple[int, int, TokenMatch]],
    ) -> tuple[int, str] | None:
        """Swapped names in the aligned tokens: how many, and a sentence, or None.

        In an Arabic name the order carries meaning: the given name, then the father's, then
        the grandfather's (the nasab, Schimmel 1989 ch. 1), so Jamal Mahmoud (Jamal son of
        Mahmoud) and Mahmoud Jamal (Mahmoud son of Jamal, perhaps his father or his son:
        sons are often named after a grandfather) are different people. One reordering is
        normal and costs nothing: the family name written first, as registries and lists
        sorted by surname do (AL-ASSAD Bashar Hafez). Two tokens that align equally well
        either way (Muhammad Muhammad) are not a swap. Each remaining crossing of aligned
        pairs (an inversion) costs ``ORDER_PENALTY`` of one token's similarity.
        """
        pairs = sorted(aligned, key=lambda x: x[0])
        # uncross pairs whose tokens fit as well the other way round (Muhammad Muhammad)
        for p in range(len(pairs)):
            for q in range(p + 1, len(pairs)):
                (i1, j1, m1), (i2, j2, m2) = pairs[p], pairs[q]
                if j1 > j2:
                    a = self.tokens(lt[i1], rt[j2])
                    b = self.tokens(lt[i2], rt[j1])
                    if a.score + b.score >= m1.score + m2.score - 0.02:
                        pairs[p], pairs[q] = (i1, j2, a), (i2, j1, b)
        js = [j for _, j, _ in pairs]
        if all(x < y for x, y in itertools.pairwise(js)):
            return None
        for rotated in (js[1:] + js[:1], js[-1:] + js[:-1]):
            if all(x < y for x, y in itertools.pairwise(rotated)):
                return None  # the family name written first on one side
        swaps = [
            (pairs[p], pairs[q])
            for p in range(len(pairs))
            for q in range(p + 1, len(pairs))
            if pairs[p][1] > pairs[q][1]
        ]
        (_, _, first), (_, _, second) = swaps[0]
        return len(swaps), (
            f"names in another order: {first.left} before {second.left} in the first, "
            f"{second.right} before {first.right} in the second (in an Arabic name the order "
            "is given name, father's, grandfather's)"
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
