"""Editing a client (and the applicant section of each of their cases), linking family
members, and a case's settings: status, caseworkers, restriction. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as Browser

from asylon.web.accounts.models import User
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.casefile import to_case_file
from asylon.web.cases.models import Case, FamilyLink

pytestmark = pytest.mark.django_db

NEW = {
    "full_name": "Mariam Example",
    "aliases": "مريم",
    "born": "1990-02-03",
    "sex": "female",
    "nationalities": "SY",
    "stateless": "no",
    "home_country": "SY",
    "home_place": "Aleppo",
    "languages": "ar, ku",
    "contact": "+7 900 000 00 00 (WhatsApp)",
    "jurisdiction": "ru",
    "procedure_kind": "temporary_asylum",
}


def browse(u: User) -> Browser:
    b = Browser()
    b.force_login(u)
    return b


def open_case(b: Browser, **changes: str) -> Case:
    response = b.post("/en/cases/new/", {**NEW, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.order_by("-pk").first()  # type: ignore[return-value]


def client_data(**changes: Any) -> dict[str, Any]:
    data = {k: v for k, v in NEW.items() if k not in ("jurisdiction", "procedure_kind")}
    return {**data, **changes}


def test_languages_and_contact_are_kept_and_validated(people: dict[str, User]) -> None:
    b = browse(people["a"])
    case = open_case(b)
    assert case.client.languages == ["ar", "ku"] and case.client.contact.startswith("+7")
    bad = b.post("/en/cases/new/", {**NEW, "languages": "arabic, xx"})
    assert bad.status_code == 400
    assert "arabic, xx" in str(bad.context["form"].errors["languages"])


def test_edit_client_updates_every_case_file_and_keeps_other_facts(
    people: dict[str, User],
) -> None:
    b = browse(people["a"])
    case = open_case(b)
    facts = dict(case.facts)
    facts["applicant"] = {**facts["applicant"], "arrived_on": "2015-09-01"}
    Case.objects.filter(pk=case.pk).update(facts=facts)
    assert b.get(f"/en/cases/{case.pk}/client/").status_code == 200
    response = b.post(
        f"/en/cases/{case.pk}/client/",
        client_data(born="1989-12-31", nationalities="SY, TR", home_place="Homs"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.client.born.isoformat() == "1989-12-31"
    doc = to_case_file(case)
    assert doc["applicant"]["born"] == "1989-12-31"
    assert doc["applicant"]["nationalities"] == ["SY", "TR"]
    assert doc["applicant"]["habitual_residence"] == {"country": "SY", "place": "Homs"}
    assert doc["applicant"]["arrived_on"] == "2015-09-01"  # not the client form's: kept
    entry = AuditEntry.objects.filter(action="edit_client").get()
    assert entry.details["before"]["born"] == "1990-02-03"
    assert entry.details["after"]["home_place"] == "Homs"
    assert set(entry.details["after"]) == {"born", "nationalities", "home_place"}


def test_edit_client_rejects_bad_input_and_writes_nothing(people: dict[str, User]) -> None:
    b = browse(people["a"])
    case = open_case(b)
    before = Case.objects.get(pk=case.pk).facts
    response = b.post(
        f"/en/cases/{case.pk}/client/",
        client_data(full_name="", home_place="Nowhereville", born="31.12.1989"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"full_name", "home_place", "born"} <= set(errors)
    case.refresh_from_db()
    assert case.client.full_name == "Mariam Example" and case.facts == before


def test_family_links_read_both_ways_and_respect_access(people: dict[str, User]) -> None:
    b = browse(people["a"])
    mother = open_case(b)
    child = open_case(b, full_name="Child Example", born="2012-01-01")
    response = b.post(
        f"/en/cases/{mother.pk}/client/family/",
        {"relative": child.client.pk, "relation": "child"},
    )
    assert response.status_code == 302
    assert FamilyLink.objects.get(client=child.client).relation == "parent"
    page = b.get(f"/en/cases/{child.pk}/client/").content.decode()
    assert "Mariam Example" in page and f"/en/cases/{mother.pk}/" in page
    other = browse(people["b"])
    theirs = open_case(other, full_name="Other Team Client")
    refused = b.post(
        f"/en/cases/{mother.pk}/client/family/",
        {"relative": theirs.client.pk, "relation": "spouse"},
    )
    assert refused.status_code == 400 and "relative" in refused.context["family_form"].errors
    assert (
        other.post(
            f"/en/cases/{mother.pk}/client/family/", {"relative": theirs.client.pk}
        ).status_code
        == 404
    )


def test_settings_status_assignment_and_restriction(people: dict[str, User]) -> None:
    team = people["a"].team
    colleague = User.objects.create_user("c", password="x" * 14, team=team)
    b = browse(people["a"])
    case = open_case(b)
    data = {
        "jurisdiction": "ru",
        "procedure_kind": "refugee_status",
        "status": "waiting",
        "assigned": [people["a"].pk, colleague.pk],
        "restricted": "on",
        "named_users": [],
    }
    response = b.post(f"/en/cases/{case.pk}/settings/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.status == "waiting" and case.facts["procedure"]["kind"] == "refugee_status"
    assert set(case.assigned.all()) == {people["a"], colleague}
    assert case.restricted and list(case.named_users.all()) == [people["a"]]
    assert browse(colleague).get(f"/en/cases/{case.pk}/").status_code == 404  # not named
    entry = AuditEntry.objects.get(action="edit_case_settings")
    assert entry.details["after"]["restricted"] is True
    bad = b.post(f"/en/cases/{case.pk}/settings/", {**data, "jurisdiction": "eu:us", "status": "x"})
    assert bad.status_code == 400
    assert {"jurisdiction", "status"} <= set(bad.context["form"].errors)


def test_only_assigned_or_supervisors_change_restriction(people: dict[str, User]) -> None:
    team = people["a"].team
    colleague = User.objects.create_user("c", password="x" * 14, team=team)
    case = open_case(browse(people["a"]))
    response = browse(colleague).post(
        f"/en/cases/{case.pk}/settings/",
        {
            "jurisdiction": "ru",
            "procedure_kind": "temporary_asylum",
            "status": "open",
            "assigned": [people["a"].pk],
            "restricted": "on",
        },
    )
    assert response.status_code == 400
    assert "restricted" in response.context["form"].errors
    assert not Case.objects.get(pk=case.pk).restricted


def test_other_team_gets_404_on_every_edit_page(people: dict[str, User]) -> None:
    case = open_case(browse(people["a"]))
    for who in ("b", "researcher"):
        b = browse(people[who])
        for url in ("client/", "client/family/", "settings/"):
            assert b.get(f"/en/cases/{case.pk}/{url}").status_code in (404, 405)
            assert b.post(f"/en/cases/{case.pk}/{url}", {}).status_code == 404


def test_dashboard_search_by_name_and_status(people: dict[str, User]) -> None:
    b = browse(people["a"])
    open_case(b)
    second = open_case(b, full_name="Yusuf Example")
    Case.objects.filter(pk=second.pk).update(status="appeal")
    page = b.get("/en/", {"q": "yusuf"}).content.decode()
    assert "Yusuf Example" in page and "Mariam Example" not in page
    page = b.get("/en/", {"status": "open"}).content.decode()
    assert "Mariam Example" in page and "Yusuf Example" not in page
    page = b.get("/en/", {"q": "'; DROP TABLE cases_case; --"}).content.decode()
    assert "No cases yet." in page and Case.objects.count() == 2
    bad = b.get("/en/", {"status": "nonsense"})
    assert bad.status_code == 200 and "status" in bad.context["search"].errors
    assert "Mariam Example" not in browse(people["b"]).get("/en/", {"q": "Mariam"}).content.decode()
