"""Templates an organisation can edit: its own folder overrides the shipped files, per language
or for all; values are escaped; the shipped DOCX files are what build_templates.py makes."""

from __future__ import annotations

import importlib.util
import shutil
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document

from asylon.documents import DocumentContext, DocumentError, render
from asylon.documents.templating import TEMPLATES_DIR
from tests.documents.cases import REFUSAL, assessed


def test_case_file_text_is_escaped_in_html() -> None:
    case, det = assessed(REFUSAL)
    case["applicant"]["name"]["full"] = "<script>alert(1)</script>"
    case["evidence"][0]["description"] = '<img src="http://evil.example/x">'
    ctx = DocumentContext(organisation="<b>Org</b>")
    for kind in ("memo", "appeal_brief", "client_letter"):
        html = render(kind, case, det, lang="en", fmt="html", context=ctx).decode()  # type: ignore[arg-type]
        assert "<script>" not in html and "<b>Org" not in html
        assert "&lt;script&gt;" in html
        assert '<img src="http://evil' not in html


def test_an_organisation_overrides_the_letterhead_for_every_language(tmp_path: Path) -> None:
    (tmp_path / "html").mkdir()
    base = (TEMPLATES_DIR / "html" / "base.html").read_text(encoding="utf-8")
    (tmp_path / "html" / "base.html").write_text(
        base.replace('<div class="letterhead">', '<div class="letterhead">Legal Aid Collective'),
        encoding="utf-8",
    )
    case, det = assessed(REFUSAL)
    for lang in ("en", "ar"):
        html = render("memo", case, det, lang=lang, fmt="html", template_dir=tmp_path).decode()
        assert "Legal Aid Collective" in html
        assert "<h1>" in html  # the shipped memo.html still extends the overridden base


def test_a_language_folder_wins_over_the_top_level(tmp_path: Path) -> None:
    for folder, marker in ((tmp_path / "html", "ALL"), (tmp_path / "html" / "ru", "RUSSIAN")):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "client_letter.html").write_text(
            '{% extends "base.html" %}{% block body %}<p>' + marker + " {{ doc.case.id }} "
            '{{ _("What we found") }}</p>{% endblock %}',
            encoding="utf-8",
        )
    case, det = assessed(REFUSAL)
    ru = render("client_letter", case, det, lang="ru", fmt="html", template_dir=tmp_path).decode()
    en = render("client_letter", case, det, lang="en", fmt="html", template_dir=tmp_path).decode()
    assert "RUSSIAN eu-rejected-return-permitted-appeal-deadline К какому выводу мы пришли" in ru
    assert "ALL eu-rejected-return-permitted-appeal-deadline What we found" in en


def test_an_organisation_docx_template_is_used(tmp_path: Path) -> None:
    (tmp_path / "docx").mkdir()
    shutil.copy(TEMPLATES_DIR / "docx" / "client_letter.docx", tmp_path / "docx" / "memo.docx")
    case, det = assessed(REFUSAL)
    data = render("memo", case, det, lang="en", fmt="docx", template_dir=tmp_path)
    doc = Document(BytesIO(data))
    assert any(p.text == "Dear Nabil Example," for p in doc.paragraphs)


def test_a_broken_template_is_a_document_error(tmp_path: Path) -> None:
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "memo.html").write_text("{{ doc.no_such_value }}", encoding="utf-8")
    (tmp_path / "html" / "appeal_brief.html").write_text("{% if %}", encoding="utf-8")
    (tmp_path / "html" / "client_letter.html").write_text(
        "{{ doc.__class__.__mro__ }}", encoding="utf-8"
    )
    case, det = assessed(REFUSAL)
    with pytest.raises(DocumentError, match=r"memo: the HTML template failed.*no_such_value"):
        render("memo", case, det, lang="en", fmt="pdf", template_dir=tmp_path)
    with pytest.raises(DocumentError, match="appeal_brief: the HTML template failed"):
        render("appeal_brief", case, det, lang="en", fmt="html", template_dir=tmp_path)
    # the sandbox keeps an edited template away from Python internals
    with pytest.raises(DocumentError, match="client_letter: the HTML template failed"):
        render("client_letter", case, det, lang="en", fmt="html", template_dir=tmp_path)


def test_the_shipped_docx_templates_are_what_the_build_script_makes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_templates", TEMPLATES_DIR / "build_templates.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.main(tmp_path)
    assert {p.name for p in built} == {"memo.docx", "appeal_brief.docx", "client_letter.docx"}
    for path in built:
        fresh, shipped = Document(str(path)), Document(str(TEMPLATES_DIR / "docx" / path.name))
        assert [(p.style.name, p.text) for p in fresh.paragraphs] == [
            (p.style.name, p.text) for p in shipped.paragraphs
        ], f"rebuild {path.name}: python src/asylon/documents/templates/build_templates.py"
