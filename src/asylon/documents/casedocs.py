"""Case documents: a reasoned assessment memo, an appeal brief for a refusal and a letter to
the client, rendered from a stored case file and its determination as HTML, PDF or DOCX in
English, Russian or Arabic.

Templates an organisation can edit
----------------------------------
The shipped templates live in ``asylon/documents/templates/``: ``html/*.html`` (Jinja2, the
source of HTML and PDF, with ``documents.css``) and ``docx/*.docx`` (docxtpl: Word documents
with Jinja2 tags, made by ``templates/build_templates.py``). To override any of them, pass
``template_dir``: a folder with the same layout, where a file is looked up first under a
language folder, then directly, then among the shipped ones::

    my-templates/html/base.html        # our letterhead, every language
    my-templates/html/ar/client_letter.html
    my-templates/docx/appeal_brief.docx

Fixed text is written in English inside ``_("...")`` (or ``pgettext("context", "...")``) and
translated through the package's catalogue (``locale/<lang>/LC_MESSAGES/asylon-documents.po``);
an organisation may also write its own wording directly into a language's template. Templates
see the values built by :func:`asylon.documents.view.build`; see the shipped ones for the names.

The engine never decides alone: every memo and brief says it is a draft for a person to check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, get_args

import jinja2

from asylon.documents import vocabulary as V
from asylon.documents.errors import DocumentError
from asylon.documents.i18n import LANGUAGES, N_, Translator, translations
from asylon.documents.templating import environment, find_template, search_path
from asylon.documents.view import DocumentContext, build

Kind = Literal["memo", "appeal_brief", "client_letter"]
Format = Literal["pdf", "docx", "html"]
KINDS: tuple[str, ...] = get_args(Kind)
FORMATS: tuple[str, ...] = get_args(Format)
DETERMINATION_FORMAT = "asylon.determination/1"

TITLES = {
    "memo": N_("Reasoned assessment memo"),
    "appeal_brief": N_("Appeal brief"),
    "client_letter": N_("About your case"),
}


def is_refusal(outcome: str) -> bool:
    """Whether an appeal brief can be drafted against this outcome."""
    return outcome in V.REFUSALS


def _check(kind: str, case_file: Any, determination: Any, lang: str, fmt: str) -> None:
    if kind not in KINDS:
        raise DocumentError(f"unknown document {kind!r}: expected one of {', '.join(KINDS)}")
    if lang not in LANGUAGES:
        raise DocumentError(
            f"{kind}: unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}"
        )
    if fmt not in FORMATS:
        raise DocumentError(f"{kind}: unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if not isinstance(case_file, dict):
        raise DocumentError(f"{kind}: the case file must be a mapping (asylon.case/1)")
    if not isinstance(determination, dict):
        raise DocumentError(f"{kind}: the determination must be a mapping ({DETERMINATION_FORMAT})")
    got = determination.get("format")
    if got != DETERMINATION_FORMAT:
        raise DocumentError(
            f"{kind}: the determination's format is {got!r}, not {DETERMINATION_FORMAT!r}"
        )
    for key in ("case_id", "outcome", "steps", "deadlines"):
        if key not in determination:
            raise DocumentError(f"{kind}: the determination has no {key!r}")
    case_id, det_id = case_file.get("id"), determination.get("case_id")
    if case_id is not None and case_id != det_id:
        raise DocumentError(
            f"{kind}: the determination is for case {det_id!r}, the case file is {case_id!r}"
        )
    outcome = determination["outcome"]
    if kind == "appeal_brief" and not is_refusal(outcome):
        allowed = ", ".join(sorted(V.REFUSALS))
        raise DocumentError(
            f"appeal_brief: the determination's outcome is {outcome!r}, not a refusal "
            f"(an appeal brief is drafted for {allowed})"
        )


def document_values(
    kind: str,
    case_file: dict[str, Any],
    determination: dict[str, Any],
    *,
    lang: str,
    context: DocumentContext | None = None,
) -> dict[str, Any]:
    """The values a template of ``kind`` sees (checked as :func:`render` checks them)."""
    _check(kind, case_file, determination, lang, "html")
    try:
        translations(lang)
    except LookupError as exc:
        raise DocumentError(f"{kind}: {exc}") from exc
    t = Translator(lang)
    return build(
        kind, t.gettext(TITLES[kind]), case_file, determination, t, context or DocumentContext()
    )


def render_html(
    kind: str, values: dict[str, Any], lang: str, template_dir: Path | None = None
) -> str:
    folders = search_path("html", lang, template_dir)
    env = environment(jinja2.FileSystemLoader([str(f) for f in folders]), Translator(lang))
    try:
        return env.get_template(f"{kind}.html").render(doc=values)
    except jinja2.TemplateNotFound as exc:
        raise DocumentError(f"{kind}: no template html/{exc.name}") from exc
    except jinja2.TemplateError as exc:
        raise DocumentError(f"{kind}: the HTML template failed: {exc}") from exc


def render(
    kind: Kind,
    case_file: dict[str, Any],
    determination: dict[str, Any],
    *,
    lang: str,
    fmt: Format,
    context: DocumentContext | None = None,
    template_dir: Path | None = None,
) -> bytes:
    """One document as bytes: HTML (UTF-8), PDF or DOCX.

    ``case_file`` and ``determination`` are the stored JSON of an assessment (asylon.case/1 and
    asylon.determination/1). Raises :class:`DocumentError` for an unknown kind, language or
    format, a determination of another case or format, an appeal brief for an outcome that is
    not a refusal, or a template that is missing or fails.
    """
    _check(kind, case_file, determination, lang, fmt)
    values = document_values(kind, case_file, determination, lang=lang, context=context)
    if fmt == "docx":
        from asylon.documents.word import render_docx

        return render_docx(
            find_template(f"{kind}.docx", "docx", lang, template_dir), values, Translator(lang)
        )
    html = render_html(kind, values, lang, template_dir)
    if fmt == "html":
        return html.encode("utf-8")
    from asylon.documents.pdf import render_pdf

    return render_pdf(html, search_path("html", lang, template_dir))
