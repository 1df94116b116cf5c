"""The asylon command as a caseworker and another program use it."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
ASYLON = [sys.executable, "-m", "asylon.cli"]


def run(
    *args: str, stdin: str | None = None, store: str = "/nonexistent/evidence.duckdb"
) -> subprocess.CompletedProcess[str]:
    """Run the CLI; by default with no evidence store, so results never depend on var/."""
    env = {**os.environ, "ASYLON_EVIDENCE_DB": store}
    return subprocess.run(
        [*ASYLON, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=env,
    )


@pytest.fixture(scope="module")
def determination_schema() -> dict:
    out = run("schema", "determination")
    assert out.returncode == 0
    schema = json.loads(out.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def test_version() -> None:
    out = run("--version")
    assert out.returncode == 0 and re.search(r"asylon, version \d+\.\d+\.\d+", out.stdout)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_each_example_validates_against_the_exported_schema(
    path: Path, determination_schema: dict
) -> None:
    out = run("assess", str(path), "--format", "json")
    assert out.returncode == 0, out.stderr
    det = json.loads(out.stdout)
    jsonschema.validate(det, determination_schema, cls=jsonschema.Draft202012Validator)
    assert det["case_id"] == path.stem


def test_case_file_schema_accepts_the_examples() -> None:
    from asylon.law.facts import load_document

    schema = json.loads(run("schema", "case-file").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in EXAMPLES:
        jsonschema.validate(
            load_document(path.read_text(), "yaml"), schema, cls=jsonschema.Draft202012Validator
        )


def test_invalid_file_exits_2_with_field_path_and_nothing_on_stdout(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLES[0].read_text().replace("born: 1978-02-11", "born: 1978-13-11"))
    out = run("assess", str(bad))
    assert out.returncode == 2
    assert out.stdout == ""
    assert "applicant.born" in out.stderr and "bad.yaml" in out.stderr


def test_law_not_in_force_exits_2() -> None:
    out = run("assess", str(EXAMPLES[0]), "--as-of", "1990-01-01")
    assert out.returncode == 2 and out.stdout == "" and "as_of" in out.stderr


def test_unknown_member_state_exits_2() -> None:
    out = run("assess", str(EXAMPLES[0]), "--jurisdiction", "eu:dk")
    assert out.returncode == 2 and "Denmark" in out.stderr


def test_overrides_change_law_and_date() -> None:
    out = run("assess", str(EXAMPLES[2]), "--jurisdiction", "ru", "--as-of", "2023-01-10")
    det = json.loads(out.stdout)
    assert det["jurisdiction"] == "ru" and det["as_of"] == "2023-01-10"
    bars = {b["code"] for b in det["removal"]["bars"]}
    assert "ECHR_3" not in bars and "CAT_3" in bars


def test_several_files_and_directories_give_json_lines(tmp_path: Path) -> None:
    out = run("assess", str(EXAMPLES[0]), str(ROOT / "examples"))
    lines = out.stdout.strip().splitlines()
    assert out.returncode == 0 and len(lines) == 4
    assert json.loads(lines[0])["case_id"] == EXAMPLES[0].stem


def test_json_lines_on_stdin_with_one_bad_line() -> None:
    from asylon.law.facts import load_document

    docs = [load_document(p.read_text(), "yaml") for p in EXAMPLES]
    stdin = "\n".join(json.dumps(d) for d in docs) + '\n{"format": "asylon.case/1"}\n'
    out = run("assess", "-", stdin=stdin)
    assert out.returncode == 2
    assert len(out.stdout.strip().splitlines()) == 3
    assert "<stdin>:4" in out.stderr and "id: required field is missing" in out.stderr


def test_text_output_puts_the_outcome_first() -> None:
    out = run("assess", str(EXAMPLES[2]), "--format", "text")
    lines = out.stdout.splitlines()
    assert lines[1].startswith("OUTCOME: REFUGEE")
    assert "Cites: 1951 Convention Art 1A(2)" in out.stdout


def test_compare_three_profiles() -> None:
    out = run("assess", "--compare", "unhcr,eu:de,ru", str(EXAMPLES[1]), "--format", "json")
    data = json.loads(out.stdout)
    assert set(data["determinations"]) == {"unhcr", "eu:de", "ru"}
    text = run("assess", "--compare", "unhcr,eu:de,ru", str(EXAMPLES[1]), "--format", "text").stdout
    assert "exclusion.proportionality" in text and text.count("EXCLUDED_") >= 3


def test_compare_reports_law_not_in_force_per_profile() -> None:
    out = run("assess", "--compare", "eu,ru", str(EXAMPLES[0]), "--as-of", "2005-01-01")
    data = json.loads(out.stdout)
    assert data["determinations"]["eu"].startswith("not in force")
    assert data["determinations"]["ru"]["as_of"] == "2005-01-01"


def test_demo_prints_readable_determinations() -> None:
    out = run("demo")
    assert out.returncode == 0
    assert out.stdout.count("OUTCOME:") == 3


def test_readme_first_assessment_works_as_written() -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- first-assessment -->", 2)[1]
    command = re.search(r"^\$ (\.venv/bin/asylon .+)$", block, re.M)
    assert command, "the README shows the command of the first assessment"
    argv = shlex.split(command.group(1))
    out = run(*argv[1:])
    assert out.returncode == 0, out.stderr
    shown = [ln for ln in block.splitlines() if ln.startswith("OUTCOME:")]
    assert shown and shown[0] in out.stdout


def test_loading_the_web_urls_leaves_charts_linkage_and_the_sampler_unloaded() -> None:
    """Every ``asylon manage`` command (migrate, load_demo, ...) runs Django's checks, which
    import every view. Matplotlib, Splink and Numba took seconds of each start; they load when
    a chart is drawn, records are linked or a total estimated, not with the URLs."""
    code = (
        "import sys, django; django.setup();"
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        "print(' '.join(m for m in ('matplotlib', 'splink', 'numba', 'followthemoney')"
        " if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "asylon.web.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
