"""A NUL byte in any text input is refused or ignored, never a server error. PostgreSQL cannot
store or compare a NUL in a text value (psycopg raises DataError), SQLite can: Django's forms
refuse it (ProhibitNullCharactersValidator), the API's query and body strings must too.

Each request runs on its own small world (a team, a caseworker, a case): a database error on
PostgreSQL breaks the connection's transaction, which must not spill into other tests.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client as Browser

from asylon.web.accounts.models import Team, User
from asylon.web.api.models import ApiToken
from asylon.web.cases.models import Case, Client

pytestmark = pytest.mark.django_db
NUL = "ab\x00cd"


@pytest.fixture
def caller() -> dict[str, Any]:
    team = Team.objects.create(name="NUL team")
    user = User.objects.create_user("nul-caseworker", team=team)
    client = Client.objects.create(full_name="Nul Example", team=team)
    case = Case.objects.create(client=client, team=team, jurisdiction="ru")
    token = ApiToken.issue(user)[1]
    browser = Browser()
    browser.force_login(user)
    return {
        "case": case,
        "browser": browser,
        "headers": {"HTTP_AUTHORIZATION": f"Bearer {token}"},
    }


def test_nul_in_page_searches_is_refused_by_the_forms(caller: dict[str, Any]) -> None:
    for url in ("/en/", "/en/evidence/"):
        response = caller["browser"].get(url, {"q": NUL, "place": NUL})
        assert response.status_code < 500, url


def test_nul_in_the_api_search(caller: dict[str, Any]) -> None:
    b = Browser(raise_request_exception=False)
    response = b.get("/api/cases", {"q": NUL}, **caller["headers"])
    assert response.status_code == 422, response.status_code
    assert [e["field"] for e in response.json()["errors"]] == ["?q"]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/notes", {"text": NUL}, "text"),
        (
            "post",
            "/events",
            {"kind": "arrival", "on": "2024-01-10", "details": {"place": NUL}},
            "details.place",
        ),
        ("put", "/findings", {"credibility": NUL}, "credibility"),
    ],
)
def test_nul_in_api_bodies(
    caller: dict[str, Any], method: str, path: str, body: Any, field: str
) -> None:
    """Refused with 422 naming the field, on both databases (PostgreSQL cannot store NUL: it
    was a 500 there; SQLite would have kept it)."""
    b = Browser(raise_request_exception=False)
    url = f"/api/cases/{caller['case'].pk}{path}"
    response = getattr(b, method)(
        url, json.dumps(body), content_type="application/json", **caller["headers"]
    )
    assert response.status_code == 422, f"{method} {url}: {response.status_code}"
    assert [e["field"] for e in response.json()["errors"]] == [field]
