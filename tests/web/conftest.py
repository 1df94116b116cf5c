"""Fixtures shared by the web tests (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from asylon.web.accounts.models import Team, User


@pytest.fixture(autouse=True)
def no_evidence_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Web tests never depend on an evidence store someone built under var/."""
    monkeypatch.setenv("ASYLON_EVIDENCE_DB", "/nonexistent/evidence.duckdb")


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Cached results are keyed by ids and a data version that a rolled-back test reuses."""
    from django.core.cache import cache

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
