"""``asylon report``: the asylum-practice report (Russia against Germany, 2011-2025) and the
caseload report, through the CLI, in every language, as PDF and HTML.

The figures are checked against UNHCR's CSV tables read here with the csv module, not through
asylon.stats: Russia's temporary-asylum grants (its TA rows, both columns UNHCR used) and
decisions by year, Germany's refugee-status grants. PDFs are turned into PNG pages with
pdftoppm and into text with pdftotext; Arabic is right to left. The caseload report, from the
demo cases, carries the withheld-cell marker and no client's name. Bad options exit 2 and
write nothing.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image

from asylon.cli import main
from asylon.documents.i18n import Translator, catalogue_paths, parse_po
from asylon.documents.reports.messages import report_messages
from asylon.paths import data_dir
from tests.documents.cases import normalise

DECISIONS = data_dir() / "unhcr-syria-asylum" / "unhcr_asylum_decisions_origin_syria.csv"
FIRST, LAST = 2011, 2025
RU_VS_DE = ["--asylum-country", "RU,DE", "--origin", "SY", "--from", "2011", "--to", "2025"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

HEADINGS = {
    "en": [
        "Asylum practice towards Syrians",
        "Summary figures",
        "Key findings",
        "Methods",
        "Sources",
        "Temporary asylum is not refugee status",
        "No rejections recorded",
    ],
    "ru": [
        "Практика предоставления убежища гражданам Сирии",
        "Сводные данные",
        "Основные выводы",
        "Методология",
        "Источники",
        "Временное убежище — не статус беженца",
        "Отказы не зафиксированы",
    ],
    "ar": [
        "ممارسات اللجوء تجاه السوريين",
        "الأرقام الموجزة",
        "أبرز النتائج",
        "المنهجية",
        "المصادر",
        "اللجوء المؤقت ليس صفة لاجئ",
        "أي رفض",
    ],  # pdftotext reorders words
}
COUNTRY = {
    "en": ("Russian Federation", "Germany"),
    "ru": ("Российская Федерация", "Германия"),
    "ar": ("ألمانيا",),  # pdftotext splits the shaped "الاتّحاد الرّوسي" at its marks
}


@pytest.fixture(autouse=True, scope="module")
def poppler() -> None:
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.fail("poppler-utils (pdftoppm, pdftotext) not installed: run make install")


# --- the source tables, read independently -----------------------------------------------------


def _rows(country: str) -> list[dict[str, str]]:
    with DECISIONS.open(encoding="utf-8", newline="") as f:
        return [
            r
            for r in csv.DictReader(f)
            if r["coa_iso"] == country and FIRST <= int(r["year"]) <= LAST and r["dec_pc"] == "P"
        ]


def _n(value: str) -> int:
    return int(value) if value.strip() else 0


def by_year(country: str) -> dict[int, dict[str, int]]:
    """Decisions per year as the report must count them: grants of the temporary-asylum
    procedure (dec_level TA) are temporary asylum whichever column UNHCR used."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in _rows(country):
        y = out[int(r["year"])]
        if r["dec_level"] == "TA":
            y["temporary_asylum"] += _n(r["dec_recognized"]) + _n(r["dec_other"])
        else:
            y["recognised"] += _n(r["dec_recognized"])
            y["complementary"] += _n(r["dec_other"])
        y["rejected"] += _n(r["dec_rejected"])
        y["otherwise_closed"] += _n(r["dec_closed"])
    return {year: dict(v) for year, v in out.items()}


def total(country: str, kind: str) -> int:
    return sum(y.get(kind, 0) for y in by_year(country).values())


def test_the_source_has_what_the_report_is_about() -> None:
    ta = total("RUS", "temporary_asylum")
    assert ta > 5000 and total("RUS", "recognised") < ta / 10  # temporary asylum by far
    assert total("DEU", "recognised") > 400_000


# --- running the CLI ----------------------------------------------------------------------------


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["report", *args], catch_exceptions=False)


def pdftotext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def ink(png: Path) -> float:
    with Image.open(png) as img:
        grey = img.convert("L")
        histogram = grey.histogram()
    return sum(histogram[:200]) / (grey.width * grey.height)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    made = {}
    for lang in ("en", "ru", "ar"):
        pdf = out / f"ru-vs-de.{lang}.pdf"
        result = run(
            "asylum-practice", *RU_VS_DE, "--format", "pdf", "--lang", lang, "-o", str(pdf)
        )
        assert result.exit_code == 0, result.output
        made[lang] = pdf
    return made


def test_the_figures_are_those_of_the_source_tables_year_by_year() -> None:
    result = run("asylum-practice", *RU_VS_DE, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    rows = {(r["country"], r["year"]): r for r in report["data"]["rows"]}
    kinds = ("recognised", "complementary", "temporary_asylum", "rejected", "otherwise_closed")
    for country in ("RUS", "DEU"):
        source = by_year(country)
        for year in range(FIRST, LAST + 1):
            row = rows[(country, year)]
            expected = source.get(year, {})
            for kind in kinds:
                assert row[kind] == expected.get(kind, 0), (country, year, kind)
            assert row["total_decisions"] == sum(expected.values())
    russia = next(c for c in report["countries"] if c["country"] == "RUS")
    assert russia["totals"]["temporary_asylum"] == total("RUS", "temporary_asylum")
    assert russia["totals"]["recognised"] == total("RUS", "recognised")
    assert set(russia["totals"]["no_rejection_years"]) == {
        y for y, v in by_year("RUS").items() if not v.get("rejected") and v.get("otherwise_closed")
    }
    assert report["data"]["attribution"].endswith("CC BY 4.0")


@pytest.mark.parametrize("lang", ["en", "ru", "ar"])
def test_the_pdf_pages_headings_and_figures(
    lang: str, reports: dict[str, Path], tmp_path: Path
) -> None:
    pdf = reports[lang]
    assert pdf.read_bytes().startswith(b"%PDF-")
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 4
    assert all(ink(p) > 0.005 for p in pages[:3]), "a blank page"
    # the charts are drawn: a page of a country has plenty of ink
    assert max(ink(p) for p in pages) > 0.05

    text = normalise(pdftotext(pdf))
    for heading in HEADINGS[lang]:
        assert normalise(heading) in text, f"{heading!r} missing from the {lang} report"
    for name in COUNTRY[lang]:
        assert normalise(name) in text
    t = Translator(lang)
    for figure in (
        total("RUS", "temporary_asylum"),
        total("DEU", "recognised"),
        sum(by_year("RUS")[2013].values()),  # Russia's decisions in one year, from its table
        by_year("DEU")[2016]["complementary"],
    ):
        assert normalise(t.number(figure)) in text, f"{t.number(figure)} not in the {lang} PDF"
    assert "UNHCR" in text and "CCBY4.0" in text


def test_arabic_is_right_to_left_and_english_left_to_right() -> None:
    ar = run("asylum-practice", *RU_VS_DE, "--format", "html", "--lang", "ar")
    assert ar.exit_code == 0
    assert '<html lang="ar" dir="rtl">' in ar.stdout
    assert "ممارسات اللجوء تجاه السوريين" in ar.stdout
    assert '<div class="warning">لم يُسجَّل أي رفض:' in ar.stdout
    assert '<ul class="data-notes" lang="en" dir="ltr">' in ar.stdout  # computed notes
    en = run("asylum-practice", *RU_VS_DE, "--format", "html")
    assert '<html lang="en" dir="ltr">' in en.stdout


def test_the_html_embeds_its_charts_and_fetches_nothing() -> None:
    html = run("asylum-practice", *RU_VS_DE, "--format", "html").stdout
    sources = re.findall(r'\bsrc="([^"]*)"', html)
    assert len(sources) == 3  # one chart per country and the rates compared
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert "<link" not in html and "url(" not in html


def test_one_country_has_no_comparison_and_germany_no_temporary_asylum_section() -> None:
    html = run("asylum-practice", "--asylum-country", "Germany", "--format", "html").stdout
    assert 'id="comparison"' not in html and 'id="temporary-asylum"' not in html
    assert "Germany" in html and str(LAST) in html  # --to defaults to the latest year


def test_the_report_goes_to_standard_output_as_pdf_bytes() -> None:
    result = run(
        "asylum-practice",
        "--asylum-country",
        "RU",
        "--from",
        "2016",
        "--to",
        "2018",
        "--format",
        "pdf",
    )
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--asylum-country", "RU", "--origin", "AF"], "error: --origin: only Syria (SY)"),
        (
            ["--asylum-country", "RU", "--from", "x"],
            "error: --from: expected a year such as 2011, got 'x'",
        ),
        (
            ["--asylum-country", "RU", "--from", "2015", "--to", "2012"],
            "error: --to: 2012 is before --from 2015",
        ),
        (["--asylum-country", "RU", "--to", "1850"], "error: --to: the UNHCR tables cover"),
        (["--asylum-country", "Narnia"], "error: --asylum-country: unknown country 'Narnia'"),
    ],
)
def test_bad_options_exit_2_and_write_nothing(
    args: list[str], message: str, tmp_path: Path
) -> None:
    out = tmp_path / "report.pdf"
    result = run("asylum-practice", *args, "--format", "pdf", "-o", str(out))
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_failed_run_leaves_an_earlier_report_alone(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("earlier")
    result = run("asylum-practice", "--asylum-country", "RU", "--from", "20x1", "-o", str(out))
    assert result.exit_code == 2
    assert out.read_text() == "earlier"


@pytest.mark.parametrize("lang", ["ru", "ar"])
def test_every_report_message_is_translated(lang: str) -> None:
    po, _mo = catalogue_paths(lang)
    messages = parse_po(po.read_text(encoding="utf-8"))
    expected = report_messages()
    assert "Key findings" in expected and "Persons and cases" in expected
    missing = sorted(m for m in expected if not messages.get(m))
    assert not missing, f"{lang}: translate in {po}: {missing}"
    for msgid in expected:
        assert sorted(PLACEHOLDER.findall(messages[msgid])) == sorted(PLACEHOLDER.findall(msgid))


# --- the caseload report --------------------------------------------------------------------------


CASELOAD_HEADINGS = {
    "en": ["Our caseload", "Disclosure control", "Decisions and rates"],
    "ru": ["Наши дела", "Защита от раскрытия данных", "Решения и показатели"],
    "ar": ["قضايانا", "ضبط الإفصاح", "القرارات والمعدلات"],
}


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The demo cases; the clients' names, which no report may show."""
    from django.core.management import call_command

    from asylon.web.cases.models import Client

    monkeypatch.setenv("ASYLON_EVIDENCE_DB", "/nonexistent/evidence.duckdb")
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    names = list(Client.objects.values_list("full_name", flat=True))
    assert names
    return names


@pytest.mark.django_db
def test_caseload_report_in_each_language(demo: list[str], tmp_path: Path) -> None:
    for lang in ("en", "ru", "ar"):
        html_out = tmp_path / f"caseload.{lang}.html"
        result = run("caseload", "--format", "html", "--lang", lang, "-o", str(html_out))
        assert result.exit_code == 0, result.output
        html = html_out.read_text(encoding="utf-8")
        assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in html
        assert '<td class="withheld">x</td>' in html  # demo counts are small: cells withheld
        if lang != "en":  # what x means is said in the report's language only
            assert "withheld, because" not in html
        for name in demo:
            assert name not in html
        pdf = tmp_path / f"caseload.{lang}.pdf"
        result = run("caseload", "--format", "pdf", "--lang", lang, "-o", str(pdf))
        assert result.exit_code == 0, result.output
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "30",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf),
                str(tmp_path / f"{lang}"),
            ],
            check=True,
        )
        first = next(tmp_path.glob(f"{lang}*.png"))
        assert ink(first) > 0.005
        text = normalise(pdftotext(pdf))
        for heading in CASELOAD_HEADINGS[lang]:
            assert normalise(heading) in text, f"{heading!r} missing from the {lang} caseload"
        for name in demo:
            assert normalise(name) not in text


@pytest.mark.django_db
def test_caseload_json_and_team(demo: list[str], tmp_path: Path) -> None:
    from asylon.web.demo.management.commands.load_demo import MOSCOW

    whole = json.loads(run("caseload", "--format", "json").stdout)
    assert whole["format"] == "asylon.caseload/1" and whole["scope"] == "organisation"
    team = json.loads(run("caseload", "--format", "json", "--team", MOSCOW).stdout)
    assert team["scope"] == "visible"
    grand = {t["key"]: t["grand_total"] for t in whole["tables"]}["procedure"]
    part = {t["key"]: t["grand_total"] for t in team["tables"]}["procedure"]
    if isinstance(grand, int) and isinstance(part, int):
        assert part <= grand
    for name in demo:
        assert name not in json.dumps(whole, ensure_ascii=False)
    out = tmp_path / "c.html"
    result = run("caseload", "--team", "No such team", "-o", str(out))
    assert result.exit_code == 2
    assert "error: --team: no team 'No such team'" in result.stderr
    assert not out.exists()
