"""Every message the reports show, for checking the catalogues.

The reports share the case documents' catalogue (domain ``asylon-documents``). Their
messages are the ``_(...)``/``gettext(...)`` calls of the report templates, the
``gettext``/``N_`` calls of this package's code and the definitions printed in the methods
section (:data:`asylon.stats.definitions.DEFINITIONS`). ``tests/documents/test_reports.py``
checks that Russian and Arabic translate all of them. The caseload tables' own titles and
labels are the web application's (``asylon/web/locale``), not listed here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import jinja2
from jinja2.ext import extract_from_ast

from asylon.documents.reports.rendering import REPORT_TEMPLATES
from asylon.stats.definitions import DEFINITIONS

HERE = Path(__file__).resolve().parent
_FUNCTIONS = {"_", "gettext", "N_"}


def template_messages() -> set[str]:
    env = jinja2.Environment()
    found: set[str] = set()
    for path in sorted(REPORT_TEMPLATES.glob("*.html")):
        tree = env.parse(path.read_text(encoding="utf-8"))
        for _line, _func, message in extract_from_ast(tree, gettext_functions=("_", "gettext")):
            first = message[0] if isinstance(message, tuple) else message
            if isinstance(first, str):  # keyword arguments make a tuple (message, None, ...)
                found.add(first)
    return found


def code_messages() -> set[str]:
    found: set[str] = set()
    for path in sorted(HERE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if (
                name in _FUNCTIONS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                found.add(first.value)
    return found


def report_messages() -> set[str]:
    definitions = {d.label for d in DEFINITIONS} | {d.text for d in DEFINITIONS}
    return template_messages() | code_messages() | definitions
