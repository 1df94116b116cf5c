"""Render Arabic names in Latin and Cyrillic script, under the schemes people actually use.

- :func:`romanise` — Arabic script to Latin, letter by letter: ``ala-lc`` (ALA-LC 2012, with
  ḥ ṣ ḍ ṭ ẓ, ʿ for ayn and ʾ for hamza, ā ī ū for long vowels), ``simple`` (the same without
  diacritics: UNGEGN/BGN-PCGN practice as most passports and news print it). Short vowels are
  rendered only where the text marks them (fatha, kasra, damma); unvocalised names give the
  written letters (محمد → mḥmd), so :func:`renderings` prefers attested spellings.
- :func:`to_cyrillic` — a Latin spelling of an Arabic name in Russian practical transcription
  (Крачковский's system as Russian media and Wikipedia use it): kh, ḥ and h → х, j → дж,
  sh → ш, th → с, dh → з, q → к, gh → г, w → в, ay → ай, ou/oo → у, ee → и, al- → аль-.
- :func:`informal_variants` — the informal Latin spellings of one spelling: English (u, ee,
  oo), French (ou, dj, ch for sh), German (dsch, sch, ch for kh), Levantine e for a, o for u,
  single or double consonants, ayn and hamza marks dropped.
- :func:`renderings` — a whole name in the three scripts: attested spellings from the variant
  lexicon first, then the rule-based ones.
Pure functions.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from asylon.names.normalise import fold_latin, normalise_arabic, script_of
from asylon.names.parse import parse_name
from asylon.names.variants import Lexicon, lookup_form

__all__ = ["Rendering", "informal_variants", "renderings", "romanise", "to_cyrillic"]

Scheme = Literal["ala-lc", "simple"]

_ALA_LC = {
    "ء": "ʾ", "أ": "ʾ", "إ": "ʾ", "ؤ": "ʾ", "ئ": "ʾ", "ب": "b", "ت": "t", "ث": "th", "ج": "j",
    "ح": "ḥ", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "ṣ",
    "ض": "ḍ", "ط": "ṭ", "ظ": "ẓ", "ع": "ʿ", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l",
    "م": "m", "ن": "n", "ه": "h", "و": "w", "ي": "y", "ة": "h", "ى": "á", "ا": "ā", "آ": "ʾā",
    "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ڤ": "v",
}  # fmt: skip
_FATHA, _KASRA, _DAMMA, _SUKUN, _SHADDA = "\u064e", "\u0650", "\u064f", "\u0652", "\u0651"
_TANWIN = "\u064b\u064c\u064d"


def romanise(arabic: str, scheme: Scheme = "ala-lc") -> str:
    """Arabic script to Latin, letter by letter (short vowels only where they are marked)."""
    out: list[str] = []
    for word in arabic.split():
        letters: list[str] = []
        text = unicodedata.normalize("NFC", word).replace("\u0640", "")
        article = text.startswith("ال") and len(text) > 3
        if article:
            text = text[2:]
        for i, ch in enumerate(text):
            if ch == _FATHA:
                letters.append("a")
            elif ch == _KASRA:
                letters.append("i")
            elif ch == _DAMMA:
                letters.append("u")
            elif ch == _SHADDA and letters:
                k = len(letters) - 1
                while k > 0 and letters[k] in ("a", "i", "u"):
                    k -= 1  # the vowel mark may come before the shadda
                letters.insert(k + 1, letters[k])
            elif ch == "\u0670":
                letters.append("ā")  # dagger alef
            elif ch in _ALA_LC:
                value = _ALA_LC[ch]
                if i == 0 and ch in "أإا":
                    value = {"أ": "a", "إ": "i", "ا": "a"}[ch]
                elif ch == "ي" and letters and letters[-1] == "i":
                    letters.pop()
                    value = "ī"
                elif ch == "و" and letters and letters[-1] == "u":
                    letters.pop()
                    value = "ū"
                elif ch == "ا" and letters and letters[-1] == "a":
                    letters.pop()
                elif ch == "ة" and i == len(text) - 1:
                    value = "ah" if not letters or letters[-1] != "a" else "h"
                letters.append(value)
        rendered = "".join(letters)
        if article and len(rendered) > 1 and rendered[0] == rendered[1]:
            rendered = rendered[1:]  # the sun letter's shadda: al-Raḥmān
        if article:
            rendered = "al-" + rendered
        out.append(rendered)
    text = " ".join(out)
    if scheme == "simple":
        text = (
            "".join(
                ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
            )
            .replace("ʾ", "'")
            .replace("ʿ", "'")
        )
        text = re.sub(r"(?<![a-z])'", "", text)  # an initial hamza or ayn is not written
    return text


_CYR_RULES: list[tuple[str, str]] = [
    ("dsch", "дж"), ("tsch", "ч"), ("sch", "ш"), ("dzh", "дж"), ("dj", "дж"), ("kh", "х"),
    ("gh", "г"), ("sh", "ш"), ("ch", "ш"), ("th", "с"), ("dh", "з"), ("zh", "ж"), ("ph", "ф"),
    ("ou", "у"), ("oo", "у"), ("ee", "и"), ("ai", "ай"), ("ay", "ай"), ("ei", "ей"),
    ("ey", "ей"), ("aw", "ау"), ("au", "ау"), ("ya", "я"), ("yu", "ю"), ("yo", "йо"),
    ("ye", "е"), ("aa", "а"), ("ii", "и"), ("uu", "у"),
    ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"),
    ("h", "х"), ("i", "и"), ("j", "дж"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
    ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
    ("v", "в"), ("w", "в"), ("x", "кс"), ("y", "й"), ("z", "з"),
]  # fmt: skip


def _cyrillic_word(word: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(word):
        for latin, cyr in _CYR_RULES:
            if word.startswith(latin, i):
                if latin == "e" and i == 0:
                    cyr = "э"  # initial e: Эмад
                if latin == "ch" and (i + 2 >= len(word) or word[i + 2] not in "aeiouy"):
                    cyr = "х"  # German ch before a consonant or at the end: Achmed, Muchtar
                if latin == "h" and i == len(word) - 1 and out and out[-1] in "аеиоу":
                    cyr = ""  # final -ah, -eh (ta marbuta): Абдулла, Фатима
                out.append(cyr)
                i += len(latin)
                break
        else:
            i += 1  # apostrophes (ayn, hamza) are not written in Russian practice
    text = "".join(out)
    return re.sub(r"(?<!л)л(?=[бвгджзкмнпрстфхцчшщ]|$)", "ль", text)


def to_cyrillic(latin: str) -> str:
    """A Latin spelling of an Arabic name in Russian practical transcription."""
    words = []
    for word in fold_latin(latin).split():
        parts = word.split("-")
        if len(parts) == 2 and parts[0] in ("al", "el"):
            words.append("аль-" + _cyrillic_word(parts[1]).capitalize())
        else:
            words.append("-".join(_cyrillic_word(p).capitalize() for p in parts))
    return " ".join(words)


_INFORMAL: list[tuple[str, str]] = [
    ("u", "o"), ("u", "ou"), ("ee", "i"), ("i", "ee"), ("i", "e"), ("a", "e"), ("oo", "u"),
    ("ou", "u"), ("j", "dj"), ("j", "g"), ("sh", "ch"), ("kh", "h"), ("kh", "ch"), ("q", "k"),
    ("th", "s"), ("dh", "z"), ("w", "ou"), ("ay", "ai"), ("ay", "ei"), ("'", ""),
]  # fmt: skip


def informal_variants(spelling: str, limit: int = 12) -> list[str]:
    """Informal Latin spellings of a spelling, one substitution or doubling at a time."""
    base = fold_latin(spelling)
    seen = {base}
    out: list[str] = []
    for old, new in _INFORMAL:
        for m in re.finditer(re.escape(old), base):
            variant = base[: m.start()] + new + base[m.end() :]
            if variant not in seen:
                seen.add(variant)
                out.append(variant)
    for m in re.finditer(r"([bdfhjklmnqrstz])\1|(?<=[aeiou])([bdjklmnrstz])(?=[aeiou])", base):
        variant = (
            base[: m.start()] + m.group(0)[0] + base[m.end() :]
            if m.group(1)
            else base[: m.start()] + m.group(0) * 2 + base[m.end() :]
        )
        if variant not in seen:
            seen.add(variant)
            out.append(variant)
    return out[:limit]


@dataclass(frozen=True, slots=True)
class Rendering:
    """A name rendered in one script, with how it was obtained."""

    text: str
    script: str
    method: str  # "attested" (the variant data) or a rule: "simple", "russian practice" ...


def renderings(name: str, lexicon: Lexicon | None = None, limit: int = 12) -> list[Rendering]:
    """Renderings of an Arabic-script name in Latin and Cyrillic script (best first).

    Each token's attested spellings (most frequent first) come from ``lexicon``; without an
    attestation the token is romanised (``simple``). Cyrillic renderings follow Russian
    practice from the Latin ones unless Cyrillic spellings are attested. A Latin or Cyrillic
    name is first read back to Arabic through the lexicon where it can be.
    """
    tokens = parse_name(name).comparable
    latin_options: list[list[str]] = []
    cyrillic_options: list[list[str]] = []
    attested = True
    for token in tokens:
        arabic = _arabic_of(token.text, token.script, lexicon)
        spellings = lexicon.spellings(arabic) if lexicon is not None and arabic else []
        latin = [s for s, _ in spellings if script_of(s) == "latin"][:4]
        cyrillic = [s for s, _ in spellings if script_of(s) == "cyrillic"][:3]
        if not latin:
            attested = False
            seed = (
                token.text if token.script == "latin" else romanise(arabic or token.text, "simple")
            )
            latin = [lookup_form(seed)]
        latin = [s.capitalize() for s in latin]
        if token.article:
            latin = [f"al-{s}" for s in latin]
        latin_options.append(latin)
        cyrillic_options.append(
            [c.capitalize() for c in cyrillic] or [to_cyrillic(s) for s in latin[:2]]
        )
    method = "attested" if attested else "simple"
    out: list[Rendering] = []
    for combo in itertools.islice(itertools.product(*latin_options), limit):
        out.append(Rendering(" ".join(combo), "latin", method))
    for combo in itertools.islice(itertools.product(*cyrillic_options), max(1, limit // 3)):
        out.append(
            Rendering(" ".join(combo), "cyrillic", method if attested else "russian practice")
        )
    return out


def _arabic_of(text: str, script: str, lexicon: Lexicon | None) -> str | None:
    if script == "arabic":
        return normalise_arabic(text, strict=False)
    if lexicon is None:
        return None
    readings = lexicon.readings(text)
    return readings[0].arabic if readings else None
