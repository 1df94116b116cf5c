"""The Russian and Arabic catalogues are complete and the pages speak them.

1. Every step, outcome, flag, bar and side output of the legal core has display text in
   ``asylon.web.lawtext`` (so the catalogues grow with the law), in the core's own English.
2. Both .po files are complete: every message translated in every plural form, nothing fuzzy,
   every placeholder, HTML tag and entity kept; the Plural-Forms header is right; the compiled
   .mo files exist and are not older than their .po files (``make translations``).
3. Key pages render in Arabic (``dir="rtl"``) and Russian with none of their English UI text.
4. The lawtext functions and template filters answer in the active language.

After new strings appear: ``make messages``, translate the empty and fuzzy entries of
src/asylon/web/locale/{ru,ar}/LC_MESSAGES/django.po, then ``make translations``.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
import tokenize
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client as Browser
from django.utils import translation
from django.utils.translation.template import templatize

from asylon.law.determination import (
    BAR_CODES,
    FLAG_CODES,
    OUTCOMES,
    QUESTIONS,
    SIDE_OUTPUTS,
    Answer,
)
from asylon.law.explain import OUTCOME_TEXT, PROFILE_TEXT
from asylon.web import lawtext
from asylon.web.accounts.models import User
from asylon.web.cases.models import Case

WEB = Path(lawtext.__file__).resolve().parent
LOCALE = WEB / "locale"
NPLURALS = {"ru": 3, "ar": 6}
SCRIPT = {"ru": re.compile("[\u0400-\u04ff]"), "ar": re.compile("[\u0600-\u06ff]")}

# --- 1. the law's vocabulary has display text ------------------------------------------------


def test_every_code_of_the_core_has_display_text() -> None:
    assert set(lawtext.QUESTIONS) == set(QUESTIONS)
    assert set(lawtext.OUTCOME_TEXT) == set(OUTCOME_TEXT) == set(OUTCOMES)
    assert set(lawtext.OUTCOME_TITLE) == set(OUTCOMES)
    assert set(lawtext.FLAG_TITLES) == {*FLAG_CODES, "MANDATORY_REMOVAL"}  # + the timeline's
    assert set(lawtext.BAR_TITLES) == set(BAR_CODES)
    assert set(lawtext.SIDE_OUTPUT_TITLES) == set(SIDE_OUTPUTS)
    assert set(lawtext.ANSWERS) == {a.value for a in Answer}
    assert set(lawtext.PROFILE_NAMES) == set(PROFILE_TEXT)


def test_the_english_is_the_cores_word_for_word() -> None:
    with translation.override("en"):
        assert {k: str(v) for k, v in lawtext.QUESTIONS.items()} == QUESTIONS
        assert {k: str(v) for k, v in lawtext.OUTCOME_TEXT.items()} == OUTCOME_TEXT
        assert {k: str(v) for k, v in lawtext.PROFILE_NAMES.items()} == PROFILE_TEXT


def test_unknown_keys_fall_back_to_the_core_or_the_code() -> None:
    with translation.override("ar"):
        assert lawtext.question("no.such.step") == "no.such.step"
        assert lawtext.outcome_text("NO_SUCH_OUTCOME") == "NO_SUCH_OUTCOME"
        assert lawtext.flag_title("NEW_FLAG") == "NEW_FLAG"
        assert lawtext.bar_title(None) == ""
        assert lawtext.answer_label("maybe") == "maybe"
        assert lawtext.profile_name("xx:yy") == "xx (YY)"


# --- 2. the catalogues are complete -----------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def label(self) -> str:
        return (f"[{self.msgctxt}] " if self.msgctxt else "") + repr(self.msgid)


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (header first), in order."""
    entries: list[Entry] = []
    current: Entry | None = None
    key = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current is not None:
                entries.append(current)
            current, key = None, ""
            continue
        current = current or Entry()
        if line.startswith("#~"):
            current.obsolete = True
        elif line.startswith("#,"):
            current.flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := re.match(
            r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line
        ):
            key = match[1] if match[2] is None else f"msgstr[{match[2]}]"
            _append(current, key, "", reset=True)
            _append(current, key, ast.literal_eval(match[3]))
        elif line.startswith('"') and key:
            _append(current, key, ast.literal_eval(line))
        else:
            raise AssertionError(f"{path}: cannot read {line!r}")
    return entries


def _append(entry: Entry, key: str, text: str, reset: bool = False) -> None:
    if key.startswith("msgstr"):
        n = int(key[7:-1]) if "[" in key else 0
        entry.msgstr[n] = "" if reset else entry.msgstr.get(n, "") + text
    else:
        attr = key
        setattr(entry, attr, "" if reset else (getattr(entry, attr) or "") + text)


def _header(entries: list[Entry]) -> dict[str, str]:
    assert entries and entries[0].msgid == "", "the catalogue has no header"
    lines = entries[0].msgstr.get(0, "").splitlines()
    return dict(line.split(": ", 1) for line in lines if ": " in line)


PYTHON_FORMAT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")
BRACE_FORMAT = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")
HTML_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|br|code|em|i|kbd|p|small|span|strong|sub|sup|time)\b[^>]*>"
)
ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")


def _placeholders(text: str, entry: Entry) -> list[str]:
    found = []
    if "python-format" in entry.flags:
        found += sorted(m[0] for m in PYTHON_FORMAT.finditer(text) if m[0] != "%%")
    if "python-brace-format" in entry.flags:
        found += sorted(m[0] for m in BRACE_FORMAT.finditer(text))
    return found


@pytest.fixture(scope="module", params=sorted(NPLURALS))
def catalogue(request: pytest.FixtureRequest) -> tuple[str, Path, list[Entry]]:
    lang = request.param
    path = LOCALE / lang / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: make messages"
    return lang, path, parse_po(path)


def test_header_names_the_language_and_its_plural_forms(
    catalogue: tuple[str, Path, list[Entry]],
) -> None:
    lang, _path, entries = catalogue
    header = _header(entries)
    assert "fuzzy" not in entries[0].flags, "a fuzzy header is ignored by msgfmt"
    assert header.get("Language") == lang
    assert header.get("Content-Type") == "text/plain; charset=UTF-8"
    assert f"nplurals={NPLURALS[lang]};" in header.get("Plural-Forms", "")


def test_every_message_is_translated_and_none_is_fuzzy(
    catalogue: tuple[str, Path, list[Entry]],
) -> None:
    lang, path, entries = catalogue
    messages = [e for e in entries[1:] if not e.obsolete]
    assert len(messages) > 300, "the catalogue looks truncated: make messages"
    fuzzy = [e.label for e in messages if "fuzzy" in e.flags]
    forms = NPLURALS[lang]
    empty = [
        e.label
        for e in messages
        if any(not e.msgstr.get(i) for i in range(forms if e.msgid_plural else 1))
    ]
    extra = [e.label for e in messages if e.msgid_plural and len(e.msgstr) != forms]
    hint = f"translate them in {path}, then make translations"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {lang}: {fuzzy[:20]}; {hint}"
    assert not empty, f"{len(empty)} untranslated in {lang}: {empty[:20]}; {hint}"
    assert not extra, f"wrong number of plural forms in {lang}: {extra}"


def test_placeholders_tags_and_entities_are_kept(
    catalogue: tuple[str, Path, list[Entry]],
) -> None:
    lang, _path, entries = catalogue
    bad = []
    for e in entries[1:]:
        if e.obsolete:
            continue
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural else [])
        wanted = _placeholders(e.msgid_plural or e.msgid, e)
        if "fuzzy" in e.flags:
            continue  # reported as fuzzy
        for n, text in e.msgstr.items():
            if not text:
                continue  # reported as untranslated
            # a singular-only form may drop the count, but never invent a placeholder
            got = _placeholders(text, e)
            if got != wanted and not (e.msgid_plural and set(got) <= set(wanted)):
                bad.append((e.label, n, "placeholders", wanted, got))
            for pattern, what in ((HTML_TAG, "tags"), (ENTITY, "entities")):
                want = sorted(pattern.findall(sources[-1]))
                if sorted(pattern.findall(text)) != want:
                    bad.append((e.label, n, what, want, sorted(pattern.findall(text))))
    assert not bad, f"{lang}: {bad[:10]}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_msgfmt_check_passes(catalogue: tuple[str, Path, list[Entry]]) -> None:
    _lang, path, _entries = catalogue
    run = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr


# The gettext functions whose string arguments makemessages extracts, with the position of the
# context (None: no context) and of the message.
GETTEXT = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}


def _key(name: str, args: list[Any]) -> tuple[str | None, str] | None:
    ctx, msg = GETTEXT[name]
    if len(args) <= msg or not all(isinstance(a, str) for a in args[: msg + 1]):
        return None
    return (args[ctx] if ctx is not None else None, args[msg])


def _python_messages(path: Path) -> set[tuple[str | None, str]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in GETTEXT:
                args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
                if (key := _key(name, args)) is not None:
                    found.add(key)
    return found


def _template_messages(path: Path) -> set[tuple[str | None, str]]:
    """What makemessages extracts from a template: Django's own ``templatize`` turns it into
    gettext calls; their literal arguments are read with Python's tokenizer."""
    found = set()
    for line in templatize(path.read_text(encoding="utf-8")).splitlines():
        for match in re.finditer(r"\b(n?p?gettext)\(", line):
            args: list[Any] = []
            tokens = tokenize.generate_tokens(StringIO(line[match.end() :]).readline)
            for token in tokens:
                if token.type == tokenize.STRING:
                    args.append(ast.literal_eval(token.string))
                elif token.string == ",":
                    continue
                elif token.type == tokenize.NAME:
                    args.append(None)
                else:
                    break
            if (key := _key(match[1], args)) is not None:
                found.add(key)
    return found


def test_the_catalogues_hold_every_string_of_the_code(
    catalogue: tuple[str, Path, list[Entry]],
) -> None:
    """A string added to a template or module since the last ``make messages`` is missing."""
    _lang, path, entries = catalogue
    code: set[tuple[str | None, str]] = set()
    for py in WEB.rglob("*.py"):
        if "migrations" not in py.parts:
            code |= _python_messages(py)
    for html in (WEB / "templates").rglob("*.html"):
        code |= _template_messages(html)
    held = {(e.msgctxt, e.msgid) for e in entries[1:] if not e.obsolete}
    missing = sorted(code - held, key=str)
    assert not missing, (
        f"{len(missing)} strings of the code are not in {path}: {missing[:20]}; run "
        "make messages, translate the new entries, then make translations"
    )


def test_compiled_catalogues_exist_and_are_current(
    catalogue: tuple[str, Path, list[Entry]],
) -> None:
    lang, path, _entries = catalogue
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: make translations"
    assert mo.stat().st_mtime >= path.stat().st_mtime, (
        f"{mo} is older than its .po: make translations"
    )
    with mo.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    assert SCRIPT[lang].search(compiled.gettext("Log in"))
    plural = compiled.plural  # type: ignore[attr-defined]
    forms = {"ru": {1: 0, 21: 0, 2: 1, 24: 1, 5: 2, 11: 2, 12: 2, 0: 2}}.get(
        lang, {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5, 111: 4}
    )
    assert {n: plural(n) for n in forms} == forms


# --- 3. the pages speak Arabic and Russian ------------------------------------------------------


VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}
)


class VisibleText(HTMLParser):
    """The text a reader sees: no script or style, no element marked ``lang="en"`` (the
    engine's English reasons are shown as such, on purpose)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        skipped = tag in ("script", "style") or dict(attrs).get("lang") == "en"
        nested = bool(self.skip) and tag == self.skip[-1]
        if (skipped or nested) and tag not in VOID:
            self.skip.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip and tag == self.skip[-1]:
            self.skip.pop()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return re.sub(r"\s+", " ", " ".join(parser.parts))


COMMON = ["Log out", "Change language"]
PAGES: dict[str, list[str]] = {
    "dashboard": [
        "Your cases",
        "New client and case",
        "Open a case from a case file",
        "Alerts",
        "Clients in detention",
        "Subscribe to your deadlines",
        "Keep this address private",
        "in detention at",
        "Case file (asylon.case/1",
        "Caseworker",
    ],
    "new case": [
        "Back to your cases",
        "Full name",
        "Other names and spellings",
        "Date of birth",
        "Nationalities",
        "Stateless",
        "Home country",
        "Home area",
        "Jurisdiction",
        "Open the case",
        "not decided (unknown)",
        "not known",
        "As the person gives it",
        "Whose law decides the case",
    ],
    "timeline": [
        "Back to the case",
        "Deadlines",
        "Add an event",
        "Events",
        "Kind of event",
        "appeal time limit",
        "maximum detention",
        "detention started",
        "application lodged",
        "entered by",
        "from written notice of the decision",
        "public holidays are not taken into account",
        "written notice received on",
    ],
    "findings": [
        "Back to the case",
        "Save findings",
        "Is the account credible?",
        "Risk of persecution on return",
        "Internal protection (moving elsewhere",
        "Risk of serious harm on return",
        "reasonable likelihood",
        "not decided (unknown)",
        "findings of fact",
    ],
    "login": ["Log in", "Username", "Password"],
}

VALID = {
    "full_name": "Salekh Example",
    "aliases": "صالح, Salih",
    "born": "1980-05-01",
    "sex": "male",
    "nationalities": "SY",
    "stateless": "no",
    "home_country": "SY",
    "home_place": "Aleppo",
    "jurisdiction": "ru",
    "procedure_kind": "refugee_status",
}


def _browse(u: User) -> Browser:
    b = Browser()
    b.force_login(u)
    return b


@pytest.fixture
def case_world(people: dict[str, User]) -> dict[str, Any]:
    """A caseworker's case with events that give deadlines and a dashboard alert."""
    from datetime import date, timedelta

    from asylon.web.timeline import services

    b = _browse(people["a"])
    assert b.post("/en/cases/new/", VALID).status_code == 302
    case = Case.objects.get()
    today = date.today()
    for kind, on, details in (
        ("application_lodged", today - timedelta(days=40), {"procedure": "refugee_status"}),
        (
            "decision",
            today - timedelta(days=10),
            {"outcome": "refused", "notified_on": (today - timedelta(days=5)).isoformat()},
        ),
        (
            "detention_started",
            today - timedelta(days=3),
            {"place": "SUVSIG Sakharovo", "basis": "pending_removal"},
        ),
    ):
        services.add_event(case, people["a"], kind, on, details)
    return {"browser": b, "case": case, "user": people["a"]}


def _pages(case: Case) -> dict[str, str]:
    return {
        "dashboard": "/{}/",
        "new case": "/{}/cases/new/",
        "timeline": f"/{{}}/timeline/case/{case.pk}/",
        "findings": f"/{{}}/cases/{case.pk}/findings/",
    }


def _check_page(html: str, lang: str, page: str) -> None:
    opening = re.search(r"<html[^>]*>", html)
    assert opening, f"{page}: no <html> element"
    assert f'lang="{lang}"' in opening[0]
    assert f'dir="{"rtl" if lang == "ar" else "ltr"}"' in opening[0], f"{page}: {opening[0]}"
    text = VisibleText.of(html)
    assert len(SCRIPT[lang].findall(text)) > 20, f"{page} in {lang} shows little {lang} text"
    english = [s for s in [*COMMON, *PAGES[page]] if s in text]
    assert not english, f"{page} in {lang} still shows English: {english}"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", sorted(NPLURALS))
def test_key_pages_speak_the_language(case_world: dict[str, Any], lang: str) -> None:
    b = case_world["browser"]
    for page, url in _pages(case_world["case"]).items():
        response = b.get(url.format(lang))
        assert response.status_code == 200, (page, response.status_code)
        _check_page(response.content.decode(), lang, page)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", sorted(NPLURALS))
def test_the_login_page_speaks_the_language(lang: str) -> None:
    response = Browser().get(f"/{lang}/accounts/login/")
    assert response.status_code == 200
    _check_page(response.content.decode(), lang, "login")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", sorted(NPLURALS))
def test_the_assessment_shows_the_laws_questions_translated(
    case_world: dict[str, Any], lang: str
) -> None:
    b, case = case_world["browser"], case_world["case"]
    assert b.post(f"/{lang}/cases/{case.pk}/assess/", {"as_of": "2016-12-06"}).status_code == 302
    text = VisibleText.of(b.get(f"/{lang}/cases/{case.pk}/").content.decode())
    with translation.override(lang):
        translated = [q for q in map(lawtext.question, QUESTIONS) if q in text]
    assert translated, f"no step question in {lang} on the case page"
    english = [q for q in QUESTIONS.values() if q in text]
    assert not english, f"English step questions on the {lang} case page: {english}"


# --- 4. lawtext in the active language ---------------------------------------------------------


@pytest.mark.parametrize("lang", sorted(NPLURALS))
def test_lawtext_answers_in_the_active_language(lang: str) -> None:
    tables = {
        "question": (lawtext.question, QUESTIONS),
        "outcome_text": (lawtext.outcome_text, OUTCOMES),
        "outcome_title": (lawtext.outcome_title, OUTCOMES),
        "answer_label": (lawtext.answer_label, [a.value for a in Answer]),
        "flag_title": (lawtext.flag_title, FLAG_CODES),
        "bar_title": (lawtext.bar_title, BAR_CODES),
        "side_output_title": (lawtext.side_output_title, SIDE_OUTPUTS),
        "profile_name": (lawtext.profile_name, PROFILE_TEXT),
    }
    untranslated = []
    for name, (function, keys) in tables.items():
        for key in keys:
            with translation.override("en"):
                english = function(key)
            with translation.override(lang):
                text = function(key)
            if text == english or not SCRIPT[lang].search(text):
                untranslated.append((name, key, text))
    assert not untranslated, untranslated
    with translation.override(lang):
        assert lawtext.profile_name("eu:de").endswith(" (DE)")


@pytest.mark.parametrize("lang", sorted(NPLURALS))
def test_template_filters(lang: str) -> None:
    template = Template(
        "{% load lawtext %}{{ s|question }}|{{ a|answer_label }}|{{ o|outcome_title }}|"
        "{{ o|outcome_text }}|{{ f|flag_title }}|{{ b|bar_title }}|{{ j|profile_name }}"
    )
    context = {
        "s": "inclusion.well_founded_fear",
        "a": "unknown",
        "o": "TEMPORARY_ASYLUM",
        "f": "LAW_UNCERTAIN",
        "b": "CAT_3",
        "j": "ru",
    }
    with translation.override(lang):
        parts = template.render(Context(context)).split("|")
        assert parts == [
            lawtext.question("inclusion.well_founded_fear"),
            lawtext.answer_label("unknown"),
            lawtext.outcome_title("TEMPORARY_ASYLUM"),
            lawtext.outcome_text("TEMPORARY_ASYLUM"),
            lawtext.flag_title("LAW_UNCERTAIN"),
            lawtext.bar_title("CAT_3"),
            lawtext.profile_name("ru"),
        ]
        assert all(SCRIPT[lang].search(p) for p in parts), parts
    with translation.override("ru"):
        assert lawtext.question("inclusion.well_founded_fear") == (
            "Являются ли опасения стать жертвой преследования вполне обоснованными?"
        )
        assert lawtext.answer_label("not_applicable") == "неприменимо"
    with translation.override("ar"):
        assert lawtext.outcome_title("TEMPORARY_ASYLUM") == "اللجوء المؤقت"
