"""The legal test cases, together, cover every step id, outcome, profile and temporal switch."""

from __future__ import annotations

import re
from datetime import date

from asylon.law.determination import OUTCOMES, STEP_IDS
from tests.law.cases import all_cases

JUDGMENT = re.compile(r"\b(CJEU|ECtHR|OLG|BGH|ICJ|HRC|Committee against Torture|v\.? [A-Z])")


def _as_of(doc: dict) -> date:
    return date.fromisoformat(str(doc["case"]["as_of"]))


def test_at_least_sixty_cases() -> None:
    assert len(all_cases()) >= 60


def test_every_step_id_is_asserted_somewhere() -> None:
    asserted = {sid for _, d in all_cases() for sid in (d["expect"].get("steps") or {})}
    assert set(STEP_IDS) - asserted == set()


def test_every_outcome_is_expected_somewhere() -> None:
    expected = {d["expect"]["outcome"] for _, d in all_cases()}
    assert set(OUTCOMES) - expected == set()


def test_every_answer_value_occurs() -> None:
    values = {v for _, d in all_cases() for v in (d["expect"].get("steps") or {}).values()}
    assert values >= {"yes", "no", "unknown", "not_applicable"}


def test_each_profile_is_covered() -> None:
    profiles = {str(d["case"]["jurisdiction"]).split(":")[0] for _, d in all_cases()}
    assert profiles == {"unhcr", "eu", "ru"}
    assert any(":" in str(d["case"]["jurisdiction"]) for _, d in all_cases()), "a member state"


def test_at_least_ten_real_judgments_or_public_cases() -> None:
    named = [n for n, d in all_cases() if any(JUDGMENT.search(str(e)) for e in d["encodes"])]
    assert len(named) >= 10, named


def test_temporal_switches_are_covered() -> None:
    cases = [d for _, d in all_cases()]
    echr_end = date(2022, 9, 16)
    ru_before = [
        d
        for d in cases
        if d["case"]["jurisdiction"] == "ru"
        and _as_of(d) <= echr_end
        and "ECHR_3" in (d["expect"].get("bars") or [])
    ]
    ru_after = [
        d
        for d in cases
        if d["case"]["jurisdiction"] == "ru"
        and _as_of(d) > echr_end
        and "ECHR_3" in (d["expect"].get("absent_bars") or [])
    ]
    assert ru_before and ru_after, "ECHR binds Russia for facts up to 2022-09-16 only"
    eu = [d for d in cases if str(d["case"]["jurisdiction"]).startswith("eu")]
    assert any(_as_of(d) >= date(2026, 7, 1) for d in eu), "QR replaces QD on 2026-07-01"
    assert any(_as_of(d) < date(2013, 12, 21) for d in eu), "Directive 2004/83/EC before recast"
