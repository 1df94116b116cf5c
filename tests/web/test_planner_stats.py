"""The query planner's statistics (SQLite): refreshed after migrate and now and then by a
server process; a refresh that the database refuses never fails the request it follows."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import OperationalError, connection

from asylon.web.cases import planner_stats

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps its own statistics")
def test_optimise_runs_then_waits_its_interval() -> None:
    connection.ensure_connection()
    assert planner_stats.optimise(force=True)
    assert not planner_stats.optimise()  # within INTERVAL of the last one


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps its own statistics")
def test_a_refused_refresh_is_not_an_error(monkeypatch: pytest.MonkeyPatch, caplog: Any) -> None:
    class Busy:
        def __enter__(self) -> Busy:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def execute(self, sql: str) -> None:
            raise OperationalError("database is locked")

    caplog.set_level(logging.INFO, logger="asylon.web.cases.planner_stats")
    connection.ensure_connection()
    monkeypatch.setattr(connection, "cursor", Busy)
    assert planner_stats.optimise(force=True) is False
    assert "not refreshed" in caplog.text
    planner_stats.after_request()  # the signal handler: no exception either
