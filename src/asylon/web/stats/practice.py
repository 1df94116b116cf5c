"""What the asylum-practice page shows, from the shipped UNHCR tables (public data, no person):
per country of asylum a table of decisions by type, rates, applications and stocks per year,
the static chart, the interactive chart and the notes; and the countries compared.

The static charts are SVG in ``data:`` URIs shown by ``<img>`` (matplotlib's SVG carries a
``<style>`` element, which the Content-Security-Policy forbids inline); they are kept per
choice and language, since the shipped tables do not change while the server runs.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asylon.stats import practice, unhcr
from asylon.stats.definitions import DEFINITIONS
from asylon.stats.practice import Decisions, PracticeYear
from asylon.web.stats.forms import country_name
from asylon.web.stats.svg import decisions_svg

# The definitions the page's tables rest on, translatable (the full list, in English, is
# asylon.stats.definitions, printed under them).
RATE_DEFINITIONS: list[tuple[Any, Any]] = [
    (
        gettext_lazy("Total recognition rate"),
        gettext_lazy(
            "(refugee status + complementary protection + temporary asylum) / decisions on the "
            "substance. Decisions otherwise closed (withdrawn, abandoned, transferred, not "
            "admissible) are left out of the denominator, as UNHCR does."
        ),
    ),
    (
        gettext_lazy("Refugee-status rate"),
        gettext_lazy(
            "refugee status / decisions on the substance (the same denominator). Temporary "
            "asylum and complementary protection are not refugee status."
        ),
    ),
    (
        gettext_lazy("Otherwise closed"),
        gettext_lazy(
            "Applications closed without a decision on the substance. Where most decisions "
            "are otherwise closed, the rates describe only the few decided on the substance."
        ),
    ),
]


def source_line() -> str:
    """The chart's source line, in the active language (the attribution kept left-to-right)."""
    return _("Source: %(source)s") % {"source": f"\u202a{unhcr.ATTRIBUTION}\u202c"}


def names() -> dict[str, str]:
    return {
        "recognised": _("Refugee status"),
        "complementary": _("Complementary protection"),
        "temporary_asylum": _("Temporary asylum"),
        "rejected": _("Rejected"),
        "otherwise_closed": _("Otherwise closed"),
        "rate": _("Total recognition rate"),
        "total": _("Total decisions"),
        "none": _("no decision recorded"),
    }


def _uri(data: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


@dataclass(frozen=True)
class Line:
    """One year of one country, as the table shows it."""

    year: int
    row: dict[str, Any]
    trr: float | None  # percent
    rsr: float | None
    no_rejection: bool


@dataclass(frozen=True)
class CountryPractice:
    code: str
    name: str
    lines: list[Line]
    has_temporary_asylum: bool
    no_rejection_years: list[int]
    notes: list[str]
    chart_uri: str
    interactive: SafeString


@lru_cache(maxsize=64)
def _decisions_chart(code: str, first: int, last: int, lang: str, title: str, texts: str) -> str:
    from asylon.stats import charts  # Matplotlib loads for a chart, not with the URLs

    tables = unhcr.load()
    years = list(range(first, last + 1))
    found = [practice.decisions(tables.decisions, code, y) for y in years]
    legend = dict(line.split("\t", 1) for line in texts.split("\n"))
    labels = charts.Labels(
        title=title,
        x=_("Year"),
        y=_("Decisions (persons)"),
        y2=_("Total recognition rate"),
        source=legend.pop("source"),
        legend=legend,
        empty=_("No data"),
    )
    return _uri(charts.decisions_chart(years, found, labels))


def country(code: str, first: int, last: int, lang: str) -> CountryPractice:
    tables = unhcr.load()
    series = practice.series(tables, code, first, last)
    name = country_name(code, lang)
    lines = []
    for y in series.years:
        d = y.decisions
        lines.append(
            Line(
                year=y.year,
                row=y.row(),
                trr=_percent(d.total_recognition_rate) if d else None,
                rsr=_percent(d.refugee_status_rate) if d else None,
                no_rejection=bool(d and d.total and d.rejected == 0),
            )
        )
    has_ta = any(
        level.level == "TA" for y in series.years if y.decisions for level in y.decisions.by_level
    )
    words = names()
    title = _("Decisions on Syrians' asylum applications in %(country)s, %(first)d–%(last)d") % {
        "country": name,
        "first": first,
        "last": last,
    }
    texts = "\n".join(f"{k}\t{v}" for k, v in {**words, "source": source_line()}.items())
    years = [y.year for y in series.years]
    decisions: list[Decisions | None] = [y.decisions for y in series.years]
    return CountryPractice(
        code=code,
        name=name,
        lines=lines,
        has_temporary_asylum=has_ta,
        no_rejection_years=[line.year for line in lines if line.no_rejection],
        notes=series.notes(),
        chart_uri=_decisions_chart(code, first, last, lang, title, texts),
        interactive=decisions_svg(
            f"interactive-{code}", years, decisions, words, title, source_line()
        ),
    )


@lru_cache(maxsize=32)
def _comparison_chart(codes: tuple[str, ...], first: int, last: int, lang: str) -> str:
    from asylon.stats import charts  # Matplotlib loads for a chart, not with the URLs

    tables = unhcr.load()
    years = list(range(first, last + 1))
    series = {c: [practice.decisions(tables.decisions, c, y) for y in years] for c in codes}
    labels = charts.Labels(
        title=_("Syrians' asylum applications: recognition rates compared, %(first)d–%(last)d")
        % {"first": first, "last": last},
        x=_("Year"),
        y=_("Share of decisions on the substance"),
        source=source_line(),
        legend={c: country_name(c, lang) for c in codes},
        panels=(_("Refugee-status rate"), _("Total recognition rate")),
        empty=_("No data"),
    )
    return _uri(charts.rates_chart(years, series, labels))


@dataclass(frozen=True)
class Comparison:
    codes: list[str]
    names: list[str]
    chart_uri: str
    # each year with, per country, (total recognition rate, refugee-status rate) in percent
    years: list[tuple[int, list[tuple[float | None, float | None]]]]


def comparison(codes: list[str], first: int, last: int, lang: str) -> Comparison:
    tables = unhcr.load()
    cmp = practice.compare(tables, codes, first, last)
    by: dict[tuple[str, int], PracticeYear] = {(y.country, y.year): y for y in cmp.years}
    rows = []
    for year in range(first, last + 1):
        values = []
        for c in cmp.countries:
            d = by[(c, year)].decisions
            values.append(
                (_percent(d.total_recognition_rate), _percent(d.refugee_status_rate))
                if d
                else (None, None)
            )
        rows.append((year, values))
    return Comparison(
        codes=list(cmp.countries),
        names=[country_name(c, lang) for c in cmp.countries],
        chart_uri=_comparison_chart(tuple(cmp.countries), first, last, lang),
        years=rows,
    )


def definitions() -> list[Any]:
    return list(DEFINITIONS)
