"""No personal data in logs or error pages: representative requests (pages, searches, API
calls, failed logins, 400, 404, 405, 422 and a 500 from a test-only broken view) with every
logger captured at DEBUG; no demo client's name (Latin, Arabic, Cyrillic), birth date or
note text appears in any log record, nor in the 404/500 pages served with DEBUG off."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import override_settings

from asylon.web.cases.models import Client
from asylon.web.documents.models import Note
from tests.web.security.conftest import World


def _secrets(w: World) -> list[str]:
    found: set[str] = set()
    for c in Client.objects.all():
        found.update(n for n in [c.full_name, *map(str, c.aliases)] if len(n) >= 5)
        for part in c.full_name.split():
            if len(part) >= 6:
                found.add(part)
        if c.born:
            found.update({c.born.isoformat(), c.born.strftime("%d.%m.%Y")})
    found.update(n.text[:40] for n in Note.objects.all() if len(n.text) >= 20)
    return sorted(found)


def _scan(records: list[logging.LogRecord], secrets: list[str]) -> list[str]:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    leaks = []
    for record in records:
        text = formatter.format(record) + repr(getattr(record, "args", ""))
        leaks += [f"{record.name}: {s!r}" for s in secrets if s in text]
    return leaks


def test_no_personal_data_in_logs(w: World, caplog: pytest.LogCaptureFixture) -> None:
    secrets = _secrets(w)
    name = w.case.client.full_name
    assert name in secrets and len(secrets) > 30
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.request")
    caplog.set_level(logging.INFO, logger="django.db.backends")  # SQL at DEBUG holds the data
    a, pk = w.browser("a"), w.case.pk
    anon = w.browser(None)
    calls: list[Any] = [
        lambda: a.get("/en/"),
        lambda: a.get("/en/", {"q": name}),
        lambda: a.get(f"/en/cases/{pk}/"),
        lambda: a.get(f"/en/timeline/case/{pk}/"),
        lambda: a.get(f"/en/cases/{pk}/documents/"),
        lambda: a.get(f"/en/cases/{pk}/case-file.json"),
        lambda: a.post(f"/en/cases/{pk}/client/", {"full_name": name, "born": "not a date"}),
        lambda: a.post(f"/en/cases/{pk}/documents/notes/", {"text": ""}),
        lambda: a.get(f"/en/cases/{pk}/assess/"),  # 405
        lambda: a.get("/en/cases/99999999/", {"q": name}),  # 404
        lambda: w.browser("b").get(f"/en/cases/{pk}/"),  # 404 for another team
        lambda: anon.post("/en/accounts/login/", {"username": name, "password": "wrong"}),
        lambda: anon.get("/api/cases", {"q": name}, **w.bearer("a")),
        lambda: anon.post(
            f"/api/cases/{pk}/events",
            json.dumps({"kind": "arrival", "on": "not a date", "details": {"place": name}}),
            content_type="application/json",
            **w.bearer("a"),
        ),  # 422
        lambda: anon.post(
            "/api/cases",
            json.dumps({"client": {"name": name}}),
            content_type="application/json",
            **w.bearer("a"),
        ),  # 422
        lambda: anon.post(
            "/api/screen",
            json.dumps({"applicants": [{"id": "x", "name": name}]}),
            content_type="application/json",
            **w.bearer("a"),
        ),
        lambda: anon.get(f"/api/cases/{pk}", **w.bearer("b")),  # 404
    ]
    for call in calls:
        assert call().status_code < 500
    with override_settings(ROOT_URLCONF="tests.web.security.broken_urls", DEBUG=False):
        b = w.browser("a", raise_request_exception=False)
        failed = b.post(f"/broken/{pk}/", {"full_name": name, "note": name})
        assert failed.status_code == 500
        assert name not in failed.content.decode() and "Traceback" not in failed.content.decode()
    assert any(r.levelno >= logging.ERROR for r in caplog.records), "the 500 was logged"
    assert _scan(caplog.records, secrets) == []


def test_error_pages_show_no_personal_data(w: World) -> None:
    name = w.case.client.full_name
    b = w.browser("b")
    page = b.get(f"/en/cases/{w.case.pk}/")
    assert page.status_code == 404 and name not in page.content.decode()
    api = w.browser(None).get(f"/api/cases/{w.case.pk}", **w.bearer("b"))
    assert api.status_code == 404 and name not in api.content.decode()
    missing = w.browser("a").get("/en/no-such-page/", {"name": name})
    assert missing.status_code == 404 and name not in missing.content.decode()
