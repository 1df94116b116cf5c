"""Which cases the dashboard lists: how many a user sees and the newest page of them, kept
under the data version like the alerts (:mod:`asylon.web.timeline.alert_cache`).

Working out what a user sees unites their team's cases with those assigned or named to them
(:func:`asylon.web.cases.access.visible_cases`); at 100,000 cases, counting them and ordering
them for the newest page took 15 ms of every dashboard, for an answer that changes only when
cases, clients or who may see them change. Each of those writes raises the data version, so a
count and page kept under it are never older than the last change. Only ids and a count are
kept (no name): the rows are read afresh, through the same access rule, on every visit.
A search is never kept (its key would hold the name looked for).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from django.db.models import QuerySet

from asylon.web.cases.access import visible_cases
from asylon.web.cases.models import Case
from asylon.web.timeline.alert_cache import TIMEOUT, data_version, database_tag


def newest(cases: QuerySet[Case], size: int) -> list[int]:
    """The ids of the ``size`` newest of ``cases``, ordered and cut from the team index without
    reading a row (one query ordering whole rows made the database carry every visible case's
    encrypted facts through the sort)."""
    return list(cases.order_by("-created_at", "-pk").values_list("pk", flat=True)[:size])


FOUND_CAP = 1000  # a search's ids fetched at once; beyond, the total is counted apart


def found(cases: QuerySet[Case], offset: int, size: int) -> tuple[int, list[int]]:
    """(how many of ``cases`` there are; the ids from ``offset`` to ``offset + size``, newest
    first), for a search: its cases are few, so one query gives both, where counting and then
    ordering ran the same search twice (6-8 ms each over a common name)."""
    ids = newest(cases, max(FOUND_CAP, offset + size))
    total = len(ids) if len(ids) < max(FOUND_CAP, offset + size) else cases.count()
    return total, ids[offset : offset + size]


def listed(user: Any, status: str, size: int, version: int | None = None) -> tuple[int, list[int]]:
    """(how many cases ``user`` sees, of ``status`` or all; the ids of the newest ``size``).
    ``version``: the data version, if the caller has just read it."""
    version = data_version() if version is None else version
    key = f"asylon:case-list:{database_tag()}:{user.pk}:{status}:{size}:{version}"
    cache = caches["alerts"]
    kept = cache.get(key)
    if (
        isinstance(kept, tuple)
        and len(kept) == 2
        and isinstance(kept[0], int)
        and isinstance(kept[1], list)
    ):
        return kept[0], kept[1]
    cases = visible_cases(user)
    if status:
        cases = cases.filter(status=status)
    answer = (cases.count(), newest(cases, size))
    cache.set(key, answer, TIMEOUT)
    return answer
