"""Screening an applicant against the register: features, scores, hits as leads."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from asylon.names.compare import default_comparer
from asylon.screening.features import birth_date_feature, nationality_feature, role_feature
from asylon.screening.records import (
    ApplicantRecord,
    Membership,
    PartialDate,
    RegisterPerson,
    Role,
)
from asylon.screening.score import DEFAULT_THRESHOLD, Screener, score_pair

P = PartialDate.parse
DATES = yaml.safe_load(Path(__file__).with_name("dates.yaml").read_text(encoding="utf-8"))

REGISTER = [
    RegisterPerson(
        "R-1",
        ("جميل حسن", "Jamil Hassan", "Джамиль Хасан"),
        birth_dates=(PartialDate(1953),),
        birth_places=("Qurfays",),
        nationalities=("SY",),
        memberships=(
            Membership(("Air Force Intelligence Directorate", "إدارة المخابرات الجوية"), "head", P("2009"), P("2019")),
        ),
    ),
    RegisterPerson(
        "R-2",
        ("أنور رسلان", "Anwar Raslan"),
        birth_dates=(P("1963-01-03"),),
        memberships=(
            Membership(("General Intelligence Directorate, Branch 251", "الفرع 251"), "head of investigations", P("2008"), P("2012-09")),
        ),
    ),
    RegisterPerson("R-3", ("Jamil Husayn", "جميل حسين"), birth_dates=(P("1970-05-05"),)),
    RegisterPerson("R-4", ("محمد أحمد علي",), aliases=("أبو علي",), birth_dates=(P("1960"),)),
]  # fmt: skip


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(REGISTER)


@pytest.mark.parametrize("case", DATES, ids=lambda c: f"{c[0]}/{c[1]}")
def test_birth_date_agreement(case: list[object]) -> None:
    left, right, expected = case
    feature = birth_date_feature([P(str(left))], [P(str(right))])  # type: ignore[list-item]
    assert feature.value == expected, feature.explanation
    assert feature.explanation


def test_partial_dates() -> None:
    assert P("1953") == PartialDate(1953)
    assert P(date(1953, 4, 7)) == PartialDate(1953, 4, 7)
    assert P("1953-02").last_day() == date(1953, 2, 28)
    assert str(P("1953-4")) == "1953-04"
    with pytest.raises(ValueError):
        P("1953-02-30")
    with pytest.raises(ValueError):
        P("soon")


def test_a_renamed_register_person_is_a_hit(screener: Screener) -> None:
    applicant = ApplicantRecord("A-1", ("Jameel Hasan",), (P("1953-04-07"),), nationalities=("SY",))
    hits = screener.screen(applicant)
    assert [h.register_id for h in hits] == ["R-1"]
    hit = hits[0]
    assert hit.score >= DEFAULT_THRESHOLD
    assert hit.feature("name") is not None and "جميل" in hit.feature("name").explanation  # type: ignore[union-attr]
    assert hit.feature("birth_date").value == "same_year"  # type: ignore[union-attr]


def test_a_look_alike_name_is_not_a_hit(screener: Screener) -> None:
    applicant = ApplicantRecord("A-2", ("Jamil Hassan",), (P("1970-05-05"),))
    hits = screener.screen(applicant, all_hits=True)
    husayn = next(h for h in hits if h.register_id == "R-3")
    assert husayn.score < DEFAULT_THRESHOLD
    assert "different names" in husayn.feature("name").explanation  # type: ignore[union-attr]


def test_a_namesake_of_another_generation_is_not_a_hit(screener: Screener) -> None:
    applicant = ApplicantRecord("A-3", ("Jamil Hassan",), (P("1990-02-02"),))
    assert screener.screen(applicant) == []
    (hit,) = [h for h in screener.screen(applicant, all_hits=True) if h.register_id == "R-1"]
    assert hit.feature("birth_date").value == "conflict"  # type: ignore[union-attr]


def test_declared_service_in_the_same_unit_and_period(screener: Screener) -> None:
    applicant = ApplicantRecord(
        "A-4",
        ("Anwar Reslan",),
        (P("1963-03-01"),),
        roles=(Role("Branch 251 of General Intelligence", "security_service", "colonel", None, P("2011-01-01"), P("2012-12-31")),),
    )  # fmt: skip
    (hit,) = screener.screen(applicant)
    assert hit.register_id == "R-2"
    assert hit.feature("role").value == "same_unit_same_period"  # type: ignore[union-attr]
    assert hit.feature("birth_date").value == "day_month_swapped"  # type: ignore[union-attr]


def test_units_with_other_numbers_are_other_units() -> None:
    comparer = default_comparer()
    role = Role("Military Intelligence Branch 215", start=P("2012"), end=P("2013"))
    member = Membership(("Military Intelligence Branch 227",), start=P("2012"), end=P("2014"))
    assert role_feature([role], [member], comparer).value == "no_shared_unit"
    assert role_feature([], [member], comparer).weight == 0.0  # no declared role: no evidence


def test_nationality() -> None:
    assert nationality_feature(["SY"], ["sy"]).value == "shared"
    assert nationality_feature(["SY"], ["IQ"]).weight < 0
    assert nationality_feature([], ["SY"]).weight == 0


def test_kunya_alias_is_screened(screener: Screener) -> None:
    applicant = ApplicantRecord("A-5", ("Abu Ali",), (P("1960-06-01"),))
    hits = screener.screen(applicant, all_hits=True)
    assert hits and hits[0].register_id == "R-4"


def test_hit_json_shape() -> None:
    applicant = ApplicantRecord("A-1", ("Jameel Hasan",), (P("1953-04-07"),))
    hit = score_pair(applicant, REGISTER[0])
    data = json.loads(json.dumps(hit.to_dict(), ensure_ascii=False))
    assert set(data) == {"applicant_id", "register_id", "register_name", "score", "features"}
    assert {f["name"] for f in data["features"]} >= {
        "name",
        "birth_date",
        "birth_place",
        "nationality",
        "role",
    }
    assert all(f["explanation"] for f in data["features"])


def test_from_case_file() -> None:
    from asylon.law import parse_case_file

    text = Path("examples/former-guard-unhcr-2014.yaml").read_text(encoding="utf-8")
    case = parse_case_file(text, fmt="yaml")
    record = ApplicantRecord.from_case_file(case)
    assert record.id == case.id
    assert len(record.roles) == len(case.conduct.roles) if case.conduct else record.roles == ()


NAMES = st.sampled_from(
    ["Jamil Hassan", "Jameel Hasan", "جميل حسين", "Anwar Raslan", "Mhd Ali", "Абу Али"]
)
DATES_ST = st.one_of(st.none(), st.dates(date(1940, 1, 1), date(2000, 12, 31)))


@settings(max_examples=60, deadline=None)
@given(NAMES, DATES_ST)
def test_scores_are_probabilities(name: str, born: date | None) -> None:
    applicant = ApplicantRecord("A", (name,), (P(born),) if born else ())
    for person in REGISTER:
        hit = score_pair(applicant, person)
        assert 0.0 <= hit.score <= 1.0


_FAMILIES = "الحلبي الخطيب الشامي المصري العلي النجار الحسن السيد الأحمد الزين الكردي الحمصي"


def test_arabic_script_variant_is_a_candidate_among_namesakes() -> None:
    """All tokens common (Omar, Mahmoud; al-Muhammadi shares Muhammad's coarse key MHMD):
    the entry sharing every token and its Arabic reading must rank above a dozen namesakes."""
    register = [
        RegisterPerson(f"N-{k}", (f"عمر محمود محمد {family}",), birth_dates=(PartialDate(1970),))
        for k, family in enumerate(_FAMILIES.split())
    ] + [RegisterPerson("T-1", ("عمر محمود المحمدي", "Omar Mahmoud al-Mohammadi"))]
    screener = Screener(register, candidates=6)
    hits = screener.screen(ApplicantRecord("A-1", ("عمر محمود المحمدى",)), all_hits=True)
    assert hits[0].register_id == "T-1"
    assert hits[0].feature("name").value == 1.0  # type: ignore[union-attr]


def test_kunya_alias_is_not_compared_with_a_plain_name() -> None:
    person = RegisterPerson("K-1", ("Ghassan Haddad",), aliases=("أبو غسان",))
    hit = score_pair(ApplicantRecord("A-1", ("Ghassan Haddad",)), person)
    assert hit.feature("name").value == 1.0  # type: ignore[union-attr]
