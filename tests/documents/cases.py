"""Real assessed cases for the document tests: legal test cases run through the engine, with a
country-evidence reading where the brief needs figures."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from functools import cache
from typing import Any

from asylon.law import DangerReading, FixedEvidence, ViolenceLevel, assess
from tests.law.cases import all_cases, case_file

REFUSAL = "eu-rejected-return-permitted-appeal-deadline.yaml"
TEMPORARY_ASYLUM = "ru-refugee-procedure-yields-ta-appeal-2016.yaml"
CIVILIAN_DEATHS = 1234  # a figure of the reading below, as the evidence layer would give it
DAMASCUS = DangerReading(
    place="SY01",
    period=(date(2025, 12, 1), date(2026, 2, 28)),
    level=ViolenceLevel.NOT_HIGH,
    armed_conflict=False,
    indicators={"civilian_deaths": CIVILIAN_DEATHS, "conflict_events": 112},
    sources=("UCDP GED Syria (test reading)", "ACLED Syria (test reading)"),
)


@cache
def _assessed(name: str) -> tuple[str, str]:
    doc = dict(all_cases())[name]
    case = case_file(doc, name)
    evidence = FixedEvidence({("SY", "Damascus"): DAMASCUS})
    det = assess(case, evidence).to_dict()
    stored = json.loads(case.model_dump_json(by_alias=True, exclude_none=True))
    return json.dumps(stored), json.dumps(det)


def assessed(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(case file, determination) as the web app stores them, fresh copies each call."""
    case, det = _assessed(name)
    return json.loads(case), json.loads(det)


_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_DIACRITICS = re.compile("[\u064b-\u065f\u0670]")


def normalise(text: str) -> str:
    """Text from pdftotext or python-docx, comparable with expected strings: compatibility
    forms folded (Arabic presentation forms), bidi controls and Arabic vowel marks dropped
    (pdftotext detaches them), all whitespace (incl. no-break spaces) removed."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", _CONTROLS.sub("", text))
    return "".join(text.split())
