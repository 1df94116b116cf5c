"""Keep SQLite's query planner informed about the size of the tables.

Without statistics SQLite guesses every index equally selective. At 100,000 cases it then
answers a name search by walking a supervisor's 20,000 visible cases and testing each one's
client (55 ms) instead of taking the 31 cases of the matching clients and testing who may see
them (under 2 ms). ``PRAGMA optimize`` runs ``ANALYZE`` only on the tables whose indexes the
connection's queries used and whose statistics are missing or ten times out of date, so it is
nearly free when nothing changed: SQLite advises running it on long-lived connections from
time to time. It runs after ``migrate`` and, in a server, at the end of a request at most once
every :data:`INTERVAL` seconds per process, with ``analysis_limit`` bounding each ANALYZE to a
sample. PostgreSQL keeps its own statistics (autovacuum's ANALYZE): nothing to do there.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import DatabaseError, connections

log = logging.getLogger(__name__)

INTERVAL = 600.0  # seconds between two optimisations in one process
ANALYSIS_LIMIT = 2000  # rows sampled per index by each ANALYZE
_last: dict[str, float] = {}


def optimise(alias: str = "default", force: bool = False) -> bool:
    """Run ``PRAGMA optimize`` on an SQLite connection; True when it ran."""
    connection = connections[alias]
    if connection.vendor != "sqlite" or connection.connection is None:
        return False
    now = time.monotonic()
    if not force and now - _last.get(alias, -INTERVAL) < INTERVAL:
        return False
    _last[alias] = now
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
            cursor.execute("PRAGMA optimize")
    except DatabaseError as err:
        # Several server processes finishing their first request at once all try; ANALYZE
        # writes, and SQLite refuses a write at once (no waiting) to a connection whose
        # snapshot another has overtaken. Harmless: the next attempt is INTERVAL later.
        log.info("query planner statistics not refreshed this time: %s", type(err).__name__)
        return False
    return True


def after_request(**_kwargs: Any) -> None:
    optimise()


def after_migrate(using: str = "default", **_kwargs: Any) -> None:
    optimise(using, force=True)
