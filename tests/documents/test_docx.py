"""DOCX documents: headings and text through python-docx; Arabic paragraphs right to left
(w:bidi) except the engine's English, which stays left to right."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from asylon.documents import DocumentContext, render
from tests.documents.cases import REFUSAL, assessed, normalise

TITLES = {
    ("memo", "en"): "Reasoned assessment memo",
    ("memo", "ru"): "Мотивированное заключение по делу",
    ("memo", "ar"): "مذكرة تقييم مسبَّبة",
    ("appeal_brief", "en"): "Appeal brief",
    ("appeal_brief", "ru"): "Проект жалобы на решение",
    ("appeal_brief", "ar"): "مذكرة الطعن",
    ("client_letter", "en"): "About your case",
    ("client_letter", "ru"): "О вашем деле",
    ("client_letter", "ar"): "بخصوص قضيتك",
}
FIRST_SECTION = {
    ("memo", "en"): "Outcome",
    ("memo", "ru"): "Результат",
    ("memo", "ar"): "النتيجة",
    ("appeal_brief", "en"): "1. The decision under appeal",
    ("appeal_brief", "ru"): "1. Обжалуемое решение",
    ("appeal_brief", "ar"): "1. القرار المطعون فيه",
    ("client_letter", "en"): "What we found",
    ("client_letter", "ru"): "К какому выводу мы пришли",
    ("client_letter", "ar"): "ما توصّلنا إليه",
}
DEADLINE = {"en": "17 February 2026", "ru": "17 февраля 2026 г.", "ar": "17 شباط 2026"}


def _open(kind: str, lang: str) -> Any:
    case, det = assessed(REFUSAL)
    ctx = DocumentContext(organisation="Civic Aid", caseworker="Anna Example")
    data = render(kind, case, det, lang=lang, fmt="docx", context=ctx)  # type: ignore[arg-type]
    assert data[:2] == b"PK"
    return Document(BytesIO(data))


def _text(doc: Any) -> str:
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def _bidi(paragraph: Any) -> bool | None:
    p_pr = paragraph._p.pPr
    node = None if p_pr is None else p_pr.find(qn("w:bidi"))
    if node is None:
        return None
    return node.get(qn("w:val")) not in ("0", "false", "off")


@pytest.mark.parametrize("lang", ["en", "ru", "ar"])
@pytest.mark.parametrize("kind", ["memo", "appeal_brief", "client_letter"])
def test_docx_headings_and_text(kind: str, lang: str) -> None:
    doc = _open(kind, lang)
    titles = [p.text for p in doc.paragraphs if p.style.name == "Title"]
    assert titles == [TITLES[kind, lang]]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == FIRST_SECTION[kind, lang]
    text = _text(doc)
    assert "eu-rejected-return-permitted-appeal-deadline" in text
    assert DEADLINE[lang] in text
    assert "{{" not in text and "{%" not in text
    if kind != "client_letter":
        figure = {"en": "1,234", "ru": "1\u00a0234", "ar": "1,234"}[lang]
        assert figure in text
        assert "UCDP GED Syria (test reading)" in text


@pytest.mark.parametrize("kind", ["memo", "appeal_brief", "client_letter"])
def test_arabic_docx_paragraphs_are_right_to_left(kind: str) -> None:
    doc = _open(kind, "ar")
    title = next(p for p in doc.paragraphs if p.style.name == "Title")
    assert _bidi(title) is True
    arabic_runs = [r for r in title.runs if r.text.strip()]
    assert arabic_runs and all(r._r.rPr.find(qn("w:rtl")) is not None for r in arabic_runs)
    for p in doc.paragraphs:
        if p.style.name == "Engine Text":
            assert _bidi(p) is False, p.text  # the engine's English stays left to right
        else:
            assert _bidi(p) is True, p.text
    for table in doc.tables:
        assert table._tbl.tblPr.find(qn("w:bidiVisual")) is not None
    if kind != "client_letter":
        engine = [p.text for p in doc.paragraphs if p.style.name == "Engine Text"]
        assert "2 weeks from written notice of the decision on 2026-02-03" in engine


def test_latin_and_cyrillic_docx_are_left_to_right() -> None:
    for lang in ("en", "ru"):
        doc = _open("appeal_brief", lang)
        assert all(_bidi(p) is None for p in doc.paragraphs)


def test_a_value_with_markup_cannot_break_the_docx() -> None:
    case, det = assessed(REFUSAL)
    case["applicant"]["name"]["full"] = 'Nabil <w:p/> & "Co" </w:t>'
    doc = Document(BytesIO(render("client_letter", case, det, lang="en", fmt="docx")))
    assert 'Dear Nabil <w:p/> & "Co" </w:t>,' in _text(doc)


def test_normalise_folds_what_the_tools_split() -> None:
    assert normalise("ما ّ\nتوصلنا") == normalise("ما توصّلنا")
