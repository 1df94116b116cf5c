"""The engine reads the evidence store: figures, guidance levels, contradictions."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from asylon.evidence.reading import StoreEvidence
from asylon.law import ViolenceLevel, assess, parse_case_file
from asylon.law.facts import Place
from asylon.paths import data_dir

ROOT = Path(__file__).resolve().parents[2]
TAILOR = (ROOT / "examples" / "aleppo-tailor-ru-2016.yaml").read_text()


@pytest.fixture(scope="module")
def evidence(store_path: Path) -> Iterator[StoreEvidence]:
    ev = StoreEvidence(store_path)
    yield ev
    ev.close()


def ucdp_special_deaths(adm1: str, start: date, end: date) -> float:
    """Independently from the raw CSV: deaths (best) in the governorate, multi-day spread."""
    total = 0.0
    with (data_dir() / "ucdp-ged-syria" / "ged_syria_special_2016_2019.csv").open() as f:
        for r in csv.DictReader(f):
            if r["adm1_pcode"] != adm1 or int(r["where_prec"]) > 4:
                continue
            s, e = date.fromisoformat(r["date_start"]), date.fromisoformat(r["date_end"])
            n = (e - s).days + 1
            total += (
                int(r["best"])
                * sum(1 for k in range(n) if start <= s + timedelta(days=k) <= end)
                / n
            )
    return total


def test_the_tailor_determination_cites_ucdp_figures_for_aleppo(evidence: StoreEvidence) -> None:
    det = assess(parse_case_file(TAILOR, "yaml"), evidence).to_dict()
    [reading] = det["country_evidence"]
    assert reading["place"] == "SY02" and reading["period"] == ["2016-09-08", "2016-12-06"]
    expected = ucdp_special_deaths("SY02", date(2016, 9, 8), date(2016, 12, 6))
    got = reading["indicators"]["ucdp_ged_syria_2016_2019.deaths_best.90d"]
    assert got == pytest.approx(expected, abs=0.05) and expected > 1000
    step = next(s for s in det["steps"] if s["id"] == "complementary.indiscriminate_violence")
    assert step["answer"] == "unknown", "figures alone never decide (CF and DN)"
    assert any(f"{round(expected):,} deaths recorded" in r for r in step["reasons"])
    assert any("UCDP" in s for s in reading["sources"])
    humane = next(s for s in det["steps"] if s["id"] == "complementary.humane_reasons")
    assert any("deaths recorded" in r for r in humane["reasons"])


def test_a_finding_of_none_in_bombed_aleppo_contradicts_the_evidence(
    evidence: StoreEvidence,
) -> None:
    text = TAILOR.replace("indiscriminate_violence: null", "indiscriminate_violence: none")
    det = assess(parse_case_file(text, "yaml"), evidence).to_dict()
    flag = next(f for f in det["flags"] if f["code"] == "FINDING_CONTRADICTS_EVIDENCE")
    assert "Aleppo" in flag["message"] and "deaths recorded" in flag["message"]
    assert any("UCDP" in e for e in flag["evidence"])


def test_published_guidance_level_decides_mere_presence(evidence: StoreEvidence) -> None:
    """EUAA Feb 2023 lists Idlib at the mere-presence level: QD 15(c) without a finding."""
    case = parse_case_file(
        json.dumps(
            {
                "format": "asylon.case/1",
                "id": "idlib-2023",
                "jurisdiction": "eu:de",
                "as_of": "2023-06-01",
                "procedure": {"kind": "international_protection", "applied_on": "2023-01-10"},
                "applicant": {
                    "nationalities": ["SY"],
                    "habitual_residence": {"country": "SY", "place": "Idleb"},
                    "host_country": "DE",
                    "arrived_on": "2023-01-05",
                },
                "claim": {
                    "fears": [
                        {
                            "harms": ["indiscriminate_violence"],
                            "actor": {"kind": "state"},
                            "grounds": [],
                        }
                    ],
                    "findings": {
                        "credible": True,
                        "risk_of_persecution": "remote",
                        "risk_of_serious_harm": {
                            "death_penalty": "none",
                            "torture_or_inhuman_treatment": "remote",
                            "serious_illness_without_treatment": "none",
                        },
                    },
                },
            }
        ),
        "json",
    )
    det = assess(case, evidence).to_dict()
    assert det["country_evidence"][0]["level"] == ViolenceLevel.MERE_PRESENCE.value
    assert any("EUAA" in s for s in det["country_evidence"][0]["sources"])
    assert det["outcome"] == "SUBSIDIARY_PROTECTION"


def test_a_period_no_source_covers_reads_no_data(evidence: StoreEvidence) -> None:
    reading = evidence.danger(Place(country="SY", place="Aleppo"), date(2023, 3, 1))
    assert reading is not None
    assert reading.indicators["ucdp_ged_syria_2016_2019.90d"] == "no data"
    assert reading.indicators["vdc.90d"] == "no data"
    assert reading.high_lethal_rate is None
    assert any("no data for this period" in line for line in reading.summary)


def test_unknown_or_foreign_places_give_no_reading(evidence: StoreEvidence) -> None:
    assert evidence.danger(Place(country="SY", place="Atlantis"), date(2016, 1, 1)) is None
    assert evidence.danger(Place(country="AF", place="Kabul"), date(2016, 1, 1)) is None


def test_the_cli_uses_the_store(store_path: Path) -> None:
    env = {**os.environ, "ASYLON_EVIDENCE_DB": str(store_path)}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "asylon.cli",
            "assess",
            "--format",
            "text",
            str(ROOT / "examples" / "aleppo-tailor-ru-2016.yaml"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "UCDP GED Syria 20160101-20191130" in out.stdout and "deaths recorded" in out.stdout


def test_the_cli_flags_a_finding_that_contradicts_the_evidence(
    store_path: Path, tmp_path: Path
) -> None:
    case = tmp_path / "tailor-none.yaml"
    case.write_text(
        TAILOR.replace("indiscriminate_violence: null", "indiscriminate_violence: none")
    )
    env = {**os.environ, "ASYLON_EVIDENCE_DB": str(store_path)}
    out = subprocess.run(
        [sys.executable, "-m", "asylon.cli", "assess", str(case)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    det = json.loads(out.stdout)
    flag = next(f for f in det["flags"] if f["code"] == "FINDING_CONTRADICTS_EVIDENCE")
    assert "deaths recorded" in flag["message"]
