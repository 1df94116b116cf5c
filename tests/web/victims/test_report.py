"""``asylon report victims``: the counts and the estimate of the latest linkage run as a
publishable report (HTML, PDF, JSON; English, Russian, Arabic). Disclosure-controlled unless
``--exact``; the estimate always with its interval, method, convergence and assumptions, or
the reasons there is none; no name anywhere. The run is stored by hand (as in
``test_counts``) and its estimate document set on it, as a linkage run caches it, so the
expected sentences can be written down."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from asylon.cli import main
from asylon.linkage.estimate.likelihood_bound import CHECK_VERSION
from asylon.web.victims.models import LinkRun

from .test_counts import PEOPLE, store_run

pytestmark = pytest.mark.django_db

ESTIMATE: dict[str, Any] = {
    "format": "asylon.estimate/1",
    "lists": ["a", "b", "c"],
    "observed": 6,
    "method": "lcmcr",
    "median": 1234.0,
    "lower": 1001.0,
    "upper": 1650.0,
    "interval": 0.95,
    "identified": True,
    "reasons": [],
    "warnings": ["few effective draws of N (ESS 80 < 100): run longer chains"],
    "reason_notes": [],
    "warning_notes": [{"code": "few_draws", "values": {"ess": 80.0, "ess_min": 100.0}}],
    "bound_check": True,  # made by the current estimator: kept as it is
    "bound_check_version": CHECK_VERSION,
    "estimates": [
        {
            "method": "lcmcr",
            "observed": 6,
            "median": 1234.0,
            "diagnostics": {"rhat": 1.0123, "chains": 4, "draws": 4000},
        }
    ],
    "notes": [],
}


def run_report(*args: str) -> Result:
    return CliRunner().invoke(main, ["report", "victims", *args], catch_exceptions=False)


def stored(estimate: dict[str, Any] | None = None) -> LinkRun:
    run = store_run(PEOPLE)
    run.estimate = estimate or ESTIMATE
    run.save(update_fields=["estimate"])
    return run


def test_the_published_report_is_controlled_and_states_the_estimate_with_its_uncertainty() -> None:
    run = stored()
    result = run_report()
    assert result.exit_code == 0, result.output
    html = result.output
    assert f"Unique persons of linkage run {run.pk}" in html
    assert "Disclosure control" in html and "fewer than 5 persons" in html
    assert "Estimated total: 1,234 (95% interval 1,001 to 1,650)." in html
    assert "latent-class model (LCMCR, Manrique-Vallier 2016)" in html
    assert "From the overlap of 3 lists." in html
    assert "R-hat 1.01 over 4 chains and 4,000 draws" in html
    assert "few effective draws of N" in html  # the sampler's warning is not dropped
    assert "What the estimate assumes" in html and "It assumes the linkage is right" in html
    assert "Source overlap" in html and "Persons by governorate" in html
    # six persons: the cells are under the threshold and withheld; their total is published
    assert 'class="withheld">x<' in html
    assert "Persons recorded by at least one list: 6." in html
    assert "Name p" not in html  # no record's name
    assert "Exact counts" not in html


def test_exact_counts_for_register_staff() -> None:
    stored()
    html = run_report("--exact").output
    assert "Exact counts: you may see the records themselves." in html
    assert "Disclosure control" not in html
    assert "Persons recorded by at least one list: 6." in html
    assert 'class="withheld"' not in html
    assert "Name p" not in html


NOT_CONCENTRATED = {
    "code": "no_concentration",
    "values": {"upper": 98765.0, "median": 4321.0, "observed": 7},
}


def not_identified() -> dict[str, Any]:
    return {**ESTIMATE, "identified": False, "median": None, "lower": None, "upper": None,
            "reasons": ["(the English sentence)"], "warnings": [],
            "reason_notes": [NOT_CONCENTRATED], "warning_notes": []}  # fmt: skip


def test_no_estimate_is_said_with_its_reasons() -> None:
    stored(not_identified())
    html = run_report("--exact").output
    assert "No estimate: these lists cannot support one." in html
    assert (
        "the posterior of N does not concentrate: its 97.5% quantile (98,765) is far above the "
        "median (4,321) for 7 observed"
    ) in html
    assert "Estimated total" not in html and "Method:" not in html


def test_a_published_report_quotes_no_exact_count_in_its_reasons() -> None:
    """A reason quoting the number observed quotes the published figure (here the controlled
    total, 6), never the exact one (7 in the stored estimate)."""
    stored(not_identified())
    html = run_report().output
    assert "far above the median (4,321) for 6 observed" in html
    assert "for 7 observed" not in html


def test_the_reasons_and_warnings_in_russian_and_arabic() -> None:
    stored()
    ru = run_report("--lang", "ru").output
    assert "мало эффективных выборок N (ESS 80 &lt; 100)" in ru
    assert "few effective draws" not in ru
    stored(not_identified())
    ru = run_report("--lang", "ru", "--exact").output
    assert "квантиль 97,5% (98\xa0765) намного выше медианы (4\xa0321)" in ru
    assert "does not concentrate" not in ru
    ar = run_report("--lang", "ar", "--exact").output
    assert "التوزيع اللاحق لـ N لا يتركّز" in ar and "does not concentrate" not in ar


@pytest.mark.parametrize(
    ("lang", "heading", "direction"),
    [
        ("ru", "Сколько их было всего, включая незадокументированных?", "ltr"),
        ("ar", 'dir="rtl"', "rtl"),
    ],
)
def test_in_russian_and_arabic(lang: str, heading: str, direction: str) -> None:
    stored()
    html = run_report("--lang", lang).output
    assert heading in html and f'dir="{direction}"' in html
    assert "How many were there" not in html and "What the estimate assumes" not in html
    assert "Estimated total" not in html  # the figure's sentence is translated too
    assert "withheld, because" not in html  # nor the disclosure notes under the tables


def test_pdf_in_arabic(tmp_path: Path) -> None:
    stored()
    out = tmp_path / "victims.pdf"
    result = run_report("--format", "pdf", "--lang", "ar", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "LCMCR" in text and "Manrique-Vallier" in text


def test_json_carries_the_controlled_tables_and_the_estimate() -> None:
    stored()
    doc = json.loads(run_report("--format", "json").output)
    assert doc["format"] == "asylon.victim-counts/1" and doc["controlled"] is True
    assert doc["estimate"]["median"] == 1234.0 and doc["estimate"]["observed"] == 6
    published = [c for row in doc["overlap"]["cells"] for c in row]
    assert 1 not in published and 2 not in published  # small cells never travel as values
    exact = json.loads(run_report("--format", "json", "--exact").output)
    assert exact["controlled"] is False
    assert [c for row in exact["overlap"]["cells"] for c in row] == [1, 0, 1, 2, 0, 1, 1]


def test_without_a_run_the_command_says_what_to_do(tmp_path: Path) -> None:
    out = tmp_path / "none.html"
    result = run_report("--output", str(out))
    assert result.exit_code == 2
    assert "no linkage run yet" in result.output and "asylon victims link" in result.output
    assert not out.exists()


def _population() -> dict[str, list[tuple[str, str, Any, str, str]]]:
    """Two governorates of 40 and 30 persons on three lists, and one of 3 persons."""
    from datetime import date

    people: dict[str, list[tuple[str, str, Any, str, str]]] = {}
    patterns = [("a",), ("b",), ("c",), ("a", "b"), ("a", "c"), ("b", "c"), ("a", "b", "c")]
    for gov, n in (("SY01", 40), ("SY02", 30), ("SY04", 3)):
        for i in range(n):
            sources = patterns[(i * 3 + len(gov)) % len(patterns)]
            people[f"{gov}-{i}"] = [
                (s, gov, date(2013, 1 + i % 12, 1), "civilian", "") for s in sources
            ]
    return people


def test_the_estimate_by_governorate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each governorate estimated on its own and the total over them; published, the
    governorate of three persons has its count and its estimate withheld."""
    from asylon.documents.reports import victims_report
    from asylon.linkage.estimate import LcmcrSettings

    store_run(_population())
    quick = LcmcrSettings(burn_in=300, samples=200, thin=2, chains=2, seed=3)
    real = victims_report.stratified
    monkeypatch.setattr(
        victims_report,
        "stratified",
        lambda run, figures, by, exact, settings=None: real(run, figures, by, exact, quick),
    )
    html = run_report("--strata", "governorate", "--exact").output
    assert "Estimates by governorate" in html and "Total over the strata" in html
    section = html[html.index('id="strata"') : html.index('id="overlap"')]
    for name, n in (("Damascus", 40), ("Aleppo", 30)):
        assert name in section and f'<td class="num">{n}</td>' in section, section
    assert '<td class="num">73</td>' in section  # recorded over the three strata
    published = run_report("--strata", "governorate").output
    section = published[published.index('id="strata"') : published.index('id="overlap"')]
    rows = {
        r.split("</th>")[0].removeprefix('<th scope="row">'): r
        for r in section.replace('<tr class="total">', "<tr>").split("<tr>")
        if r.startswith('<th scope="row">')
    }
    # Homs (3 persons) withheld, and Aleppo with it: 73 - 40 would give Homs back otherwise
    for name in ("Homs", "Aleppo"):
        assert rows[name].count('<td class="withheld">x</td>') == 3, rows[name]
    assert '<td class="num">40</td>' in rows["Damascus"]
    assert '<td class="num">73</td>' in rows["Total over the strata"]
    doc = json.loads(run_report("--strata", "year", "--format", "json").output)
    assert doc["estimate"]["by"]["dimension"] == "year"
    assert [s["stratum"] for s in doc["estimate"]["by"]["strata"]] == ["2013"]
