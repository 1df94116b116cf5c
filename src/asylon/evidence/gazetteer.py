"""Gazetteer: countries, Syrian governorates and districts (OCHA p-codes), main towns.

Data: ``data_dir()/gazetteer/*.yaml`` (hand-curated; see its PROVENANCE.md) plus every
ISO 3166-1 country from pycountry.

Matching ignores case, Latin diacritics, apostrophes, hyphens, spaces, Arabic vowel marks
and tatweel, alef/yeh/teh-marbuta variants, ё/е, and the article (al-, ar-, el-, ال, эль- ...),
see :func:`normalise`. Resolution in :meth:`Gazetteer.lookup`:

1. an exact code (``SY02``, ``SY0200``, ``SYC-ALEPPO``, ``SY``, ``SYR``), case-insensitive;
2. otherwise every place having the normalised query as a normalised name or alias;
3. one place: found; several: :class:`AmbiguousPlace` listing them (no silent preference;
   pass ``kind`` or a code); none: :class:`UnknownPlace` with the nearest names.

``country`` restricts sub-national places to that country; countries themselves always
remain candidates. :meth:`Gazetteer.resolve_home_area` adds one rule for case files, see there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry
from rapidfuzz import fuzz, process

from asylon.paths import data_dir
from asylon.yamlfile import safe_load

__all__ = [
    "KINDS",
    "AmbiguousPlace",
    "Gazetteer",
    "Place",
    "PlaceError",
    "UnknownPlace",
    "normalise",
    "place_names",
    "resolve_home_area",
]

KINDS = ("country", "governorate", "district", "city")
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}  # higher = more specific

_LATIN_ARTICLES = frozenset(
    [
        "al",
        "el",
        "il",
        "ul",
        "ar",
        "er",
        "as",
        "es",
        "ash",
        "esh",
        "ad",
        "ed",
        "adh",
        "ath",
        "at",
        "et",
        "az",
        "ez",
        "an",
        "en",
    ]
)
_CYRILLIC_ARTICLES = frozenset(
    [
        "аль",
        "эль",
        "ар",
        "эр",
        "ас",
        "эс",
        "аш",
        "эш",
        "ад",
        "эд",
        "ат",
        "эт",
        "аз",
        "эз",
        "ан",
        "эн",
    ]
)
_DROP = str.maketrans("", "", "'’‘`´ʼʻʿʾ\u0640\u0621")  # apostrophes, tatweel, lone hamza
_LETTERS = str.maketrans({"ى": "ي", "ی": "ي", "ة": "ه", "ک": "ك"})
_SPLIT = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """The matching key of a name: script-, case-, diacritic- and article-insensitive."""
    s = unicodedata.normalize("NFKC", text).casefold().translate(_DROP)
    # NFKD splits accents, Arabic tashkeel and hamza/madda on alef (أإآ -> ا), й/ё from their
    # base letters; dropping the combining marks removes them all.
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    tokens = [t for t in _SPLIT.split(s.translate(_LETTERS)) if t]
    kept = [_strip_article(t) for t in tokens]
    return "".join(t for t in kept if t) or "".join(tokens)


def _strip_article(token: str) -> str:
    if token in _LATIN_ARTICLES or token in _CYRILLIC_ARTICLES:
        return ""
    if token.startswith("ال") and len(token) >= 4:
        return token[2:]
    return token


@dataclass(frozen=True)
class Place:
    """A named place. ``adm1``/``adm2`` are the governorate/district p-codes it lies in."""

    code: str
    kind: str
    country: str
    name_en: str
    name_ar: str | None = None
    name_ru: str | None = None
    aliases: tuple[str, ...] = ()
    adm1: str | None = None
    adm2: str | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def names(self) -> tuple[str, ...]:
        main = (self.name_en, self.name_ar, self.name_ru)
        return tuple(n for n in main if n) + self.aliases

    @property
    def parent(self) -> str | None:
        if self.kind == "country":
            return None
        return self.adm2 or self.adm1 or self.country

    def label(self) -> str:
        return f"{self.name_en} ({self.code}, {self.kind})"

    def within(self, other: Place) -> bool:
        """Whether this place lies inside ``other`` (strictly)."""
        if other.kind == "country":
            return self.kind != "country" and self.country == other.code
        return other.code in (self.adm1, self.adm2)


class PlaceError(ValueError):
    """A place name or code that does not resolve to exactly one place."""


class UnknownPlace(PlaceError):
    def __init__(self, query: str, suggestions: Iterable[str] = ()) -> None:
        self.query = query
        self.suggestions = tuple(suggestions)
        hint = f"; did you mean: {'; '.join(self.suggestions)}" if self.suggestions else ""
        super().__init__(f"unknown place {query!r}{hint}")


class AmbiguousPlace(PlaceError):
    def __init__(self, query: str, candidates: Iterable[Place]) -> None:
        self.query = query
        self.candidates = tuple(candidates)
        listed = "; ".join(p.label() for p in self.candidates)
        super().__init__(f"ambiguous place {query!r}: {listed}; give a kind or a code")


def _order(place: Place) -> tuple[int, str]:
    # governorate, district, city, then country; stable by code
    return ((_RANK[place.kind] - 1) % len(KINDS), place.code)


class Gazetteer:
    def __init__(self, places: Iterable[Place]) -> None:
        self._by_code: dict[str, Place] = {}
        self._index: dict[str, list[Place]] = {}
        for place in places:
            if place.kind not in _RANK:
                raise ValueError(f"{place.code}: unknown kind {place.kind!r}")
            if place.code.upper() in self._by_code:
                raise ValueError(f"duplicate place code {place.code}")
            self._by_code[place.code.upper()] = place
            for key in {normalise(n) for n in place.names}:
                self._index.setdefault(key, []).append(place)
        self._alpha3 = {
            c.alpha_3: self._by_code[c.alpha_2] for c in pycountry.countries if c.alpha_2 in self
        }
        for place in self._by_code.values():
            for ref in (place.adm1, place.adm2):
                if ref is not None and ref.upper() not in self._by_code:
                    raise ValueError(f"{place.code}: unknown p-code {ref}")

    @classmethod
    def load(cls, path: Path | str | None = None) -> Gazetteer:
        """The gazetteer in ``path`` (a YAML file or a folder of them); default shipped data."""
        return _load(Path(path) if path is not None else data_dir() / "gazetteer")

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.strip().upper() in self._by_code

    def __iter__(self) -> Iterator[Place]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Place:
        key = code.strip().upper()
        place = self._by_code.get(key) or self._alpha3.get(key)
        if place is None:
            raise UnknownPlace(code, self._suggest(code, None, None))
        return place

    def lookup(self, query: str, country: str | None = "SY", kind: str | None = None) -> Place:
        """Exactly one place for a code or name, else AmbiguousPlace/UnknownPlace."""
        found = self._candidates(query, country, kind)
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousPlace(query, found)
        raise UnknownPlace(query, self._suggest(query, country, kind))

    def resolve_home_area(self, query: str, country: str | None = "SY") -> Place:
        """Like :meth:`lookup`, but nested candidates resolve to the most specific one.

        A case file says ``place: Aleppo``, which names the governorate SY02 and the city in it.
        When every candidate contains the most specific one (city inside district inside
        governorate inside country), that one wins: city > district > governorate > country.
        Candidates that are not nested (two towns of one name, places in different
        governorates) still raise :class:`AmbiguousPlace`.
        """
        found = self._candidates(query, country, None)
        if not found:
            raise UnknownPlace(query, self._suggest(query, country, None))
        best = max(found, key=lambda p: _RANK[p.kind])
        if all(p is best or best.within(p) for p in found):
            return best
        raise AmbiguousPlace(query, found)

    def search(self, query: str, limit: int = 10) -> list[Place]:
        """Places whose names best match ``query`` (exact matches first), any country."""
        key = normalise(query)
        hits = self._ranked(key, _search_score, None, None, 60)
        exact = sorted(self._index.get(key, []), key=_order)
        return list(dict.fromkeys([*exact, *hits]))[:limit]

    def children(self, code: str) -> list[Place]:
        """Places directly inside ``code``: a country's governorates, a governorate's districts..."""
        parent = self.get(code).code
        return sorted((p for p in self._by_code.values() if p.parent == parent), key=_order)

    def _allowed(self, place: Place, country: str | None, kind: str | None) -> bool:
        if kind is not None and place.kind != kind:
            return False
        return country is None or place.kind == "country" or place.country == country.upper()

    def _candidates(self, query: str, country: str | None, kind: str | None) -> list[Place]:
        if kind is not None and kind not in _RANK:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        code = query.strip().upper()
        by_code = self._by_code.get(code) or self._alpha3.get(code)
        if by_code is not None and self._allowed(by_code, country, kind):
            return [by_code]
        found = self._index.get(normalise(query), [])
        return sorted((p for p in found if self._allowed(p, country, kind)), key=_order)

    def _ranked(
        self, key: str, scorer: Any, country: str | None, kind: str | None, cutoff: float
    ) -> list[Place]:
        keys = list(self._index)
        scored = process.extract(key, keys, scorer=scorer, limit=50, score_cutoff=cutoff)
        ranked = sorted(
            ((score, place) for name, score, _ in scored for place in self._index[name]),
            key=lambda sp: (-sp[0], _order(sp[1])),
        )
        allowed = (p for _, p in ranked if self._allowed(p, country, kind))
        return list(dict.fromkeys(allowed))

    def _suggest(self, query: str, country: str | None, kind: str | None) -> list[str]:
        places = self._ranked(normalise(query), fuzz.ratio, country, kind, 50)
        return [p.label() for p in places[:5]]


def _search_score(query: str, key: str, **_: Any) -> float:
    # a name that starts with what was typed so far ranks just below an exact match
    return max(fuzz.ratio(query, key), 99.0 if key.startswith(query) else 0.0)


def resolve_home_area(query: str, country: str | None = "SY") -> Place:
    """:meth:`Gazetteer.resolve_home_area` on the shipped gazetteer."""
    return Gazetteer.load().resolve_home_area(query, country)


def place_names(place: Place, lang: str = "en") -> tuple[str, ...]:
    """The place's English, Arabic and Russian names, the ``lang`` one first."""
    names = {"en": place.name_en, "ar": place.name_ar, "ru": place.name_ru}
    order = [lang, *(k for k in names if k != lang)]
    return tuple(n for k in order if (n := names.get(k)))


@lru_cache(maxsize=8)
def _load(path: Path) -> Gazetteer:
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    docs: list[Mapping[str, Any]] = []
    for file in files:
        with file.open(encoding="utf-8") as fh:
            docs.append(safe_load(fh) or {})
    overrides = {str(c["code"]): c for doc in docs for c in doc.get("countries", [])}
    places = [_country(c.alpha_2, c, overrides.get(c.alpha_2, {})) for c in pycountry.countries]
    for doc in docs:
        for row in doc.get("governorates", []):
            places.append(_admin(row, "governorate", None))
        for row in doc.get("districts", []):
            places.append(_admin(row, "district", str(row["parent"])))
        for row in doc.get("cities", []):
            places.append(_city(row))
    return Gazetteer(places)


def _opt(row: Mapping[str, Any], key: str) -> str | None:
    value = row.get(key)
    return None if value is None else str(value)


def _aliases(row: Mapping[str, Any], *extra: str | None) -> tuple[str, ...]:
    names = [*(str(a) for a in row.get("aliases") or []), *(e for e in extra if e)]
    return tuple(dict.fromkeys(names))


def _country(code: str, record: Any, row: Mapping[str, Any]) -> Place:
    iso_names = [getattr(record, a, None) for a in ("name", "common_name", "official_name")]
    name_en = _opt(row, "name_en") or str(record.name)
    others = (n for n in iso_names if n and n != name_en)
    return Place(
        code, "country", code, name_en, _opt(row, "name_ar"), _opt(row, "name_ru"),
        _aliases(row, *others),
    )  # fmt: skip


def _admin(row: Mapping[str, Any], kind: str, parent: str | None) -> Place:
    return Place(
        str(row["pcode"]), kind, "SY", str(row["name_en"]), _opt(row, "name_ar"),
        _opt(row, "name_ru"), _aliases(row), adm1=parent,
    )  # fmt: skip


def _city(row: Mapping[str, Any]) -> Place:
    return Place(
        str(row["code"]), "city", str(row.get("country", "SY")), str(row["name_en"]),
        _opt(row, "name_ar"), _opt(row, "name_ru"), _aliases(row),
        adm1=_opt(row, "adm1"), adm2=_opt(row, "adm2"),
        lat=float(row["lat"]), lon=float(row["lon"]),
    )  # fmt: skip
