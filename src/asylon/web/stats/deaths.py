"""What the documented-deaths page shows, from the evidence store (public data, no person):
deaths by governorate and by month per source, never added together, each with its coverage,
caveats and citation; the chart per month. A missing or unreadable store raises
:class:`~asylon.web.evidence.figures.StoreUnavailable`, which the page turns into a banner
naming the command to run."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from asylon.evidence.gazetteer import Gazetteer, PlaceError
from asylon.stats import deaths as core
from asylon.web.evidence.figures import connection
from asylon.web.evidence.names import place_name


@dataclass(frozen=True)
class Deaths:
    sources: list[core.Source]
    tables: list[core.DeathTable]  # by governorate, one per covering source
    governorates: list[tuple[str, str, list[float | None]]]  # code, name, one value per source
    totals: list[float]
    by_cause: list[core.DeathTable]
    months: list[tuple[str, list[float | None]]]
    monthly_sources: list[str]
    chart_uri: str
    notes: list[tuple[str, list[str]]]


def _name(gazetteer: Gazetteer, code: str, lang: str) -> str:
    if code == core.NOT_LOCATED:
        return _("not located in a governorate")
    try:
        return place_name(gazetteer.get(code), lang)
    except PlaceError:
        return code


def documented(start: date, end: date, lang: str) -> Deaths:
    from asylon.stats import charts  # Matplotlib loads for a chart, not with the URLs

    with connection() as con:
        sources = core.sources(con)
        by_place = core.documented(con, start, end, ("governorate",))
        by_month = core.documented(con, start, end, ("month",))
        by_cause = core.documented(con, start, end, ("cause",))
    gazetteer = Gazetteer.load()
    codes = sorted(
        {k[0] for t in by_place for k, _v in t.rows}, key=lambda c: (c == core.NOT_LOCATED, c)
    )
    values = [t.as_dict() for t in by_place]
    governorates = [
        (
            code,
            _name(gazetteer, code, lang),
            [
                round(v.get((code,), 0.0), 1) if t.rows else None
                for v, t in zip(values, by_place, strict=True)
            ],
        )
        for code in codes
    ]
    months, series = charts.monthly_deaths(by_month)
    titles = {t.source.source: t.source.title for t in by_month}
    labels = charts.Labels(
        title=_("Documented deaths in Syria per month, %(start)s – %(end)s")
        % {"start": f"\u202a{start.isoformat()}", "end": f"{end.isoformat()}\u202c"},
        x=_("Month"),
        y=_("Recorded deaths"),
        source=_("Sources: %(sources)s")
        % {"sources": "; ".join(f"\u202a{t}\u202c" for t in titles.values())}
        + "\n"
        + _(
            "Each source on its own, never added together; a gap is a month the source does not cover."
        ),
        legend=titles,
        empty=_("No source covers this period"),
    )
    uri = "data:image/svg+xml;base64," + base64.b64encode(
        charts.deaths_chart(by_month, labels)
    ).decode("ascii")
    return Deaths(
        sources=sources,
        tables=by_place,
        governorates=governorates,
        totals=[round(t.total, 1) for t in by_place],
        by_cause=by_cause,
        months=[(m, [series[s][i] for s in series]) for i, m in enumerate(months)],
        monthly_sources=[titles[s] for s in series],
        chart_uri=uri,
        notes=[(t.source.title, list(t.notes)) for t in by_place],
    )


def as_json(d: Deaths) -> dict[str, Any]:
    return {
        "format": "asylon.deaths-page/1",
        "by_governorate": [t.to_dict() for t in d.tables],
        "by_cause": [t.to_dict() for t in d.by_cause],
        "sources": [s.to_dict() for s in d.sources],
    }
