"""Dated parameters, instruments in force, and the flags they raise."""

from __future__ import annotations

from datetime import date

import pytest

from asylon.law import LawNotInForce, assess, parse_case_file, rules_version
from asylon.law.parameters import load_profile


def test_echr_binds_russia_up_to_16_september_2022_inclusive() -> None:
    ru = load_profile("ru")
    assert ru.binds("ECHR", date(2022, 9, 16))
    assert not ru.binds("ECHR", date(2022, 9, 17))
    assert not ru.binds("ECHR", date(1998, 5, 4))


def test_qualification_directive_switches() -> None:
    eu = load_profile("eu")
    assert eu.binds("QD_2004", date(2013, 12, 20)) and not eu.binds("QD_2011", date(2013, 12, 20))
    assert eu.binds("QD_2011", date(2026, 6, 30)) and not eu.binds("QR", date(2026, 6, 30))
    assert eu.binds("QR", date(2026, 7, 1)) and not eu.binds("QD_2011", date(2026, 7, 1))


def test_member_state_overrides_and_errors() -> None:
    de = load_profile("eu", "DE")
    assert de.param("appeal_time_limit", date(2020, 1, 1)).value == {"weeks": 2}
    assert load_profile("eu").param("appeal_time_limit", date(2020, 1, 1)).value is None
    with pytest.raises(LawNotInForce, match="Denmark"):
        load_profile("eu", "DK")
    with pytest.raises(LawNotInForce, match="eu:us"):
        load_profile("eu", "US")


def test_unverified_values_are_marked() -> None:
    ru = load_profile("ru")
    assert not ru.param("humane_reasons_list", date(2016, 1, 1)).verified
    assert ru.param("appeal_time_limit", date(2016, 1, 1)).verified


def test_law_not_in_force_before_profile_start() -> None:
    text = "format: asylon.case/1\nid: early\njurisdiction: ru\nas_of: 1990-01-01\n"
    with pytest.raises(LawNotInForce, match="as_of"):
        assess(parse_case_file(text, "yaml"))


def test_rules_version_names_the_parameter_digest() -> None:
    version, _, digest = rules_version().partition("+")
    assert version and len(digest) == 12


def test_every_profile_loads_at_once_and_stays_loaded() -> None:
    """A server loads them all before it forks (asylon.web.wsgi): each profile and each EU
    member state bound by the Qualification Directive, the same objects later look-ups get."""
    from asylon.law.parameters import load_every_profile

    every = load_every_profile()
    names = {(p.name, p.member_state) for p in every}
    assert {("unhcr", None), ("ru", None), ("eu", None), ("eu", "DE"), ("eu", "SE")} <= names
    assert ("eu", "DK") not in names  # Denmark is not bound (Protocol No 22)
    assert len(names) == len(every) == 3 + 26
    assert load_profile("eu", "DE") is next(p for p in every if p.member_state == "DE")
