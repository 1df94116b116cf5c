"""Documented deaths against the raw VDC and UCDP files, computed independently with csv."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from asylon.evidence.store import connect
from asylon.paths import data_dir
from asylon.stats import deaths

VDC = data_dir() / "vdc-syria-casualties"
SPECIAL = data_dir() / "ucdp-ged-syria" / "ged_syria_special_2016_2019.csv"
POPULATION = data_dir() / "syria-population" / "syria_governorate_population.csv"


def raw(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_vdc_by_governorate_2013(store_path: Path) -> None:
    pcode = {r["governorate_vdc"]: r["adm1_pcode"] for r in raw(POPULATION)}
    expected: dict[str, float] = defaultdict(float)
    for row in raw(VDC / "vdc_deaths_by_province_by_day.csv"):
        if row["day"].startswith("2013-"):
            for province, value in row.items():
                if province != "day" and float(value) > 0:
                    expected[pcode[province]] += round(float(value))
    table = deaths.vdc(connect(store_path), date(2013, 1, 1), date(2013, 12, 31))
    assert {k[0]: v for k, v in table.rows} == expected
    assert table.as_dict()[("SY02",)] == expected["SY02"] > 0
    assert table.source.coverage_to == date(2018, 8, 13)
    assert any("all recorded deaths" in n for n in table.notes)


def test_vdc_by_month_and_cause(store_path: Path) -> None:
    expected: dict[tuple[str, str], float] = defaultdict(float)
    for row in raw(VDC / "vdc_deaths_by_cause_by_day.csv"):
        if row["day"].startswith("2014-0") and row["day"][6] in "12":
            for cause, value in row.items():
                if cause != "day" and float(value) > 0:
                    expected[(row["day"][:7], cause)] += round(float(value))
    table = deaths.vdc(connect(store_path), date(2014, 1, 1), date(2014, 2, 28), ("month", "cause"))
    assert table.as_dict() == dict(expected)
    assert table.rows[0][0] == ("2014-01", "Chemical Weapon") or table.rows[0][0][0] == "2014-01"
    with pytest.raises(ValueError):
        deaths.vdc(
            connect(store_path), date(2014, 1, 1), date(2014, 2, 28), ("governorate", "cause")
        )


def test_ucdp_by_month_spreads_multi_day_events(store_path: Path) -> None:
    start, end = date(2017, 3, 1), date(2017, 4, 30)
    expected: dict[str, float] = defaultdict(float)
    for r in raw(SPECIAL):
        s, e = date.fromisoformat(r["date_start"]), date.fromisoformat(r["date_end"])
        days = (e - s).days + 1
        for k in range(days):
            day = s + timedelta(days=k)
            if start <= day <= end:
                expected[day.strftime("%Y-%m")] += int(r["best"]) / days
    table = deaths.ucdp(connect(store_path), "ucdp_ged_syria_2016_2019", start, end, ("month",))
    got = {k[0]: v for k, v in table.rows}
    assert got.keys() == expected.keys() == {"2017-03", "2017-04"}
    for month, value in expected.items():
        assert got[month] == pytest.approx(value)


def test_ucdp_type_of_violence_and_unlocated(store_path: Path) -> None:
    table = deaths.ucdp(
        connect(store_path), "ucdp_ged_syria_2016_2019", date(2018, 1, 1), date(2018, 12, 31),
        ("governorate", "cause"),
    )  # fmt: skip
    keys = {k for k, _ in table.rows}
    assert {k[1] for k in keys} <= {"state-based", "non-state", "one-sided", "unknown"}
    assert any(k[0] == deaths.NOT_LOCATED for k in keys)
    assert any("type of violence" in n for n in table.notes)


def test_every_source_side_by_side_with_coverage(store_path: Path) -> None:
    con = connect(store_path)
    tables = deaths.documented(con, date(2018, 1, 1), date(2018, 12, 31), ("governorate",))
    assert [t.source.source for t in tables] == [
        "ucdp_ged_21_1_precise",
        "ucdp_ged_syria_2016_2019",
        "vdc",
    ]
    vdc = tables[-1]
    assert any("covers 2011-01-05 to 2018-08-13 only" in n for n in vdc.notes)
    out = json.loads(json.dumps(vdc.to_dict()))
    assert out["source"]["coverage"] == ["2011-01-05", "2018-08-13"]
    assert out["total"] == pytest.approx(vdc.total)
    later = deaths.documented(con, date(2021, 1, 1), date(2021, 12, 31), ("month",))
    assert later == []  # no source covers 2021: no data, not zero
