"""The sources of the synthetic victim lists and their habits: who records whom, and how.

Each :class:`SourceProfile` is one documentation source as the generator
(:mod:`asylon.linkage.records.synthetic`) imitates it: the script it writes names in, its
transliteration habits (which attested spelling it prefers, al-/el-/Al or no article, Abdul
Rahman or Abdulrahman, Mhd for Muhammad), how much of the name chain it keeps, how often it
leaves a field out, how exact its dates are, how it writes places, how often it lists one
person twice, and its own CSV column names. The five default profiles are invented, each a
plausible mix of the habits real Syrian casualty lists show; no real source is described.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["DEFAULT_SOURCES", "FIELDS", "SourceProfile"]

#: the VictimRecord fields a source's CSV may carry (besides the source id and the name)
FIELDS = (
    "source_id",
    "name",
    "sex",
    "age",
    "birth_year",
    "birth_date",
    "event_date",
    "event",
    "place",
    "governorate",
    "cause",
    "status",
)

Script = Literal["arabic", "latin"]
PlaceStyle = Literal["arabic", "english", "alias", "governorate"]
AgeStyle = Literal["age", "birth_year", "birth_date"]


@dataclass(frozen=True)
class SourceProfile:
    """One source's coverage and recording habits."""

    name: str
    script: Script
    capture: float  # probability that the source records a person (before heterogeneity)
    duplicate_rate: float  # share of recorded persons the source lists a second time
    name_parts: tuple[int, ...]  # how many name tokens it keeps, drawn uniformly (2-4)
    spelling_habit: int = 0  # which attested spelling it prefers: 0 the commonest, 1, 2...
    article: str = "al-"  # how the Latin article is written ("al-", "el-", "Al ", "")
    split_compounds: bool = False  # Abdul Rahman rather than Abdulrahman
    mhd_rate: float = 0.0  # share of Muhammads written Mhd
    missing: dict[str, float] = field(default_factory=dict)  # field → share left empty
    date_shift_rate: float = 0.1  # share of event dates off by 1-3 days
    date_month_rate: float = 0.02  # share of event dates off by about a month
    age_style: AgeStyle = "age"
    place_style: PlaceStyle = "english"
    typo_rate: float = 0.03  # share of names with one letter wrong
    cause_disagreement: float = 0.15  # share of causes the source categorises otherwise
    columns: dict[str, str] = field(default_factory=dict)  # field → the source's column name

    def column(self, name: str) -> str:
        return self.columns.get(name, name)


DEFAULT_SOURCES: tuple[SourceProfile, ...] = (
    SourceProfile(
        name="markaz",
        script="arabic",
        capture=0.6,
        duplicate_rate=0.05,
        name_parts=(3, 4),
        missing={"sex": 0.02, "age": 0.3, "event_date": 0.03, "place": 0.05},
        date_shift_rate=0.05,
        age_style="age",
        place_style="arabic",
        columns={
            "source_id": "رقم",
            "name": "الاسم",
            "sex": "الجنس",
            "age": "العمر",
            "event_date": "تاريخ_الوفاة",
            "event": "الحالة",
            "place": "المكان",
            "cause": "السبب",
            "status": "الصفة",
        },
    ),
    SourceProfile(
        name="network",
        script="latin",
        capture=0.5,
        duplicate_rate=0.08,
        name_parts=(2, 3),
        spelling_habit=0,
        article="al-",
        split_compounds=True,
        missing={"sex": 0.1, "birth_year": 0.4, "event_date": 0.05, "place": 0.1},
        date_shift_rate=0.15,
        age_style="birth_year",
        place_style="english",
        columns={
            "source_id": "id",
            "name": "full_name",
            "sex": "gender",
            "birth_year": "year_of_birth",
            "event_date": "date_of_death",
            "event": "type",
            "place": "location",
            "governorate": "province_code",
            "cause": "cause_of_death",
            "status": "civilian_status",
        },
    ),
    SourceProfile(
        name="observatoire",
        script="latin",
        capture=0.4,
        duplicate_rate=0.03,
        name_parts=(2, 3, 4),
        spelling_habit=1,
        article="el-",
        split_compounds=False,
        missing={"sex": 0.3, "age": 0.5, "event_date": 0.1, "place": 0.2},
        date_shift_rate=0.2,
        date_month_rate=0.05,
        age_style="age",
        place_style="governorate",
        columns={
            "source_id": "ref",
            "name": "nom",
            "sex": "sexe",
            "age": "age",
            "event_date": "date",
            "event": "evenement",
            "place": "lieu",
            "governorate": "gouvernorat",
            "cause": "cause",
            "status": "statut",
        },
    ),
    SourceProfile(
        name="hospital",
        script="arabic",
        capture=0.3,
        duplicate_rate=0.1,
        name_parts=(2, 3),
        missing={"sex": 0.0, "birth_date": 0.2, "event_date": 0.0, "place": 0.3},
        date_shift_rate=0.02,
        age_style="birth_date",
        place_style="alias",
        typo_rate=0.05,
        columns={
            "source_id": "record_no",
            "name": "patient_name",
            "sex": "sex",
            "birth_date": "dob",
            "event_date": "date_of_death",
            "event": "outcome",
            "place": "home_area",
            "cause": "diagnosis",
            "status": "category",
        },
    ),
    SourceProfile(
        name="media",
        script="latin",
        capture=0.35,
        duplicate_rate=0.06,
        name_parts=(2, 3),
        spelling_habit=2,
        article="",
        split_compounds=False,
        mhd_rate=0.5,
        missing={"sex": 0.5, "age": 0.7, "event_date": 0.15, "place": 0.2},
        date_shift_rate=0.25,
        date_month_rate=0.05,
        age_style="age",
        place_style="alias",
        typo_rate=0.06,
        columns={
            "source_id": "item",
            "name": "victim",
            "sex": "m_f",
            "age": "age_years",
            "event_date": "reported_on",
            "event": "what",
            "place": "where",
            "cause": "how",
            "status": "who",
        },
    ),
)
