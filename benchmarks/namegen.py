"""Synthetic register persons and applicants for the screening benchmark (``bench_names.py``).

Every person is fictional. Names are drawn in Arabic script: a given name, the father's and
(often) the grandfather's given names from a list of common Syrian men's names with a
Zipf-like frequency, and a family name from the Arabic forms of the variant lexicon that
have Latin and Cyrillic spellings (half of them with the article, as al-Halabi). A register
person carries the Arabic name, one "official" Latin spelling and often a Cyrillic one, a
kunya alias for some, a date of birth (full, or the year only), a town of birth from the
gazetteer, the nationality SY and, for 40%, memberships of security and military units.

Applicants are of two kinds:

- **true matches**: a register person under another spelling or script: another attested
  Latin spelling or an informal variant (:func:`asylon.names.transliterate.informal_variants`),
  Arabic script with other hamza/ta marbuta/alef forms, or Cyrillic (attested or Russian
  practice); the grandfather's name dropped half the time, the article changed or dropped,
  sometimes the names in another order or a one-letter typo; the date of birth exact, year
  only, day and month swapped, a day or a year off, or missing; the town in another script;
  for a quarter of those with memberships, a declared role in the same unit (other wording);
- **non-matches who share common names**: the given and father's names of a register person
  with another family name; the full name of a register person with a birth year 3-30 years
  away; or the given name with a look-alike family name (same consonant skeleton, another
  Arabic name: Hasan/Husayn).

Case ``i`` is drawn from ``random.Random(f"{seed}:{kind}:{i}")``: reproducible and independent
of the run's size.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from asylon.evidence.gazetteer import Gazetteer
from asylon.names.align import skeleton_similarity
from asylon.names.normalise import normalise_arabic, script_of
from asylon.names.skeleton import coarse_key
from asylon.names.transliterate import informal_variants, to_cyrillic
from asylon.names.variants import Lexicon
from asylon.screening.records import ApplicantRecord, Membership, PartialDate, RegisterPerson, Role

# Common Syrian men's given names, most frequent first (a Zipf-like weight is applied).
GIVEN = [
    "محمد",
    "أحمد",
    "علي",
    "محمود",
    "خالد",
    "حسن",
    "عمر",
    "مصطفى",
    "إبراهيم",
    "يوسف",
    "عبد",
    "الله",
    "حسين",
    "سامر",
    "عبد",
    "الرحمن",
    "ماهر",
    "فراس",
    "باسل",
    "وليد",
    "رامي",
    "جميل",
    "أنور",
    "عماد",
    "طارق",
    "بشار",
    "حسام",
    "عادل",
    "سعيد",
    "زياد",
    "غسان",
    "نبيل",
    "رياض",
    "منذر",
    "فادي",
    "هيثم",
    "أيمن",
    "جمال",
    "كمال",
    "سليمان",
    "عيسى",
    "موسى",
    "ياسر",
    "نزار",
    "عدنان",
    "مازن",
    "عبد",
    "الكريم",
    "فايز",
    "نضال",
    "بسام",
    "عصام",
    "معتز",
    "صالح",
    "قاسم",
    "رضوان",
    "ناصر",
    "شادي",
    "عبد",
    "القادر",
    "هشام",
    "إياد",
    "مهند",
]
GIVEN = [g for g in GIVEN if g not in ("عبد",)]
# two-word names were split above; put the compounds back
GIVEN = [g for g in GIVEN if g not in ("الله", "الرحمن", "الكريم", "القادر")] + [
    "عبد الله",
    "عبد الرحمن",
    "عبد الكريم",
    "عبد القادر",
]

UNITS = (
    ("General Intelligence Directorate, Branch 251", "الفرع 251", "Branch 251 (al-Khatib)"),
    ("Military Intelligence, Branch 215", "الفرع 215", "Raids Branch 215"),
    ("Military Intelligence, Branch 227", "الفرع 227", "Branch 227"),
    ("Military Intelligence, Branch 235", "الفرع 235", "Palestine Branch 235"),
    ("Air Force Intelligence Directorate", "إدارة المخابرات الجوية", "Air Force Intelligence"),
    ("Fourth Armoured Division", "الفرقة الرابعة", "4th Division"),
    ("Republican Guard", "الحرس الجمهوري", "Republican Guard"),
    ("Sednaya Military Prison", "سجن صيدنايا العسكري", "Saydnaya prison"),
    ("Political Security Directorate", "شعبة الأمن السياسي", "Political Security"),
    ("Military Intelligence, Branch 248", "الفرع 248", "Branch 248 (Military Interrogation)"),
)
_ARABIC_SOUNDS = set("حخعقصضطظغثذ")
RANKS = ("colonel", "brigadier general", "major", "lieutenant colonel", "captain", "major general")


@dataclass
class Vocabulary:
    """Names with their attested spellings, read from the lexicon."""

    given: list[tuple[str, list[str], list[str]]]  # (arabic, latin spellings, cyrillic)
    family: list[tuple[str, list[str], list[str]]]
    lookalikes: dict[str, list[int]]  # coarse key -> family indices
    towns: list[tuple[str, ...]]


def _spellings(lexicon: Lexicon, arabic: str) -> tuple[list[str], list[str]]:
    """Attested spellings whose sounds fit the Arabic form well (one alignment each) and that
    the sources pair with this form more often than with all others together: Amr is paired
    once with عمر Omar but 48 times with عمرو Amr, Гассан once with حسن Hasan but six times
    with غسان Ghassan; rendering Omar as Amr would make a true match of two different names."""
    arabic_id = lexicon.arabic_id(arabic)
    pairs = sorted(
        lexicon.attested(arabic_id) if arabic_id is not None else [], key=lambda p: -p[1]
    )
    fitting = [
        s
        for s, weight in pairs
        if skeleton_similarity(s, arabic).similarity >= 0.85
        and arabic_id is not None
        and lexicon.share(s, arabic_id) * 2 > 1.0
    ]
    latin = [s for s in fitting if script_of(s) == "latin" and "'" not in s][:6]
    cyrillic = [s for s in fitting if script_of(s) == "cyrillic"][:4]
    return latin, cyrillic


def vocabulary(lexicon: Lexicon, gazetteer: Gazetteer, families: int = 3000) -> Vocabulary:
    given = []
    for arabic in GIVEN:
        latin, cyrillic = _spellings(lexicon, arabic)
        if latin:
            given.append((arabic, latin, cyrillic))
    # candidates: Arabic forms paired with two or more Latin and one or more Cyrillic spellings
    pool = []
    for arabic_id, arabic in enumerate(lexicon.arabic_forms):
        if " " in arabic or len(normalise_arabic(arabic)) < 3 or not _ARABIC_SOUNDS & set(arabic):
            continue  # Arabic family names: at least one sound of Arabic that Latin lacks
        attested = [s for s, _ in lexicon.attested(arabic_id)]
        if sum(script_of(s) == "cyrillic" for s in attested) and len(attested) >= 4:
            pool.append(arabic)
    rng = random.Random("families")
    rng.shuffle(pool)
    family = []
    seen: set[str] = set()
    for arabic in pool:
        if len(family) >= families:
            break
        key = normalise_arabic(arabic)
        if key in seen:
            continue
        latin, cyrillic = _spellings(lexicon, arabic)
        if len(latin) >= 2 and cyrillic:
            seen.add(key)
            family.append((arabic, latin, cyrillic))
    lookalikes: dict[str, list[int]] = defaultdict(list)
    for i, (arabic, _, _) in enumerate(family):
        lookalikes[coarse_key(arabic)].append(i)
    towns = [p.names for p in gazetteer if p.kind == "city" and p.name_ar and p.name_ru]
    return Vocabulary(given, family, dict(lookalikes), towns)


_WEIGHTS: dict[int, list[float]] = {}


def _zipf(rng: random.Random, n: int) -> int:
    """Rank-frequency 1/(rank + 4): Muhammad about 9% of the names, the 50th about 1%."""
    weights = _WEIGHTS.setdefault(n, list(itertools.accumulate(1 / (r + 4) for r in range(n))))
    return bisect.bisect(weights, rng.random() * weights[-1])


def _date(rng: random.Random, start: int = 1945, end: int = 1985) -> date:
    return date(rng.randint(start, end), rng.randint(1, 12), rng.randint(1, 28))


def person(i: int, vocab: Vocabulary, seed: int) -> RegisterPerson:
    rng = random.Random(f"{seed}:person:{i}")
    picks = [vocab.given[_zipf(rng, len(vocab.given))] for _ in range(3)]
    fam = vocab.family[rng.randrange(len(vocab.family))]
    article = rng.random() < 0.5
    chain = picks if rng.random() < 0.6 else picks[:2]
    arabic = " ".join([p[0] for p in chain] + [("ال" if article else "") + fam[0]])
    latin = " ".join(
        [p[1][0].capitalize() for p in chain]
        + [("al-" if article else "") + fam[1][0].capitalize()]
    )
    names = [arabic, latin]
    if rng.random() < 0.5:
        names.append(
            " ".join(
                [p[2][0].capitalize() if p[2] else to_cyrillic(p[1][0]) for p in chain[:1]]
                + [fam[2][0].capitalize()]
            )
        )
    aliases = []
    if rng.random() < 0.2:
        son = vocab.given[_zipf(rng, len(vocab.given))]
        aliases.append(f"أبو {son[0]}")
    born = _date(rng)
    birth = PartialDate(born.year) if rng.random() < 0.3 else PartialDate.parse(born)
    births = (birth,) if rng.random() < 0.9 else ()
    town = vocab.towns[rng.randrange(len(vocab.towns))]
    memberships = []
    if rng.random() < 0.4:
        unit = UNITS[rng.randrange(len(UNITS))]
        start = rng.randint(1985, 2012)
        memberships.append(
            Membership(
                unit[:2],
                RANKS[rng.randrange(len(RANKS))],
                PartialDate(start),
                PartialDate(min(2024, start + rng.randint(1, 12))),
            )
        )
    return RegisterPerson(
        id=f"P{i:06d}",
        names=tuple(names),
        aliases=tuple(aliases),
        birth_dates=births,
        birth_places=(town[0],) if rng.random() < 0.7 else (),
        nationalities=("SY",),
        memberships=tuple(memberships),
    )


def _arabic_variant(rng: random.Random, text: str) -> str:
    swaps = [("أ", "ا"), ("إ", "ا"), ("ة", "ه"), ("ى", "ي"), ("ال", "ال"), ("ي", "ى")]
    for old, new in swaps:
        if old in text and rng.random() < 0.5:
            text = (
                text.replace(old, new, 1) if old != "ي" else text[::-1].replace(old, new, 1)[::-1]
            )
    if rng.random() < 0.2:
        text = text.replace("عبد ال", "عبدال")
    return text


def _typo(rng: random.Random, text: str) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 6:
        return text
    i = rng.choice(letters[1:-1])
    op = rng.random()
    if op < 0.4:
        return text[:i] + text[i + 1 :]
    if op < 0.7:
        return text[:i] + text[i] + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :] if i + 2 < len(text) else text


def _render(
    rng: random.Random, parts: list[tuple[str, list[str], list[str]]], article: bool, script: str
) -> str:
    words = []
    for k, (arabic, latin, cyrillic) in enumerate(parts):
        last = k == len(parts) - 1
        if script == "arabic":
            word = ("ال" if article and last else "") + arabic
        elif script == "cyrillic":
            word = (
                rng.choice(cyrillic)
                if cyrillic and rng.random() < 0.6
                else to_cyrillic(rng.choice(latin))
            ).capitalize()
            if article and last and rng.random() < 0.5:
                word = "аль-" + word
        else:
            word = rng.choice(latin)
            if rng.random() < 0.3:
                word = rng.choice(informal_variants(word) or [word])
            word = word.capitalize()
            if article and last:
                word = rng.choice(["al-", "el-", "Al ", "al ", "", ""]) + word
        words.append(word)
    text = " ".join(words)
    if script == "arabic":
        text = _arabic_variant(rng, text)
    return text


def _rebuild(
    p: RegisterPerson, vocab: Vocabulary
) -> tuple[list[tuple[str, list[str], list[str]]], bool]:
    arabic = p.names[0].split()
    parts: list[tuple[str, list[str], list[str]]] = []
    index = {g[0]: g for g in vocab.given}
    fam_index = {f[0]: f for f in vocab.family}
    words = list(arabic)
    i = 0
    while i < len(words) - 1:
        if words[i] == "عبد" and i + 1 < len(words) - 1:
            parts.append(index[words[i] + " " + words[i + 1]])
            i += 2
        else:
            parts.append(index[words[i]])
            i += 1
    last = words[-1]
    article = last.startswith("ال") and last[2:] in fam_index
    parts.append(fam_index[last[2:] if article else last])
    return parts, article


def applicant_for(p: RegisterPerson, i: int, vocab: Vocabulary, seed: int) -> ApplicantRecord:
    """A true match: the register person under another spelling or script."""
    rng = random.Random(f"{seed}:match:{i}")
    parts, article = _rebuild(p, vocab)
    if len(parts) == 4 and rng.random() < 0.5:
        parts = parts[:2] + parts[3:]
    script = rng.choices(["latin", "arabic", "cyrillic"], [0.6, 0.2, 0.2])[0]
    name = _render(rng, parts, article, script)
    if script == "latin" and rng.random() < 0.1:
        name = _typo(rng, name)
    if rng.random() < 0.05:  # the family name first, with its article (Al Boutros Bassel)
        words = name.split()
        tail = 2 if len(words) > 2 and words[-2].lower() in ("al", "el") else 1
        name = " ".join(words[-tail:] + words[:-tail])
    births: tuple[PartialDate, ...] = ()
    if p.birth_dates and rng.random() < 0.8:
        b = p.birth_dates[0]
        if b.day is None:
            births = (PartialDate(b.year, rng.randint(1, 12), rng.randint(1, 28)),)
        else:
            r = rng.random()
            d = date(b.year, b.month or 1, b.day)
            if r < 0.7:
                births = (b,)
            elif r < 0.8:
                births = (PartialDate(b.year),)
            elif r < 0.88 and d.day <= 12:
                births = (PartialDate(b.year, d.day, d.month),)
            elif r < 0.95:
                births = (PartialDate.parse(date.fromordinal(d.toordinal() + rng.choice([-1, 1]))),)  # type: ignore[arg-type]
            else:
                births = (PartialDate(b.year + rng.choice([-1, 1]), b.month, b.day),)
    places: tuple[str, ...] = ()
    if p.birth_places and rng.random() < 0.4:
        town = next((t for t in vocab.towns if t[0] == p.birth_places[0]), (p.birth_places[0],))
        places = (rng.choice(town),)
    roles: tuple[Role, ...] = ()
    if p.memberships and rng.random() < 0.25:
        m = p.memberships[0]
        start = m.start.year if m.start else 2000
        roles = (
            Role(
                organisation=rng.choice(UNITS[[u[:2] for u in UNITS].index(m.organisation)]),
                kind="security_service",
                start=PartialDate(start + 1),
                end=PartialDate(start + 2),
            ),
        )
    return ApplicantRecord(
        f"A-M{i:05d}", (name,), births, places, ("SY",) if rng.random() < 0.9 else (), roles
    )


def applicant_nonmatch(p: RegisterPerson, i: int, vocab: Vocabulary, seed: int) -> ApplicantRecord:
    """A non-match sharing common names with register person ``p``."""
    rng = random.Random(f"{seed}:nonmatch:{i}")
    parts, article = _rebuild(p, vocab)
    kind = rng.random()
    if 0.4 <= kind < 0.7 and not p.birth_dates:
        kind = 0.0  # a namesake is told apart by the birth date: without one, another family
    born = p.birth_dates[0].year if p.birth_dates else 1965
    if kind < 0.4:  # same given and father's names, another family
        parts = [*parts[:2], vocab.family[rng.randrange(len(vocab.family))]]
        year = rng.randint(1945, 1995)
    elif kind < 0.7:  # the full name, another generation
        year = born + rng.choice([-1, 1]) * rng.randint(3, 30)
    else:  # a look-alike family name
        key = coarse_key(parts[-1][0])
        others = [
            vocab.family[j]
            for j in vocab.lookalikes.get(key, [])
            if vocab.family[j][0] != parts[-1][0]
        ]
        if others:
            parts = [*parts[:1], rng.choice(others)]
        else:
            parts = [*parts[:1], vocab.family[rng.randrange(len(vocab.family))]]
        year = rng.randint(1945, 1995)
    script = rng.choices(["latin", "arabic", "cyrillic"], [0.6, 0.2, 0.2])[0]
    name = _render(rng, parts, article, script)
    dated = rng.random() < 0.8 or 0.4 <= kind < 0.7
    births = (PartialDate(year, rng.randint(1, 12), rng.randint(1, 28)),) if dated else ()
    town = vocab.towns[rng.randrange(len(vocab.towns))]
    places = (rng.choice(town),) if rng.random() < 0.4 else ()
    return ApplicantRecord(f"A-N{i:05d}", (name,), births, places, ("SY",), ())
