"""The engine reads country evidence through its own interface; without it, it says unknown."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from asylon.law import DangerReading, FixedEvidence, ViolenceLevel, assess, parse_case_file

ROOT = Path(__file__).resolve().parents[2]
TAILOR = parse_case_file((ROOT / "examples/aleppo-tailor-ru-2016.yaml").read_text(), "yaml")


def aleppo(level: ViolenceLevel, conflict: bool = True) -> FixedEvidence:
    reading = DangerReading(
        place="SY02",
        period=(date(2016, 11, 6), date(2016, 12, 6)),
        level=level,
        armed_conflict=conflict,
        indicators={"civilian_deaths": 1234},
        sources=("UCDP GED Syria 2016-2019 (test reading)",),
    )
    return FixedEvidence({("SY", "Aleppo"): reading})


def test_without_evidence_the_tailor_is_undetermined() -> None:
    det = assess(TAILOR).to_dict()
    assert det["outcome"] == "UNDETERMINED"
    assert (
        det["missing"][0]["field"] == "claim.findings.risk_of_serious_harm.indiscriminate_violence"
    )
    assert "EVIDENCE_MISSING" in {f["code"] for f in det["flags"]}


def test_mere_presence_in_aleppo_gives_temporary_asylum_and_bars_return() -> None:
    det = assess(TAILOR, aleppo(ViolenceLevel.MERE_PRESENCE)).to_dict()
    assert det["outcome"] == "TEMPORARY_ASYLUM"
    assert det["status"]["valid_until"] == "2017-12-06"
    assert {"ECHR_2", "ECHR_3", "ICCPR_6"} <= {b["code"] for b in det["removal"]["bars"]}
    assert det["removal"]["permitted"] is False
    flags = {f["code"] for f in det["flags"]}
    assert {"OTHER_PROCEDURE_NEEDED", "PRACTICE_DIVERGES"} <= flags
    assert det["country_evidence"][0]["place"] == "SY02"
    steps = {s["id"]: s["answer"] for s in det["steps"]}
    assert steps["penalties.removal_order_compatible"] == "no"
    order = next(s for s in det["steps"] if s["id"] == "penalties.removal_order_compatible")
    assert any("18.8(3)" in r and "removal mandatory" in r for r in order["reasons"])
    assert {d["kind"]: d["due"] for d in det["deadlines"]} == {
        "appeal": "2017-01-06",
        "renewal": "2017-12-06",
    }


def test_a_finding_that_contradicts_the_evidence_is_flagged() -> None:
    case = TAILOR.model_copy(
        update={
            "claim": TAILOR.claim.model_copy(
                update={  # type: ignore[union-attr]
                    "findings": TAILOR.claim.findings.model_copy(
                        update={  # type: ignore[union-attr]
                            "risk_of_serious_harm": TAILOR.claim.findings.risk_of_serious_harm.model_copy(  # type: ignore[union-attr]
                                update={"indiscriminate_violence": "none"}
                            )
                        }
                    )
                }
            )
        }
    )
    det = assess(case, aleppo(ViolenceLevel.MERE_PRESENCE)).to_dict()
    flag = next(f for f in det["flags"] if f["code"] == "FINDING_CONTRADICTS_EVIDENCE")
    assert "Aleppo" in flag["message"] and flag["evidence"] == [
        "UCDP GED Syria 2016-2019 (test reading)"
    ]


def test_levels_below_mere_presence_leave_the_finding_to_the_decision_maker() -> None:
    det = assess(TAILOR, aleppo(ViolenceLevel.NOT_HIGH)).to_dict()
    steps = {s["id"]: s["answer"] for s in det["steps"]}
    assert steps["complementary.indiscriminate_violence"] == "unknown"
    det = assess(TAILOR, aleppo(ViolenceLevel.MERE_PRESENCE, conflict=False)).to_dict()
    steps = {s["id"]: s["answer"] for s in det["steps"]}
    assert steps["complementary.indiscriminate_violence"] == "no"


def test_evidence_outside_its_period_is_not_used() -> None:
    late = TAILOR.model_copy(update={"as_of": date(2018, 1, 1)})
    det = assess(late, aleppo(ViolenceLevel.MERE_PRESENCE)).to_dict()
    assert det["country_evidence"] == [] and det["outcome"] == "UNDETERMINED"
