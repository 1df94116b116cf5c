"""Reports to HTML and PDF, with the case documents' translator, sandbox and PDF guard.

A report is a template in ``reports/templates`` (or an organisation's ``template_dir/reports``,
searched first, its language folder before its top level) rendered with the values its
builder made: figures already formatted for the language, so the template only lays them out.
The PDF goes through :func:`asylon.documents.pdf.render_pdf`, whose URL fetcher refuses
everything but ``data:`` URIs (the charts) and the template folders' own files.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any, Literal

import jinja2

from asylon.documents.errors import DocumentError
from asylon.documents.i18n import LANGUAGES, Translator, translations
from asylon.documents.templating import environment

Format = Literal["html", "pdf"]
REPORT_TEMPLATES = Path(__file__).resolve().parent / "templates"
NO_FIGURE = "\u2014"  # an em dash: UNHCR publishes no figure


def translator(lang: str) -> Translator:
    """The documents' translator for ``lang``, or :class:`DocumentError`."""
    if lang not in LANGUAGES:
        raise DocumentError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    try:
        translations(lang)
    except LookupError as exc:
        raise DocumentError(str(exc)) from exc
    return Translator(lang)


def percent(t: Translator, value: float | None) -> str:
    """A share as a percentage with one decimal in the language's notation (``54.3 %``)."""
    if value is None:
        return NO_FIGURE
    return f"{t.number(round(value * 100, 1))}\u00a0%"


def figure(t: Translator, value: int | None) -> str:
    return NO_FIGURE if value is None else t.number(value)


def png_uri(data: bytes) -> str:
    """A chart embedded in the document (the PDF renderer fetches nothing else)."""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def search_path(lang: str, template_dir: Path | None) -> list[Path]:
    folders = []
    if template_dir is not None:
        folders += [template_dir / "reports" / lang, template_dir / "reports"]
    folders.append(REPORT_TEMPLATES)
    return folders


def render_html(
    name: str, values: dict[str, Any], t: Translator, template_dir: Path | None = None
) -> str:
    folders = search_path(t.lang, template_dir)
    env = environment(jinja2.FileSystemLoader([str(f) for f in folders]), t)
    try:
        return env.get_template(f"{name}.html").render(doc=values)
    except jinja2.TemplateNotFound as exc:
        raise DocumentError(f"{name}: no report template {exc.name}") from exc
    except jinja2.TemplateError as exc:
        raise DocumentError(f"{name}: the report template failed: {exc}") from exc


def render(
    name: str,
    values: dict[str, Any],
    t: Translator,
    fmt: Format,
    template_dir: Path | None = None,
) -> bytes:
    """A report as HTML (UTF-8) or PDF bytes."""
    if fmt not in ("html", "pdf"):
        raise DocumentError(f"unknown report format {fmt!r}: expected html or pdf")
    html = render_html(name, values, t, template_dir)
    if fmt == "html":
        return html.encode("utf-8")
    from asylon.documents.pdf import render_pdf

    return render_pdf(html, search_path(t.lang, template_dir))
