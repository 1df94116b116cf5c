"""The JSON API of the timeline (events, deadlines, alerts) and of the facts a caseworker
records (findings, fears, military service, conduct), and the paging of the case list.
Runs on SQLite and on PostgreSQL (ASYLON_TEST_DB=postgres)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from asylon.law.calendar import add_period
from asylon.law.facts import CaseFile, Claim, Conduct
from asylon.law.parameters import load_profile
from asylon.web.accounts.models import User
from asylon.web.api.models import ApiToken
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.models import Case, Client
from asylon.web.timeline.models import TimelineEvent

pytestmark = pytest.mark.django_db
D = date.fromisoformat

FINDINGS = {
    "credible": True,
    "risk_of_persecution": "reasonable_likelihood",
    "state_protection_available": False,
    "internal_protection": {
        "area": {"country": "SY", "place": "Damascus"},
        "safe": False,
        "reasonable": False,
    },
    "risk_of_serious_harm": {
        "torture_or_inhuman_treatment": "substantial",
        "death_penalty": "none",
    },
}
FEARS = [
    {
        "harms": ["detention", "torture"],
        "actor": {"kind": "state", "name": "Government of Syria"},
        "grounds": [{"ground": "political_opinion", "imputed": True}],
        "past_persecution": True,
    }
]
MILITARY = {"refused": True, "conscientious_objection_procedure_available": False}
CONDUCT = {
    "roles": [
        {
            "organisation": "Branch 251",
            "kind": "security_service",
            "from": "2008-01-01",
            "to": "2012-12-31",
            "senior": False,
        }
    ],
    "acts": [{"id": "act-1", "category": "war_crime", "evidence_strength": "suspicion"}],
    "convictions": [{"offence": "theft", "on": "2014-02-01", "country": "DE", "final": True}],
    "danger_to_security": False,
}


class Api:
    """A test client sending a bearer token."""

    def __init__(self, token: str) -> None:
        self.browser = Browser()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        return self.browser.get(url, params or {}, headers=self.headers)

    def post(self, url: str, body: Any) -> Any:
        return self.browser.post(
            url, json.dumps(body), content_type="application/json", headers=self.headers
        )

    def put(self, url: str, body: Any, raw: bool = False) -> Any:
        data = body if raw else json.dumps(body)
        return self.browser.put(url, data, content_type="application/json", headers=self.headers)

    def delete(self, url: str) -> Any:
        return self.browser.delete(url, headers=self.headers)


def api_for(user: User) -> Api:
    return Api(ApiToken.issue(user, "test")[1])


def new_case(user: User, name: str = "Salekh Example", jurisdiction: str = "ru") -> Case:
    client = Client.objects.create(full_name=name, team=user.team, born=D("1980-05-01"))
    return Case.objects.create(
        client=client, team=user.team, jurisdiction=jurisdiction, procedure_kind="refugee_status"
    )


def ev(kind: str, on: str, **details: Any) -> dict[str, Any]:
    return {"kind": kind, "on": on, "details": details}


def fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


def case_file(client: Api, case_id: int) -> CaseFile:
    response = client.get(f"/api/cases/{case_id}/case-file")
    assert response.status_code == 200, response.content.decode()[:500]
    return CaseFile.model_validate_json(response.content)


# --- timeline -----------------------------------------------------------------------------


def test_events_and_the_appeal_deadline_they_start(people: dict[str, User]) -> None:
    case, a = new_case(people["a"]), api_for(people["a"])
    base = f"/api/cases/{case.pk}"
    decision = {"outcome": "refused", "notified_on": "2016-12-06", "authority": "GUVM Moscow"}
    r = a.post(f"{base}/events", {"kind": "decision", "on": "2016-12-01", "details": decision})
    assert r.status_code == 201, r.content.decode()
    created = r.json()
    assert created["kind"] == "decision" and created["on"] == "2016-12-01"
    assert created["details"] == decision and created["created_by"] == "a"
    applied = {"kind": "application_lodged", "on": "2016-03-10", "details": {}}
    assert a.post(f"{base}/events", applied).status_code == 201

    listed = a.get(f"{base}/events")
    assert listed.status_code == 200
    assert [(e["kind"], e["on"]) for e in listed.json()] == [
        ("application_lodged", "2016-03-10"),
        ("decision", "2016-12-01"),
    ]  # chronological, whatever the order of entry

    # The due date is the profile's: ru appeal_time_limit from the written notice.
    notified = D("2016-12-06")
    limit = load_profile("ru").param("appeal_time_limit", notified)
    expected = add_period(notified, limit.value)
    r = a.get(f"{base}/deadlines", {"as_of": "2016-12-20"})
    assert r.status_code == 200
    appeal = next(d for d in r.json() if d["kind"] == "appeal")
    assert appeal["due"] == expected.isoformat() and appeal["overdue"] is False
    assert appeal["days_left"] == (expected - D("2016-12-20")).days
    assert appeal["citation"] and limit.reference.startswith(appeal["citation"])
    assert appeal["verified"] is limit.verified and appeal["label"] and appeal["basis"]
    late = a.get(f"{base}/deadlines", {"as_of": (expected + timedelta(days=1)).isoformat()})
    assert next(d for d in late.json() if d["kind"] == "appeal")["overdue"] is True

    # The event reaches the case file as the contract's procedure.decision_notified_on.
    assert case_file(a, case.pk).procedure.decision_notified_on == notified  # type: ignore[union-attr]
    added = AuditEntry.objects.filter(action="add_timeline_event", object_id=str(case.pk))
    # audit details are encrypted at rest: read after decryption
    assert added.count() == 2 and any(e.details["after"]["kind"] == "decision" for e in added)
    viewed = AuditEntry.objects.filter(action="view_timeline")
    assert sum(e.details.get("via") == "api" for e in viewed) == 3

    # An appeal lodged closes it.
    lodged = {"kind": "appeal_lodged", "on": "2016-12-20", "details": {"instance": "court"}}
    assert a.post(f"{base}/events", lodged).status_code == 201
    kinds = [d["kind"] for d in a.get(f"{base}/deadlines", {"as_of": "2016-12-21"}).json()]
    assert "appeal" not in kinds


def test_detention_appears_in_the_callers_alerts_only(people: dict[str, User]) -> None:
    case, a = new_case(people["a"]), api_for(people["a"])
    start = date.today() - timedelta(days=12)
    details = {"place": "SUVSIG Sakharovo", "basis": "pending_removal"}
    r = a.post(
        f"/api/cases/{case.pk}/events",
        {"kind": "detention_started", "on": start.isoformat(), "details": details},
    )
    assert r.status_code == 201, r.content.decode()

    alerts = a.get("/api/deadlines")
    assert alerts.status_code == 200
    body = alerts.json()
    assert body["days"] == 30 and body["today"] == date.today().isoformat()
    [detained] = body["in_detention"]
    assert detained["case_id"] == case.pk and detained["client"]["name"] == "Salekh Example"
    assert detained["days"] == 12 and detained["code"] == "pending_removal"
    assert "SUVSIG Sakharovo" in detained["text"]

    # The maximum detention, as the profile dates it, with its unverified source said so.
    limit = load_profile("ru").param("detention_max_days", start)
    deadlines = a.get(f"/api/cases/{case.pk}/deadlines").json()
    maximum = next(d for d in deadlines if d["kind"] == "detention_limit")
    assert maximum["due"] == (start + timedelta(days=int(limit.value))).isoformat()
    assert maximum["verified"] is limit.verified

    for other in ("b", "researcher"):
        theirs = api_for(people[other]).get("/api/deadlines").json()
        for group in ("due_soon", "overdue", "in_detention", "waiting_interview", "flags"):
            assert theirs[group] == [], (other, group)


def test_due_soon_follows_days(people: dict[str, User]) -> None:
    case, a = new_case(people["a"]), api_for(people["a"])
    today = date.today()
    hearing = {"court": "Moscow City Court"}
    for offset in (10, 45):
        on = (today + timedelta(days=offset)).isoformat()
        event = {"kind": "court_hearing", "on": on, "details": hearing}
        assert a.post(f"/api/cases/{case.pk}/events", event).status_code == 201

    def due(days: int | None) -> list[int]:
        params = {} if days is None else {"days": days}
        r = a.get("/api/deadlines", params)
        assert r.status_code == 200, r.content.decode()
        return [x["deadline"]["days_left"] for x in r.json()["due_soon"]]

    assert due(None) == [10] and due(5) == [] and due(60) == [10, 45]
    for bad in (0, 366, "soon"):
        r = a.get("/api/deadlines", {"days": bad})
        assert r.status_code == 422 and fields(r) == ["days"], bad


def test_invalid_events_name_the_field_and_write_nothing(people: dict[str, User]) -> None:
    case, a = new_case(people["a"]), api_for(people["a"])
    url = f"/api/cases/{case.pk}/events"
    refused = {"outcome": "refused"}
    cases = [
        (ev("decision", "2016-12-01", **refused, notified_on="2016-11-30"), "details.notified_on"),
        (ev("decision", "2016-12-01", **refused, notified_on="2016-02-30"), "details.notified_on"),
        (ev("decision", "2016-12-01"), "details.outcome"),
        (ev("decision", "2016-12-01", outcome="maybe"), "details.outcome"),
        (ev("arrival", "2015-09-01", colour="red"), "details.colour"),
        (
            ev("detention_started", "2016-01-01", place="X", basis="none", transit_zone="yes"),
            "details.transit_zone",
        ),
        (ev("arrival", "1970-01-01"), "on"),  # before the client's birth
        (ev("detention_ended", "2016-01-01"), "on"),  # no detention open
        (ev("picnic", "2016-01-01"), "kind"),
        (ev("arrival", "2016-13-01"), "on"),
        ({"kind": "arrival", "on": "2016-01-01", "details": "visa"}, "details"),
    ]
    for body, expected in cases:
        r = a.post(url, body)
        assert r.status_code == 422, (body, r.content.decode())
        assert fields(r) == [expected], (body, r.json())
        assert all(e["message"] for e in r.json()["errors"])
    assert not TimelineEvent.objects.exists()
    assert not AuditEntry.objects.filter(action="add_timeline_event").exists()


def test_delete_an_event_only_through_its_case(people: dict[str, User]) -> None:
    mine, other = new_case(people["a"]), new_case(people["a"], "Amina Example")
    a = api_for(people["a"])
    event = {"kind": "arrival", "on": "2015-09-01", "details": {"entry": "irregular"}}
    event_id = a.post(f"/api/cases/{mine.pk}/events", event).json()["id"]
    assert a.delete(f"/api/cases/{other.pk}/events/{event_id}").status_code == 404
    assert a.delete(f"/api/cases/{mine.pk}/events/999999").status_code == 404
    assert TimelineEvent.objects.filter(pk=event_id).exists()
    r = a.delete(f"/api/cases/{mine.pk}/events/{event_id}")
    assert r.status_code == 204 and not r.content
    assert not TimelineEvent.objects.exists()
    entry = AuditEntry.objects.get(action="delete_timeline_event")
    assert entry.object_id == str(mine.pk) and entry.details["before"]["id"] == event_id
    assert entry.details["after"] is None
    assert a.delete(f"/api/cases/{mine.pk}/events/{event_id}").status_code == 404


# --- access -------------------------------------------------------------------------------


def test_another_team_and_a_researcher_get_404_everywhere(people: dict[str, User]) -> None:
    case, a = new_case(people["a"]), api_for(people["a"])
    event = {"kind": "arrival", "on": "2015-09-01", "details": {}}
    event_id = a.post(f"/api/cases/{case.pk}/events", event).json()["id"]
    assert a.put(f"/api/cases/{case.pk}/findings", FINDINGS).status_code == 200
    facts = Case.objects.get().facts
    audit = AuditEntry.objects.count()
    base = f"/api/cases/{case.pk}"
    for name in ("b", "researcher"):
        them = api_for(people[name])
        calls = [
            them.get(f"{base}/events"),
            them.post(f"{base}/events", event),
            them.delete(f"{base}/events/{event_id}"),
            them.get(f"{base}/deadlines"),
            them.get(f"{base}/findings"),
            them.put(f"{base}/findings", {"credible": False}),
            them.put(f"{base}/claim/fears", FEARS),
            them.put(f"{base}/claim/military-service", MILITARY),
            them.put(f"{base}/conduct", CONDUCT),
            them.put(f"{base}/findings", "{not json", raw=True),
        ]
        for i, r in enumerate(calls):
            assert r.status_code == 404, (name, i, r.content.decode())
            assert r.json()["detail"] == "not found"
    assert TimelineEvent.objects.count() == 1 and Case.objects.get().facts == facts
    assert AuditEntry.objects.count() == audit


def test_unauthenticated_and_session_without_csrf(people: dict[str, User]) -> None:
    case = new_case(people["a"])
    anonymous = Browser()
    assert anonymous.get("/api/deadlines").status_code == 401
    assert anonymous.get(f"/api/cases/{case.pk}/events").status_code == 401
    r = anonymous.put(
        f"/api/cases/{case.pk}/findings", json.dumps(FINDINGS), content_type="application/json"
    )
    assert r.status_code == 401
    session = Browser(enforce_csrf_checks=True)
    session.force_login(people["a"])
    assert session.get(f"/api/cases/{case.pk}/events").status_code == 200
    forged = session.put(
        f"/api/cases/{case.pk}/findings", json.dumps(FINDINGS), content_type="application/json"
    )
    assert forged.status_code == 403
    assert session.delete(f"/api/cases/{case.pk}/events/1").status_code == 403
    assert not Case.objects.get().facts


# --- facts --------------------------------------------------------------------------------


def test_facts_round_trip_through_the_case_file(people: dict[str, User]) -> None:
    case, a = new_case(people["a"]), api_for(people["a"])
    base = f"/api/cases/{case.pk}"
    for path, body in (
        ("findings", FINDINGS),
        ("claim/fears", FEARS),
        ("claim/military-service", MILITARY),
        ("conduct", CONDUCT),
    ):
        r = a.put(f"{base}/{path}", body)
        assert r.status_code == 200, (path, r.content.decode())
        assert r.json() == body, path
    doc = case_file(a, case.pk)
    assert doc.claim == Claim.model_validate_json(
        json.dumps({"fears": FEARS, "military_service": MILITARY, "findings": FINDINGS})
    )
    assert doc.conduct == Conduct.model_validate_json(json.dumps(CONDUCT))
    assert a.get(f"{base}/findings").json() == FINDINGS

    # Replacing: what is left out is no longer recorded; null removes the part.
    assert a.put(f"{base}/findings", {"credible": False}).json() == {"credible": False}
    assert a.put(f"{base}/claim/military-service", None).json() is None
    claim = case_file(a, case.pk).claim
    assert claim is not None and claim.military_service is None and claim.fears
    assert claim.findings is not None and claim.findings.credible is False
    assert claim.findings.risk_of_persecution is None


def test_facts_are_audited_with_before_and_after(people: dict[str, User]) -> None:
    case, a = new_case(people["a"]), api_for(people["a"])
    base = f"/api/cases/{case.pk}"
    a.put(f"{base}/findings", {"credible": True, "risk_of_persecution": "remote"})
    a.put(f"{base}/findings", {"credible": True, "risk_of_persecution": "substantial"})
    first, second = AuditEntry.objects.filter(action="edit_findings").order_by("id")
    assert first.details["before"] == {
        "claim.findings.credible": None,
        "claim.findings.risk_of_persecution": None,
    }
    assert second.details == {
        "via": "api",
        "before": {"claim.findings.risk_of_persecution": "remote"},
        "after": {"claim.findings.risk_of_persecution": "substantial"},
    }
    assert second.user == people["a"] and second.object_id == str(case.pk)

    a.put(f"{base}/claim/fears", FEARS)
    claim = AuditEntry.objects.get(action="edit_claim")
    assert claim.details["before"] == {"claim.fears": None}
    assert claim.details["after"] == {"claim.fears": FEARS}

    a.put(f"{base}/conduct", CONDUCT)
    changed = {**CONDUCT, "danger_to_security": True}
    a.put(f"{base}/conduct", changed)
    last = AuditEntry.objects.filter(action="edit_conduct").order_by("-id").first()
    assert last is not None
    assert last.details["before"] == {"conduct.danger_to_security": False}
    assert last.details["after"] == {"conduct.danger_to_security": True}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("findings", {"risk_of_persecution": "maybe"}, "claim.findings.risk_of_persecution"),
        ("findings", {"credible": "yes"}, "claim.findings.credible"),
        ("findings", {"credibility": True}, "claim.findings.credibility"),
        (
            "findings",
            {"internal_protection": {"area": {"country": "XX"}}},
            "claim.findings.internal_protection.area.country",
        ),
        ("findings", "credible", "claim.findings"),
        ("findings", [FINDINGS], "claim.findings"),
        ("claim/fears", [{"harms": "x"}], "claim.fears[0].harms"),
        ("claim/fears", [FEARS[0], {"harms": ["x"]}], "claim.fears[1].harms[0]"),
        ("claim/fears", [{"evidence": ["ev-9"]}], "claim.fears[0].evidence"),
        ("claim/fears", {"harms": ["torture"]}, "claim.fears"),
        ("claim/military-service", {"refused": 1}, "claim.military_service.refused"),
        (
            "conduct",
            {"roles": [{"from": "2012-01-01", "to": "2010-01-01"}]},
            "conduct.roles[0].to",
        ),
        ("conduct", {"acts": [{"category": "speeding"}]}, "conduct.acts[0].category"),
        ("conduct", {"convictions": [{"on": "2014-02-30"}]}, "conduct.convictions[0].on"),
        ("conduct", {"danger_to_security": None, "roles": None}, "conduct.roles"),
    ],
)
def test_invalid_facts_name_the_path_and_write_nothing(
    people: dict[str, User], path: str, body: Any, field: str
) -> None:
    case, a = new_case(people["a"]), api_for(people["a"])
    assert a.put(f"/api/cases/{case.pk}/findings", {"credible": True}).status_code == 200
    stored = Case.objects.get().facts
    audited = AuditEntry.objects.filter(action__startswith="edit_").count()
    r = a.put(f"/api/cases/{case.pk}/{path}", body)
    assert r.status_code == 422, r.content.decode()
    assert field in fields(r), r.json()
    assert all(e["message"] for e in r.json()["errors"])
    assert Case.objects.get().facts == stored
    assert AuditEntry.objects.filter(action__startswith="edit_").count() == audited


def test_a_body_that_is_not_json(people: dict[str, User]) -> None:
    case, a = new_case(people["a"]), api_for(people["a"])
    for raw in ("{not json", b"\xff\xfe", ""):
        r = a.put(f"/api/cases/{case.pk}/conduct", raw, raw=True)
        assert r.status_code == 422 and r.json()["detail"].startswith("not valid JSON"), raw
    assert not Case.objects.get().facts


# --- the case list ------------------------------------------------------------------------


def test_the_case_list_is_paged_and_filtered(people: dict[str, User]) -> None:
    a = api_for(people["a"])
    names = ["Amina Example", "Boris Example", "Chen Example", "Dilnoza Sample"]
    cases = [new_case(people["a"], n) for n in names]
    Case.objects.filter(pk=cases[1].pk).update(status=Case.Status.CLOSED)
    new_case(people["b"], "Hidden Person")

    r = a.get("/api/cases")
    assert r.status_code == 200 and r["X-Total-Count"] == "4"
    newest_first = [c["id"] for c in r.json()]
    assert newest_first == [c.pk for c in reversed(cases)]
    page = a.get("/api/cases", {"limit": 3})
    assert [c["id"] for c in page.json()] == newest_first[:3] and page["X-Total-Count"] == "4"
    rest = a.get("/api/cases", {"limit": 3, "offset": 3})
    assert [c["id"] for c in rest.json()] == newest_first[3:] and rest["X-Total-Count"] == "4"
    assert a.get("/api/cases", {"offset": 10}).json() == []
    assert a.get("/api/cases", {"limit": 500}).status_code == 200

    found = a.get("/api/cases", {"q": "example"})
    assert {c["client"]["name"] for c in found.json()} == set(names[:3])
    assert found["X-Total-Count"] == "3"
    paged = a.get("/api/cases", {"q": "example", "limit": 2, "offset": 1})  # newest first
    assert [c["id"] for c in paged.json()] == [cases[1].pk, cases[0].pk]
    assert paged["X-Total-Count"] == "3"
    from asylon.web.cases import case_list

    case_list.FOUND_CAP, cap = 2, case_list.FOUND_CAP  # more found than fetched: counted apart
    try:
        over = a.get("/api/cases", {"q": "example", "limit": 1, "offset": 1})
    finally:
        case_list.FOUND_CAP = cap
    assert [c["id"] for c in over.json()] == [cases[1].pk] and over["X-Total-Count"] == "3"
    mixed = a.get("/api/cases", {"q": "example", "status": "closed"})
    assert [c["id"] for c in mixed.json()] == [cases[1].pk] and mixed["X-Total-Count"] == "1"
    closed = a.get("/api/cases", {"status": "closed"})
    assert [c["id"] for c in closed.json()] == [cases[1].pk] and closed["X-Total-Count"] == "1"
    assert a.get("/api/cases", {"q": "Hidden"}).json() == []

    for params, field in (
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"status": "lost"}, "status"),
        ({"q": "x" * 101}, "q"),
    ):
        r = a.get("/api/cases", params)
        assert r.status_code == 422 and fields(r) == [field], params
    researcher = api_for(people["researcher"]).get("/api/cases")
    assert researcher.json() == [] and researcher["X-Total-Count"] == "0"


def test_queries_do_not_grow_with_the_caseload(people: dict[str, User]) -> None:
    a = api_for(people["a"])
    first = new_case(people["a"])
    event = {
        "kind": "detention_started",
        "on": "2016-01-01",
        "details": {"place": "X", "basis": "none"},
    }
    a.post(f"/api/cases/{first.pk}/events", event)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert a.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = (
        "/api/cases",
        "/api/deadlines",
        "/api/deadlines?days=90",
        f"/api/cases/{first.pk}/events",
    )
    before = {u: count(u) for u in urls}
    for i in range(5):
        case = new_case(people["a"], f"Client {i}")
        a.post(f"/api/cases/{case.pk}/events", event)
        a.post(
            f"/api/cases/{first.pk}/events",
            {"kind": "court_hearing", "on": "2030-01-0" + str(i + 1), "details": {}},
        )
    after = {u: count(u) for u in urls}
    assert after == before
    assert all(n <= 12 for n in after.values()), after


# --- the OpenAPI document -----------------------------------------------------------------


def test_openapi_lists_the_new_paths(people: dict[str, User]) -> None:
    doc = json.loads(Browser().get("/api/openapi.json").content)
    paths = doc["paths"]
    expected = {
        "/api/cases": {"get", "post"},
        "/api/cases/{case_id}/events": {"get", "post"},
        "/api/cases/{case_id}/events/{event_id}": {"delete"},
        "/api/cases/{case_id}/deadlines": {"get"},
        "/api/deadlines": {"get"},
        "/api/cases/{case_id}/findings": {"get", "put"},
        "/api/cases/{case_id}/claim/fears": {"put"},
        "/api/cases/{case_id}/claim/military-service": {"put"},
        "/api/cases/{case_id}/conduct": {"put"},
    }
    for path, methods in expected.items():
        assert path in paths and methods <= set(paths[path]), (path, sorted(paths.get(path, {})))
    findings = paths["/api/cases/{case_id}/findings"]["put"]["requestBody"]
    text = json.dumps(findings)
    assert "#/components/schemas/asylon.case.Findings" in text
    assert "asylon.case.Conduct" in json.dumps(paths["/api/cases/{case_id}/conduct"]["put"])
    listing = paths["/api/cases"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"limit", "offset", "q", "status"}
    assert "X-Total-Count" in listing["responses"]["200"]["headers"]
    schemas = doc["components"]["schemas"]
    for name in ("Findings", "Fear", "MilitaryService", "Conduct"):
        assert f"asylon.case.{name}" in schemas
