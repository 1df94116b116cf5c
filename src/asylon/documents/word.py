"""DOCX from a docxtpl template, with right-to-left paragraphs for Arabic.

docxtpl fills the Jinja2 tags of a Word template (``templates/docx/*.docx``) in the same
sandboxed, autoescaped environment as the HTML templates, so a value holding ``<`` or ``&``
cannot break the document's XML. For a right-to-left language every paragraph is then marked
``<w:bidi/>`` (and every table ``<w:bidiVisual/>``), except paragraphs in the "Engine Text"
style, which hold the engine's English reasons and stay left to right; runs holding Arabic
letters are marked ``<w:rtl/>``. An organisation's template needs no right-to-left variant.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxtpl import DocxTemplate  # type: ignore[import-untyped]
from jinja2 import TemplateError

from asylon.documents.errors import DocumentError
from asylon.documents.i18n import Translator
from asylon.documents.templating import environment

ENGINE_STYLE = "Engine Text"
_RTL_SCRIPT = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def _child(parent: Any, tag: str) -> Any:
    """The child ``tag`` of ``parent``, made as its first child if missing."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.insert(0, found)
    return found


# The children of w:pPr that the schema (CT_PPrBase) places after w:bidi.
_AFTER_BIDI = tuple(
    qn(f"w:{tag}")
    for tag in [
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    ]
)


_BEFORE_BIDI_VISUAL = (qn("w:tblStyle"), qn("w:tblpPr"), qn("w:tblOverlap"))


def _insert_in_order(p_pr: Any, bidi: Any) -> None:
    for child in p_pr:
        if child.tag in _AFTER_BIDI:
            child.addprevious(bidi)
            return
    p_pr.append(bidi)


def _style_ids(document: Any, name: str) -> set[str]:
    return {s.style_id for s in document.styles if s.name == name}


def set_right_to_left(document: Any) -> None:
    """Right-to-left paragraphs and tables, except the engine's English paragraphs."""
    engine = _style_ids(document, ENGINE_STYLE)
    parts = [document.element.body]
    for section in document.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                parts.append(part._element)
    for root in parts:
        for table in root.iter(qn("w:tbl")):
            tbl_pr = _child(table, "w:tblPr")
            if tbl_pr.find(qn("w:bidiVisual")) is None:
                # schema order (CT_TblPr): tblStyle, tblpPr, tblOverlap, bidiVisual, ...
                before = [c for c in tbl_pr if c.tag in _BEFORE_BIDI_VISUAL]
                visual = OxmlElement("w:bidiVisual")
                if before:
                    before[-1].addnext(visual)
                else:
                    tbl_pr.insert(0, visual)
        for p in root.iter(qn("w:p")):
            p_pr = p.get_or_add_pPr()
            style = p_pr.find(qn("w:pStyle"))
            bidi = p_pr.find(qn("w:bidi"))
            if bidi is None:
                bidi = OxmlElement("w:bidi")
                _insert_in_order(p_pr, bidi)
            if style is not None and style.get(qn("w:val")) in engine:
                bidi.set(qn("w:val"), "0")
                continue
            for run in p.iter(qn("w:r")):
                text = "".join(t.text or "" for t in run.iter(qn("w:t")))
                if _RTL_SCRIPT.search(text):
                    r_pr = run.get_or_add_rPr()
                    if r_pr.find(qn("w:rtl")) is None:
                        r_pr.append(OxmlElement("w:rtl"))


def render_docx(template: Path, values: dict[str, Any], t: Translator) -> bytes:
    """The DOCX of a document from a docxtpl template."""
    doc = DocxTemplate(str(template))
    try:
        doc.render({"doc": values}, jinja_env=environment(None, t), autoescape=True)
    except TemplateError as exc:
        raise DocumentError(f"the DOCX template {template.name} failed: {exc}") from exc
    if t.direction == "rtl":
        set_right_to_left(doc.docx)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
