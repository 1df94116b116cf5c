"""Charts of monthly deaths per source: PNG and SVG, Arabic shaped, no data never drawn as 0."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from asylon.evidence.charts import monthly_series, place_names, plot_series, visual
from asylon.evidence.gazetteer import Gazetteer, Place
from asylon.evidence.indicators import Area, Indicators, compute
from asylon.evidence.store import connect

SHAPED_HALAB = "\ufe90\ufee0\ufea3"  # ﺐﻠﺣ: final beh, medial lam, initial hah, in visual order
LOGICAL_HALAB = "حلب"


@pytest.fixture(scope="module")
def con(store_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = connect(store_path)
    yield c
    c.close()


@pytest.fixture(scope="module")
def aleppo() -> Place:
    return Gazetteer.load().lookup("Aleppo", kind="governorate")


def _indicators(con: duckdb.DuckDBPyConnection, place: Place, start: date, end: date) -> Indicators:
    return compute(con, Area("governorate", place.code, place.name_en), start, end, by="month")


@pytest.fixture(scope="module")
def ind(con: duckdb.DuckDBPyConnection, aleppo: Place) -> Indicators:
    return _indicators(con, aleppo, date(2016, 1, 1), date(2018, 12, 31))


def _svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()
    return "\n".join("".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text"))


def _svg_ids(path: Path) -> set[str]:
    return {el.get("id", "") for el in ET.parse(path).getroot().iter()}


def test_place_names_put_requested_language_first(aleppo: Place) -> None:
    assert place_names(aleppo) == ("Aleppo", "حلب", "Алеппо")
    assert place_names(aleppo, "ru")[0] == "Алеппо"


def test_visual_shapes_arabic_and_leaves_other_scripts() -> None:
    assert visual("Алеппо") == "Алеппо"
    shaped = visual(LOGICAL_HALAB)
    assert SHAPED_HALAB in shaped and LOGICAL_HALAB not in shaped
    assert "(" in visual("الوفيات (تقدير)") and visual("الوفيات (تقدير)").index("(") == 1


def test_png(ind: Indicators, aleppo: Place, tmp_path: Path) -> None:
    out = plot_series(ind, tmp_path / "aleppo.png", place_names(aleppo))
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert 800 <= width <= 2000 and 500 <= height <= 1500
    assert 20_000 < len(data) < 2_000_000


def test_svg_text_scripts_and_determinism(ind: Indicators, aleppo: Place, tmp_path: Path) -> None:
    out = plot_series(ind, tmp_path / "aleppo.svg", place_names(aleppo))
    text = _svg_text(out)
    assert "Aleppo" in text and "Алеппо" in text
    assert SHAPED_HALAB in text
    assert LOGICAL_HALAB not in text
    assert "2016-01-01 – 2018-12-31" in text
    assert "CC BY 4.0" in text and "research material" in text
    assert "Recorded deaths (best estimate)" in text and "Month" in text
    ids = _svg_ids(out)
    for f in ind.sources:  # all three sources cover some of 2016-2018
        assert f"series-{f.source}" in ids
    raw = out.read_bytes()
    assert b"<dc:date>" not in raw
    again = plot_series(ind, tmp_path / "again.svg", place_names(aleppo))
    assert again.read_bytes() == raw


def test_partial_source_has_gaps_not_zeros(ind: Indicators) -> None:
    months, series = monthly_series(ind)
    assert len(months) == 36 and months[0] == "2016-01" and months[-1] == "2018-12"
    vdc = series["vdc"]  # the VDC scrape stops on 2018-08-13
    assert vdc[months.index("2018-08")] is not None
    assert vdc[months.index("2018-09") :] == [None] * 4
    assert all(v is not None for v in series["ucdp_ged_syria_2016_2019"])


def test_source_without_data_is_named_not_drawn(
    con: duckdb.DuckDBPyConnection, aleppo: Place, tmp_path: Path
) -> None:
    ind = _indicators(con, aleppo, date(2019, 6, 1), date(2020, 6, 30))
    assert {f.source: f.covered for f in ind.sources}["vdc"] == "none"
    months, series = monthly_series(ind)
    assert "vdc" not in series
    gap = series["ucdp_ged_syria_2016_2019"]  # covers to 2019-11-30
    assert gap[months.index("2019-11")] is not None and gap[months.index("2019-12") :] == [None] * 7
    out = plot_series(ind, tmp_path / "later.svg", place_names(aleppo))
    ids = _svg_ids(out)
    assert "series-vdc" not in ids
    assert "series-ucdp_ged_21_1_precise" in ids
    text = _svg_text(out)
    assert "VDC recorded deaths per day, by governorate and by cause: no data" in text


def test_no_source_at_all(con: duckdb.DuckDBPyConnection, aleppo: Place, tmp_path: Path) -> None:
    ind = _indicators(con, aleppo, date(2023, 1, 1), date(2023, 6, 30))
    out = plot_series(ind, tmp_path / "none.svg", place_names(aleppo))
    assert not any(i.startswith("series-") for i in _svg_ids(out))
    text = _svg_text(out)
    assert "No source has data for this period" in text
    assert text.count(": no data for this period") == len(ind.sources)


def test_arabic_and_russian_labels(ind: Indicators, aleppo: Place, tmp_path: Path) -> None:
    ar = _svg_text(plot_series(ind, tmp_path / "ar.svg", place_names(aleppo, "ar"), lang="ar"))
    assert SHAPED_HALAB in ar and "2016-01-01 – 2018-12-31" in ar
    ru = _svg_text(plot_series(ind, tmp_path / "ru.svg", place_names(aleppo, "ru"), lang="ru"))
    assert "Месяц" in ru
    with pytest.raises(ValueError, match="xx"):
        plot_series(ind, tmp_path / "x.svg", lang="xx")


@pytest.mark.parametrize("name", ["chart.pdf", "chart.jpg", "chart"])
def test_bad_suffix(ind: Indicators, tmp_path: Path, name: str) -> None:
    suffix = Path(name).suffix or "(no suffix)"
    with pytest.raises(ValueError, match=re.escape(suffix)):
        plot_series(ind, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_needs_monthly_series(
    con: duckdb.DuckDBPyConnection, aleppo: Place, tmp_path: Path
) -> None:
    area = Area("governorate", aleppo.code, aleppo.name_en)
    ind = compute(con, area, date(2016, 1, 1), date(2016, 12, 31))
    with pytest.raises(ValueError, match="by='month'"):
        plot_series(ind, tmp_path / "x.png")
