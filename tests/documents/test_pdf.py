"""Every document in every language to PDF: pages to PNG with pdftoppm, text with pdftotext;
the translated heading, the case id, the deadline and a country-evidence figure are there, and
Arabic is right to left."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from asylon.documents import DocumentContext, render
from asylon.documents.i18n import Translator
from tests.documents.cases import REFUSAL, assessed, normalise


@pytest.fixture(autouse=True, scope="module")
def poppler() -> None:
    """pdftoppm and pdftotext come with Debian's poppler-utils, which ``make install`` installs;
    without them the issue's acceptance cannot be checked, so the tests fail rather than skip."""
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.fail("poppler-utils (pdftoppm, pdftotext) not installed: run make install")


HEADINGS = {
    ("memo", "en"): ["Reasoned assessment memo", "Outcome", "Time limits", "The legal steps"],
    ("memo", "ru"): ["Мотивированное заключение по делу", "Результат", "Сроки"],
    ("memo", "ar"): ["مذكرة تقييم مسببة", "النتيجة", "المهل", "الخطوات القانونية"],
    ("appeal_brief", "en"): ["Appeal brief", "Appeal deadline", "4. Country evidence"],
    ("appeal_brief", "ru"): [
        "Проект жалобы на решение",
        "Срок обжалования",
        "2. Обстоятельства дела",
    ],
    ("appeal_brief", "ar"): ["مذكرة الطعن", "آخر موعد للطعن", "معلومات بلد المنشأ"],
    ("client_letter", "en"): ["About your case", "What we found", "What happens next"],
    ("client_letter", "ru"): ["О вашем деле", "К какому выводу мы пришли", "Что будет дальше"],
    ("client_letter", "ar"): ["بخصوص قضيتك", "ما توصلنا إليه", "ما الذي سيحدث بعد ذلك"],
}
DEADLINE = {"en": "17 February 2026", "ru": "17 февраля 2026 г.", "ar": "17 شباط 2026"}
FIGURE = {"en": "1,234", "ru": "1\u00a0234", "ar": "1,234"}
CASE_ID = "eu-rejected-return-permitted-appeal-deadline"


def _pdftotext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def _pngs(pdf: Path, out: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(out / "page")], check=True)
    return sorted(out.glob("page*.png"))


def _ink(png: Path) -> float:
    """The share of pixels that are not near-white."""
    with Image.open(png) as img:
        grey = img.convert("L")
        histogram = grey.histogram()
    return sum(histogram[:200]) / (grey.width * grey.height)


@pytest.mark.parametrize("lang", ["en", "ru", "ar"])
@pytest.mark.parametrize("kind", ["memo", "appeal_brief", "client_letter"])
def test_document_to_pdf_png_and_text(kind: str, lang: str, tmp_path: Path) -> None:
    case, det = assessed(REFUSAL)
    ctx = DocumentContext(organisation="Civic Aid", caseworker="Anna Example")
    pdf = tmp_path / f"{kind}.{lang}.pdf"
    pdf.write_bytes(render(kind, case, det, lang=lang, fmt="pdf", context=ctx))  # type: ignore[arg-type]
    assert pdf.read_bytes().startswith(b"%PDF-")

    pages = _pngs(pdf, tmp_path)
    assert pages, "pdftoppm made no page"
    for page in pages:
        with Image.open(page) as img:
            assert img.width > 300 and img.height > 400  # A4 at 50 dpi is 413 x 585
    assert _ink(pages[0]) > 0.01, "the first page is blank"

    text = normalise(_pdftotext(pdf))
    for heading in HEADINGS[kind, lang]:
        assert normalise(heading) in text, f"{heading!r} missing from the {lang} {kind}"
    assert normalise(DEADLINE[lang]) in text or (
        # pdftotext may move digits around neighbouring punctuation in right-to-left lines
        lang == "ar" and all(normalise(p) in text for p in ("17", "شباط", "2026"))
    )
    if kind != "client_letter":
        assert CASE_ID in text
        assert normalise(FIGURE[lang]) in text
        assert "UCDPGEDSyria" in text  # the source, named with its figures
    else:
        assert "NabilExample" in text  # the letter is addressed to the client


def test_arabic_pages_are_right_to_left() -> None:
    case, det = assessed(REFUSAL)
    for kind in ("memo", "appeal_brief", "client_letter"):
        html = render(kind, case, det, lang="ar", fmt="html").decode()  # type: ignore[arg-type]
        assert '<html lang="ar" dir="rtl">' in html
        # the engine's English stays left to right inside the Arabic page
        if kind != "client_letter":
            assert '<ul class="engine" lang="en" dir="ltr">' in html
    for lang in ("en", "ru"):
        html = render("memo", case, det, lang=lang, fmt="html").decode()
        assert f'<html lang="{lang}" dir="ltr">' in html


def test_arabic_text_runs_right_to_left_in_the_pdf(tmp_path: Path) -> None:
    """pdftotext's raw order of an Arabic line is logical (reading) order only when the line was
    laid out right to left: the title's words come out in the order they are written."""
    case, det = assessed(REFUSAL)
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(render("client_letter", case, det, lang="ar", fmt="pdf"))
    text = _pdftotext(pdf)
    plain = " ".join(normalise(line) for line in text.splitlines())
    assert "بخصوصقضيتك" in plain
    assert Translator("ar").gettext("About your case") == "بخصوص قضيتك"


def test_a_protected_case_has_its_status_and_renewal(tmp_path: Path) -> None:
    case, det = assessed("ru-refugee-procedure-yields-ta-appeal-2016.yaml")
    assert det["outcome"] == "TEMPORARY_ASYLUM"
    pdf = tmp_path / "memo.pdf"
    pdf.write_bytes(render("memo", case, det, lang="ru", fmt="pdf"))
    text = normalise(_pdftotext(pdf))
    assert normalise("Временное убежище") in text
    assert normalise("Продление") in text
    renewal = next(d for d in det["deadlines"] if d["kind"] == "renewal")
    assert normalise(Translator("ru").date(renewal["due"])) in text
