"""The claim and conduct pages: every field of the contract has a form field that explains it;
what is saved round-trips through the case file; errors land on the field. SQLite and
PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as Browser

from asylon.law.facts import Act, Conduct, Conviction, Fear, MilitaryService, Role
from asylon.web.accounts.models import User
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.casefile import import_case, to_case_file
from asylon.web.cases.models import Case
from asylon.web.cases.section_text import CHOICE_LABELS, FIELD_TEXT
from asylon.web.cases.sections import specs

CONDUCT_CASE = """
format: asylon.case/1
id: officer
jurisdiction: eu:de
as_of: 2024-01-01
applicant: {name: {full: Officer Example}, nationalities: [SY]}
claim:
  fears:
    - harms: [detention, torture]
      actor: {kind: state, name: Government of Syria}
      grounds: [{ground: political_opinion, imputed: true}, {ground: religion}]
      past_persecution: false
conduct:
  roles:
    - {organisation: "Branch 251", kind: security_service, rank: colonel, from: 2008-01-01,
       to: 2012-12-31, senior: true, voluntary: true, organisation_implicated: true}
  acts:
    - id: act-1
      description: ran interrogations in which detainees were tortured
      category: crime_against_humanity
      place: {country: SY, place: Damascus}
      mode_of_liability: superior_responsibility
      defences_accepted: []
      expiation: {sentence_served: false}
      evidence_strength: clear_and_credible
  danger_to_security: false
"""


def browse(u: User) -> Browser:
    b = Browser()
    b.force_login(u)
    return b


def formdata(page: Any) -> dict[str, Any]:
    """The POST a browser would send for an unchanged page (initial values of every form)."""
    out: dict[str, Any] = {}
    for _part, bound in page.context["parts"]:
        forms = list(bound) if hasattr(bound, "management_form") else [bound]
        if hasattr(bound, "management_form"):
            mf = bound.management_form
            for name in mf.fields:
                out[mf.add_prefix(name)] = mf.initial.get(name, mf[name].value())
        for form in forms:
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if value in (None, "", [], False):
                    continue
                out[form.add_prefix(name)] = value
    return out


@pytest.mark.parametrize("model", [Fear, MilitaryService, Role, Act, Conviction])
def test_every_field_is_explained(model: Any) -> None:
    for spec in specs(model):
        label, _help = FIELD_TEXT[spec.text_key]
        assert str(label), spec.text_key
        for choice in spec.choices:
            assert choice in CHOICE_LABELS, f"{spec.text_key}: {choice}"
    for spec in specs(Conduct, {"danger_to_security", "danger_to_community"}):
        assert spec.text_key in FIELD_TEXT


@pytest.mark.django_db
def test_unchanged_pages_save_without_loss(people: dict[str, User]) -> None:
    case = import_case(CONDUCT_CASE, "yaml", people["a"].team, people["a"])
    before = to_case_file(case)
    b = browse(people["a"])
    for page in ("claim", "conduct"):
        shown = b.get(f"/en/cases/{case.pk}/{page}/edit/")
        assert shown.status_code == 200
        response = b.post(f"/en/cases/{case.pk}/{page}/edit/", formdata(shown))
        assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    after = to_case_file(case)
    assert after["claim"] == before["claim"] and after["conduct"] == before["conduct"]
    assert after["claim"]["fears"][0]["grounds"] == [
        {"ground": "political_opinion", "imputed": True},
        {"ground": "religion"},
    ]
    assert after["conduct"]["acts"][0]["defences_accepted"] == []  # decided: none, not unknown


@pytest.mark.django_db
def test_add_an_act_and_a_fear_and_delete_a_role(people: dict[str, User]) -> None:
    case = import_case(CONDUCT_CASE, "yaml", people["a"].team, people["a"])
    b = browse(people["a"])
    data = formdata(b.get(f"/en/cases/{case.pk}/conduct/edit/"))
    data.update(
        {
            "roles-0-DELETE": "on",
            "acts-1-description": "ordered the shelling of a market",
            "acts-1-category": "war_crime",
            "acts-1-from": "2013-02-01",
            "acts-1-place-country": "sy",
            "acts-1-mode_of_liability": "ordering",
            "acts-1-knowledge": "yes",
            "acts-1-defences_accepted": ["duress"],
            "acts-1-evidence_strength": "suspicion",
            "danger-danger_to_community": "no",
        }
    )
    assert b.post(f"/en/cases/{case.pk}/conduct/edit/", data).status_code == 302
    conduct = to_case_file(Case.objects.get(pk=case.pk))["conduct"]
    assert conduct["roles"] == []
    assert conduct["acts"][1] == {
        "description": "ordered the shelling of a market",
        "category": "war_crime",
        "from": "2013-02-01",
        "place": {"country": "SY"},
        "mode_of_liability": "ordering",
        "knowledge": True,
        "defences_accepted": ["duress"],
        "evidence_strength": "suspicion",
        "evidence": [],  # a list the contract defaults to empty is stored empty
    }
    assert conduct["danger_to_security"] is False and conduct["danger_to_community"] is False
    entry = AuditEntry.objects.filter(action="edit_conduct").latest("id")
    assert set(entry.details["after"]) == {"conduct", "conduct.acts", "conduct.roles"}

    data = formdata(b.get(f"/en/cases/{case.pk}/claim/edit/"))
    data.update(
        {
            "fears-1-harms": ["conscription"],
            "fears-1-grounds-political_opinion": "imputed",
            "military_service-refused": "yes",
        }
    )
    assert b.post(f"/en/cases/{case.pk}/claim/edit/", data).status_code == 302
    claim = to_case_file(Case.objects.get(pk=case.pk))["claim"]
    assert claim["fears"][1] == {
        "harms": ["conscription"],
        "grounds": [{"ground": "political_opinion", "imputed": True}],
        "evidence": [],
    }
    assert claim["military_service"] == {"refused": True}


@pytest.mark.django_db
def test_errors_name_the_field_and_nothing_is_written(people: dict[str, User]) -> None:
    case = import_case(CONDUCT_CASE, "yaml", people["a"].team, people["a"])
    before = Case.objects.get(pk=case.pk).facts
    b = browse(people["a"])
    data = formdata(b.get(f"/en/cases/{case.pk}/conduct/edit/"))
    data.update({"roles-0-from": "2013-01-01", "roles-0-to": "2012-01-01"})
    response = b.post(f"/en/cases/{case.pk}/conduct/edit/", data)
    assert response.status_code == 400
    role_form = response.context["parts"][0][1].forms[0]
    assert "to" in role_form.errors and "before" in str(role_form.errors["to"])
    data = formdata(b.get(f"/en/cases/{case.pk}/conduct/edit/"))
    data.update({"acts-0-place-country": "XX", "acts-0-from": "not a date"})
    response = b.post(f"/en/cases/{case.pk}/conduct/edit/", data)
    assert response.status_code == 400
    act_form = response.context["parts"][1][1].forms[0]
    assert "ISO country code" in str(act_form.errors["place-country"])
    assert "from" in act_form.errors
    assert Case.objects.get(pk=case.pk).facts == before
    data = formdata(b.get(f"/en/cases/{case.pk}/claim/edit/"))
    data["fears-0-evidence"] = "ev-404"
    response = b.post(f"/en/cases/{case.pk}/claim/edit/", data)
    assert response.status_code == 400
    assert "ev-404" in str(response.context["parts"][0][1].forms[0].errors["evidence"])
    assert Case.objects.get(pk=case.pk).facts == before


@pytest.mark.django_db
def test_other_team_and_researcher_get_404(people: dict[str, User]) -> None:
    case = import_case(CONDUCT_CASE, "yaml", people["a"].team, people["a"])
    for who in ("b", "researcher"):
        b = browse(people[who])
        for page in ("claim", "conduct"):
            assert b.get(f"/en/cases/{case.pk}/{page}/edit/").status_code == 404
            assert b.post(f"/en/cases/{case.pk}/{page}/edit/", {}).status_code == 404
    assert browse(people["a"]).get(f"/en/cases/{case.pk}/nothing/edit/").status_code == 404


@pytest.mark.django_db
def test_missing_conduct_and_claim_facts_link_to_their_fields(people: dict[str, User]) -> None:
    case = import_case(CONDUCT_CASE, "yaml", people["a"].team, people["a"])
    b = browse(people["a"])
    assert b.post(f"/en/cases/{case.pk}/assess/", {"as_of": "2024-01-01"}).status_code == 302
    missing = {m["field"] for m in case.assessments.get().determination["missing"]}
    assert any(f.startswith("conduct.acts[0]") for f in missing), missing
    page = b.get(f"/en/cases/{case.pk}/").content.decode()
    for url, anchor, field in re.findall(r'<a href="([^"#]+)#([^"]+)"><code>([^<]+)</code>', page):
        if field.startswith(("conduct", "claim.fears")):
            assert f'id="{anchor}"' in b.get(url).content.decode(), (field, anchor)
