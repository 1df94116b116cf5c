"""The JSON API under /api/: tokens, access rules, case files, assessment, evidence.
Runs on SQLite and on PostgreSQL (ASYLON_TEST_DB=postgres)."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client as Browser

from asylon.law.determination import DeterminationModel
from asylon.law.facts import Findings, load_document, parse_case_file
from asylon.web.accounts.models import User
from asylon.web.api.models import ApiToken, hash_token
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.models import Assessment, Case, Client

pytestmark = pytest.mark.django_db
EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


class Api:
    """A test client sending a bearer token."""

    def __init__(self, token: str | None) -> None:
        self.browser = Browser()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        return self.browser.get(url, params or {}, headers=self.headers)

    def post(self, url: str, body: Any) -> Any:
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.browser.post(url, data, content_type="application/json", headers=self.headers)


def api_for(user: User) -> Api:
    return Api(ApiToken.issue(user, "test")[1])


def example(i: int) -> dict[str, Any]:
    return load_document(EXAMPLES[i].read_text(), "yaml")


def created_case(client: Api, i: int = 0) -> int:
    response = client.post("/api/cases", example(i))
    assert response.status_code == 201, response.content.decode()[:500]
    return int(response.json()["id"])


def test_no_unknown_or_revoked_token_is_401(people: dict[str, User]) -> None:
    assert Browser().get("/api/cases").status_code == 401
    assert Api("asy_not-a-token").get("/api/cases").status_code == 401
    row, token = ApiToken.issue(people["a"], "laptop")
    assert Api(token).get("/api/cases").status_code == 200
    row.revoked = True
    row.save()
    response = Api(token).get("/api/cases")
    assert response.status_code == 401 and response.json()["detail"]
    assert Api(token).post("/api/cases", example(0)).status_code == 401
    assert not Case.objects.exists()


def test_tokens_are_stored_hashed_and_printed_once(people: dict[str, User]) -> None:
    out = StringIO()
    call_command("create_api_token", "a", "--name", "cli", stdout=out, stderr=StringIO())
    token = out.getvalue().strip()
    row = ApiToken.objects.get(name="cli")
    assert row.key_hash == hash_token(token) and token not in row.key_hash
    assert row.user == people["a"] and row.last_used_at is None
    assert Api(token).get("/api/cases").status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_session_users_may_use_the_api_with_csrf_on_post(people: dict[str, User]) -> None:
    b = Browser(enforce_csrf_checks=True)
    b.force_login(people["a"])
    assert b.get("/api/cases").status_code == 200
    forged = b.post("/api/cases", json.dumps(example(0)), content_type="application/json")
    assert forged.status_code == 403 and not Case.objects.exists()
    b.get("/en/accounts/login/")  # sets the CSRF cookie
    token = b.cookies["csrftoken"].value
    ok = b.post(
        "/api/cases",
        json.dumps(example(0)),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert ok.status_code == 201


def test_another_teams_case_is_404_everywhere(people: dict[str, User]) -> None:
    case_id = created_case(api_for(people["a"]))
    other = api_for(people["b"])
    base = f"/api/cases/{case_id}"
    for url in (base, f"{base}/case-file", f"{base}/compare", f"{base}/assessments"):
        assert other.get(url).status_code == 404, url
    assert other.get(f"{base}/findings").status_code == 404
    assert other.post(f"{base}/assess", {"as_of": "2016-12-06"}).status_code == 404
    assert other.get("/api/cases").json() == []
    assert not Assessment.objects.exists()
    # nothing of the case reached b: only b's own (empty) listing is on record
    [listing] = AuditEntry.objects.filter(user=people["b"])
    assert listing.action == "list_cases" and listing.object_id == ""
    assert listing.details["returned"] == 0 and listing.details["found"] == 0


def test_api_listings_and_searches_are_audited_without_the_name(people: dict[str, User]) -> None:
    from asylon.web.crypto.blind_index import query_digest

    api = api_for(people["a"])
    name = example(0)["applicant"]["name"]["full"]
    created_case(api)
    api.get("/api/cases", {"limit": 1})
    api.get("/api/cases", {"q": f"  {name.upper()} "})
    listing, search = AuditEntry.objects.filter(
        user=people["a"], action__in=("list_cases", "search_cases")
    ).order_by("sequence")
    assert listing.details == {"via": "api", "offset": 0, "returned": 1, "found": 1}
    assert search.details["query"] == query_digest(name)  # normalised: case, spaces aside
    assert search.details["returned"] == search.details["found"] == 1
    assert not any(w.lower() in str(search.details).lower() for w in name.split())


def test_a_researcher_lists_no_case_and_sees_no_person(people: dict[str, User]) -> None:
    case_id = created_case(api_for(people["a"]))
    researcher = api_for(people["researcher"])
    listed = researcher.get("/api/cases")
    assert listed.status_code == 200 and listed.json() == []
    assert researcher.get(f"/api/cases/{case_id}").status_code == 404
    assert researcher.get(f"/api/cases/{case_id}/case-file").status_code == 404
    assert researcher.post("/api/cases", example(1)).status_code == 403
    assert Case.objects.count() == 1


def test_listing_and_detail(people: dict[str, User]) -> None:
    client = api_for(people["a"])
    case_id = created_case(client)
    [row] = client.get("/api/cases").json()
    assert row["id"] == case_id and row["client"]["name"] == "Salekh Example"
    assert row["jurisdiction"] == Case.objects.get().jurisdiction
    detail = client.get(f"/api/cases/{case_id}").json()
    assert detail["id"] == case_id and detail["assessments"] == []
    assert AuditEntry.objects.filter(action="view_case", object_id=str(case_id)).exists()
    assert AuditEntry.objects.filter(action="import_case_file").count() == 1


def test_an_impossible_date_names_the_field_and_creates_nothing(people: dict[str, User]) -> None:
    doc = example(0)
    doc["applicant"]["born"] = "1978-02-31"
    response = api_for(people["a"]).post("/api/cases", doc)
    assert response.status_code == 422
    body = response.json()
    assert "applicant.born" in [e["field"] for e in body["errors"]] and body["detail"]
    assert not Case.objects.exists() and not Client.objects.exists()
    bad_json = api_for(people["a"]).post("/api/cases", "{not json")
    assert bad_json.status_code == 422 and not Case.objects.exists()


@pytest.mark.parametrize("index", range(len(EXAMPLES)), ids=[p.stem for p in EXAMPLES])
def test_post_then_export_round_trips(people: dict[str, User], index: int) -> None:
    client = api_for(people["a"])
    case_id = created_case(client, index)
    response = client.get(f"/api/cases/{case_id}/case-file")
    assert response.status_code == 200
    original, back = example(index), response.json()
    assert back["format"] == "asylon.case/1"
    for doc in (original, back):
        doc.update(id="x", as_of="2020-01-01")
    assert parse_case_file(json.dumps(original)) == parse_case_file(json.dumps(back))
    entry = AuditEntry.objects.get(action="export_case_file")
    assert entry.object_id == str(case_id) and entry.user == people["a"]


def test_findings(people: dict[str, User]) -> None:
    client = api_for(people["a"])
    case_id = created_case(client, 2)
    expected = (example(2).get("claim") or {}).get("findings")
    response = client.get(f"/api/cases/{case_id}/findings")
    assert response.status_code == 200 and expected
    same = Findings.model_validate_json(json.dumps(expected))
    assert Findings.model_validate_json(response.content) == same


def test_assess_stores_a_valid_determination(people: dict[str, User]) -> None:
    client = api_for(people["a"])
    case_id = created_case(client, 2)  # the opposition activist in Germany
    response = client.post(f"/api/cases/{case_id}/assess", {"as_of": "2013-11-20"})
    assert response.status_code == 201, response.content.decode()[:500]
    body = response.json()
    det = DeterminationModel.model_validate(body["determination"])
    assert det.outcome == "REFUGEE" and body["outcome"] == "REFUGEE"
    stored = Assessment.objects.get()
    assert body["id"] == stored.pk and stored.determination == body["determination"]
    entry = AuditEntry.objects.get(action="assess")
    assert entry.object_id == str(case_id) and entry.details["assessment"] == stored.pk
    listed = client.get(f"/api/cases/{case_id}/assessments").json()
    assert [a["id"] for a in listed] == [stored.pk]
    one = client.get(f"/api/cases/{case_id}/assessments/{stored.pk}")
    assert one.status_code == 200 and one.json()["determination"] == body["determination"]
    bad = client.post(f"/api/cases/{case_id}/assess", {"as_of": "2013-02-30"})
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["as_of"]
    missing = client.post(f"/api/cases/{case_id}/assess", {})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "as_of"
    assert Assessment.objects.count() == 1


def test_compare_jurisdictions(people: dict[str, User]) -> None:
    client = api_for(people["a"])
    case_id = created_case(client, 1)  # the former guard
    response = client.get(f"/api/cases/{case_id}/compare", {"as_of": "2014-09-15"})
    assert response.status_code == 200
    results = response.json()
    assert set(results) == {"unhcr", "eu", "ru"}
    outcomes = [r["outcome"] for r in results.values() if isinstance(r, dict)]
    assert "EXCLUDED_PROTECTED_FROM_RETURN" in outcomes
    for r in results.values():
        if isinstance(r, dict):
            DeterminationModel.model_validate(r)
    assert AuditEntry.objects.filter(action="compare", object_id=str(case_id)).exists()


def test_openapi_document(people: dict[str, User]) -> None:
    response = Browser().get("/api/openapi.json")
    assert response.status_code == 200
    doc = json.loads(response.content)
    assert doc["info"]["title"] == "Asylon API" and doc["info"]["version"] == "1"
    for path in (
        "/api/cases",
        "/api/cases/{case_id}",
        "/api/cases/{case_id}/case-file",
        "/api/cases/{case_id}/findings",
        "/api/cases/{case_id}/assess",
        "/api/cases/{case_id}/assessments",
        "/api/cases/{case_id}/compare",
        "/api/evidence/indicators",
    ):
        assert path in doc["paths"], path
    assert (
        "post" in doc["paths"]["/api/cases"]
        and "post" in doc["paths"]["/api/cases/{case_id}/assess"]
    )
    schemas = doc["components"]["schemas"]
    assert "asylon.case.1" in schemas and "DeterminationModel" in schemas
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', response.content.decode()))
    assert refs <= set(schemas), refs - set(schemas)
    assert Browser().get("/api/docs").status_code == 200


# --- evidence -----------------------------------------------------------------------------


def test_evidence_without_a_store_is_503(people: dict[str, User]) -> None:
    response = api_for(people["researcher"]).get(
        "/api/evidence/indicators", {"place": "SY02", "from": "2016-01-01", "to": "2016-12-31"}
    )
    assert response.status_code == 503 and "asylon evidence build" in response.json()["detail"]


def test_evidence_indicators(
    people: dict[str, User], store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASYLON_EVIDENCE_DB", str(store_path))
    client = api_for(people["researcher"])  # aggregate statistics are for researchers too
    query = {"place": "SY02", "from": "2016-01-01", "to": "2016-12-31", "by": "month"}
    response = client.get("/api/evidence/indicators", query)
    assert response.status_code == 200, response.content.decode()[:500]
    body = response.json()
    assert body["format"] == "asylon.indicators/1" and body["area"]["code"] == "SY02"
    assert body["period"] == ["2016-01-01", "2016-12-31"]
    ucdp = next(s for s in body["sources"] if s["source"] == "ucdp_ged_syria_2016_2019")
    assert ucdp["events"] > 0 and len(ucdp["series"]) == 12
    radius = client.get(
        "/api/evidence/indicators",
        {"place": "Aleppo", "radius_km": 10, "from": "2016-01-01", "to": "2016-03-31"},
    )
    assert radius.status_code == 200 and radius.json()["area"]["kind"] == "radius"


def test_evidence_place_errors(
    people: dict[str, User], store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASYLON_EVIDENCE_DB", str(store_path))
    client = api_for(people["a"])
    period = {"from": "2016-01-01", "to": "2016-12-31"}
    unknown = client.get("/api/evidence/indicators", {"place": "Alepo", **period})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "place" and unknown.json()["suggestions"]
    ambiguous = client.get("/api/evidence/indicators", {"place": "Aleppo", **period})
    assert ambiguous.status_code == 422 and len(ambiguous.json()["candidates"]) > 1
    reversed_period = client.get(
        "/api/evidence/indicators", {"place": "SY02", "from": "2016-12-31", "to": "2016-01-01"}
    )
    assert reversed_period.status_code == 422
    assert reversed_period.json()["errors"][0]["field"] == "to"
    no_date = client.get("/api/evidence/indicators", {"place": "SY02", "from": "2016-13-01"})
    fields = {e["field"] for e in no_date.json()["errors"]}
    assert no_date.status_code == 422 and {"from", "to"} <= fields


def test_an_offset_beyond_the_limit_is_a_422_not_a_500(people: dict[str, User]) -> None:
    api = api_for(people["a"])
    assert api.get("/api/cases", {"offset": 10**30}).status_code == 422
    assert api.get("/api/cases", {"offset": 10**9}).json() == []
