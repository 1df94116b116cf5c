"""SQL injection through every search and filter field: no server error, no extra rows (the
same result as a benign search that matches nothing; LIKE wildcards ``%`` and ``_`` are taken
literally), and every table is still there. NUL bytes: test_nul_bytes.py."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.db import connection

from tests.web.security.conftest import World

PAYLOADS = [
    "' OR 1=1 --",
    "' OR '1'='1",
    '"; DROP TABLE cases_case; --',
    "'; DROP TABLE cases_client; --",
    "%' UNION SELECT username, password FROM accounts_user --",
    "%' OR full_name LIKE '%",
    "%",
    "_",
    "\\",
    "محمد' OR 1=1 --",
    'Иван" OR ""="',
    "1) OR (1=1",
    "' AND SLEEP(5) --",
    "'||(SELECT pg_sleep(5))||'",
]
BENIGN = "zzqx-matches-nobody"
CASE_LINK = re.compile(r"/cases/(\d+)/")
PERSON_LINK = re.compile(r"/register/persons/(\d+)/")
INCIDENT_LINK = re.compile(r"/register/incidents/(\d+)/")
RECORD_LINK = re.compile(r"/register/records/\w+/(\d+)/")


def _get(w: World, who: str | None, path: str, params: dict[str, str]) -> tuple[int, str]:
    response = w.browser(who).get(f"{path}?{urlencode(params)}")
    assert response.status_code < 500, f"{path} {params}: {response.status_code}"
    return response.status_code, response.content.decode("utf-8", "replace")


# (who, path, field, other params, what counts as a row)
FIELDS = [
    ("a", "/en/", "q", {}, CASE_LINK),
    ("a", "/en/", "status", {}, CASE_LINK),
    ("staff", "/en/register/", "q", {}, PERSON_LINK),
    ("staff", "/en/register/", "status", {}, PERSON_LINK),
    ("staff", "/en/register/incidents/", "violation", {}, INCIDENT_LINK),
    ("staff", "/en/register/review/", "record_type", {}, RECORD_LINK),
    ("staff", "/en/screening/review/", "q", {}, CASE_LINK),
    ("a", "/en/evidence/", "place", {"on": "2020-01-01"}, None),
    ("a", "/en/evidence/", "kind", {"place": "Aleppo"}, None),
    (
        "researcher",
        "/en/stats/asylum-practice/",
        "countries",
        {"first": "2015", "last": "2020"},
        None,
    ),
    ("researcher", "/en/stats/asylum-practice/", "first", {"last": "2020"}, None),
    ("researcher", "/en/stats/caseload/", "q", {}, None),
    ("researcher", "/en/stats/deaths/", "start", {"end": "2020-01-01"}, None),
    ("researcher", "/en/stats/deaths/", "place", {}, None),
]


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


@pytest.mark.parametrize(("who", "path", "field", "extra", "rows"), FIELDS)
def test_search_fields(
    w: World, who: str, path: str, field: str, extra: dict[str, str], rows: re.Pattern[str] | None
) -> None:
    tables = _tables()
    _status, benign = _get(w, who, path, {**extra, field: BENIGN})
    baseline = set(rows.findall(benign)) if rows else set()
    for payload in PAYLOADS:
        _status, page = _get(w, who, path, {**extra, field: payload})
        if rows is not None:
            found = set(rows.findall(page)) - baseline
            assert not found, f"{path}?{field}={payload!r} lists {len(found)} extra rows"
    assert _tables() == tables, "a table is gone"


def test_api_search(w: World) -> None:
    tables = _tables()
    b = w.browser(None)
    benign = b.get("/api/cases", {"q": BENIGN}, **w.bearer("a"))
    assert benign.status_code == 200 and benign["X-Total-Count"] == "0"
    for payload in PAYLOADS:
        for params in (
            {"q": payload},
            {"status": payload},
            {"limit": payload},
            {"offset": payload},
        ):
            response = b.get("/api/cases", params, **w.bearer("a"))
            assert response.status_code in (200, 422), f"{params}: {response.status_code}"
            if response.status_code == 200:
                assert response["X-Total-Count"] == "0", f"{params}: {response['X-Total-Count']}"
        response = b.get(
            "/api/evidence/indicators",
            {"place": payload, "from": "2020-01-01", "to": "2020-12-31"},
            **w.bearer("a"),
        )
        assert response.status_code < 500, f"indicators {payload!r}: {response.status_code}"
    assert _tables() == tables
