"""A seeded synthetic population of victims and the lists several sources make of it.

Every person is fictional. A person has a name chain drawn in Arabic script (given name,
father's and grandfather's given names, family name; common names are common: given names
follow a Zipf-like law, so there are many Muhammad Ahmads), a sex, a birth date, a date of
death or disappearance between March 2011 and 2019, a town from the gazetteer (real Syrian
places, :mod:`asylon.evidence.gazetteer`), a cause and a status.

Each source (:mod:`asylon.linkage.records.sources`) records each person with its own capture
probability, times the person's own visibility (gamma-distributed with mean 1 when
``heterogeneity`` > 0, so some people are seen by every source and some by none), lists some
twice, and writes what it records in its own way: Arabic script (hamza and ta marbuta forms,
the article dropped) or Latin spellings attested in :mod:`asylon.names` data with the source's
habits, names cut to its usual length, fields missing at its rates, dates a few days or a month
off, ages instead of birth dates, causes categorised otherwise. People no source records still
count in ``true_total``.

Person ``i`` is drawn from ``random.Random(f"{seed}:person:{i}")`` and its records from
``random.Random(f"{seed}:{source}:{i}")``: reproducible, and a person does not change when the
population grows.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from asylon.evidence.gazetteer import Gazetteer, Place
from asylon.linkage.records.sources import DEFAULT_SOURCES, FIELDS, SourceProfile
from asylon.linkage.records.types import Status, VictimRecord
from asylon.names.data import default_lexicon
from asylon.names.variants import Lexicon

__all__ = ["Person", "SyntheticSet", "generate"]

MALE = [
    "محمد",
    "أحمد",
    "علي",
    "محمود",
    "حسن",
    "حسين",
    "خالد",
    "عمر",
    "عبد_الله",
    "عبد_الرحمن",
    "يوسف",
    "إبراهيم",
    "مصطفى",
    "وليد",
    "ماهر",
    "عماد",
    "رامي",
    "سعيد",
    "جمال",
    "ناصر",
    "طارق",
    "زياد",
    "هيثم",
    "أيمن",
    "أنس",
    "حمزة",
    "بلال",
    "عمار",
    "ياسر",
    "حسام",
    "عادل",
    "فراس",
    "مازن",
    "نزار",
    "غسان",
    "منير",
    "رياض",
    "سليمان",
    "إسماعيل",
    "عبد_الكريم",
    "عبد_القادر",
    "عبد_العزيز",
    "صالح",
    "فيصل",
]
FEMALE = [
    "فاطمة",
    "مريم",
    "زينب",
    "خديجة",
    "نور",
    "هدى",
    "رنا",
    "سارة",
    "ليلى",
    "آمنة",
    "سعاد",
    "ريم",
    "أسماء",
    "لينا",
    "سلمى",
]
FAMILY = [
    "الحلبي",
    "المصري",
    "الشامي",
    "الخطيب",
    "النجار",
    "حداد",
    "الزعبي",
    "الحمود",
    "الرفاعي",
    "الكردي",
    "البكري",
    "العثمان",
    "الحوراني",
    "الحكيم",
    "الطويل",
    "خوري",
    "عيسى",
    "القاسم",
    "زيدان",
    "العطار",
    "الفارس",
    "العساف",
    "الموسى",
    "الياسين",
    "الحمادي",
    "العباس",
    "البيطار",
    "الخياط",
    "الحلاق",
    "الدرويش",
    "الجاسم",
    "الشيخ",
]
STATUSES: tuple[Status, ...] = ("civilian", "combatant", "unknown")
CAUSES = ("shelling", "shooting", "airstrike", "torture in detention", "explosion", "unknown")
START = dt.date(2011, 3, 15)
END = dt.date(2019, 12, 31)


@dataclass(frozen=True, slots=True)
class Person:
    """One fictional person of the population (the truth the sources record imperfectly)."""

    id: str
    chain: tuple[str, ...]  # given, father's, grandfather's names (Arabic script)
    family: str
    sex: Literal["male", "female"]
    birth_date: dt.date
    event_date: dt.date
    event: Literal["killed", "disappeared"]
    town: str  # gazetteer code
    cause: str
    status: Status


@dataclass(frozen=True)
class SyntheticSet:
    """Records of several sources with the truth: record key → person id."""

    records: tuple[VictimRecord, ...]
    truth: dict[str, str]
    true_total: int  # the population, including people no source recorded
    people: tuple[Person, ...]
    sources: tuple[SourceProfile, ...]

    def mappings(self) -> dict[str, dict[str, str]]:
        """Per source: its column name → the VictimRecord field it holds."""
        return {
            s.name: {s.column(f): f for f in FIELDS if self._carries(s, f)} for s in self.sources
        }

    @staticmethod
    def _carries(source: SourceProfile, name: str) -> bool:
        if name in ("age", "birth_year", "birth_date"):
            return name == source.age_style
        if name == "governorate":
            return "governorate" in source.columns
        return True

    def write_csv(self, directory: Path | str) -> list[Path]:
        """One CSV per source with its own column names, and ``<source>.mapping.json`` beside
        it (column → field). Returns the paths written, CSVs first."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        mappings = self.mappings()
        csvs: list[Path] = []
        maps: list[Path] = []
        for source in self.sources:
            mapping = mappings[source.name]
            path = folder / f"{source.name}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(list(mapping))
                for record in self.records:
                    if record.source != source.name:
                        continue
                    row = []
                    for name in mapping.values():
                        value = getattr(record, name)
                        row.append("" if value is None else str(value))
                    writer.writerow(row)
            csvs.append(path)
            map_path = folder / f"{source.name}.mapping.json"
            map_path.write_text(json.dumps(mapping, ensure_ascii=False, indent=2) + "\n")
            maps.append(map_path)
        return csvs + maps


@dataclass(frozen=True)
class _Vocabulary:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    towns: tuple[Place, ...]
    latin: dict[str, tuple[str, ...]]  # Arabic form → attested Latin spellings, commonest first


def _latin_spellings(lexicon: Lexicon, arabic: str) -> tuple[str, ...]:
    found = [
        s
        for s, weight in lexicon.spellings(arabic)
        if weight >= 2 and re.fullmatch(r"[a-z][a-z -]*", s)
    ]
    return tuple(found)


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    lexicon = default_lexicon()
    latin: dict[str, tuple[str, ...]] = {}
    words = [w.replace("_", " ") for w in (*MALE, *FEMALE)]
    cores = [f[2:] if f.startswith("ال") else f for f in FAMILY]
    for word in (*words, *cores):
        spellings = _latin_spellings(lexicon, word)
        if spellings:
            latin[word] = spellings
    towns = tuple(p for p in Gazetteer.load() if p.kind == "city" and p.country == "SY" and p.adm1)
    return _Vocabulary(
        male=tuple(w.replace("_", " ") for w in MALE if w.replace("_", " ") in latin),
        female=tuple(w for w in FEMALE if w in latin),
        family=tuple(f for f in FAMILY if (f[2:] if f.startswith("ال") else f) in latin),
        towns=towns,
        latin=latin,
    )


def _zipf(rng: random.Random, items: Sequence[str], exponent: float = 1.0) -> str:
    weights = [1.0 / (rank + 1) ** exponent for rank in range(len(items))]
    return rng.choices(list(items), weights)[0]


def _person(i: int, vocab: _Vocabulary, seed: int) -> Person:
    rng = random.Random(f"{seed}:person:{i}")
    sex: Literal["male", "female"] = "female" if rng.random() < 0.2 else "male"
    given = _zipf(rng, vocab.female if sex == "female" else vocab.male)
    chain = (given, _zipf(rng, vocab.male), _zipf(rng, vocab.male))
    birth = dt.date(1935, 1, 1) + dt.timedelta(days=rng.randrange(365 * 75))
    event = START + dt.timedelta(days=rng.randrange((END - START).days))
    if birth > event - dt.timedelta(days=365):
        birth = event - dt.timedelta(days=365 * rng.randint(1, 60))
    return Person(
        id=f"P{i:06d}",
        chain=chain,
        family=_zipf(rng, vocab.family, 0.6),
        sex=sex,
        birth_date=birth,
        event_date=event,
        event="disappeared" if rng.random() < 0.25 else "killed",
        town=rng.choice(vocab.towns).code,
        cause=rng.choice(CAUSES),
        status=rng.choices(STATUSES, [0.75, 0.15, 0.10])[0],
    )


def _typo(rng: random.Random, text: str) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])
    kind = rng.random()
    if kind < 0.4:
        return text[:i] + text[i] + text[i:]  # doubled letter
    if kind < 0.7 and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]  # swapped letters
    return text[:i] + text[i + 1 :]  # dropped letter


def _latin_word(rng: random.Random, src: SourceProfile, arabic: str, vocab: _Vocabulary) -> str:
    spellings = vocab.latin[arabic]
    habit = random.Random(f"{src.name}:{arabic}")  # the source's habitual spelling of a name
    index = min(len(spellings) - 1, src.spelling_habit + habit.choice((0, 0, 1)))
    spelling = spellings[index] if rng.random() < 0.85 else rng.choice(spellings)
    if arabic == "محمد" and rng.random() < src.mhd_rate:
        return "Mhd"
    if arabic.startswith("عبد ") and " " not in spelling:
        head = re.match(r"(abd(?:ul|el|al|ol)?)(.+)", spelling)
        if head and src.split_compounds:
            spelling = f"{head.group(1)} {head.group(2)}"
    return " ".join(w[:1].upper() + w[1:] for w in spelling.split())


def _arabic_word(rng: random.Random, arabic: str) -> str:
    out = arabic
    if rng.random() < 0.3:
        out = out.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
    if out.endswith("ة") and rng.random() < 0.2:
        out = out[:-1] + "ه"
    return out


def _name(rng: random.Random, src: SourceProfile, p: Person, vocab: _Vocabulary) -> str:
    parts = rng.choice(src.name_parts)
    chain = list(p.chain[: max(1, parts - 1)])
    has_article = p.family.startswith("ال")
    core = p.family[2:] if has_article else p.family
    if src.script == "arabic":
        words = [_arabic_word(rng, w) for w in chain]
        family = p.family if has_article and rng.random() > 0.15 else core
        words.append(_arabic_word(rng, family))
    else:
        words = [_latin_word(rng, src, w, vocab) for w in chain]
        family = _latin_word(rng, src, core, vocab)
        if has_article and src.article and rng.random() > 0.1:
            family = f"{src.article}{family}"
        words.append(family)
    text = " ".join(words)
    return _typo(rng, text) if rng.random() < src.typo_rate else text


def _place(rng: random.Random, src: SourceProfile, town: Place, gaz: Gazetteer) -> str:
    if src.place_style == "arabic":
        return town.name_ar or town.name_en
    if src.place_style == "english":
        return town.name_en
    if src.place_style == "alias":
        latin = [a for a in town.aliases if a.isascii()]
        return rng.choice([town.name_en, *latin])
    governorate = gaz.get(town.adm1 or "")
    return governorate.name_en


def _shift(rng: random.Random, src: SourceProfile, day: dt.date) -> dt.date:
    roll = rng.random()
    if roll < src.date_month_rate:
        return day + dt.timedelta(days=rng.choice((-1, 1)) * rng.randint(25, 35))
    if roll < src.date_month_rate + src.date_shift_rate:
        return day + dt.timedelta(days=rng.choice((-1, 1)) * rng.randint(1, 3))
    return day


def _cause(rng: random.Random, src: SourceProfile, cause: str) -> str:
    if rng.random() < src.cause_disagreement:
        return rng.choice([c for c in CAUSES if c != cause])
    return cause


def _record(
    rng: random.Random,
    src: SourceProfile,
    p: Person,
    number: int,
    vocab: _Vocabulary,
    gaz: Gazetteer,
) -> VictimRecord:
    def kept(name: str) -> bool:
        return rng.random() >= src.missing.get(name, 0.0)

    event_date = _shift(rng, src, p.event_date) if kept("event_date") else None
    age = p.event_date.year - p.birth_date.year - (rng.random() < 0.5)
    town = gaz.get(p.town)
    source_id = f"{number:06d}"
    return VictimRecord(
        key=f"{src.name}:{source_id}",
        source=src.name,
        source_id=source_id,
        name=_name(rng, src, p, vocab),
        sex=p.sex if kept("sex") else None,
        age=age if src.age_style == "age" and kept("age") else None,
        birth_year=p.birth_date.year
        if src.age_style == "birth_year" and kept("birth_year")
        else None,
        birth_date=p.birth_date if src.age_style == "birth_date" and kept("birth_date") else None,
        event_date=event_date,
        event=p.event,
        place=_place(rng, src, town, gaz) if kept("place") else None,
        governorate=town.adm1 if "governorate" in src.columns else None,
        cause=_cause(rng, src, p.cause) if kept("cause") else None,
        status=p.status,
    )


def generate(
    n_people: int,
    n_sources: int = 3,
    seed: int = 0,
    *,
    sources: Sequence[SourceProfile] | None = None,
    heterogeneity: float = 0.5,
) -> SyntheticSet:
    """A population of ``n_people`` and the lists of ``n_sources`` default sources (or the
    given ``sources``). ``heterogeneity`` is the coefficient of variation of each person's
    visibility (0: every person equally likely to be recorded by a source)."""
    profiles = tuple(sources) if sources is not None else DEFAULT_SOURCES[:n_sources]
    if not profiles:
        raise ValueError("at least one source is needed")
    if n_sources > len(DEFAULT_SOURCES) and sources is None:
        raise ValueError(f"at most {len(DEFAULT_SOURCES)} default sources")
    vocab = _vocabulary()
    gaz = Gazetteer.load()
    people = tuple(_person(i, vocab, seed) for i in range(n_people))
    records: list[VictimRecord] = []
    truth: dict[str, str] = {}
    counters = {s.name: 0 for s in profiles}
    for i, person in enumerate(people):
        vis_rng = random.Random(f"{seed}:visibility:{i}")
        if heterogeneity > 0:
            shape = 1.0 / heterogeneity**2
            visibility = vis_rng.gammavariate(shape, 1.0 / shape)
        else:
            visibility = 1.0
        for src in profiles:
            rng = random.Random(f"{seed}:{src.name}:{i}")
            if rng.random() >= min(0.98, src.capture * visibility):
                continue
            copies = 2 if rng.random() < src.duplicate_rate else 1
            for _ in range(copies):
                counters[src.name] += 1
                record = _record(rng, src, person, counters[src.name], vocab, gaz)
                records.append(record)
                truth[record.key] = person.id
    return SyntheticSet(tuple(records), truth, n_people, people, profiles)
