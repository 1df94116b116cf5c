"""Sound skeletons: one token in any of the three scripts as a sequence of Arabic sound classes.

Every segment is a bit mask over the 33 consonants of Arabic script (with پ چ ژ گ ڤ) plus
vowel bits. An Arabic letter sets one bit; a Latin or Cyrillic grapheme sets every letter it
is used for in the common romanisations (ALA-LC, DIN 31635, UNGEGN/BGN-PCGN, the French and
German practice of Maghrebi and Levantine names, English informal spellings) and in Russian
practical transcription (Крачковский; Russian Wikipedia usage):

- ``h`` is ح or ه; ``kh``, German ``ch``, ``x`` are خ; Cyrillic ``х`` is any of ح خ ه;
- ``j``, ``dj``, ``dzh``, ``dsch``, Cyrillic ``дж``/``ж`` are ج; Egyptian and Gulf ``g`` is ج,
  ق or غ; ``q`` and ``k`` are ق or ك; Russian ``г`` stands for ه/ح (Гасан), غ and ق too;
- ``s`` is س, ص or (Levantine, Turkish) ث; ``th`` is ث, ذ or ظ; ``d`` is د, ض or ذ; ``z`` is
  ز, ظ, ذ or ض (Ramazan); ``sh``, French ``ch``, ``sch``, ``ş``, ``ш`` are ش;
- ``'`` ``ʿ`` ``ʾ`` and the Arabizi digits 2, 3 mark hamza and ayn; 7, 5, 6, 9 are ح خ ط ص;
- vowels are classes (a, i, u) with a length bit: ``ee``/``ii``/``ie`` long i, ``oo``/``ou``/``uu``
  long u, ``aa`` long a, ``ai``/``ay``/``ei``/``ey`` the diphthong or long vowel written ي,
  ``aw``/``au``/``ow`` the one written و. Arabic ا (not initial) is long a; و and ي after the
  first letter may be a consonant or a long vowel, so they carry both; final ى is long a and ة
  is the final -a/-ah/-at.

Doubled letters collapse (shadda is not written; ``Hassan`` = ``Hasan`` at this level).
:func:`coarse_key` keeps only the consonant classes (vowels, ayn, hamza and medial w/y
dropped): the blocking key under which spellings of one name meet.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from asylon.names.normalise import fold_cyrillic, fold_latin, normalise_arabic, script_of

__all__ = [
    "CONSONANTS",
    "DIPH",
    "LONG",
    "OPT",
    "VOWELS",
    "Skeleton",
    "coarse_key",
    "coarse_keys",
    "describe",
    "skeleton",
]

_LETTERS = "ءبپتثجچحخدذرزژسشصضطظعغفڤقكگلمنهوي"
_BIT = {ch: 1 << i for i, ch in enumerate(_LETTERS)}
(
    HAMZA,
    B,
    P,
    T,
    TH,
    J,
    CH,
    HH,
    KH,
    D,
    DH,
    R,
    Z,
    ZH,
    S,
    SH,
    SS,
    DD,
    TT,
    ZZ,
    AYN,
    GH,
    F,
    V,
    Q,
    K,
    G,
) = (_BIT[ch] for ch in "ءبپتثجچحخدذرزژسشصضطظعغفڤقكگ")
L, M, N, H, W, Y = (_BIT[ch] for ch in "لمنهوي")
CONSONANTS = (1 << len(_LETTERS)) - 1
VA, VI, VU = 1 << 40, 1 << 41, 1 << 42
VOWELS = VA | VI | VU
LONG = 1 << 43
OPT = 1 << 44  # may be left out at almost no cost (final h of -ah, the h of ة)
DIPH = 1 << 45  # a Latin or Cyrillic diphthong (ay, ei, aw): not a plain short vowel
GLOTTAL = AYN | HAMZA

#: consonants told apart in the script but confused in speech or romanisation: cost 0.4
_NEAR_GROUPS = [
    HH | H | KH,
    KH | K,
    S | SS | SH | TH,
    T | TT | TH,
    D | DD | DH,
    Z | ZZ | DH | S,
    K | Q | G | GH,
    AYN | HAMZA,
    B | P | F,
    F | V | W,
    Y | J,
]
_NEAR = {bit: 0 for bit in _BIT.values()}
for _group in _NEAR_GROUPS:
    for _bit in _BIT.values():
        if _bit & _group:
            _NEAR[_bit] |= _group

_COARSE = {
    B: "B", P: "B", T: "T", TT: "T", TH: "T", J: "J", CH: "J", ZH: "J", HH: "H", KH: "H",
    H: "H", D: "D", DD: "D", DH: "D", R: "R", Z: "Z", ZZ: "Z", S: "S", SS: "S", SH: "C",
    K: "K", Q: "K", GH: "K", G: "K", F: "F", V: "F", L: "L", M: "M", N: "N", W: "W", Y: "Y",
}  # fmt: skip

# Latin graphemes, longest first: (grapheme, mask, coarse class)
_LATIN: list[tuple[str, int, str]] = [
    ("dsch", J, "J"), ("tsch", SH | CH, "C"), ("sch", SH, "C"), ("dzh", J, "J"),
    ("dj", J, "J"), ("dh", DH | DD | ZZ, "D"), ("th", TH | DH | ZZ, "T"), ("kh", KH, "H"),
    ("gh", GH, "K"), ("sh", SH, "C"), ("ch", SH | KH | CH, "C"), ("zh", ZH | J, "J"),
    ("ph", F, "F"), ("ck", K | Q, "K"), ("tt", T | TT, "T"),
    ("b", B | P, "B"), ("p", P | B, "B"), ("t", T | TT, "T"), ("j", J | ZH | Y, "J"),
    ("g", J | Q | GH | G | K, "K"), ("h", HH | H, "H"), ("x", KH, "H"), ("d", D | DD | DH, "D"),
    ("r", R, "R"), ("z", Z | ZZ | DH | DD, "Z"), ("s", S | SS | TH, "S"), ("f", F | V, "F"),
    ("v", V | F | W, "W"), ("q", Q | K, "K"), ("k", K | Q, "K"), ("c", K | Q | S, "K"),
    ("l", L, "L"), ("m", M, "M"), ("n", N, "N"), ("w", W, "W"), ("'", GLOTTAL, ""),
    ("2", HAMZA, ""), ("3", AYN, ""), ("7", HH, "H"), ("5", KH, "H"), ("6", TT, "T"),
    ("9", SS, "S"),
]  # fmt: skip
_LATIN_VOWELS: list[tuple[str, int]] = [
    ("aa", VA | LONG), ("ee", VI | LONG), ("ii", VI | LONG), ("ie", VI | LONG),
    ("oo", VU | LONG), ("ou", VU | LONG), ("uu", VU | LONG), ("ai", Y | VI | VA | LONG | DIPH),
    ("ay", Y | VI | VA | LONG | DIPH), ("ei", Y | VI | VA | LONG | DIPH), ("ey", Y | VI | VA | LONG | DIPH),
    ("aw", W | VU | LONG | DIPH), ("au", W | VU | LONG | DIPH), ("ow", W | VU | LONG | DIPH),
    ("a", VA), ("e", VA | VI), ("i", VI), ("o", VU | VA), ("u", VU),
]  # fmt: skip

_CYRILLIC: dict[str, tuple[int, str]] = {
    "б": (B | P, "B"), "п": (P | B, "B"), "т": (T | TT, "T"), "д": (D | DD | DH, "D"),
    "з": (Z | ZZ | DH | DD, "Z"), "с": (S | SS | TH, "S"), "ш": (SH, "C"), "щ": (SH, "C"),
    "ч": (SH | CH, "C"), "ж": (J | ZH, "J"), "г": (HH | H | GH | J | G | Q | K, "K"),
    "х": (HH | KH | H, "H"), "к": (K | Q, "K"), "ф": (F | V, "F"), "в": (W | V | F, "W"),
    "л": (L, "L"), "м": (M, "M"), "н": (N, "N"), "р": (R, "R"), "й": (Y, "Y"),
    "ц": (S | TH, "S"), "ъ": (GLOTTAL, ""), "ғ": (GH, "K"), "қ": (Q, "K"), "ҳ": (HH | H, "H"),
}  # fmt: skip
_CYRILLIC_VOWELS = {
    "а": VA, "е": VA | VI, "э": VA | VI, "и": VI, "і": VI, "ы": VI, "о": VU | VA, "у": VU,
    "ұ": VU, "ү": VU, "ө": VU, "ә": VA,
}  # fmt: skip
_IOTATED = {"ю": VU, "я": VA, "ё": VU | VA, "є": VA | VI, "ї": VI}

_ARABIC_CONSONANT = {ch: bit for ch, bit in _BIT.items() if ch not in "وي"}


@dataclass(frozen=True, slots=True)
class Skeleton:
    """A token as sound segments, with the grapheme each came from (for explanations)."""

    masks: tuple[int, ...]
    graphemes: tuple[str, ...]
    script: str

    def __len__(self) -> int:
        return len(self.masks)


def _push(
    masks: list[int], graphemes: list[str], mask: int, grapheme: str, collapse: bool = True
) -> None:
    """Append a segment, collapsing a doubled consonant (Hassan, Мухаммед: shadda).

    Not in Arabic script, where two written letters are two consonants (مملوك Mamluk).
    """
    if (
        collapse
        and masks
        and mask & CONSONANTS
        and not mask & VOWELS
        and masks[-1] == mask
        and not mask & GLOTTAL
    ):
        graphemes[-1] += grapheme
        return
    masks.append(mask)
    graphemes.append(grapheme)


def _latin(text: str) -> Skeleton:
    masks: list[int] = []
    graphemes: list[str] = []
    word = "".join(ch for ch in text if ch.isalnum() or ch == "'")
    has_letters = any(ch.isalpha() for ch in word)
    i, n = 0, len(word)
    while i < n:
        if word[i] == "y":
            if i + 1 < n and word[i + 1] in "aeiou":  # y before a vowel: the consonant
                _push(masks, graphemes, Y, "y")
            else:
                _push(masks, graphemes, VI | LONG, "y")  # Hamdy, Fathy: final -i
            i += 1
            continue
        if word[i] == "h" and i == n - 1 and masks and masks[-1] & VOWELS:
            _push(masks, graphemes, H | OPT, "h")  # -ah, -eh: ta marbuta
            i += 1
            continue
        for grapheme, vmask in _LATIN_VOWELS:
            if word.startswith(grapheme, i):
                _push(masks, graphemes, vmask, grapheme)
                i += len(grapheme)
                break
        else:
            for grapheme, cmask, _ in _LATIN:
                if word.startswith(grapheme, i):
                    if not (grapheme.isdigit() and not has_letters):
                        _push(masks, graphemes, cmask, grapheme)
                    i += len(grapheme)
                    break
            else:
                i += 1  # a letter with no Arabic counterpart is skipped
    return Skeleton(tuple(masks), tuple(graphemes), "latin")


def _cyrillic(text: str) -> Skeleton:
    masks: list[int] = []
    graphemes: list[str] = []
    word = "".join(ch for ch in text if ch.isalpha())
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if word.startswith("дж", i):
            _push(masks, graphemes, J, "дж")
            i += 2
            continue
        if word.startswith("кх", i):
            _push(masks, graphemes, KH, "кх")
            i += 2
            continue
        if ch in _IOTATED:
            if i == 0 or word[i - 1] in "ьъаеиоуыэюяё":
                _push(masks, graphemes, Y, ch)
            _push(masks, graphemes, _IOTATED[ch], ch)
        elif ch in _CYRILLIC_VOWELS:
            vmask = _CYRILLIC_VOWELS[ch]
            if masks and masks[-1] & VOWELS and not masks[-1] & CONSONANTS and masks[-1] & vmask:
                masks[-1] |= LONG  # уу, аа: a long vowel
                graphemes[-1] += ch
            else:
                _push(masks, graphemes, vmask, ch)
        elif ch in _CYRILLIC:
            _push(masks, graphemes, _CYRILLIC[ch][0], ch)
        i += 1  # ь and unknown letters are skipped
    return Skeleton(tuple(masks), tuple(graphemes), "cyrillic")


def _arabic(text: str) -> Skeleton:
    masks: list[int] = []
    graphemes: list[str] = []
    word = "".join(ch for ch in normalise_arabic(text, strict=False) if ch.isalpha())
    if word == "عمرو":  # the silent waw of ʿAmr
        word = "عمر"
    n = len(word)
    for i, ch in enumerate(word):
        first, last = i == 0, i == n - 1
        if ch in "اٱ":
            mask = (VA | VI | VU) if first else VA | LONG
        elif ch == "أ":
            mask = VA | VU if first else HAMZA
        elif ch == "إ":
            mask = VI if first else HAMZA
        elif ch == "آ":
            mask = VA | LONG
        elif ch in "ؤئء":
            mask = HAMZA
        elif ch == "ى":
            mask = VA | LONG
        elif ch == "ة":
            mask = VA | VI
        elif ch == "و":
            mask = W if first else W | VU | LONG
        elif ch == "ي":
            mask = Y if first else Y | VI | LONG
        elif ch in _ARABIC_CONSONANT:
            mask = _ARABIC_CONSONANT[ch]
        else:
            continue
        if last and ch == "ه" and masks and masks[-1] & VOWELS and not masks[-1] & CONSONANTS:
            mask |= OPT
        _push(masks, graphemes, mask, ch, collapse=False)
    return Skeleton(tuple(masks), tuple(graphemes), "arabic")


@lru_cache(maxsize=131072)
def skeleton(token: str) -> Skeleton:
    """The sound skeleton of one token (a word without spaces) in any of the three scripts."""
    script = script_of(token)
    if script == "arabic":
        return _arabic(token)
    if script == "cyrillic":
        return _cyrillic(fold_cyrillic(token))
    return _latin(fold_latin(token))


def _coarse_char(mask: int, grapheme: str, script: str) -> str:
    if mask in (W, Y):
        return "W" if mask == W else "Y"
    if script == "latin":
        for g, _, coarse in _LATIN:
            if g == grapheme[: len(g)]:
                return coarse
        return ""
    if script == "cyrillic":
        return _CYRILLIC.get(grapheme[:1], (0, ""))[1] if grapheme[:2] != "дж" else "J"
    for bit, coarse in _COARSE.items():
        if mask & bit:
            return coarse
    return ""


_ALTERNATIVE = {
    ("latin", "g"): "J",
    ("latin", "ch"): "H",
    ("latin", "c"): "S",  # French and Spanish c before e and i: Feicel Faysal, Mercedes
    ("cyrillic", "г"): "H",
    ("cyrillic", "с"): "T",  # Russian practice writes ث as с: Хайсам Haitham, Усман Othman
}


def _base(script: str, grapheme: str) -> str:
    """The ambiguous letter a (possibly doubled) grapheme stands for, or ''."""
    for (s, letter), _ in _ALTERNATIVE.items():
        if s == script and grapheme in (letter, letter * 2):
            return letter
    return ""


@lru_cache(maxsize=131072)
def coarse_keys(token: str) -> tuple[str, ...]:
    """:func:`coarse_key` and the keys of the other readings of ambiguous letters.

    Latin ``g`` is also ج (Egyptian Gamal = Jamal), Latin ``ch`` also خ (German Chalid),
    Russian ``г`` also ه/ح (Ибрагим = Ibrahim), Russian ``с`` also ث (Хайсам = Haitham), Latin ``c`` also س
    (Feicel = Faysal):
    at most four keys, the plain one first.
    """
    skel = skeleton(token)
    keys = [coarse_key(token)]
    ambiguous = [i for i, g in enumerate(skel.graphemes) if _base(skel.script, g)][:2]
    for choice in range(1, 1 << len(ambiguous)):
        swap = {ambiguous[b] for b in range(len(ambiguous)) if choice >> b & 1}
        key = _coarse(skel, swap)
        if key not in keys:
            keys.append(key)
    return tuple(keys)


@lru_cache(maxsize=131072)
def coarse_key(token: str) -> str:
    """Consonant classes only: ``Muhammad``, ``Mohamed``, ``Мухаммед``, ``محمد`` → ``MHMD``.

    Vowels, ayn and hamza, optional letters and ``w``/``y`` after the first segment (which
    may be vowels) are dropped; adjacent repeats collapse. Used to block and pre-filter,
    never to decide.
    """
    return _coarse(skeleton(token), frozenset())


def _coarse(skel: Skeleton, swap: set[int] | frozenset[int]) -> str:
    out: list[str] = []
    for i, (mask, grapheme) in enumerate(zip(skel.masks, skel.graphemes, strict=True)):
        if not mask & CONSONANTS or mask & OPT or mask & GLOTTAL == mask & CONSONANTS:
            continue
        if mask & VOWELS:  # و/ي that may be a vowel, Latin diphthongs
            continue
        char = _coarse_char(mask, grapheme, skel.script)
        if i in swap:
            char = _ALTERNATIVE.get((skel.script, _base(skel.script, grapheme)), char)
        if char in ("W", "Y") and i > 0:
            continue
        if char and (not out or out[-1] != char):
            out.append(char)
    return "".join(out)


_NEAR_UNION: dict[int, int] = {}


def near(a: int, b: int) -> bool:
    """Whether two consonant segments are told apart in writing but often confused."""
    union = _NEAR_UNION.get(a)
    if union is None:
        union = 0
        for bit, group in _NEAR.items():
            if a & bit:
                union |= group
        _NEAR_UNION[a] = union
    return bool(union & b)


_NAMES = {
    HAMZA: "hamza (ء)", AYN: "ʿayn (ع)", HH: "ḥ (ح)", KH: "kh (خ)", H: "h (ه)",
    Q: "q (ق)", K: "k (ك)", GH: "gh (غ)", J: "j (ج)", TH: "th (ث)", DH: "dh (ذ)",
    SS: "ṣ (ص)", DD: "ḍ (ض)", TT: "ṭ (ط)", ZZ: "ẓ (ظ)", W: "w (و)", Y: "y (ي)",
}  # fmt: skip


def describe(mask: int, grapheme: str) -> str:
    """A reader's label for a segment: its grapheme, and the Arabic letter when it is one."""
    if mask & CONSONANTS and not mask & VOWELS:
        bits = [bit for bit in _NAMES if mask & bit]
        if len(bits) == 1 and (mask & CONSONANTS) == bits[0]:
            return _NAMES[bits[0]]
    return f"'{grapheme}'"
