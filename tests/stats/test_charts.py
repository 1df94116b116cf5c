"""The static charts: PNG and SVG in English, Russian and Arabic, shaped Arabic in the SVG
text, the source line in every figure, deterministic SVG."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from asylon.evidence import store
from asylon.stats import charts, deaths, practice, unhcr

YEARS = list(range(2012, 2021))
PNG = b"\x89PNG\r\n\x1a\n"
SOURCE = {
    "en": "Source: UNHCR Refugee Data Finder (CC BY 4.0)",
    "ru": "Источник: UNHCR Refugee Data Finder (CC BY 4.0)",
    "ar": "المصدر: \u202aUNHCR Refugee Data Finder (CC BY 4.0)\u202c",
}
TITLE = {
    "en": "Decisions on Syrians in Russia",
    "ru": "Решения по сирийцам в России",
    "ar": "القرارات بشأن السوريين في روسيا",
}
TA = {"en": "Temporary asylum", "ru": "Временное убежище", "ar": "اللجوء المؤقت"}


def labels(lang: str, **more: object) -> charts.Labels:
    return charts.Labels(
        title=TITLE[lang],
        x={"en": "Year", "ru": "Год", "ar": "السنة"}[lang],
        y={"en": "Decisions", "ru": "Решения", "ar": "القرارات"}[lang],
        y2="%",
        source=SOURCE[lang],
        legend={"temporary_asylum": TA[lang], "RUS": TA[lang]},
        **more,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def russia() -> list[practice.Decisions | None]:
    tables = unhcr.load()
    return [practice.decisions(tables.decisions, "RUS", y) for y in YEARS]


def svg_text(data: bytes) -> str:
    text = data.decode("utf-8")
    assert text.startswith("<?xml") and "<svg" in text
    return text


@pytest.mark.parametrize("lang", ["en", "ru", "ar"])
def test_decisions_chart_in_each_language(
    lang: str, russia: list[practice.Decisions | None]
) -> None:
    svg = svg_text(charts.decisions_chart(YEARS, russia, labels(lang)))
    png = charts.decisions_chart(YEARS, russia, labels(lang), "png")
    assert png.startswith(PNG) and len(png) > 10_000
    # every label as drawn: Arabic shaped and in visual order, others as given
    for text in (TITLE[lang], TA[lang], SOURCE[lang]):
        assert charts.visual(text) in svg
    if lang == "ar":
        shaped = charts.visual(TITLE[lang])
        assert shaped.startswith("\u202d") and shaped != TITLE[lang]
        assert TITLE[lang] not in svg  # never the logical-order text a viewer would reorder
        assert "\ufe8e" in shaped or any("\ufe70" <= ch <= "\ufeff" for ch in shaped)
    assert "UNHCR Refugee Data Finder (CC BY 4.0)" in svg  # the source line, in the figure
    # one bar segment per year with temporary asylum, e.g. Russia 2016
    assert 'id="bar-temporary_asylum-2016"' in svg and 'id="line-rate"' in svg


def test_the_svg_is_deterministic(russia: list[practice.Decisions | None]) -> None:
    first = charts.decisions_chart(YEARS, russia, labels("ar"))
    assert first == charts.decisions_chart(YEARS, russia, labels("ar"))
    assert b"<dc:date>" not in first


def test_the_bars_are_the_decisions(russia: list[practice.Decisions | None]) -> None:
    """Russia 2016 as UNHCR's two rows give it: 542 temporary asylum and 731 otherwise closed
    (the bar heights, in data units, are read back from the figure's paths)."""
    d2016 = russia[YEARS.index(2016)]
    assert d2016 is not None
    assert (d2016.temporary_asylum, d2016.otherwise_closed, d2016.rejected) == (542, 731, 0)
    svg = svg_text(charts.decisions_chart(YEARS, russia, labels("en")))
    assert 'id="bar-otherwise_closed-2016"' in svg
    assert 'id="bar-rejected-2016"' in svg  # rejected in other years: the series is drawn


@pytest.mark.parametrize("lang", ["en", "ru", "ar"])
def test_rates_chart_compares_countries(lang: str) -> None:
    tables = unhcr.load()
    series = {
        c: [practice.decisions(tables.decisions, c, y) for y in YEARS]
        for c in ("RUS", "DEU", "SWE", "TUR")
    }
    names = {
        "en": ("Refugee-status rate", "Total recognition rate"),
        "ru": ("Доля статуса беженца", "Общая доля признания"),
        "ar": ("معدل صفة اللاجئ", "معدل الاعتراف الكلي"),
    }[lang]
    chosen = labels(lang, panels=names)
    svg = svg_text(charts.rates_chart(YEARS, series, chosen))
    for code in ("RUS", "DEU", "SWE", "TUR"):
        assert f'id="line-refugee_status_rate-{code}"' in svg
        assert f'id="line-total_recognition_rate-{code}"' in svg
    for panel in names:
        assert charts.visual(panel) in svg
    assert charts.visual(SOURCE[lang]) in svg
    assert charts.rates_chart(YEARS, series, chosen, "png").startswith(PNG)
    assert svg.encode() == charts.rates_chart(YEARS, series, chosen)


def test_charts_without_data_say_so() -> None:
    empty = labels("en", empty="No data for these years")
    svg = svg_text(charts.decisions_chart([1990, 1991], [None, None], empty))
    assert "No data for these years" in svg and "UNHCR Refugee Data Finder" in svg
    with pytest.raises(ValueError, match="one entry"):
        charts.decisions_chart([1990], [None, None], empty)
    with pytest.raises(ValueError, match="unsupported chart format"):
        charts.decisions_chart([1990], [None], empty, "gif")  # type: ignore[arg-type]


def test_monthly_deaths_gaps_outside_coverage(store_path: Path) -> None:
    con = store.connect(store_path)
    try:
        tables = deaths.documented(con, date(2018, 6, 1), date(2018, 10, 31), ("month",))
    finally:
        con.close()
    months, series = charts.monthly_deaths(tables)
    assert months == ["2018-06", "2018-07", "2018-08", "2018-09", "2018-10"]
    vdc = series["vdc"]  # VDC ends in August 2018: later months are no data, never 0
    assert vdc[3:] == [None, None] and all(v is not None for v in vdc[:3])
    by_month = {k[0]: v for t in tables if t.source.source == "vdc" for k, v in t.rows}
    assert vdc[0] == round(by_month["2018-06"], 2)


@pytest.mark.parametrize("lang", ["en", "ru", "ar"])
def test_deaths_chart(store_path: Path, lang: str) -> None:
    con = store.connect(store_path)
    try:
        tables = deaths.documented(con, date(2016, 1, 1), date(2016, 12, 31), ("month",))
    finally:
        con.close()
    title = {"en": "Deaths per month", "ru": "Смерти по месяцам", "ar": "الوفيات شهريًا"}[lang]
    source = {"en": "Sources: VDC; UCDP", "ru": "Источники: VDC; UCDP", "ar": "المصادر: VDC; UCDP"}
    chosen = charts.Labels(title=title, x="x", y="y", source=source[lang], legend={"vdc": "VDC"})
    svg = svg_text(charts.deaths_chart(tables, chosen))
    assert charts.visual(title) in svg and charts.visual(source[lang]) in svg
    for t in tables:
        assert f'id="line-{t.source.source}"' in svg
    assert charts.deaths_chart(tables, chosen, "png").startswith(PNG)
    assert svg.encode() == charts.deaths_chart(tables, chosen)
