"""`asylon coi` figures against figures computed here, independently, from the raw CSV files."""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from asylon.paths import data_dir

ROOT = Path(__file__).resolve().parents[2]
UCDP = data_dir() / "ucdp-ged-syria"


def coi(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASYLON_EVIDENCE_DB": str(store)}
    return subprocess.run(
        [sys.executable, "-m", "asylon.cli", "coi", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def indicators(store: Path, *args: str) -> dict[str, dict[str, Any]]:
    out = coi(store, "indicators", *args, "--format", "json")
    assert out.returncode == 0, out.stderr
    return {s["source"]: s for s in json.loads(out.stdout)["sources"]}


def spread(rows: list[dict[str, str]], start: date, end: date, field: str, keep: Any) -> float:
    total = 0.0
    for r in rows:
        if not keep(r):
            continue
        s = date.fromisoformat(r["date_start"])
        e = date.fromisoformat(r.get("date_end") or r["date_start"])
        n = (e - s).days + 1
        inside = sum(1 for k in range(n) if start <= s + timedelta(days=k) <= end)
        total += int(r[field]) * inside / n
    return total


@pytest.fixture(scope="module")
def special() -> list[dict[str, str]]:
    with (UCDP / "ged_syria_special_2016_2019.csv").open() as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def precise() -> list[dict[str, str]]:
    with (UCDP / "ged211_syria_precise.csv").open() as f:
        return list(csv.DictReader(f))


def test_idlib_governorate_march_2017(store_path: Path, special: list[dict[str, str]]) -> None:
    got = indicators(
        store_path,
        "--place",
        "Idleb",
        "--kind",
        "governorate",
        "--from",
        "2017-03",
        "--to",
        "2017-03",
    )["ucdp_ged_syria_2016_2019"]
    keep = lambda r: r["adm1_pcode"] == "SY07" and int(r["where_prec"]) <= 4  # noqa: E731
    start, end = date(2017, 3, 1), date(2017, 3, 31)
    assert got["deaths_best"] == pytest.approx(spread(special, start, end, "best", keep), abs=0.01)
    assert got["civilian_deaths"] == pytest.approx(
        spread(special, start, end, "deaths_civilians", keep), abs=0.01
    )
    assert got["covered"] == "full"


def test_aleppo_district_december_2016_precise(
    store_path: Path, precise: list[dict[str, str]]
) -> None:
    got = indicators(store_path, "--place", "SY0200", "--from", "2016-12-01", "--to", "2016-12-22")[
        "ucdp_ged_21_1_precise"
    ]
    keep = lambda r: r["adm2_pcode"] == "SY0200"  # noqa: E731
    expected = spread(precise, date(2016, 12, 1), date(2016, 12, 22), "best_death", keep)
    assert got["deaths_best"] == pytest.approx(expected, abs=0.01) and expected > 0
    assert got["civilian_deaths"] is None, "this extract has no civilian split"


def test_fifteen_km_around_douma_early_2018(
    store_path: Path, precise: list[dict[str, str]]
) -> None:
    from asylon.evidence.gazetteer import Gazetteer

    douma = Gazetteer.load().get("SYC-DOUMA")
    assert douma.lat is not None and douma.lon is not None

    def km(r: dict[str, str]) -> float:
        la1, lo1 = math.radians(douma.lat), math.radians(douma.lon)  # type: ignore[arg-type]
        la2, lo2 = math.radians(float(r["latitude"])), math.radians(float(r["longitude"]))
        h = (
            math.sin((la2 - la1) / 2) ** 2
            + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
        )
        return 2 * 6371.0088 * math.asin(math.sqrt(h))

    got = indicators(
        store_path, "--place", "Douma", "--radius-km", "15", "--from", "2018-02", "--to", "2018-03"
    )["ucdp_ged_21_1_precise"]
    expected = spread(
        precise, date(2018, 2, 1), date(2018, 3, 31), "best_death", lambda r: km(r) <= 15
    )
    assert got["deaths_best"] == pytest.approx(expected, abs=0.01) and expected > 500


def test_vdc_daraa_2013(store_path: Path) -> None:
    with (data_dir() / "vdc-syria-casualties" / "vdc_deaths_by_province_by_day.csv").open() as f:
        expected = sum(float(r["Daraa"]) for r in csv.DictReader(f) if r["day"].startswith("2013"))
    got = indicators(
        store_path,
        "--place",
        "Deraa",
        "--kind",
        "governorate",
        "--from",
        "2013-01-01",
        "--to",
        "2013-12-31",
    )["vdc"]
    assert got["deaths_best"] == pytest.approx(expected)


def test_a_period_outside_every_source_says_no_data(store_path: Path) -> None:
    got = indicators(store_path, "--place", "SY02", "--from", "2023-01", "--to", "2023-06")
    assert all(s["covered"] == "none" and s["deaths_best"] is None for s in got.values())
    text = coi(store_path, "indicators", "--place", "SY02", "--from", "2023-01", "--to", "2023-06")
    assert text.stdout.count("no data") == 3 and " 0.0" not in text.stdout
    partial = indicators(
        store_path, "--place", "SY02", "--from", "2019-11-01", "--to", "2019-12-31"
    )
    assert partial["ucdp_ged_syria_2016_2019"]["covered"] == "partial"


def test_place_errors(store_path: Path) -> None:
    ambiguous = coi(
        store_path, "indicators", "--place", "Aleppo", "--from", "2016-01", "--to", "2016-01"
    )
    assert (
        ambiguous.returncode == 2
        and "SY02" in ambiguous.stderr
        and "SYC-ALEPPO" in ambiguous.stderr
    )
    unknown = coi(
        store_path, "indicators", "--place", "Alepo", "--from", "2016-01", "--to", "2016-01"
    )
    assert unknown.returncode == 2 and "did you mean: Aleppo" in unknown.stderr
    assert unknown.stdout == ""
    town = coi(
        store_path,
        "indicators",
        "--place",
        "Manbij",
        "--kind",
        "city",
        "--from",
        "2016-01",
        "--to",
        "2016-01",
    )
    assert town.returncode == 2 and "--radius-km" in town.stderr


def test_places_in_three_scripts(store_path: Path) -> None:
    for query in ("Halab", "حلب", "Алеппо", "alep"):
        out = coi(store_path, "places", query, "--format", "json")
        assert "SY02" in {p["code"] for p in json.loads(out.stdout)}, query


def test_events_carry_their_sources(store_path: Path) -> None:
    out = coi(
        store_path,
        "events",
        "--place",
        "SY02",
        "--from",
        "2016-12-01",
        "--to",
        "2016-12-02",
        "--format",
        "json",
    )
    events = [json.loads(line) for line in out.stdout.splitlines()]
    special_events = [e for e in events if e["source"] == "ucdp_ged_syria_2016_2019"]
    assert special_events and all(e["source_headline"] for e in special_events)


def test_guidance_in_force(store_path: Path) -> None:
    out = coi(store_path, "guidance", "--as-of", "2023-06-01", "--format", "json")
    data = json.loads(out.stdout)
    assert data["levels"]["SY07"] == "mere_presence" and data["levels"]["SY01"] is None
    early = coi(store_path, "guidance", "--as-of", "2016-12-06")
    assert early.returncode == 2 and "no country guidance" in early.stderr
