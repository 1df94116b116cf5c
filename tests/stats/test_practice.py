"""Asylum-practice figures against UNHCR's CSV files, computed independently here with csv."""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import pytest

from asylon.paths import data_dir
from asylon.stats import practice, unhcr
from asylon.stats.definitions import DEFINITIONS

FOLDER = data_dir() / "unhcr-syria-asylum"


def raw(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


DECISIONS = raw("unhcr_asylum_decisions_origin_syria.csv")
APPLICATIONS = raw("unhcr_asylum_applications_origin_syria.csv")
POPULATION = raw("unhcr_population_origin_syria.csv")


@pytest.fixture(scope="module")
def tables() -> unhcr.UnhcrTables:
    return unhcr.load()


def test_every_row_is_read() -> None:
    t = unhcr.read()
    assert (len(t.decisions), len(t.applications), len(t.population)) == (2130, 2322, 2377)


def test_russia_decisions_by_year_against_the_csv(tables: unhcr.UnhcrTables) -> None:
    """Russia's rows summed by hand: TA grants (recognized + other) are temporary asylum."""
    expected: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in DECISIONS:
        if r["coa_iso"] != "RUS":
            continue
        y = expected[int(r["year"])]
        if r["dec_level"] == "TA":
            y["temporary_asylum"] += int(r["dec_recognized"]) + int(r["dec_other"])
        else:
            y["recognised"] += int(r["dec_recognized"])
            y["complementary"] += int(r["dec_other"])
        y["rejected"] += int(r["dec_rejected"])
        y["otherwise_closed"] += int(r["dec_closed"])
    assert sorted(expected) == list(range(2008, 2026))
    for year, figures in expected.items():
        got = practice.decisions(tables.decisions, "RUS", year)
        assert got is not None
        for name in ("recognised", "complementary", "temporary_asylum", "rejected"):
            assert getattr(got, name) == figures[name], (year, name)
        assert got.otherwise_closed == figures["otherwise_closed"]
        assert got.unit == "persons"


def test_russia_known_values(tables: unhcr.UnhcrTables) -> None:
    """Spot values read off the RU rows: temporary asylum in the hundreds, refugee status
    almost never; the 2019 recoding does not turn TA grants into refugee status."""
    by_year = {y: practice.decisions(tables.decisions, "RUS", y) for y in range(2012, 2026)}
    ta = {y: d.temporary_asylum for y, d in by_year.items() if d}
    assert ta == {
        2012: 49, 2013: 1191, 2014: 1369, 2015: 695, 2016: 542, 2017: 352, 2018: 165,
        2019: 127, 2020: 50, 2021: 24, 2022: 31, 2023: 35, 2024: 61, 2025: 3390,
    }  # fmt: skip
    refugee = {y: d.recognised for y, d in by_year.items() if d and d.recognised}
    assert refugee == {2023: 5, 2025: 117}  # first-instance (FI) refugee status only
    d2019 = by_year[2019]
    assert d2019 is not None
    assert d2019.refugee_status_rate == 0.0
    assert d2019.total_recognition_rate == 1.0  # 127 grants, no rejection recorded
    assert any("127 as dec_recognized" in n and "temporary asylum" in n for n in d2019.notes)
    assert any("no rejection is recorded" in n for n in d2019.notes)
    d2014 = by_year[2014]
    assert d2014 is not None
    assert d2014.rejected == 581 + 384
    assert d2014.total_recognition_rate == pytest.approx(1369 / (1369 + 965))
    assert any("1369 as dec_other" in n for n in d2014.notes)
    d2012 = by_year[2012]
    assert d2012 is not None
    assert any("usual column for 2012 is dec_other" in n for n in d2012.notes)


def test_germany_2016_rates_by_hand(tables: unhcr.UnhcrTables) -> None:
    rows = [r for r in DECISIONS if r["coa_iso"] == "DEU" and r["year"] == "2016"]
    rec = sum(int(r["dec_recognized"]) for r in rows)
    oth = sum(int(r["dec_other"]) for r in rows)
    rej = sum(int(r["dec_rejected"]) for r in rows)
    closed = sum(int(r["dec_closed"]) for r in rows)
    assert (rec, oth, rej, closed) == (172319, 122771, 1011, 8811)
    d = practice.decisions(tables.decisions, "DEU", 2016)
    assert d is not None
    assert d.total == rec + oth + rej + closed == 304912
    assert d.total_recognition_rate == pytest.approx((rec + oth) / (rec + oth + rej))
    assert d.refugee_status_rate == pytest.approx(rec / (rec + oth + rej))
    assert round(d.total_recognition_rate or 0, 4) == 0.9966
    assert round(d.refugee_status_rate or 0, 4) == 0.5820
    assert {(lv.level, lv.recognised) for lv in d.by_level} == {
        ("JR", 5799),
        ("NA", 164926),
        ("RA", 1594),
    }


def test_persons_and_cases_are_not_added(tables: unhcr.UnhcrTables) -> None:
    rows = [r for r in DECISIONS if r["coa_iso"] == "GBR" and r["year"] == "2006"]
    persons = sum(int(r["dec_total"]) for r in rows if r["dec_pc"] == "P")
    cases = sum(int(r["dec_total"]) for r in rows if r["dec_pc"] == "C")
    assert (persons, cases) == (202, 155)
    d = practice.decisions(tables.decisions, "GBR", 2006)
    assert d is not None
    assert d.unit == "persons" and d.total_reported == persons
    assert [lv.level for lv in d.other_unit] == ["AR"]
    assert any("cases" in n and "not added" in n for n in d.notes)


def test_reported_total_differences_are_noted(tables: unhcr.UnhcrTables) -> None:
    d = practice.decisions(tables.decisions, "CHE", 2012)
    assert d is not None
    assert d.total != d.total_reported
    assert any("rounding" in n for n in d.notes)


def test_applications_and_stocks_against_the_csv(tables: unhcr.UnhcrTables) -> None:
    rows = [r for r in APPLICATIONS if r["coa_iso"] == "DEU" and r["year"] == "2016"]
    new = sum(int(r["applied"]) for r in rows if r["app_type"] == "N" and r["app_pc"] == "P")
    a = practice.applications(tables.applications, "DEU", 2016)
    assert a is not None and a.new == new == 266250
    ru = [r for r in APPLICATIONS if r["coa_iso"] == "RUS" and r["year"] == "2024"]
    r24 = practice.applications(tables.applications, "RUS", 2024)
    assert r24 is not None
    assert r24.total == sum(int(r["applied"]) for r in ru) == 785
    assert r24.temporary_asylum == 726
    pop = next(r for r in POPULATION if r["coa_iso"] == "SWE" and r["year"] == "2016")
    s = practice.stocks(tables, "SWE", 2016)
    assert s is not None
    assert (s.refugees, s.asylum_seekers) == (int(pop["refugees"]), int(pop["asylum_seekers"]))


def test_comparison_table(tables: unhcr.UnhcrTables) -> None:
    table = practice.compare(tables, ["RU", "DE", "SE", "TR"], 2015, 2017)
    assert table.countries == ("RUS", "DEU", "SWE", "TUR")
    rows = table.rows()
    assert len(rows) == 12
    assert [(r["country"], r["year"]) for r in rows[:4]] == [
        ("RUS", 2015),
        ("RUS", 2016),
        ("RUS", 2017),
        ("DEU", 2015),
    ]
    de16 = next(r for r in rows if r["country"] == "DEU" and r["year"] == 2016)
    assert de16["total_recognition_rate"] == 0.9966
    ru16 = next(r for r in rows if r["country"] == "RUS" and r["year"] == 2016)
    assert ru16["recognised"] == 0 and ru16["temporary_asylum"] == 542
    out = json.loads(json.dumps(table.to_dict()))
    assert out["attribution"].startswith("UNHCR Refugee Data Finder")
    assert {d["key"] for d in out["definitions"]} >= {
        "total_recognition_rate",
        "refugee_status_rate",
        "temporary_asylum",
    }
    assert any("temporary asylum" in n for n in out["notes"])


def test_country_codes_and_missing_years(tables: unhcr.UnhcrTables) -> None:
    assert practice.country_code("ru") == "RUS"
    assert practice.country_code("Germany") == "DEU"
    with pytest.raises(ValueError):
        practice.country_code("Atlantis")
    empty = practice.practice_year(tables, "RU", 2001)
    assert empty.decisions is None and empty.row()["total_recognition_rate"] is None


def test_definitions_state_the_denominator() -> None:
    text = {d.key: d.text for d in DEFINITIONS}
    assert "Otherwise-closed decisions are excluded" in text["total_recognition_rate"]
    assert "never as refugee" in text["temporary_asylum"]
