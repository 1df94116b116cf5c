"""Login brute force: django-axes locks a username out from an address after
``AXES_FAILURE_LIMIT`` failures, and neither the failures nor the lockout tell whether the
username exists."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client as Browser

from asylon.web.accounts.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _normalise(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html


def _fail(username: str, address: str) -> tuple[int, str]:
    b = Browser(REMOTE_ADDR=address)
    r = b.post("/en/accounts/login/", {"username": username, "password": "wrong password!"})
    return r.status_code, _normalise(r.content.decode()).replace(username, "USERNAME")


def test_lockout_after_the_configured_failures_and_it_reveals_nothing() -> None:
    User.objects.create_user("existing-user", password=PASSWORD)
    limit = settings.AXES_FAILURE_LIMIT
    assert 3 <= limit <= 10, "a lockout limit that stops guessing"
    assert settings.AXES_COOLOFF_TIME, "the lockout ends (no denial of service for ever)"
    seen: dict[str, list[tuple[int, str]]] = {"existing-user": [], "nobody-by-this-name": []}
    for name in seen:
        for _ in range(limit + 1):
            seen[name].append(_fail(name, "10.0.0.7"))
    existing, missing = seen["existing-user"], seen["nobody-by-this-name"]
    assert [s for s, _ in existing[: limit - 1]] == [200] * (limit - 1)
    assert existing[limit - 1][0] == 429 and existing[limit][0] == 429
    assert [s for s, _ in existing] == [s for s, _ in missing], "same statuses for both"
    for (_, a), (_, b) in zip(existing, missing, strict=True):
        assert a == b, "the pages differ: they tell whether the username exists"
    right = Browser(REMOTE_ADDR="10.0.0.7").post(
        "/en/accounts/login/", {"username": "existing-user", "password": PASSWORD}
    )
    assert right.status_code == 429, "the right password is refused while locked out"
    assert "existing-user" not in right.content.decode()
    elsewhere = Browser(REMOTE_ADDR="10.0.0.8").post(
        "/en/accounts/login/", {"username": "existing-user", "password": PASSWORD}
    )
    assert elsewhere.status_code == 302, "another address is not locked out"


def test_lockout_also_holds_for_the_api_token_less_login_form_in_arabic() -> None:
    User.objects.create_user("arabic-user", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Browser(REMOTE_ADDR="10.0.0.9").post(
            "/ar/accounts/login/", {"username": "arabic-user", "password": "nope nope nope"}
        )
    locked = Browser(REMOTE_ADDR="10.0.0.9").post(
        "/ar/accounts/login/", {"username": "arabic-user", "password": PASSWORD}
    )
    assert locked.status_code == 429
