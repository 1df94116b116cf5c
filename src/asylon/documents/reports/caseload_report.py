"""The caseload report: the organisation's own figures from the case database, as published
by the statistics pages (:mod:`asylon.web.stats.caseload`), disclosure-controlled.

Nothing here counts or reads a case: the figures come from
:func:`asylon.web.stats.caseload.caseload`, which passes every table through
:func:`asylon.stats.disclosure.control` (cells of 1 to 4 cases withheld with the cells that
would give them back, rates from published cells only, medians of fewer than five withheld).
This module lays them out: withheld cells carry the one marker
(:data:`asylon.stats.disclosure.MARKER`), whatever the reason. No case id, no name.

:func:`load` needs Django (the CLI sets it up); :func:`build` takes the published figures and
is called inside ``django.utils.translation.override(lang)``, so the tables' own titles and
labels come out in the report's language from the web application's catalogue.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from asylon.documents.i18n import Translator
from asylon.documents.reports.rendering import percent
from asylon.stats.disclosure import MARKER, Cell

if TYPE_CHECKING:
    from asylon.web.stats.caseload import Caseload, Duration, Table

NAME = "caseload"
# The tables in the order the report prints them, under its section headings.
SECTIONS = (
    ("cases", ("jurisdiction_year", "procedure")),
    ("decisions", ("decision", "assessment_jurisdiction")),
    ("appeals", ("appeal",)),
    ("detention", ("detention",)),
    ("penalties", ("penalties", "renewals")),
)


class UnknownTeam(LookupError):
    """``--team`` names no team; the message lists the teams there are."""


def reader(team: str | None) -> Any:
    """Who the figures are counted for: the whole organisation, as a researcher sees it
    (every case, only as controlled aggregates), or one team as its members see it (its
    cases that are not restricted). A stand-in, not a stored user: nobody logs in."""
    from asylon.web.accounts.models import Team, User

    if team is None:
        return SimpleNamespace(is_authenticated=True, role=User.Role.RESEARCHER, pk=None)
    found = Team.objects.filter(name=team).first()
    if found is None:
        names = ", ".join(
            repr(n) for n in Team.objects.order_by("name").values_list("name", flat=True)
        )
        raise UnknownTeam(f"no team {team!r} (teams: {names or 'none'})")
    return SimpleNamespace(
        is_authenticated=True, role=User.Role.CASEWORKER, pk=None, team_id=found.pk
    )


def load(team: str | None) -> Caseload:
    """The controlled figures (Django must be set up)."""
    from asylon.web.stats.caseload import caseload

    return caseload(reader(team))


def _cell(t: Translator, cell: Cell | None) -> dict[str, Any]:
    if cell is None:
        return {"text": "", "withheld": False}
    if cell.value is None:
        return {"text": MARKER, "withheld": True}
    return {"text": t.number(cell.value), "withheld": False}


def _table(t: Translator, table: Table) -> dict[str, Any]:
    controlled = table.table
    totals = controlled.row_totals is not None
    column_totals = controlled.column_totals
    return {
        "key": table.key,
        "title": str(table.title),
        "columns": [str(c) for c in table.column_labels],
        "has_total": totals,
        "rows": [
            {
                "label": str(name),
                "cells": [_cell(t, c) for c in cells],
                "total": _cell(t, total) if totals else None,
            }
            for name, cells, total in table.lines()
        ],
        "column_totals": None
        if column_totals is None
        else {
            "cells": [_cell(t, c) for c in column_totals],
            "total": _cell(t, controlled.grand_total) if controlled.grand_total else None,
        },
    }


def _duration(t: Translator, d: Duration) -> dict[str, Any]:
    if d.count is None or d.median_days is None:
        return {"label": str(d.label), "count": MARKER, "median": MARKER, "withheld": True}
    return {
        "label": str(d.label),
        "count": t.number(d.count),
        "median": t.number(d.median_days),
        "withheld": False,
    }


def build(
    figures: Caseload, t: Translator, *, today: date, team: str | None = None
) -> dict[str, Any]:
    """The values of the caseload template (``doc``)."""
    rule = figures.rule
    if team is None:
        scope = t.gettext(
            "Figures over all the organisation's cases, as disclosure-controlled aggregates only."
        )
    else:
        scope = t.gettext(
            "Figures over the cases of the team %(team)s that are not restricted, "
            "disclosure-controlled like every published table.",
            team=team,
        )
    disclosure = [
        t.gettext(
            "%(marker)s: withheld, because it counts fewer than %(threshold)s cases, or so that "
            "such a count cannot be worked out from the totals. Zeros are shown.",
            marker=MARKER,
            threshold=rule.threshold,
        ),
        t.gettext(
            "Each case counts once per table. Rates are computed from the published counts "
            "only; a rate over fewer than %(threshold)s decisions, and a median of fewer than "
            "%(threshold)s cases, is withheld.",
            threshold=rule.threshold,
        ),
        t.gettext(
            "The tables have no filters on purpose: two filtered tables that differ by one "
            "case would give that case away."
        ),
    ]
    if rule.rounding_base:
        disclosure.insert(
            1,
            t.gettext(
                "Counts are rounded to the nearest %(base)s, each on its own, so totals may not "
                "equal the sum of their parts.",
                base=rule.rounding_base,
            ),
        )
    tables = {key: _table(t, table) for key, table in figures.tables.items()}
    return {
        "lang": t.lang,
        "dir": t.direction,
        "title": t.gettext("Our caseload"),
        "subtitle": team or t.gettext("The whole organisation"),
        "date": t.date(today),
        "scope": scope,
        "disclosure": disclosure,
        "marker": MARKER,
        "sections": [
            {"key": key, "tables": [tables[k] for k in keys if k in tables]}
            for key, keys in SECTIONS
        ],
        "rates": [
            {
                "label": str(r.label),
                "value": MARKER if r.value is None else percent(t, r.value),
                "withheld": r.value is None,
                "definition": str(r.definition),
            }
            for r in figures.rates
        ],
        "durations": [_duration(t, d) for d in figures.durations],
        "detention_length": _duration(t, figures.detention_length),
    }
