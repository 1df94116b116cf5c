"""``asylon estimate`` as a researcher and another program use it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from asylon.cli import main
from asylon.paths import data_dir

TABLES = data_dir() / "mse-overlap-tables"
FAST = ["--samples", "100", "--burn-in", "200", "--thin", "2", "--chains", "2"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["estimate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_has_the_contract_fields() -> None:
    code, out, _ = run(
        "--overlap",
        str(TABLES / "kosovo_1999_4lists.csv"),
        "--method",
        "both",
        "--seed",
        "5",
        *FAST,
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["format"] == "asylon.estimate/1"
    assert doc["method"] == "lcmcr" and doc["observed"] == 4400 and doc["seed"] == 5
    assert doc["lists"] == ["EXH", "ABA", "OSCE", "HRW"]
    for key in ("median", "lower", "upper", "identified", "reasons", "warnings", "estimates"):
        assert key in doc
    methods = {e["method"]: e for e in doc["estimates"]}
    assert set(methods) == {"lcmcr", "loglinear"}
    assert {"rhat", "ess"} <= set(methods["lcmcr"]["diagnostics"])
    assert methods["loglinear"]["settings"]["interval"] == "profile likelihood"


def test_same_seed_same_answer() -> None:
    args = ["--overlap", str(TABLES / "kosovo_1999_4lists.csv"), "--seed", "9", *FAST]
    assert json.loads(run(*args)[1]) == json.loads(run(*args)[1])


def test_text_output_states_the_interval() -> None:
    code, out, _ = run(
        "--overlap", str(TABLES / "uk_2013_5lists.csv"), "--method", "loglinear", "--format", "text"
    )
    assert code == 0
    assert "95% interval" in out and "log-linear" in out


def test_unidentified_table_says_so(tmp_path: Path) -> None:
    f = tmp_path / "apart.csv"
    f.write_text("A,B,count\n1,0,50\n0,1,40\n")
    code, out, _ = run("--overlap", str(f), "--method", "loglinear")
    assert code == 0
    doc = json.loads(out)
    assert doc["identified"] is False and doc["median"] is None
    code, out, _ = run("--overlap", str(f), "--method", "loglinear", "--format", "text")
    assert "not identified" in out


def test_strata_column(tmp_path: Path) -> None:
    f = tmp_path / "strata.csv"
    f.write_text(
        "period,A,B,C,count\n"
        "2012,1,0,0,60\n2012,0,1,0,50\n2012,0,0,1,40\n2012,1,1,0,20\n2012,1,0,1,15\n"
        "2012,0,1,1,12\n2012,1,1,1,5\n"
        "2013,1,0,0,30\n2013,0,1,0,35\n2013,0,0,1,20\n2013,1,1,0,10\n2013,1,0,1,8\n"
        "2013,0,1,1,9\n2013,1,1,1,3\n"
    )
    code, out, _ = run("--overlap", str(f), "--strata", "period", "--method", "loglinear")
    assert code == 0
    doc = json.loads(out)
    assert [s["stratum"] for s in doc["strata"]] == ["2012", "2013"]
    assert doc["observed"] == 202 + 115


def test_malformed_file_exits_2_with_row_and_column(tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("A,B,count\n1,0,5\n2,1,4\n")
    code, out, err = run("--overlap", str(f))
    assert code == 2 and out == ""
    assert err.strip() == f"error: {f}: row 3, column 'A': expected 0 or 1, got '2'"
    f.write_text("A,B,total\n1,0,5\n")
    code, _, err = run("--overlap", str(f))
    assert code == 2 and "missing column 'count'" in err
    code, _, err = run("--overlap", str(tmp_path / "absent.csv"))
    assert code == 2 and "cannot read file" in err
