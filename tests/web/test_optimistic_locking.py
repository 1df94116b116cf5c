"""Two caseworkers editing the same case get a conflict, never a silent overwrite (issue 7,
item 7): the findings, claim/conduct sections, client and settings pages carry the revision
they were filled from and are refused (409, the person's input kept) when someone saved in
between; the API refuses a stale If-Match with 412. Nothing is written on a conflict."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client as HttpClient

from asylon.web.accounts.models import Team, User
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.models import Case, Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(settings: Any) -> dict[str, Any]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    team = Team.objects.create(name="Moscow legal aid")
    a = User.objects.create_user("anna", password="x" * 14, team=team, role=User.Role.CASEWORKER)
    b = User.objects.create_user("boris", password="x" * 14, team=team, role=User.Role.CASEWORKER)
    client = Client.objects.create(full_name="Test Client", team=team, nationalities=["SY"])
    case = Case.objects.create(
        client=client,
        team=team,
        jurisdiction="ru",
        facts={"applicant": {"name": {"full": "Test Client"}, "nationalities": ["SY"]}},
    )
    return {"a": a, "b": b, "case": case}


def _web(user: User) -> HttpClient:
    web = HttpClient()
    web.force_login(user)
    return web


class _Fields(HTMLParser):
    """The values a browser would send for the page's edit form (inputs and selected options)."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, {}
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        elif self.inside and tag in ("input", "textarea") and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values[a["name"]] = a.get("value") or ""
        elif self.inside and tag == "select":
            self.select = a.get("name")
        elif self.inside and tag == "option" and self.select and "selected" in a:
            self.values[self.select] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def form_values(html: str, form_id: str) -> dict[str, str]:
    parser = _Fields(form_id)
    parser.feed(html)
    return dict(parser.values)


def _revision(html: str) -> str:
    found = re.search(r'name="revision" value="(\d+)"', html)
    assert found, "the form carries no revision"
    return found.group(1)


FINDINGS = {"claim-findings-credible": "yes"}


def test_the_second_save_of_the_same_form_is_a_conflict(two: dict[str, Any]) -> None:
    case = two["case"]
    url = f"/en/cases/{case.pk}/findings/"
    anna, boris = _web(two["a"]), _web(two["b"])
    seen_by_anna = _revision(anna.get(url).content.decode())
    seen_by_boris = _revision(boris.get(url).content.decode())
    assert seen_by_anna == seen_by_boris == "1"
    first = anna.post(url, {**FINDINGS, "revision": seen_by_anna})
    assert first.status_code == 302
    case.refresh_from_db()
    assert case.revision == 2 and case.facts["claim"]["findings"]["credible"] is True
    edits = AuditEntry.objects.filter(action="edit_findings").count()
    second = boris.post(url, {"claim-findings-credible": "no", "revision": seen_by_boris})
    assert second.status_code == 409
    html = second.content.decode()
    assert "Someone else saved this case since you opened the form" in html
    assert 'value="no" selected' in html or 'value="no" checked' in html  # his input kept
    case.refresh_from_db()
    assert case.revision == 2 and case.facts["claim"]["findings"]["credible"] is True  # not his
    assert AuditEntry.objects.filter(action="edit_findings").count() == edits
    # having seen the conflict, he saves again on purpose: the form now carries revision 2
    assert _revision(html) == "2"
    third = boris.post(url, {"claim-findings-credible": "no", "revision": "2"})
    assert third.status_code == 302
    case.refresh_from_db()
    assert case.revision == 3 and case.facts["claim"]["findings"]["credible"] is False


def test_a_validation_error_keeps_the_revision_first_read(two: dict[str, Any]) -> None:
    """A form sent back for an error must not silently adopt a newer revision."""
    case = two["case"]
    url = f"/en/cases/{case.pk}/settings/"
    anna = _web(two["a"])
    bad = anna.post(url, {"jurisdiction": "nowhere", "status": "open", "revision": "1"})
    assert bad.status_code == 400 and _revision(bad.content.decode()) == "1"


@pytest.mark.parametrize(
    ("page", "obj", "form_id"),
    [
        ("client", "client", "client-form"),
        ("settings", "case", "settings-form"),
        ("conduct/edit", "case", "section-form"),
        ("claim/edit", "case", "section-form"),
    ],
)
def test_every_edit_page_carries_and_checks_its_revision(
    two: dict[str, Any], page: str, obj: str, form_id: str
) -> None:
    case = two["case"]
    target = case.client if obj == "client" else case
    url = f"/en/cases/{case.pk}/{page}/"
    web = _web(two["a"])
    values = form_values(web.get(url).content.decode(), form_id)
    assert values["revision"] == str(target.revision)
    assert web.post(url, values).status_code == 302  # the form as shown saves
    target.refresh_from_db()
    assert target.revision == int(values["revision"]) + 1
    stale = web.post(url, values)  # the same form again: someone (we) saved in between
    assert stale.status_code == 409, (page, stale.status_code)
    assert "Someone else saved this case" in stale.content.decode()
    before = target.revision
    target.refresh_from_db()
    assert target.revision == before  # nothing written


def test_the_api_refuses_a_stale_if_match(two: dict[str, Any]) -> None:
    case = two["case"]
    web = _web(two["a"])
    detail = web.get(f"/api/cases/{case.pk}").json()
    assert detail["revision"] == 1
    body = json.dumps({"credible": True})
    url = f"/api/cases/{case.pk}/findings"
    ok = web.put(url, body, content_type="application/json", headers={"If-Match": '"r1"'})
    assert ok.status_code == 200, ok.content
    stale = web.put(
        url,
        json.dumps({"credible": False}),
        content_type="application/json",
        headers={"If-Match": '"r1"'},
    )
    assert stale.status_code == 412 and "revision r2" in stale.json()["detail"]
    case.refresh_from_db()
    assert case.facts["claim"]["findings"]["credible"] is True and case.revision == 2
    unchecked = web.put(url, json.dumps({"credible": False}), content_type="application/json")
    assert unchecked.status_code == 200  # no If-Match: not checked, as documented
