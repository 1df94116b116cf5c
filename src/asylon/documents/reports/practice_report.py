"""The asylum-practice report: how countries of asylum decided Syrians' applications.

Built from UNHCR's Refugee Data Finder tables (:mod:`asylon.stats.unhcr`, CC BY 4.0) through
:mod:`asylon.stats.practice`, in the shape of the documentation groups' reports: summary
figures, key findings, a table and a chart per country, the countries' rates compared, what
Russia's temporary asylum is and how UNHCR records it, a warning where no rejection is
recorded, the methods (:mod:`asylon.stats.definitions`) and the sources.

Every sentence of the key findings is computed from the figures it states; nothing is
claimed that the tables do not show. Figures are formatted here for the language, so the
template lays them out and a test can look for exactly what a reader sees.
"""

from __future__ import annotations

import gettext
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import pycountry

from asylon.documents.i18n import N_, Translator
from asylon.documents.reports.rendering import NO_FIGURE, figure, percent, png_uri
from asylon.stats import charts, temporary_asylum
from asylon.stats.definitions import DEFINITIONS
from asylon.stats.practice import Comparison, Decisions, compare
from asylon.stats.unhcr import ATTRIBUTION, SOURCE_NOTE, UnhcrTables

ORIGIN = "SYR"  # the only origin whose tables are shipped (data/unhcr-syria-asylum)
NAME = "asylum_practice"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
KINDS = ("recognised", "complementary", "temporary_asylum", "rejected", "otherwise_closed")
KIND_LABELS = {
    "recognised": N_("Refugee status"),
    "complementary": N_("Complementary protection"),
    "temporary_asylum": N_("Temporary asylum"),
    "rejected": N_("Rejected"),
    "otherwise_closed": N_("Otherwise closed"),
}
# The definitions printed in the methods section, in this order.
METHOD_KEYS = (
    "recognised",
    "complementary",
    "temporary_asylum",
    "rejected",
    "otherwise_closed",
    "total",
    "substantive",
    "total_recognition_rate",
    "refugee_status_rate",
    "levels",
    "unit",
    "applications",
    "stocks",
)


@cache
def _iso3166(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, [lang], fallback=True)


def country_name(code: str, lang: str) -> str:
    """The ISO 3166 name of a country in ``lang`` (pycountry's catalogues), else English."""
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return _iso3166(lang).gettext(str(country.name))


@dataclass(frozen=True)
class CountryTotals:
    """One country's figures added up over the years UNHCR has decisions for."""

    code: str
    recognised: int
    complementary: int
    temporary_asylum: int
    rejected: int
    otherwise_closed: int
    applications: int
    years_with_decisions: tuple[int, ...]
    years_without: tuple[int, ...]
    years_in_cases: tuple[int, ...]
    no_rejection_years: tuple[int, ...]
    closed_in_no_rejection_years: int
    ta_as_recognised: int  # temporary-asylum grants UNHCR recorded as dec_recognized
    ta_as_other: int  # ... and as dec_other
    stock_year: int | None
    refugees: int | None
    asylum_seekers: int | None
    peak_year: int | None
    peak: int

    @property
    def total(self) -> int:
        return sum(getattr(self, k) for k in KINDS)

    @property
    def substantive(self) -> int:
        return self.total - self.otherwise_closed

    @property
    def granted(self) -> int:
        return self.recognised + self.complementary + self.temporary_asylum

    @property
    def total_recognition_rate(self) -> float | None:
        return self.granted / self.substantive if self.substantive else None

    @property
    def refugee_status_rate(self) -> float | None:
        return self.recognised / self.substantive if self.substantive else None


def country_totals(tables: UnhcrTables, comparison: Comparison, code: str) -> CountryTotals:
    years = [y for y in comparison.years if y.country == code]
    decided = [(y.year, y.decisions) for y in years if y.decisions is not None]
    sums = {k: sum(getattr(d, k) for _y, d in decided) for k in KINDS}
    no_rejection = [
        (year, d) for year, d in decided if d.rejected == 0 and d.total and d.otherwise_closed
    ]
    units = {year: d.unit for year, d in decided}
    ta_rows = [
        r
        for r in tables.decisions
        if r.country == code
        and r.year in units
        and temporary_asylum.is_temporary_asylum(r)
        and {"P": "persons", "C": "cases"}.get(r.unit) == units[r.year]
    ]
    stocked = [y for y in years if y.stocks is not None]
    last_stock = stocked[-1].stocks if stocked else None
    peak = max(decided, key=lambda yd: yd[1].total, default=None)
    return CountryTotals(
        code=code,
        applications=sum(y.applications.total for y in years if y.applications),
        years_with_decisions=tuple(y for y, _d in decided),
        years_without=tuple(y.year for y in years if y.decisions is None),
        years_in_cases=tuple(y for y, d in decided if d.unit == "cases"),
        no_rejection_years=tuple(y for y, _d in no_rejection),
        closed_in_no_rejection_years=sum(d.otherwise_closed for _y, d in no_rejection),
        ta_as_recognised=sum(r.recognized for r in ta_rows),
        ta_as_other=sum(r.other for r in ta_rows),
        stock_year=last_stock.year if last_stock else None,
        refugees=last_stock.refugees if last_stock else None,
        asylum_seekers=last_stock.asylum_seekers if last_stock else None,
        peak_year=peak[0] if peak else None,
        peak=peak[1].total if peak else 0,
        **sums,
    )


def _years(t: Translator, years: Sequence[int]) -> str:
    """Years as runs: 2016–2022, 2024."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return t.join(str(r[0]) if len(r) == 1 else f"{r[0]}\u2013{r[-1]}" for r in runs)


def findings(t: Translator, c: CountryTotals, name: str, period: str) -> list[str]:
    """The key findings for one country: each sentence states figures computed above."""
    n = t.number
    out: list[str] = []
    if not c.years_with_decisions:
        return [
            t.gettext(
                "UNHCR records no decision on applications by Syrians in %(country)s in "
                "%(period)s.",
                country=name,
                period=period,
            )
        ]
    out.append(
        t.gettext(
            "In %(period)s UNHCR records %(total)s decisions on applications by Syrians in "
            "%(country)s: refugee status in %(recognised)s, complementary protection in "
            "%(complementary)s and temporary asylum in %(temporary)s; %(rejected)s were "
            "rejected and %(closed)s otherwise closed.",
            period=period,
            total=n(c.total),
            country=name,
            recognised=n(c.recognised),
            complementary=n(c.complementary),
            temporary=n(c.temporary_asylum),
            rejected=n(c.rejected),
            closed=n(c.otherwise_closed),
        )
    )
    if c.substantive:
        out.append(
            t.gettext(
                "Over the period the total recognition rate was %(trr)s and the refugee-status "
                "rate %(rsr)s of the %(substantive)s decisions on the substance.",
                trr=percent(t, c.total_recognition_rate),
                rsr=percent(t, c.refugee_status_rate),
                substantive=n(c.substantive),
            )
        )
    else:
        out.append(t.gettext("No decision on the substance is recorded in the period."))
    if c.temporary_asylum:
        out.append(
            t.gettext(
                "Of the %(granted)s grants of protection, %(temporary)s (%(share)s) were "
                "temporary asylum, a one-year status, and %(recognised)s refugee status.",
                granted=n(c.granted),
                temporary=n(c.temporary_asylum),
                share=percent(t, c.temporary_asylum / c.granted),
                recognised=n(c.recognised),
            )
        )
    if c.no_rejection_years:
        out.append(
            t.gettext(
                "No rejection is recorded in %(years)s, while %(closed)s applications were "
                "otherwise closed in those years.",
                years=_years(t, c.no_rejection_years),
                closed=n(c.closed_in_no_rejection_years),
            )
        )
    if c.peak_year is not None:
        out.append(
            t.gettext(
                "The most decisions were recorded in %(year)s: %(count)s.",
                year=c.peak_year,
                count=n(c.peak),
            )
        )
    if c.years_without:
        out.append(
            t.gettext("UNHCR records no decision in %(years)s.", years=_years(t, c.years_without))
        )
    return out


def no_rejection_warning(t: Translator, c: CountryTotals, name: str) -> str:
    if not c.no_rejection_years:
        return ""
    return t.gettext(
        "No rejections recorded: for %(country)s UNHCR records no rejected application in "
        "%(years)s, but %(closed)s applications otherwise closed. The rates leave otherwise "
        "closed applications out, as UNHCR does, so a rate of 100 %% in those years describes "
        "only the few decisions on the substance, not a country that accepts every applicant.",
        country=name,
        years=_years(t, c.no_rejection_years),
        closed=t.number(c.closed_in_no_rejection_years),
    )


def _row(t: Translator, year: int, d: Decisions | None, y: Any) -> dict[str, Any]:
    a, s = y.applications, y.stocks
    return {
        "year": str(year),
        "cells": [figure(t, getattr(d, k) if d else None) for k in KINDS]
        + [
            figure(t, d.total if d else None),
            percent(t, d.total_recognition_rate if d else None),
            percent(t, d.refugee_status_rate if d else None),
            figure(t, a.total if a else None),
            figure(t, s.refugees if s else None),
        ],
        "cases": bool(d and d.unit == "cases"),
        "no_rejection": bool(d and d.rejected == 0 and d.total and d.otherwise_closed),
    }


def _labels(t: Translator, title: str, source: str) -> charts.Labels:
    legend = {k: t.gettext(v) for k, v in KIND_LABELS.items()}
    legend["rate"] = t.gettext("Total recognition rate")
    return charts.Labels(
        title=title,
        x=t.gettext("Year"),
        y=t.gettext("Decisions (persons)"),
        y2=t.gettext("Total recognition rate"),
        source=source,
        legend=legend,
        empty=t.gettext("No data"),
    )


def build(
    tables: UnhcrTables,
    countries: Sequence[str],
    first_year: int,
    last_year: int,
    t: Translator,
    *,
    today: date,
    with_charts: bool = True,
) -> dict[str, Any]:
    """The values of the report's template (``doc``); ``countries`` are ISO codes or names."""
    comparison = compare(tables, countries, first_year, last_year)
    period = f"{first_year}\u2013{last_year}"
    names = {code: country_name(code, t.lang) for code in comparison.countries}
    source = t.gettext("Source: %(source)s", source=f"\u202a{ATTRIBUTION}\u202c")
    years = list(range(first_year, last_year + 1))
    per_country = []
    all_totals = []
    for code in comparison.countries:
        c = country_totals(tables, comparison, code)
        all_totals.append(c)
        lines = [y for y in comparison.years if y.country == code]
        chart = ""
        if with_charts:
            title = t.gettext(
                "Decisions on applications by Syrians in %(country)s, %(period)s",
                country=names[code],
                period=period,
            )
            png = charts.decisions_chart(
                years, [y.decisions for y in lines], _labels(t, title, source), fmt="png"
            )
            chart = png_uri(png)
        per_country.append(
            {
                "code": code,
                "name": names[code],
                "findings": findings(t, c, names[code], period),
                "rows": [_row(t, y.year, y.decisions, y) for y in lines],
                "chart": chart,
                "warning": no_rejection_warning(t, c, names[code]),
                "cases_years": _years(t, c.years_in_cases) if c.years_in_cases else "",
            }
        )
    rates_chart = ""
    if with_charts and len(comparison.countries) > 1:
        labels = charts.Labels(
            title=t.gettext("Recognition rates compared, %(period)s", period=period),
            x=t.gettext("Year"),
            y=t.gettext("Share of decisions on the substance"),
            source=source,
            legend=names,
            panels=(t.gettext("Refugee-status rate"), t.gettext("Total recognition rate")),
            empty=t.gettext("No data"),
        )
        series = {
            code: [y.decisions for y in comparison.years if y.country == code]
            for code in comparison.countries
        }
        rates_chart = png_uri(charts.rates_chart(years, series, labels, fmt="png"))
    ta = [c for c in all_totals if c.temporary_asylum or c.ta_as_recognised or c.ta_as_other]
    return {
        "lang": t.lang,
        "dir": t.direction,
        "title": t.gettext("Asylum practice towards Syrians"),
        "subtitle": t.join([*(names[c] for c in comparison.countries), period]),
        "period": period,
        "date": t.date(today),
        "origin": country_name(ORIGIN, t.lang),
        "countries": per_country,
        "summary": summary(t, all_totals, names),
        "rates_chart": rates_chart,
        "temporary_asylum": [
            {
                "name": names[c.code],
                "text": t.gettext(
                    "%(country)s, %(period)s: UNHCR's tables record %(as_recognised)s "
                    "temporary-asylum grants as refugee status (dec_recognized) and "
                    "%(as_other)s as complementary protection (dec_other). This report counts "
                    "all %(total)s as temporary asylum.",
                    country=names[c.code],
                    period=period,
                    as_recognised=t.number(c.ta_as_recognised),
                    as_other=t.number(c.ta_as_other),
                    total=t.number(c.ta_as_recognised + c.ta_as_other),
                ),
            }
            for c in ta
        ],
        "ta_law": temporary_asylum.LAW,
        "methods": [
            (t.gettext(d.label), t.gettext(d.text)) for d in DEFINITIONS if d.key in METHOD_KEYS
        ],
        "attribution": ATTRIBUTION,
        "source_note": SOURCE_NOTE,
        "licence_url": LICENCE_URL,
        "data_notes": comparison.notes(),
        "columns": [t.gettext(KIND_LABELS[k]) for k in KINDS]
        + [
            t.gettext("Total decisions"),
            t.gettext("Total recognition rate"),
            t.gettext("Refugee-status rate"),
            t.gettext("Applications"),
            t.gettext("Refugees (end of year)"),
        ],
        "no_figure": NO_FIGURE,
    }


def summary(
    t: Translator, totals: Sequence[CountryTotals], names: dict[str, str]
) -> dict[str, Any]:
    """The summary figures: one column per country, one row per measure."""
    rows: list[tuple[str, list[str]]] = [
        (t.gettext("Decisions, total"), [t.number(c.total) for c in totals]),
        *[(t.gettext(KIND_LABELS[k]), [t.number(getattr(c, k)) for c in totals]) for k in KINDS],
        (
            t.gettext("Total recognition rate"),
            [percent(t, c.total_recognition_rate) for c in totals],
        ),
        (t.gettext("Refugee-status rate"), [percent(t, c.refugee_status_rate) for c in totals]),
        (t.gettext("Applications"), [t.number(c.applications) for c in totals]),
        (
            t.gettext("Refugees at the end of the last year with figures"),
            [
                NO_FIGURE if c.refugees is None else f"{t.number(c.refugees)} ({c.stock_year})"
                for c in totals
            ],
        ),
        (
            t.gettext("Asylum seekers at the end of the last year with figures"),
            [
                NO_FIGURE
                if c.asylum_seekers is None
                else f"{t.number(c.asylum_seekers)} ({c.stock_year})"
                for c in totals
            ],
        ),
    ]
    return {"columns": [names[c.code] for c in totals], "rows": rows}


def as_json(
    tables: UnhcrTables, countries: Sequence[str], first_year: int, last_year: int, t: Translator
) -> dict[str, Any]:
    """The report's figures for ``--format json``: the key findings in the language and the
    comparison as :mod:`asylon.stats.practice` publishes it."""
    comparison = compare(tables, countries, first_year, last_year)
    period = f"{first_year}\u2013{last_year}"
    out = []
    for code in comparison.countries:
        c = country_totals(tables, comparison, code)
        name = country_name(code, t.lang)
        out.append(
            {
                "country": code,
                "name": name,
                "totals": {
                    **{k: getattr(c, k) for k in KINDS},
                    "total": c.total,
                    "substantive": c.substantive,
                    "applications": c.applications,
                    "total_recognition_rate": _round(c.total_recognition_rate),
                    "refugee_status_rate": _round(c.refugee_status_rate),
                    "no_rejection_years": list(c.no_rejection_years),
                },
                "findings": findings(t, c, name, period),
            }
        )
    return {
        "format": "asylon.report.asylum-practice/1",
        "lang": t.lang,
        "countries": out,
        "data": comparison.to_dict(),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
