"""Every legal test case gives the outcome and step answers the law gives."""

from __future__ import annotations

from typing import Any

import pytest

from asylon.law import assess
from asylon.law.citations import is_registered
from asylon.law.determination import DeterminationModel
from tests.law.cases import all_cases, case_file

CASES = all_cases()


@pytest.mark.parametrize("name,doc", CASES, ids=[n for n, _ in CASES])
def test_law_case(name: str, doc: dict[str, Any]) -> None:
    assert doc.get("encodes"), f"{name}: say which provision or judgment the case encodes"
    expect = doc["expect"]
    det = assess(case_file(doc, name)).to_dict()
    DeterminationModel.model_validate(det)
    answers = {s["id"]: s["answer"] for s in det["steps"]}
    problems = []
    if det["outcome"] != expect["outcome"]:
        problems.append(f"outcome {det['outcome']} != expected {expect['outcome']}")
    for sid, want in (expect.get("steps") or {}).items():
        if answers.get(sid) != want:
            problems.append(f"{sid}: {answers.get(sid)} != expected {want}")
    bars = {b["code"] for b in det["removal"]["bars"]}
    for code in expect.get("bars") or []:
        if code not in bars:
            problems.append(f"bar {code} missing (bars: {sorted(bars)})")
    for code in expect.get("absent_bars") or []:
        if code in bars:
            problems.append(f"bar {code} present but must not be")
    for code in expect.get("side_outputs") or []:
        if code not in det["side_outputs"]:
            problems.append(f"side output {code} missing ({det['side_outputs']})")
    flags = {f["code"] for f in det["flags"]}
    for code in expect.get("flags") or []:
        if code not in flags:
            problems.append(f"flag {code} missing ({sorted(flags)})")
    missing = {m["field"] for m in det["missing"]}
    for field in expect.get("missing") or []:
        if field not in missing:
            problems.append(f"missing field {field} not listed ({sorted(missing)})")
    due = {d["kind"]: d["due"] for d in det["deadlines"]}
    for kind, when in (expect.get("deadlines") or {}).items():
        if due.get(kind) != str(when):
            problems.append(f"deadline {kind}: {due.get(kind)} != expected {when}")
    for key, want in (expect.get("status") or {}).items():
        got = (det["status"] or {}).get(key)
        if str(got) != str(want):
            problems.append(f"status.{key}: {got} != expected {want}")
    unregistered = [c for s in det["steps"] for c in s["citations"] if not is_registered(c)]
    unregistered += [
        c for b in det["removal"]["bars"] for c in b["citations"] if not is_registered(c)
    ]
    if unregistered:
        problems.append(f"unregistered citations: {sorted(set(unregistered))}")
    assert not problems, f"{name} ({doc.get('title')}):\n  " + "\n  ".join(problems)
