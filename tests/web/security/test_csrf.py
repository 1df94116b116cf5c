"""CSRF: every page that accepts a POST refuses one without the token; the API refuses a
session-authenticated write without it and accepts a bearer-token write (no cookie, no CSRF).
"""

from __future__ import annotations

import json

from django.urls import get_resolver, reverse

from asylon.web.documents.models import Note
from tests.web.security.conftest import World
from tests.web.security.test_idor import PAGES, REGISTER, walk


def _page_urls(w: World) -> list[tuple[str, str]]:
    """(who, url) of every page route, ids built as in the IDOR table, by a user who may see it."""
    out = []
    for route, name in walk(get_resolver().url_patterns):
        if name.startswith("api:"):
            continue
        if "<" in route:
            entry = PAGES.get(name)
            if entry is None:  # test_idor's coverage test names it
                continue
            who = "staff" if entry.kind == REGISTER else "a"
            out.append((who, reverse(name, kwargs=entry.build(w))))
        else:
            out.append(("a", "/" + route.replace("^", "")))
    return out


def test_every_page_post_without_a_token_is_refused(w: World) -> None:
    urls = _page_urls(w)
    assert len(urls) > 50
    for who, url in urls:
        b = w.browser(who, enforce_csrf_checks=True)
        response = b.post(url, {"full_name": "forged", "text": "forged", "reason": "forged"})
        assert response.status_code == 403, (
            f"POST {url} without a CSRF token: {response.status_code}"
        )
    anonymous = w.browser(None, enforce_csrf_checks=True)
    login = anonymous.post("/en/accounts/login/", {"username": "demo-caseworker", "password": "x"})
    assert login.status_code == 403, "login CSRF"


def test_a_post_with_the_token_from_another_session_is_refused(w: World) -> None:
    mine = w.browser("a", enforce_csrf_checks=True)
    theirs = w.browser("b", enforce_csrf_checks=True)
    theirs.get("/en/")
    token = theirs.cookies["csrftoken"].value
    response = mine.post(
        f"/en/cases/{w.case.pk}/documents/notes/", {"text": "x", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 403


def test_api_with_a_session_needs_the_csrf_token(w: World) -> None:
    url = f"/api/cases/{w.case.pk}/notes"
    body = json.dumps({"text": "from the browser"})
    b = w.browser("a", enforce_csrf_checks=True)
    notes = Note.objects.count()
    refused = b.post(url, body, content_type="application/json")
    assert refused.status_code in (401, 403), refused.content  # ninja: the session auth fails
    assert Note.objects.count() == notes
    b.get("/en/")
    token = b.cookies["csrftoken"].value
    accepted = b.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content
    for method in ("put", "delete"):
        target = (
            f"/api/cases/{w.case.pk}/findings"
            if method == "put"
            else f"/api/cases/{w.case.pk}/events/{w.event.pk}"
        )
        forged = getattr(b, method)(target, "{}", content_type="application/json")
        assert forged.status_code in (401, 403), f"{method} {target}: {forged.status_code}"


def test_api_with_a_bearer_token_needs_no_csrf(w: World) -> None:
    b = w.browser(None, enforce_csrf_checks=True)
    done = b.post(
        f"/api/cases/{w.case.pk}/notes",
        json.dumps({"text": "from a script"}),
        content_type="application/json",
        **w.bearer("a"),
    )
    assert done.status_code == 201, done.content


def test_a_bad_bearer_token_is_not_rescued_by_a_session(w: World) -> None:
    b = w.browser("a")
    response = b.get("/api/cases", HTTP_AUTHORIZATION="Bearer asy_not-a-token")
    assert response.status_code == 401
