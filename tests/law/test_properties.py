"""Invariants of the engine over generated case files (hypothesis)."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asylon.law import assess
from asylon.law.determination import DeterminationModel
from asylon.law.facts import case_from_data
from asylon.law.presumptions import INDICATORS, PRESUMPTIONS
from tests.law.strategies import case_files, finding_paths

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STATUS_OUTCOMES = {
    "REFUGEE",
    "SUBSIDIARY_PROTECTION",
    "TEMPORARY_ASYLUM",
    "POLITICAL_ASYLUM",
    "COMPLEMENTARY_PROTECTION",
    "REFUGEE_STATUS_REFUSED_BUT_REFUGEE",
}


def run(doc: dict[str, Any]) -> dict[str, Any]:
    return assess(case_from_data(doc)).to_dict()


def answers(det: dict[str, Any]) -> dict[str, str]:
    return {s["id"]: s["answer"] for s in det["steps"]}


@SETTINGS
@given(case_files())
def test_output_validates_against_the_determination_schema(doc: dict[str, Any]) -> None:
    DeterminationModel.model_validate(run(doc))


@SETTINGS
@given(case_files())
def test_an_excluded_person_is_never_a_refugee(doc: dict[str, Any]) -> None:
    det = run(doc)
    if answers(det)["exclusion.excluded"] == "yes":
        assert det["outcome"] not in STATUS_OUTCOMES


@SETTINGS
@given(case_files())
def test_barred_return_is_never_permitted(doc: dict[str, Any]) -> None:
    det = run(doc)
    if answers(det)["return.barred"] == "yes":
        assert det["removal"]["permitted"] is False
        assert det["removal"]["bars"]
    if det["removal"]["permitted"] is True:
        assert det["outcome"] not in STATUS_OUTCOMES


@SETTINGS
@given(case_files())
def test_every_missing_field_blocks_only_unknown_steps(doc: dict[str, Any]) -> None:
    det = run(doc)
    a = answers(det)
    for m in det["missing"]:
        assert m["needed_for"]
        for sid in m["needed_for"]:
            assert a[sid] == "unknown", (m, sid)
    if det["outcome"] == "UNDETERMINED":
        assert det["missing"] or "unknown" in a.values()


@SETTINGS
@given(case_files(), st.data())
def test_removing_a_finding_never_turns_an_answer_around(
    doc: dict[str, Any], data: st.DataObject
) -> None:
    """A missing finding never yields a certain answer that the finding would contradict:
    removing one finding can only turn yes or no into unknown, never into each other."""
    paths = finding_paths(doc)
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    reduced = copy.deepcopy(doc)
    node: Any = reduced
    for key in path[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]
    last = path[-1]
    if isinstance(node, list):
        return
    node[last] = None
    try:
        before, after = answers(run(doc)), answers(run(reduced))
    except ValueError:
        return  # the reduced document is invalid (e.g. a required list became null)
    field = ".".join(p for p in path if not p.isdigit())
    if field in INDICATORS:
        return  # an absent indicator does not raise its exception: documented, not a guess
    for sid, was in before.items():
        now = after[sid]
        presumed = any(field.startswith(f) and s == sid for f, s in PRESUMPTIONS)
        if was in ("yes", "no") and now in ("yes", "no") and not presumed:
            assert was == now, (path, sid, was, now)


@SETTINGS
@given(case_files())
def test_the_same_input_always_gives_the_same_output(doc: dict[str, Any]) -> None:
    first = json.dumps(run(doc), sort_keys=True)
    again = json.dumps(run(json.loads(json.dumps(doc))), sort_keys=True)
    assert first == again
