"""The structure of an Arabic personal name, in Arabic script or in a Latin or Cyrillic rendering.

The classical elements (Schimmel, *Islamic Names*, 1989, ch. 1; Library of Congress Rule
Interpretation 22.22 for Arabic names): the *ism* (given name), the *nasab* chain of
ancestors introduced by ibn/bin (son of) or bint (daughter of), the *kunya* (Abu X, "father
of X"; Umm X, "mother of X"), the *laqab* (an epithet: al-Rashid), the *nisba* (an adjective
of origin or affiliation ending in -i: al-Halabi, "of Aleppo"), and the family name, often
with the article al- (el-, ul-, the sun-letter forms ar-, as-, ad-, ash-, at-, an-, az-; Al
"family of"; Cyrillic аль-, эль-, ас-...). Modern Syrian civil names are usually given name,
father's name, grandfather's name and family name with no ibn: the middle names are an
implied nasab.

Compounds are one name, whatever the spacing: ʿAbd with a divine name (Abd al-Rahman, Abdul
Rahman, Abdurrahman, عبد الرحمن, عبدالرحمن, Абдуррахман), names ending in al-Din (Nur al-Din,
Nureddine, نور الدين) or Allah (Nasrallah, نصر الله), and the kunya. They become one token
with a ``head`` (abd, abu, umm, din, allah) and a ``base`` (rahman, muhammad, nur, nasr), so
that "Abdul Rahman" and "Abdulrahman" compare part by part. Honorifics and ranks (Sheikh,
al-Hajj, Dr, General, اللواء, полковник) are kept as titles and never compared as names.

Pure: :func:`parse_name` reads only its argument (and an optional ``known`` predicate, the
variant lexicon's, to split a joined article as in ALASSAD).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from asylon.names.normalise import (
    APOSTROPHES,
    Script,
    fold_cyrillic,
    fold_latin,
    normalise_arabic,
    script_of,
)

__all__ = ["NameToken", "ParsedName", "Role", "parse_name"]

Role = Literal["title", "given", "nasab", "kunya", "laqab", "nisba", "family", "initial"]
Head = Literal["abd", "abu", "umm", "din", "allah"]


def _fold(word: str, script: Script) -> str:
    if script == "arabic":
        return normalise_arabic(word, strict=True)
    if script == "cyrillic":
        return fold_cyrillic(word)
    return fold_latin(word)


_TITLES = frozenset(
    [
        "sheikh",
        "shaikh",
        "shaykh",
        "sheik",
        "cheikh",
        "shaykha",
        "sheikha",
        "haj",
        "hajj",
        "hajji",
        "hadji",
        "hadj",
        "dr",
        "doctor",
        "prof",
        "professor",
        "general",
        "gen",
        "major",
        "maj",
        "colonel",
        "col",
        "brigadier",
        "brig",
        "lieutenant",
        "lt",
        "captain",
        "capt",
        "mr",
        "mrs",
        "ms",
        "miss",
        "imam",
        "mullah",
        "judge",
        "field",
        "marshal",
        "admiral",
        "sergeant",
        "sgt",
        "commander",
        "شيخ",
        "الشيخ",
        "حاج",
        "الحاج",
        "الدكتور",
        "دكتور",
        "د",
        "اللواء",
        "لواء",
        "العميد",
        "عميد",
        "العقيد",
        "عقيد",
        "المقدم",
        "مقدم",
        "الرائد",
        "رائد_",
        "النقيب",
        "نقيب",
        "الملازم",
        "ملازم",
        "السيد",
        "السيدة",
        "الاستاذ",
        "шейх",
        "шейха",
        "хадж",
        "хаджи",
        "доктор",
        "генерал",
        "генерал-майор",
        "полковник",
        "подполковник",
        "майор",
        "капитан",
        "лейтенант",
        "бригадный",
        "господин",
        "г-н",
        "д-р",
    ]
)
_MARKERS = frozenset(
    [
        "bin",
        "ibn",
        "bint",
        "ben",
        "binti",
        "ibnu",
        "ould",
        "b",
        "بن",
        "ابن",
        "بنت",
        "ولد",
        "бин",
        "ибн",
        "бинт",
        "бен",
    ]
)
_ARTICLES = frozenset(
    ["al", "el", "il", "ul", "ol", "ال", "آل", "аль", "эль", "ал", "эл", "уль", "ель"]
)  # and the sun-letter forms below, when written with a hyphen or before the same consonant
_SUN_ARTICLES = frozenset(
    [
        "ar",
        "as",
        "ad",
        "at",
        "an",
        "az",
        "ash",
        "ath",
        "adh",
        "er",
        "es",
        "ed",
        "et",
        "en",
        "ez",
        "esh",
        "ur",
        "us",
        "ud",
        "ut",
        "un",
        "uz",
        "ush",
        "ар",
        "ас",
        "ад",
        "ат",
        "ан",
        "аз",
        "аш",
        "ас-с",
        "эр",
        "эс",
        "эд",
        "эт",
        "эн",
        "эз",
        "эш",
    ]
)
_ABD = frozenset(
    [
        "abd",
        "'abd",
        "abdul",
        "abdel",
        "abdal",
        "abdol",
        "abdil",
        "abdu",
        "abdou",
        "abdoul",
        "abdi",
        "abdel-",
        "عبد",
        "абд",
        "абдул",
        "абдель",
        "абдуль",
        "абдаль",
        "абду",
        "абдель",
    ]
)
_ABU = frozenset(
    ["abu", "abou", "abo", "aboo", "abū", "abul", "abil", "أبو", "ابو", "абу", "абуль", "абу-ль"]
)
_UMM = frozenset(["umm", "um", "om", "oum", "omm", "umme", "ام", "أم", "умм", "ум"])
_ALLAH = frozenset(
    [
        "allah",
        "ullah",
        "ollah",
        "ellah",
        "alla",
        "ulla",
        "lah",
        "llah",
        "الله",
        "аллах",
        "улла",
        "алла",
        "уллах",
    ]
)
_DIN = frozenset(
    [
        "din",
        "deen",
        "dine",
        "dinne",
        "eddine",
        "eddin",
        "uddin",
        "addin",
        "ddin",
        "الدين",
        "дин",
        "дина",
        "ддин",
    ]
)
_ABBREVIATIONS = {
    "mhd": "muhammad",
    "mohd": "muhammad",
    "muhd": "muhammad",
    "md": "muhammad",
    "mhmd": "muhammad",
    "moh'd": "muhammad",
    "mohd'": "muhammad",
    "мхд": "мухаммед",
}


def _folded_set(words: frozenset[str]) -> frozenset[str]:
    return frozenset(_fold(w, script_of(w)) for w in words)


_TITLES, _MARKERS, _ARTICLES, _SUN_ARTICLES = map(
    _folded_set, (_TITLES, _MARKERS, _ARTICLES, _SUN_ARTICLES)
)
_ABD, _ABU, _UMM, _ALLAH, _DIN = map(_folded_set, (_ABD, _ABU, _UMM, _ALLAH, _DIN))

_SPLIT = re.compile(r"[\s,;/()\[\]\"«»“”]+")
_HYPHEN = re.compile(r"[-‐‑–—_.·]+")
_LATIN_ABD = re.compile(r"^'?abd(?:[aeiou]|ou)?(?:l|(?P<sun>sh|th|dh|[rstdzn]))?-?(?P<base>.{3,})$")
_LATIN_ABU = re.compile(r"^ab(?:u|ou|oo)(?:l)?-?(?P<base>[^aeiou-].{2,})$")
_LATIN_DIN = re.compile(
    r"^(?P<base>.{3,}?)(?:[aeiu]l-?d|[aeiu]d-?d|[aeiu]-?d|-d)(?:in|een|ine|inne|yn)$"
)
_LATIN_ALLAH = re.compile(r"^(?P<base>.{3,}?)-?(?:[aeiou]?l{1,2}ah?|[aeiou]ll[ao]h?)$")
_CYR_ABD = re.compile(r"^абд(?:[уеаои])?(?:ль|л|(?P<sun>[рстдзнш]))?-?(?P<base>.{3,})$")
_CYR_DIN = re.compile(r"^(?P<base>.{3,}?)(?:[аеэу]ль?-?д|[аеэу]д-?д|[аеэу]-?д|-д)ин$")
_CYR_ALLAH = re.compile(r"^(?P<base>.{3,}?)-?(?:[аеуо]?лл?ах?|[аеуо]лла)$")
_AR_ABD = re.compile(r"^عبد(?:ال)?(?P<base>.{2,})$")
_AR_DIN = re.compile(r"^(?P<base>.{2,}?)الدين$")
_AR_ALLAH = re.compile(r"^(?P<base>.{2,}?)الله$")


#: what a token comparison depends on (:attr:`NameToken.ident`)
Ident = tuple[str, str, bool, bool]


@dataclass(frozen=True, slots=True)
class NameToken:
    """One element of a name: a word, a compound (``head`` + ``base``) or an initial."""

    text: str  # as written, compounds joined with spaces: "Abd al-Rahman"
    script: Script
    base: str  # the comparable word, normalised for its script: "rahman", "رحمن", "muhammad"
    head: Head | None = None  # compounds: abd / abu / umm (before the base), din / allah (after)
    role: Role = "given"
    article: bool = False  # written with al-, el-, ال, аль-
    marker: str | None = None  # the ibn/bin/bint that introduced it
    abbreviation: str | None = None  # "Mhd" when base was expanded to "muhammad"

    @property
    def key(self) -> str:
        """The comparison key: equal keys are the same spelling of the same element."""
        return f"{self.head}+{self.base}" if self.head else self.base

    #: key, script, initial-ness and abbreviation: what a token comparison depends on (an
    #: abbreviation's explanation differs from the full spelling's: Mhd and Muhammad share a key)
    ident: Ident = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = f"{self.head}+{self.base}" if self.head else self.base
        ident = (key, self.script, self.role == "initial", self.abbreviation is not None)
        object.__setattr__(self, "ident", ident)

    @property
    def is_initial(self) -> bool:
        return self.role == "initial"


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A parsed name: every token, including titles, in the order written."""

    text: str
    tokens: tuple[NameToken, ...]
    #: the tokens that identify the person (titles left out)
    comparable: tuple[NameToken, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "comparable", tuple(t for t in self.tokens if t.role != "title"))

    def by_role(self, role: Role) -> tuple[NameToken, ...]:
        return tuple(t for t in self.tokens if t.role == role)


def _base_form(word: str, script: Script) -> str:
    """The stored base of a token: strict key for Arabic, folded for the alphabets."""
    folded = _fold(word, script)
    return folded.strip(APOSTROPHES.replace("'", "") + "-") if script != "arabic" else folded


def _words(text: str) -> list[tuple[str, bool]]:
    """Split on spaces and hyphens; the flag says the word was joined to the next by a hyphen."""
    out: list[tuple[str, bool]] = []
    for chunk in _SPLIT.split(text):
        pieces = [p for p in _HYPHEN.split(chunk) if p and p.strip("'ʿʾ’‘`")]
        for k, piece in enumerate(pieces):
            out.append((piece, k < len(pieces) - 1))
    return out


def _is_article(folded: str, hyphenated: bool, following: str | None) -> bool:
    if folded in _ARTICLES:
        return True
    if folded in _SUN_ARTICLES and following:
        return hyphenated or following[: len(folded) - 1] == folded[1:]
    return False


def _joined_compound(folded: str, script: Script) -> tuple[Head, str] | None:
    """A compound written as one word: Abdulrahman, Nureddine, Nasrallah, عبدالله, Абдулла."""
    if script == "latin":
        if (m := _LATIN_ABD.match(folded)) and folded not in _ABD:
            base = m["base"]
            if re.fullmatch(r"[aeiou]?l{1,2}ah?|[aeiou]ll[ao]h?", base) or base in _ALLAH:
                return "abd", "allah"
            if m["sun"] and not base.startswith(m["sun"]):
                base = m["sun"] + base  # Abdussalam's s belongs to salam; Abdulrahman has no sun
            return "abd", base.lstrip("'-")
        if (m := _LATIN_ABU.match(folded)) and folded not in _ABU:
            return "abu", m["base"]
        if m := _LATIN_DIN.match(folded):
            return "din", m["base"].rstrip("'-")
        if m := _LATIN_ALLAH.match(folded):
            return "allah", m["base"]
    elif script == "cyrillic":
        if (m := _CYR_ABD.match(folded)) and folded not in _ABD:
            base = m["base"]
            if re.fullmatch(r"[аеуо]?лл?ах?|[аеуо]лла", base) or base in _ALLAH:
                return "abd", "allah"
            if m["sun"] and not base.startswith(m["sun"]):
                base = m["sun"] + base
            return "abd", base
        if m := _CYR_DIN.match(folded):
            return "din", m["base"]
        if m := _CYR_ALLAH.match(folded):
            return "allah", m["base"]
    elif script == "arabic":
        if m := _AR_ABD.match(folded):
            base = m["base"]
            return ("abd", "allah") if base in ("له", "لله") else ("abd", base)
        if m := _AR_DIN.match(folded):
            return "din", m["base"]
        if m := _AR_ALLAH.match(folded):
            return "allah", m["base"]
    return None


@lru_cache(maxsize=65536)
def _parse(text: str, known: Callable[[str], bool] | None) -> ParsedName:
    raw = _words(text)
    words = [(w, h, script_of(w)) for w, h in raw]
    folded = [_fold(w, s) for w, _, s in words]
    tokens: list[NameToken] = []
    i, n = 0, len(words)
    article = False
    marker: str | None = None
    while i < n:
        word, hyphen, script = words[i]
        f = folded[i]
        nxt = folded[i + 1] if i + 1 < n else None
        if (
            f in _TITLES
            and n > 1
            and not article
            and marker is None
            and all(t.role == "title" for t in tokens)
        ):  # a title precedes the name; after it, Hajji, Haj or Sheikh is a family name
            tokens.append(NameToken(word, script, f, role="title"))
            i += 1
            continue
        if f in _MARKERS and nxt is not None and tokens:
            marker, i = word, i + 1
            continue
        if nxt is not None and _is_article(f, hyphen, nxt):
            article, i = True, i + 1
            continue
        head: Head | None = None
        base_index = i
        text_parts = [word]
        if (
            nxt is not None
            and (f in _ABD or f in _ABU or f in _UMM)
            and not (
                f in ("abdu", "abdou", "um", "om")
                and not _is_article(nxt, True, "x")
                and nxt in _DIN
            )
        ):
            head = "abd" if f in _ABD else "abu" if f in _ABU else "umm"
            j = i + 1
            if j + 1 < n and _is_article(folded[j], words[j][1], folded[j + 1]):
                text_parts.append(words[j][0])
                j += 1
            base_index = j
            text_parts.append(words[j][0])
            i = j + 1
            if head == "abd" and folded[base_index] in _ALLAH:
                tokens.append(
                    _token(text_parts, words, base_index, "abd", "allah", article, marker)
                )
                article, marker = False, None
                continue
        else:
            j = i + 1
            if j + 1 < n and _is_article(folded[j], words[j][1], folded[j + 1]):
                j += 1
            if j < n and (folded[j] in _DIN or folded[j] in _ALLAH) and j > i:
                head = "din" if folded[j] in _DIN else "allah"
                text_parts.extend(w for w, _, _ in words[i + 1 : j + 1])
                i = j + 1
            else:
                i += 1
        tokens.append(_token(text_parts, words, base_index, head, None, article, marker, known))
        article, marker = False, None
    return ParsedName(text, _assign_roles(tokens))


def _token(
    text_parts: list[str],
    words: list[tuple[str, bool, Script]],
    base_index: int,
    head: Head | None,
    base_override: str | None,
    article: bool,
    marker: str | None,
    known: Callable[[str], bool] | None = None,
) -> NameToken:
    word, _, script = words[base_index]
    base = base_override or _base_form(word, script)
    if head and script == "arabic" and base.startswith("ال") and len(base) > 3:
        base = base[2:]  # عبد الرحمن: the article belongs to the compound
    abbreviation = None
    if head is None:
        if base in _ABBREVIATIONS:
            abbreviation, base = word, _ABBREVIATIONS[base]
        elif script == "arabic" and base.startswith("ال") and len(base) > 3:
            if not (known and known(base) and not known(base[2:])):
                article, base = True, base[2:]
        elif (
            script == "latin"
            and known
            and base[:2] in ("al", "el")
            and len(base) > 5
            and known(base[2:])
            and not known(base)
        ):
            article, base = True, base[2:]
        joined = _joined_compound(base, script)
        if joined:
            head, base = joined
    text = " ".join(text_parts)
    role: Role = "initial" if script != "arabic" and len(base) == 1 and head is None else "given"
    return NameToken(text, script, base, head, role, article, marker, abbreviation)


def _assign_roles(tokens: list[NameToken]) -> tuple[NameToken, ...]:
    """Given name first; kunya; ibn-chains and middle names as nasab; article words at the end
    as family name, nisba (-i) or, in the middle, laqab."""
    names = [k for k, t in enumerate(tokens) if t.role not in ("title", "initial")]
    out = list(tokens)
    for position, k in enumerate(names):
        t = tokens[k]
        role: Role
        if t.head in ("abu", "umm"):
            role = "kunya"
        elif position == 0:
            role = "given"
        elif t.marker is not None:
            role = "nasab"
        elif position == len(names) - 1:
            role = "nisba" if t.article and _is_nisba(t) else "family"
        elif t.article:
            role = "nisba" if _is_nisba(t) else "laqab"
        else:
            role = "nasab"
        out[k] = NameToken(
            t.text, t.script, t.base, t.head, role, t.article, t.marker, t.abbreviation
        )
    return tuple(out)


def _is_nisba(token: NameToken) -> bool:
    base = token.base
    return len(base) > 3 and (base.endswith(("i", "y", "ي", "и", "ий")) and not base.endswith("ii"))


def parse_name(text: str, known: Callable[[str], bool] | None = None) -> ParsedName:
    """Parse a personal name written in Arabic, Latin or Cyrillic script (or a mixture).

    ``known`` (optional) says whether a normalised word is a known name; with it, a joined
    article is split (ALASSAD → al + assad, الياس stays Ilyas). Cached.
    """
    return _parse(" ".join(text.split()), known)
