"""Where templates are found, and the Jinja2 environment they are rendered in.

The shipped templates are in ``templates/html`` and ``templates/docx``; an organisation's
``template_dir`` with the same layout comes first, its language folder before its top level.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from asylon.documents.errors import DocumentError
from asylon.documents.i18n import Translator

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def search_path(fmt_dir: str, lang: str, template_dir: Path | None) -> list[Path]:
    """The folders searched for a template of ``fmt_dir`` ("html" or "docx"), first wins."""
    folders = []
    if template_dir is not None:
        folders += [template_dir / fmt_dir / lang, template_dir / fmt_dir]
    folders.append(TEMPLATES_DIR / fmt_dir)
    return folders


def find_template(name: str, fmt_dir: str, lang: str, template_dir: Path | None) -> Path:
    """The first file called ``name`` on the search path, or :class:`DocumentError`."""
    for folder in search_path(fmt_dir, lang, template_dir):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise DocumentError(f"no template {fmt_dir}/{name} (looked in {template_dir or 'the package'})")


def environment(loader: jinja2.BaseLoader | None, t: Translator) -> SandboxedEnvironment:
    """The environment of every template: sandboxed (an edited template cannot reach Python
    internals), autoescaped, strict about unknown names, with ``_``/``gettext`` and
    ``pgettext`` from the package's catalogue and the filters ``date`` and ``number``."""
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(_=t.gettext, gettext=t.gettext, pgettext=t.pgettext)
    env.filters.update(date=t.date, number=t.number)
    return env
