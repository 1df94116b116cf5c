"""Every message the documents show, for checking and extending the catalogues.

``python -m asylon.documents.catalogue`` prints a gettext template (.pot) of them: the messages
of the vocabulary (``vocabulary.py``), the engine's English (step questions, outcome texts,
instrument titles), the labels of ``view.py`` and the ``_("...")`` calls of the shipped HTML and
DOCX templates. ``tests/documents/test_catalogue.py`` checks that the Russian and Arabic
catalogues translate all of them, and that each compiled .mo matches its .po.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docx import Document

from asylon.documents import vocabulary as V
from asylon.documents.i18n import MONTHS
from asylon.documents.templating import TEMPLATES_DIR
from asylon.law.citations import INSTRUMENTS
from asylon.law.determination import QUESTIONS
from asylon.law.explain import OUTCOME_TEXT

Message = tuple[str | None, str]  # (context, msgid)

_CALL = re.compile(r"""(?:\b_|\bgettext)\(\s*"((?:[^"\\]|\\.)*)\"""")
_TITLES = re.compile(r"""\bN_\(\s*"((?:[^"\\]|\\.)*)\"""")


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\'", "'").replace("\\\\", "\\")


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def template_messages() -> set[str]:
    """The ``_("...")`` messages of the shipped HTML and DOCX templates."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((TEMPLATES_DIR / "html").glob("*.html"))]
    texts += [_docx_text(p) for p in sorted((TEMPLATES_DIR / "docx").glob("*.docx"))]
    return {_unescape(m) for text in texts for m in _CALL.findall(text)}


def code_messages() -> set[str]:
    """The messages of the package's Python code (labels and ``N_`` marks)."""
    here = Path(__file__).resolve().parent
    found: set[str] = set()
    view = (here / "view.py").read_text(encoding="utf-8")
    found |= {_unescape(m) for m in _CALL.findall(view)}
    titles = (here / "casedocs.py").read_text(encoding="utf-8")
    found |= {_unescape(m) for m in _TITLES.findall(titles)}
    return found


def expected_messages() -> set[Message]:
    plain: set[str] = set()
    for table in (
        V.OUTCOME_TITLES,
        V.CLIENT_OUTCOME,
        V.ANSWERS,
        V.FLAG_TITLES,
        V.BAR_TITLES,
        V.SIDE_OUTPUT_TITLES,
        V.PROFILES,
        V.DEADLINE_KINDS,
        V.DEADLINE_ACTIONS,
        V.PROCEDURES,
        V.HARMS,
        V.GROUNDS,
        V.ACTORS,
        V.LEVELS,
        V.VIOLENCE_LEVELS,
        V.SEXES,
        V.INDICATORS,
        V.FIELDS_FOR_CLIENT,
        QUESTIONS,
        OUTCOME_TEXT,
        INSTRUMENTS,
    ):
        plain |= set(table.values())
    plain |= {V.DEADLINE_ACTION_OTHER, V.FIELD_FOR_CLIENT_OTHER}
    plain |= template_messages() | code_messages()
    messages: set[Message] = {(None, m) for m in plain}
    messages |= {("date", m) for m in MONTHS}
    messages.add(("date format", "%(day)s %(month)s %(year)s"))
    return messages


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def pot() -> str:
    """A gettext template of every expected message."""
    out = [
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        "",
    ]
    for context, msgid in sorted(expected_messages(), key=lambda m: (m[0] or "", m[1])):
        if "%(" in msgid:
            out.append("#, python-format")
        if context is not None:
            out.append(f"msgctxt {_quote(context)}")
        out += [f"msgid {_quote(msgid)}", 'msgstr ""', ""]
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(pot())
