"""What each victim record offers the comparisons: the columns the linkage model reads.

From a :class:`VictimRecord`, nothing is guessed beyond what the record says:

- **name keys**: each name token's consonant skeleton (:func:`asylon.names.skeleton.coarse_key`)
  taken from its best-attested Arabic reading when the lexicon knows the spelling (Mhd,
  Mohammed, Мухаммед and محمد all give ``MHMD``; compounds keep their head, ``abd:RHMN``), so
  spellings of one name in any script share blocking keys. ``k_first``, ``k_second`` and
  ``k_last`` are the keys of the first, second and last token; ``name_tf`` (the sorted keys of
  every token) is the script-free form of the whole name whose frequency weighs a common name
  down.
- **place** through the gazetteer (:class:`asylon.evidence.gazetteer.Gazetteer`): a place
  written in any script resolves to its governorate and district codes (a town to its own code
  too); a name that is a governorate's (Idlib, Hama: also towns) says only the governorate, as
  lists that record provinces write them; a place that does not resolve to one place keeps only
  the record's governorate code.
- **birth year**: the birth date's year, else the stated birth year, else the event year
  minus the age (approximate by one year, which the comparison tolerates).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd  # type: ignore[import-untyped]

from asylon.evidence.gazetteer import Gazetteer, PlaceError
from asylon.linkage.records.types import VictimRecord
from asylon.names import NameComparer, NameToken, default_comparer
from asylon.names.skeleton import coarse_key

__all__ = ["PlaceCodes", "name_keys", "resolve_place", "victim_frame"]


@dataclass(frozen=True, slots=True)
class PlaceCodes:
    """A place's codes in the gazetteer hierarchy (each ``None`` when not known)."""

    place: str | None  # a town's or district's own code
    district: str | None
    governorate: str | None


def _token_key(token: NameToken, comparer: NameComparer) -> str:
    base = token.base
    key = ""
    if token.script != "arabic" and comparer.lexicon is not None:
        readings = comparer.lexicon.readings(base)
        if readings:
            key = coarse_key(readings[0].arabic)
    if not key:
        if token.script == "arabic" and len(base) > 2 and base[-1] in "ةه":
            base = base[:-1]  # final -a/-ah: Latin spellings mostly drop the h (Fatima, Hamza)
        key = coarse_key(base) or base.lower()
    return f"{token.head}:{key}" if token.head else key


def name_keys(name: str, comparer: NameComparer | None = None) -> tuple[str, ...]:
    """The script-free blocking key of each token of ``name``, in the written order."""
    comparer = comparer or default_comparer()
    parsed = comparer.parse(name)
    return tuple(_token_key(t, comparer) for t in parsed.comparable if not t.is_initial)


@lru_cache(maxsize=1)
def _gazetteer() -> Gazetteer:
    return Gazetteer.load()


def resolve_place(
    place: str | None, governorate: str | None, gazetteer: Gazetteer | None = None
) -> PlaceCodes:
    """The gazetteer codes of a record's place, falling back on its governorate code."""
    gaz = gazetteer or _gazetteer()
    found = None
    if place and place.strip():
        try:  # a governorate's name (Idlib, Hama) says no more than the governorate
            found = gaz.lookup(place, kind="governorate")
        except PlaceError:
            try:
                found = gaz.resolve_home_area(place)
            except PlaceError:
                found = None
    if found is not None and found.country == "SY" and found.kind != "country":
        if found.kind == "governorate":
            return PlaceCodes(None, None, found.code)
        district = found.code if found.kind == "district" else found.adm2
        return PlaceCodes(found.code, district, found.adm1)
    gov = governorate.strip().upper() if governorate and governorate.strip() else None
    return PlaceCodes(None, None, gov)


def _birth_year(record: VictimRecord) -> int | None:
    if record.birth_date is not None:
        return record.birth_date.year
    if record.birth_year is not None:
        return record.birth_year
    if record.age is not None and record.event_date is not None:
        return record.event_date.year - record.age
    return None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def victim_frame(
    records: Sequence[VictimRecord],
    comparer: NameComparer | None = None,
    gazetteer: Gazetteer | None = None,
) -> pd.DataFrame:
    """One row per record with the columns :data:`~asylon.linkage.records.config.VICTIMS` reads."""
    comparer = comparer or default_comparer()
    rows = []
    for r in records:
        keys = name_keys(r.name, comparer) if r.name and r.name.strip() else ()
        codes = resolve_place(r.place, r.governorate, gazetteer)
        rows.append(
            {
                "unique_id": r.key,
                "source_dataset": r.source,
                "name": r.name if keys else None,
                "name_tf": " ".join(sorted(keys)) if keys else None,
                "name_keys": sorted(set(keys)) if keys else None,
                "k_first": keys[0] if keys else None,
                "k_second": keys[1] if len(keys) > 2 else None,
                "k_last": keys[-1] if len(keys) > 1 else None,
                "sex": r.sex,
                "event": r.event,
                "cause": r.cause.strip().casefold() if r.cause and r.cause.strip() else None,
                "birth_date": _iso(r.birth_date),
                "birth_year": _birth_year(r),
                "event_date": _iso(r.event_date),
                "place_code": codes.place,
                "district": codes.district,
                "governorate": codes.governorate,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "unique_id",
            "source_dataset",
            "name",
            "name_tf",
            "name_keys",
            "k_first",
            "k_second",
            "k_last",
            "sex",
            "event",
            "cause",
            "birth_date",
            "birth_year",
            "event_date",
            "place_code",
            "district",
            "governorate",
        ],
    )
    frame["birth_year"] = frame["birth_year"].astype("Int64")
    return frame
