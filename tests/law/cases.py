"""Loading the legal test cases (tests/law_cases/*.yaml)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from asylon.law.facts import case_from_data, load_document

CASES_DIR = Path(__file__).resolve().parent.parent / "law_cases"


@cache
def all_cases() -> tuple[tuple[str, dict[str, Any]], ...]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        out.append((path.name, load_document(path.read_text(encoding="utf-8"), "yaml")))
    return tuple(out)


def case_file(doc: dict[str, Any], name: str = "") -> Any:
    return case_from_data(doc["case"], name)
