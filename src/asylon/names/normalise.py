"""Normalise names written in Arabic, Latin and Cyrillic script before they are compared.

Arabic script (Unicode Standard ch. 9; the conventions of Arabic information retrieval, e.g.
Larkey, Ballesteros & Connell 2002 "light stemming" normalisation):

- diacritics (harakat, tanwin, shadda, sukun, dagger alef) and tatweel are removed: they are
  optional in ordinary writing, so محمّد and محمد are one spelling;
- Persian and Urdu letter forms that keyboards produce for Arabic names are unified
  (ک→ك, ی→ي, ە→ه ...), as are the Arabic-Indic digits;
- :func:`normalise_arabic` ``strict=True`` also folds what writers use interchangeably:
  the alef forms أ إ آ ٱ → ا, ta marbuta ة → ه, alef maqsura ى → ي, and the hamza seats
  ؤ → و, ئ → ي, with a lone ء dropped. That is the key under which two Arabic spellings are
  "the same"; the light form keeps the hamza and ta marbuta for transliteration.

Latin script: lower case, diacritics removed (ḥ→h, ā→a, é→e), letters without a
decomposition folded with ``normality`` (ə, ı, ł, ø, ß), every apostrophe-like mark for ayn
and hamza (ʿ ʾ ' ’ ‘ ` ´ ʻ ʼ) unified as ``'``. Cyrillic script: lower case, ё→е, Ukrainian
and Kazakh letters kept. Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

import normality

__all__ = [
    "APOSTROPHES",
    "Script",
    "fold_cyrillic",
    "fold_latin",
    "normalise_arabic",
    "normalise_token",
    "script_of",
]

Script = Literal["arabic", "latin", "cyrillic", "other"]

#: marks used for ayn (ʿ) and hamza (ʾ) in romanisations, all read as one apostrophe
APOSTROPHES = "'ʿʾ’‘`´ʻʼʹ′"

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u08d3-\u08ff]")
_TATWEEL = "\u0640"
_ARABIC_LIGHT = str.maketrans(
    {
        "ک": "ك",  # Persian keheh
        "ڪ": "ك",
        "ی": "ي",  # Persian yeh
        "ې": "ي",
        "ۍ": "ي",
        "ە": "ه",  # Kurdish ae
        "ۀ": "ة",
        "ہ": "ه",  # Urdu heh goal
        "ھ": "ه",  # heh doachashmee
        "ۃ": "ة",
        "ﻻ": "لا",
        "ﷲ": "الله",
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)
_ARABIC_STRICT = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي", "ء": None}
)


@lru_cache(maxsize=65536)
def normalise_arabic(text: str, strict: bool = True) -> str:
    """Arabic text with diacritics and tatweel removed and letter variants unified.

    ``strict`` (the comparison key) also folds alef forms, ta marbuta, alef maqsura and the
    hamza seats; without it those letters are kept (they carry sound: ة is -a/-at, ؤ is ʾu).
    """
    text = unicodedata.normalize("NFKC", text)  # presentation forms (ﻣﺤﻤﺪ) to letters
    text = _ARABIC_DIACRITICS.sub("", text).replace(_TATWEEL, "").translate(_ARABIC_LIGHT)
    if strict:
        text = text.translate(_ARABIC_STRICT)
    return " ".join(text.split())


_LATIN_SPECIAL = str.maketrans(
    {
        "ə": "a",  # Azerbaijani schwa: Həsən = Hasan
        "ı": "i",
        "ß": "ss",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ł": "l",
        "þ": "th",
        "ð": "dh",
        "ḫ": "kh",  # DMG/ALA-LC variant letters for خ
        "ẖ": "kh",
        "ġ": "gh",
        "ṯ": "th",
        "ḏ": "dh",
        "š": "sh",  # Czech-style š, ž, č in Slavic romanisations
        "ş": "sh",  # Turkish ş, ç
        "ž": "zh",
        "č": "ch",
        "ç": "ch",
        "ǧ": "j",  # DIN 31635 ǧ for ج
        **{ch: "'" for ch in APOSTROPHES},
    }
)


@lru_cache(maxsize=65536)
def fold_latin(text: str) -> str:
    """Lower-case ASCII form of a Latin-script name, keeping ``'`` for ayn/hamza marks."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_LATIN_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    if not text.isascii():
        text = "".join(ch if ch.isascii() else (normality.ascii_text(ch) or "") for ch in text)
    return " ".join(text.split())


_CYRILLIC_FOLD = str.maketrans({"ё": "е", "ѐ": "е", "ѝ": "и", "ҳ": "х", "қ": "к", "ғ": "г"})


@lru_cache(maxsize=65536)
def fold_cyrillic(text: str) -> str:
    """Lower-case Cyrillic with ё→е and the Central Asian letters ҳ, қ, ғ folded."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_CYRILLIC_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch) or ch == "\u0306")
    text = unicodedata.normalize("NFC", text)  # й keeps its breve
    return " ".join(text.split())


_ARABIC_LETTERS = re.compile(
    "[\u0621-\u064a\u0671-\u06d3\u06d5\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]"
)
_CYRILLIC_LETTERS = re.compile("[\u0400-\u0481\u048a-\u052f]")
_LATIN_LETTERS = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0259\u1e00-\u1eff]")


@lru_cache(maxsize=65536)
def script_of(text: str) -> Script:
    """The script of a token: the script of most of its letters (digits and marks ignored)."""
    if text.isascii():
        return "latin" if any(ch.isalpha() for ch in text) else "other"
    counts: dict[Script, int] = {
        "arabic": len(_ARABIC_LETTERS.findall(text)),
        "cyrillic": len(_CYRILLIC_LETTERS.findall(text)),
        "latin": len(_LATIN_LETTERS.findall(text)),
    }
    best = max(counts, key=lambda s: counts[s])
    if counts[best]:
        return best
    return "other"


def normalise_token(text: str) -> str:
    """The comparison key of one token in any script: equal keys are the same spelling."""
    script = script_of(text)
    if script == "arabic":
        return normalise_arabic(text, strict=True)
    if script == "cyrillic":
        return fold_cyrillic(text)
    return fold_latin(text)
