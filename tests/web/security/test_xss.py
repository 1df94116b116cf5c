"""Stored XSS: markup in names and narratives, in Latin and Arabic script, is shown escaped.

Payloads go into everything a user or an import can write that a page shows: a client's name
and aliases, a note, a document's title, a timeline event's details, the register's person
names and descriptions, an incident's title and description, a unit's names, an evidence item's
title. Every page that shows them is rendered (in English and Arabic) and parsed: no element
carries an event-handler attribute (``on*``), no ``javascript:`` address, no script other than
the app's own static files, and the raw payload never appears unescaped.
"""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from asylon.web.cases.assessing import assess_case
from asylon.web.documents import services as documents
from asylon.web.register import models as reg
from asylon.web.timeline.services import add_event
from tests.web.security.conftest import PDF_BYTES, World

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
RLO = "\u202e"
LATIN = f"Sam {SCRIPT} Evil{IMG}"
ARABIC = f"سامي {IMG} الحلبي {SCRIPT}"
NARRATIVE = f"He fled. {SCRIPT} <a href='{JS_URL}'>x</a> {IMG} ' \" & {RLO}txt.exe"
RAW_MARKERS = ("<script>alert", "<img src=x", "<a href='javascript:")


class Checker(HTMLParser):
    """Collects what must never be in a page rendered from stored data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"<script src={src!r}>: not one of the app's static files")
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script {data.strip()[:60]!r}")


def assert_safe(html: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in html, f"{where}: raw {marker!r} in the page"
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert checker.problems == [], f"{where}: {checker.problems}"


@pytest.fixture
def poisoned(w: World) -> World:
    case, a = w.case, w.users["a"]
    client = case.client
    client.full_name = LATIN
    client.aliases = [ARABIC, f"{RLO}gpj.exe", JS_URL]
    client.home_place = IMG
    client.contact = NARRATIVE
    client.save()
    documents.add_note(case, a, NARRATIVE)
    documents.add_document(
        case, a, SimpleUploadedFile(f"{IMG}.pdf", PDF_BYTES, "application/pdf"), title=ARABIC
    )
    add_event(case, a, "court_hearing", date(2024, 3, 1), {"court": LATIN, "case_number": IMG})
    add_event(
        case,
        a,
        "detention_started",
        date(2024, 3, 2),
        {"place": ARABIC, "basis": "pending_removal"},
    )
    assess_case(case, a, date(2024, 6, 1))
    reg.Person.objects.filter(pk=w.person.pk).update(
        names=[{"text": LATIN}, {"text": ARABIC}, {"text": f"{RLO}evil", "kind": "alias"}],
        description=NARRATIVE,
        birth_place=IMG,
    )
    reg.Incident.objects.filter(pk=w.incident.pk).update(
        title=LATIN, description=NARRATIVE, place=IMG
    )
    reg.Unit.objects.filter(pk=w.unit.pk).update(
        names=[{"text": ARABIC}, {"text": LATIN}], description=NARRATIVE
    )
    reg.EvidenceItem.objects.filter(pk=w.evidence.pk).update(
        title=LATIN, description=NARRATIVE, file_name=IMG, obtained_from=ARABIC
    )
    return w


def _pages(w: World) -> list[tuple[str, str]]:
    """(who, url) of every page that shows the poisoned data."""
    pk, person = w.case.pk, w.person.pk
    case_pages = [
        "/{lang}/",
        f"/{{lang}}/?q={LATIN[:3]}",
        f"/{{lang}}/cases/{pk}/",
        f"/{{lang}}/cases/{pk}/client/",
        f"/{{lang}}/cases/{pk}/settings/",
        f"/{{lang}}/cases/{pk}/findings/",
        f"/{{lang}}/cases/{pk}/claim/edit/",
        f"/{{lang}}/cases/{pk}/compare/",
        f"/{{lang}}/cases/{pk}/assessments/{w.case.assessments.order_by('-pk').first().pk}/",  # type: ignore[union-attr]
        f"/{{lang}}/timeline/case/{pk}/",
        f"/{{lang}}/cases/{pk}/documents/",
        f"/{{lang}}/cases/{pk}/documents/generate/",
        f"/{{lang}}/screening/cases/{pk}/",
        f"/{{lang}}/evidence/case/{pk}/",
    ]
    register_pages = [
        "/{lang}/register/",
        f"/{{lang}}/register/?q={LATIN[:3]}",
        f"/{{lang}}/register/persons/{person}/",
        f"/{{lang}}/register/persons/{person}/dossier/",
        "/{lang}/register/units/",
        f"/{{lang}}/register/units/{w.unit.pk}/",
        "/{lang}/register/incidents/",
        f"/{{lang}}/register/incidents/{w.incident.pk}/",
        f"/{{lang}}/register/evidence/{w.evidence.pk}/",
        f"/{{lang}}/register/records/person/{person}/",
        "/{lang}/register/review/",
        "/{lang}/screening/review/",
    ]
    return [("a", p) for p in case_pages] + [("staff", p) for p in register_pages]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_pages_show_payloads_escaped(poisoned: World, lang: str) -> None:
    w = poisoned
    escaped_seen = 0
    for who, pattern in _pages(w):
        url = pattern.format(lang=lang)
        page = w.browser(who).get(url)
        assert page.status_code == 200, f"{url}: {page.status_code}"
        html = page.content.decode()
        assert_safe(html, url)
        escaped_seen += "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert escaped_seen >= 10, "the payloads were not shown at all: the test proves nothing"


@pytest.mark.parametrize("kind", ["memo", "client_letter"])  # a brief needs a refusal
def test_generated_html_documents_escape_payloads(poisoned: World, kind: str) -> None:
    url = f"/en/cases/{poisoned.case.pk}/documents/generate/"
    for lang in ("en", "ar"):
        response = poisoned.browser("a").post(url, {"kind": kind, "lang": lang, "fmt": "html"})
        assert response.status_code == 200, response.content[:500]
        body = b"".join(response) if response.streaming else response.content
        html = body.decode()
        assert "alert(1)" in html, "the client's name is not in the document"
        assert_safe(html, f"{kind}/{lang}")
        assert response.get("Content-Security-Policy"), "a generated page has its own CSP"


def test_api_returns_payloads_as_json_not_html(poisoned: World) -> None:
    """JSON responses are typed as JSON and never sniffed as HTML."""
    response = poisoned.browser(None).get(f"/api/cases/{poisoned.case.pk}", **poisoned.bearer("a"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["client"]["name"] == LATIN


def test_right_to_left_override_is_kept_inside_its_element(poisoned: World) -> None:
    """A U+202E in a name cannot reorder the text after it: the name is shown in an element
    that isolates its direction (``<bdi>`` or ``dir="auto"``), or the character is not shown."""
    html = poisoned.browser("a").get(f"/en/cases/{poisoned.case.pk}/").content.decode()
    at = html.find(RLO)
    if at == -1:
        return
    before = html[max(0, at - 300) : at]
    assert "<bdi" in before or 'dir="auto"' in before, html[max(0, at - 300) : at + 50]
