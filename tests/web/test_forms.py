"""Opening a client and case by form, and recording findings. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as Browser

from asylon.web.accounts.models import User
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.casefile import to_case_file, validated
from asylon.web.cases.models import Case, Client

pytestmark = pytest.mark.django_db

VALID = {
    "full_name": "Salekh Example",
    "aliases": "صالح, Salih",
    "born": "1980-05-01",
    "sex": "male",
    "nationalities": "sy",
    "stateless": "no",
    "home_country": "SY",
    "home_place": "Aleppo",
    "jurisdiction": "ru",
    "procedure_kind": "refugee_status",
}
ROP = "claim-findings-risk_of_persecution"


def browse(u: User) -> Browser:
    b = Browser()
    b.force_login(u)
    return b


def new_case(b: Browser, **changes: str) -> Any:
    return b.post("/en/cases/new/", {**VALID, **changes})


def test_new_client_and_case(people: dict[str, User]) -> None:
    b = browse(people["a"])
    assert b.get("/en/cases/new/").status_code == 200
    response = new_case(b)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert response["Location"] == f"/en/cases/{case.pk}/"
    assert case.team == people["a"].team and case.client.team == people["a"].team
    assert list(case.assigned.all()) == [people["a"]]
    assert case.client.aliases == ["صالح", "Salih"] and case.client.nationalities == ["SY"]
    doc = to_case_file(case)
    parsed = validated(doc)
    assert parsed.applicant is not None and parsed.applicant.nationalities == ["SY"]
    assert doc["applicant"]["habitual_residence"] == {"country": "SY", "place": "Aleppo"}
    assert doc["applicant"]["stateless"] is False and doc["procedure"] == {"kind": "refugee_status"}
    entry = AuditEntry.objects.get(action="create_case")
    assert entry.object_id == str(case.pk) and entry.user == people["a"]
    assert people["b"] and browse(people["b"]).get(f"/en/cases/{case.pk}/").status_code == 404


def test_unknowns_stay_unknown(people: dict[str, User]) -> None:
    b = browse(people["a"])
    response = b.post(
        "/en/cases/new/", {"full_name": "X", "jurisdiction": "eu:de", "stateless": ""}
    )
    assert response.status_code == 302
    doc = to_case_file(Case.objects.get())
    assert "stateless" not in doc["applicant"] and "born" not in doc["applicant"]


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"nationalities": "SY, XX"}, "nationalities", "XX"),
        ({"home_place": "Alepo"}, "home_place", "Aleppo"),
        ({"jurisdiction": "eu:us"}, "jurisdiction", "eu:us"),
        ({"jurisdiction": "de"}, "jurisdiction", "expected unhcr, ru, eu"),
    ],
)
def test_bad_input_is_a_field_error_and_creates_nothing(
    people: dict[str, User], changes: dict[str, str], field: str, text: str
) -> None:
    response = new_case(browse(people["a"]), **changes)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field] and text in " ".join(errors[field])
    assert text in response.content.decode()
    assert not Client.objects.exists() and not Case.objects.exists()
    assert not AuditEntry.objects.filter(action="create_case").exists()


def test_a_user_without_a_team_cannot_open_a_case(people: dict[str, User]) -> None:
    loner = User.objects.create_user("c", password="x" * 14, team=None)
    response = new_case(browse(loner))
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert not Case.objects.exists()
    researcher = User.objects.create_user(
        "d", password="x" * 14, team=people["a"].team, role=User.Role.RESEARCHER
    )
    assert new_case(browse(researcher)).status_code == 400
    assert not Case.objects.exists()


def test_findings_round_trip(people: dict[str, User]) -> None:
    b = browse(people["a"])
    new_case(b)
    case = Case.objects.get()
    url = f"/en/cases/{case.pk}/findings/"
    page = b.get(url).content.decode()
    for path in (
        "claim-findings-credible",
        ROP,
        "claim-findings-internal_protection-safe",
        "claim-findings-risk_of_serious_harm-death_penalty",
        "claim-findings-flagrant_denial_of_justice",
    ):
        assert f'id="{path}"' in page
    assert "not decided (unknown)" in page

    assert b.post(url, {ROP: "substantial", "claim-findings-credible": "yes"}).status_code == 302
    case.refresh_from_db()
    findings = case.facts["claim"]["findings"]
    assert findings["risk_of_persecution"] == "substantial" and findings["credible"] is True
    assert findings["risk_of_serious_harm"]["death_penalty"] is None
    validated(to_case_file(case))
    assert 'value="substantial" selected' in b.get(url).content.decode()

    assert b.post(url, {ROP: "", "claim-findings-credible": "yes"}).status_code == 302
    case.refresh_from_db()
    assert case.facts["claim"]["findings"]["risk_of_persecution"] is None
    assert case.facts["claim"]["findings"]["credible"] is True
    assert case.facts["applicant"]["nationalities"] == ["SY"]  # the rest is untouched

    first, second = AuditEntry.objects.filter(action="edit_findings").order_by("id")
    assert first.details["before"] == {
        "claim.findings.credible": None,
        "claim.findings.risk_of_persecution": None,
    }
    assert first.details["after"] == {
        "claim.findings.credible": True,
        "claim.findings.risk_of_persecution": "substantial",
    }
    assert second.details == {
        "before": {"claim.findings.risk_of_persecution": "substantial"},
        "after": {"claim.findings.risk_of_persecution": None},
    }


def test_a_bad_choice_writes_nothing(people: dict[str, User]) -> None:
    b = browse(people["a"])
    new_case(b)
    case = Case.objects.get()
    response = b.post(f"/en/cases/{case.pk}/findings/", {ROP: "certain"})
    assert response.status_code == 400 and ROP in response.context["form"].errors
    case.refresh_from_db()
    assert "claim" not in case.facts
    assert not AuditEntry.objects.filter(action="edit_findings").exists()


def test_another_teams_findings_page_is_404(people: dict[str, User]) -> None:
    new_case(browse(people["a"]))
    case = Case.objects.get()
    other = browse(people["b"])
    assert other.get(f"/en/cases/{case.pk}/findings/").status_code == 404
    assert other.post(f"/en/cases/{case.pk}/findings/", {ROP: "none"}).status_code == 404
    case.refresh_from_db()
    assert "claim" not in case.facts


def test_missing_finding_links_to_the_form(people: dict[str, User]) -> None:
    b = browse(people["a"])
    new_case(b)
    case = Case.objects.get()
    assert b.post(f"/en/cases/{case.pk}/assess/", {"as_of": "2016-12-06"}).status_code == 302
    missing = [m["field"] for m in case.assessments.get().determination["missing"]]
    assert "claim.findings.risk_of_persecution" in missing
    page = b.get(f"/en/cases/{case.pk}/").content.decode()
    assert f'href="/en/cases/{case.pk}/findings/#{ROP}"' in page
    links = dict(
        (field, (url, anchor))
        for url, anchor, field in re.findall(
            r'<a href="([^"#]+)#([^"]+)"><code>([^<]+)</code>', page
        )
    )
    assert set(links) == set(missing)  # every missing fact links to where it is supplied
    for field, (url, anchor) in links.items():
        target = b.get(url)
        assert target.status_code == 200, field
        assert f'id="{anchor}"' in target.content.decode(), (field, url, anchor)
