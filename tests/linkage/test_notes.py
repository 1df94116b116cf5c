"""The estimate's reasons and warnings as codes and values (asylon.linkage.estimate.notes)."""

from __future__ import annotations

import json

import pytest

from asylon.linkage.estimate import Estimate
from asylon.linkage.estimate.notes import TEXT, Note


def test_a_note_reads_as_the_english_sentence_it_stands_for() -> None:
    note = Note("no_concentration", {"upper": 98765.4, "median": 4321.0, "observed": 7})
    assert note.text == (
        "the posterior of N does not concentrate: its 97.5% quantile (98,765) is far above the "
        "median (4,321) for 7 observed"
    )
    assert note.in_stratum("Aleppo").text.startswith("stratum Aleppo: the posterior of N")


def test_a_note_survives_json_and_back() -> None:
    note = Note("model_choice", {"delta": 2.0, "criterion": "AIC", "low": 900.0, "high": 1400.0})
    note = note.in_stratum("2013")
    assert Note.from_dict(json.loads(json.dumps(note.to_dict()))) == note


def test_the_number_observed_can_be_replaced_or_left_out() -> None:
    note = Note("unstable", {"upper": 9e5, "median": 1200.0, "observed": 487})
    assert note.with_observed(490).text.endswith("for 490 observed")
    withheld = note.with_observed(None)
    assert withheld.code == "unstable_withheld" and "observed" not in withheld.values
    assert withheld.text.endswith("for the number observed")
    plain = Note("saturated")
    assert plain.with_observed(None) is plain


def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown estimate note"):
        Note("looks_fine")


def test_every_code_reads_with_values_of_its_own() -> None:
    """Each sentence formats with the values named in it (a typo in a brace would only show
    when the estimator first meets that case)."""
    import string

    for code, sentence in TEXT.items():
        names = {f for _, f, _, _ in string.Formatter().parse(sentence) if f}
        Note(code, {name: 1 for name in names}).text  # noqa: B018 (formats or raises)


def test_an_estimate_keeps_its_notes_and_states_them_in_english_and_as_codes() -> None:
    est = Estimate("lcmcr", 10, None, None, None, "none")
    est.warn("few_draws", ess=80.0, ess_min=100.0)
    est.warn("few_draws", ess=80.0, ess_min=100.0)  # said once
    est.not_identified("no_records")
    doc = est.to_dict()
    assert doc["identified"] is False
    assert doc["reasons"] == ["the table records nobody"]
    assert doc["warnings"] == ["few effective draws of N (ESS 80 < 100): run longer chains"]
    assert doc["warning_notes"] == [
        {"code": "few_draws", "values": {"ess": 80.0, "ess_min": 100.0}}
    ]
    assert doc["reason_notes"] == [{"code": "no_records", "values": {}}]
