"""Fixtures shared by the web tests (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from asylon.web.accounts.models import Team, User


@pytest.fixture(autouse=True)
def no_evidence_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Web tests never depend on an evidence store someone built under var/."""
    monkeypatch.setenv("ASYLON_EVIDENCE_DB", "/nonexistent/evidence.duckdb")


@pytest.fixture(autouse=True)
def inline_linkage(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A linkage run started from a page runs in the request: a background process could not
    reach the test database. Each test has its own lock folder, so parallel workers never
    wait for each other's run (``tests/web/victims/test_jobs.py`` tests the real thing)."""
    settings.ASYLON_VICTIMS_LINK_IN_BACKGROUND = False
    settings.ASYLON_LOCKS_DIR = str(tmp_path_factory.mktemp("locks"))


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Cached results are keyed by ids and a data version that a rolled-back test reuses."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture
def people() -> dict[str, User]:
    a, b = Team.objects.create(name="A"), Team.objects.create(name="B")
    return {
        "a": User.objects.create_user("a", password="x" * 14, team=a),
        "b": User.objects.create_user("b", password="x" * 14, team=b),
        "researcher": User.objects.create_user(
            "r", password="x" * 14, team=None, role=User.Role.RESEARCHER
        ),
    }


@pytest.fixture(autouse=True)
def verified_force_login(monkeypatch: pytest.MonkeyPatch) -> None:
    """``Client.force_login`` skips the login form, so it also skips the second factor and the
    re-authentication that the middleware asks of admins and supervisors (and, for exports and
    deletions, of everyone). Tests that use it are about something else: the session it makes
    is marked as having passed both, now. ``tests/web/test_mfa.py`` keeps Django's own
    ``force_login`` to test the gate itself, and browser tests log in through the real form."""
    import time

    from django.test import Client

    from asylon.web.accounts import mfa

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        session = self.session
        session[mfa.SESSION_VERIFIED] = user.pk
        session[mfa.SESSION_AUTH_AT] = int(time.time())
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def in_transaction(monkeypatch: pytest.MonkeyPatch) -> Callable[[Any, str], list[bool]]:
    """``in_transaction(owner, name)`` replaces ``owner.name`` with a wrapper that notes, at
    each call, whether a transaction is open (``connection.in_atomic_block``); returns the
    list it notes into. For tests with real transactions (``django_db(transaction=True)``)."""
    from django.db import connection

    def watch(owner: Any, name: str) -> list[bool]:
        seen: list[bool] = []
        original = getattr(owner, name)

        def watched(*args: Any, **kwargs: Any) -> Any:
            seen.append(connection.in_atomic_block)
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, watched)
        return seen

    return watch
