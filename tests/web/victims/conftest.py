"""Fixtures of the victim-list tests: users of each role, a mapping, CSV text builders."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from django.test import Client as Browser
from django.utils import translation

from asylon.web.accounts.models import Team, User
from asylon.web.victims.mapping import VictimMapping

HEADER = ["No.", "Full name", "Gender", "Age", "Date of death", "Type", "Town", "Gov", "Cause",
          "Status"]  # fmt: skip
MAPPING: dict[str, Any] = {
    "columns": {
        "source_id": "No.",
        "name": "Full name",
        "sex": "Gender",
        "age": "Age",
        "event_date": "Date of death",
        "event": "Type",
        "place": "Town",
        "governorate": "Gov",
        "cause": "Cause",
        "status": "Status",
    },
    "values": {"sex": {"M": "male", "F": "female", "ذكر": "male"}},
}


def mapping() -> VictimMapping:
    return VictimMapping.from_dict(MAPPING)


def csv_bytes(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def row(n: int, name: str = "", **over: Any) -> list[Any]:
    values = {
        "No.": f"r{n}",
        "Full name": name or f"Person Number{n} Example",
        "Gender": "M",
        "Age": "30",
        "Date of death": "14/03/2013",
        "Type": "killed",
        "Town": "Douma",
        "Gov": "SY03",
        "Cause": "shelling",
        "Status": "civilian",
    }
    values.update(over)
    return [values[h] for h in HEADER]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Pages in English, whatever language an earlier test in this worker left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def users() -> dict[str, User]:
    team = Team.objects.create(name="Documentation")
    make = User.objects.create_user
    return {
        "supervisor": make("sup", password="x" * 14, team=team, role=User.Role.SUPERVISOR),
        "reviewer": make("rev", password="x" * 14, team=team, role=User.Role.REVIEWER),
        "caseworker": make("cw", password="x" * 14, team=team, role=User.Role.CASEWORKER),
        "researcher": make("res", password="x" * 14, role=User.Role.RESEARCHER),
    }


@pytest.fixture
def browser(users: dict[str, User]) -> Any:
    def login(who: str) -> Browser:
        b = Browser()
        b.force_login(users[who])
        return b

    return login
