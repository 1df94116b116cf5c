"""Exports behind approval (Bayanat's practice): a bulk export of personal data is requested
with a reason, approved or refused by a supervisor of the same team (never the requester),
downloaded by the requester only, once, within the expiry window, from the scope frozen at
approval and re-checked at download; everything audited without a name.
Runs on SQLite and on PostgreSQL (``ASYLON_TEST_DB=postgres``)."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client as Browser
from django.utils import timezone

from asylon.law.facts import load_document, parse_case_file
from asylon.web.accounts import mfa
from asylon.web.accounts.models import Team, User
from asylon.web.api.models import ApiToken
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.casefile import import_case
from asylon.web.cases.models import Case, Client
from asylon.web.exports.models import ExportRequest

pytestmark = pytest.mark.django_db
EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))
NEW = "/en/exports/new/"
REASON = "Hand-over of the caseload to the partner lawyers (requested for Salekh Example)"
NAMES = (
    "Salekh Example",
    "صالح المثال",
    "Amina Formula",
    "Protected Witness",
    "Berlin Client",
    "Late Arrival",
)


def user(name: str, team: Team | None, role: str = User.Role.CASEWORKER) -> User:
    return User.objects.create_user(name, password="x" * 14, team=team, role=role)


@pytest.fixture(autouse=True)
def export_settings(settings: Any) -> None:
    settings.ASYLON_EXPORT_VALID_HOURS = 24
    settings.ASYLON_EXPORT_MAX_DOWNLOADS = 1
    settings.ASYLON_MFA_REQUIRED_ROLES = ("admin", "supervisor")
    settings.ASYLON_REAUTH_SECONDS = 600


@pytest.fixture
def world() -> dict[str, Any]:
    a, b = Team.objects.create(name="Moscow office"), Team.objects.create(name="Berlin office")
    w: dict[str, Any] = {
        "a": a,
        "cw_a": user("cw_a", a),
        "cw_a2": user("cw_a2", a),
        "sup_a": user("sup_a", a, User.Role.SUPERVISOR),
        "sup_b": user("sup_b", b, User.Role.SUPERVISOR),
        "researcher": user("researcher", None, User.Role.RESEARCHER),
    }
    # two cases from the examples (full facts), with names in Latin and Arabic script
    for i, name in enumerate(NAMES[:2]):
        case = import_case(EXAMPLES[i].read_text(), "yaml", a, w["cw_a"])
        Client.objects.filter(pk=case.client_id).update(full_name=name)
    amina = Client.objects.create(
        full_name="Amina Formula",
        team=a,
        born=date(1990, 3, 1),
        contact="+7 999 000 00 00",
        nationalities=["SY"],
    )
    w["waiting"] = Case.objects.create(client=amina, team=a, jurisdiction="eu:de", status="waiting")
    witness = Client.objects.create(full_name="Protected Witness", team=a)
    w["restricted"] = Case.objects.create(
        client=witness, team=a, jurisdiction="ru", restricted=True
    )
    w["restricted"].named_users.add(w["cw_a"])
    berlin = Client.objects.create(full_name="Berlin Client", team=b)
    w["other_team"] = Case.objects.create(client=berlin, team=b, jurisdiction="eu")
    return w


def browse(u: User, reauthenticated: bool = True) -> Browser:
    """A logged-in browser whose session passed the second factor (and, unless told
    otherwise, proved who it is a moment ago, as @reauthenticated wants)."""
    b = Browser()
    b.force_login(u)
    session = b.session
    session[mfa.SESSION_VERIFIED] = u.pk
    if reauthenticated:
        session[mfa.SESSION_AUTH_AT] = int(time.time())
    else:  # proved who they are long ago (the conftest's force_login marks it as just now)
        session[mfa.SESSION_AUTH_AT] = int(time.time()) - 24 * 3600
    session.save()
    return b


def visible_ids(w: dict[str, Any]) -> list[int]:
    return sorted(Case.objects.filter(team=w["a"]).values_list("pk", flat=True))


def request_export(b: Browser, **fields: Any) -> ExportRequest:
    data = {"kind": "case_files", "fmt": "zip", "reason": REASON, "action": "request", **fields}
    response = b.post(NEW, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ExportRequest.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def decide(b: Browser, row: ExportRequest, decision: str = "approve", reason: str = "ok") -> Any:
    return b.post(f"/en/exports/{row.pk}/decide/", {"decision": decision, "reason": reason})


def download(b: Browser, row: ExportRequest) -> Any:
    return b.post(f"/en/exports/{row.pk}/download/")


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def export_audit() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action__startswith="export_").order_by("sequence"))


def assert_no_names(entries: list[AuditEntry]) -> None:
    text = json.dumps(
        [[e.action, e.object_type, e.object_id, e.details] for e in entries], ensure_ascii=False
    )
    for name in (*NAMES, REASON, "partner lawyers", "ok to hand over"):
        assert name not in text, name


# --- the whole way, on the pages ------------------------------------------------------------


def test_request_approve_download_once_from_the_frozen_scope(world: dict[str, Any]) -> None:
    cw, sup_a = browse(world["cw_a"]), browse(world["sup_a"])
    expected = visible_ids(world)
    assert len(expected) == 4

    # the form previews the count and names the field at fault
    page = cw.post(NEW, {"kind": "case_files", "fmt": "zip", "action": "preview"})
    assert page.status_code == 200 and 'id="preview-count"' in page.content.decode()
    assert "4 cases" in page.content.decode()
    page = cw.post(NEW, {"kind": "clients", "fmt": "zip", "reason": "x", "action": "request"})
    assert page.status_code == 400 and 'id="error-fmt"' in page.content.decode()
    assert "Format:" in page.content.decode()
    page = cw.post(NEW, {"kind": "case_files", "fmt": "zip", "action": "request"})
    assert page.status_code == 400 and 'id="error-reason"' in page.content.decode()
    assert not ExportRequest.objects.exists()

    row = request_export(cw)
    assert row.status == "pending" and row.state == "pending" and row.requested_count == 4
    assert row.requester == world["cw_a"] and row.team == world["a"] and row.case_ids == []

    # pending: the requester is refused, anyone else finds nothing
    assert download(cw, row).status_code == 403
    assert download(browse(world["cw_a2"]), row).status_code == 404
    assert download(sup_a, row).status_code == 404
    # a caseworker decides nothing; another team's supervisor does not see the request
    assert decide(browse(world["cw_a2"]), row).status_code == 404
    sup_b = browse(world["sup_b"])
    assert sup_b.get(f"/en/exports/{row.pk}/").status_code == 404
    assert decide(sup_b, row).status_code == 404
    assert row.pk not in [r.pk for r in sup_b.get("/en/exports/queue/").context["requests"]]
    row.refresh_from_db()
    assert row.status == "pending"

    # the team's supervisor sees it in the queue and approves it
    queue = sup_a.get("/en/exports/queue/")
    assert queue.status_code == 200 and [r.pk for r in queue.context["requests"]] == [row.pk]
    page = sup_a.get(f"/en/exports/{row.pk}/")
    assert page.status_code == 200 and 'id="decision"' in page.content.decode()
    assert decide(sup_a, row, reason="").status_code == 400  # a decision needs a reason
    response = decide(sup_a, row, reason="ok to hand over")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "approved" and row.state == "ready" and row.decided_by == world["sup_a"]
    assert row.case_ids == expected and row.max_downloads == 1 and row.downloads == 0
    hours = (row.expires_at - row.decided_at).total_seconds() / 3600
    assert hours == pytest.approx(24)
    assert decide(sup_a, row).status_code == 409  # decided once

    # after approval: a new case is not added, a case the requester loses is left out
    late = Client.objects.create(full_name="Late Arrival", team=world["a"])
    late_case = Case.objects.create(client=late, team=world["a"])
    world["restricted"].named_users.remove(world["cw_a"])

    response = download(cw, row)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    assert archive.testzip() is None
    files = sorted(n for n in archive.namelist() if n != "manifest.json")
    included = [i for i in expected if i != world["restricted"].pk]
    assert files == sorted(f"case-{i}.json" for i in included)
    assert f"case-{late_case.pk}.json" not in files
    names = set()
    for name in files:
        parsed = parse_case_file(archive.read(name), "json")  # asylon.law.facts validates
        assert parsed.id == name.removesuffix(".json")
        names.add(load_document(archive.read(name).decode(), "json")["applicant"]["name"]["full"])
    assert names == {"Salekh Example", "صالح المثال", "Amina Formula"}
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["cases"] == included
    assert manifest["left_out_no_longer_visible"] == [world["restricted"].pk]

    # used up
    row.refresh_from_db()
    assert row.downloads == 1 and row.state == "used"
    again = download(cw, row)
    assert again.status_code == 410 and not again.streaming
    assert "already downloaded" in again.content.decode()

    # audited: request, approval, download (ids and counts), refused download; no names
    entries = export_audit()
    assert [e.action for e in entries] == [
        "export_requested",
        "export_download_refused",
        "export_approved",
        "export_downloaded",
        "export_download_refused",
    ]
    assert all(e.object_type == "exportrequest" and e.object_id == str(row.pk) for e in entries)
    requested, _, approved, downloaded, refused = entries
    assert requested.user == world["cw_a"] and requested.details["count"] == 4
    assert approved.user == world["sup_a"] and approved.details["count"] == 4
    assert downloaded.details["case_ids"] == included and downloaded.details["count"] == 3
    assert downloaded.details["left_out_ids"] == [world["restricted"].pk]
    assert refused.details["state"] == "used"
    assert_no_names(entries)

    # the requester's list shows the state and the expiry
    listing = cw.get("/en/exports/")
    assert listing.status_code == 200 and "state-used" in listing.content.decode()


def test_nobody_decides_their_own_request(world: dict[str, Any]) -> None:
    sup_a = browse(world["sup_a"])
    row = request_export(sup_a)
    assert row.pk not in [r.pk for r in sup_a.get("/en/exports/queue/").context["requests"]]
    response = decide(sup_a, row)
    assert response.status_code == 403
    assert "your own request" in response.content.decode()
    row.refresh_from_db()
    assert row.status == "pending" and row.decided_by is None
    # and the database refuses it too
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportRequest.objects.filter(pk=row.pk).update(decided_by=world["sup_a"])
    # an administrator of the team may decide it
    admin_a = browse(user("admin_a", world["a"], User.Role.ADMIN))
    assert decide(admin_a, row).status_code == 302
    row.refresh_from_db()
    assert row.state == "ready"


def test_an_expired_approval_is_refused(world: dict[str, Any]) -> None:
    cw = browse(world["cw_a"])
    row = request_export(cw)
    assert decide(browse(world["sup_a"]), row).status_code == 302
    ExportRequest.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    row.refresh_from_db()
    assert row.state == "expired"
    response = download(cw, row)
    assert response.status_code == 410 and "expired" in response.content.decode()
    row.refresh_from_db()
    assert row.downloads == 0
    assert any(  # audit details are encrypted at rest: compared once decrypted
        e.details.get("state") == "expired"
        for e in AuditEntry.objects.filter(action="export_download_refused")
    )
    assert not AuditEntry.objects.filter(action="export_downloaded").exists()


def test_a_refused_or_withdrawn_request_is_never_downloaded(world: dict[str, Any]) -> None:
    cw = browse(world["cw_a"])
    refused = request_export(cw)
    assert decide(browse(world["sup_a"]), refused, "refuse", "not needed").status_code == 302
    refused.refresh_from_db()
    assert refused.state == "refused" and refused.decision_reason == "not needed"
    assert download(cw, refused).status_code == 403
    withdrawn = request_export(cw)
    assert cw.post(f"/en/exports/{withdrawn.pk}/cancel/").status_code == 302
    withdrawn.refresh_from_db()
    assert withdrawn.state == "cancelled"
    assert decide(browse(world["sup_a"]), withdrawn).status_code == 409
    assert download(cw, withdrawn).status_code == 403
    assert {"export_refused", "export_cancelled"} <= {e.action for e in export_audit()}


def test_download_wants_a_recent_reauthentication(world: dict[str, Any]) -> None:
    row = request_export(browse(world["cw_a"]))
    assert decide(browse(world["sup_a"]), row).status_code == 302
    stale = browse(world["cw_a"], reauthenticated=False)
    response = download(stale, row)
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    row.refresh_from_db()
    assert row.downloads == 0 and row.state == "ready"


def test_researchers_see_no_export(world: dict[str, Any]) -> None:
    row = request_export(browse(world["cw_a"]))
    r = browse(world["researcher"])
    for url in ("/en/exports/", NEW, "/en/exports/queue/", f"/en/exports/{row.pk}/"):
        assert r.get(url).status_code == 404, url
    assert download(r, row).status_code == 404
    assert "/en/exports/" not in r.get("/en/stats/").content.decode()
    assert "/en/exports/" in browse(world["cw_a"]).get("/en/").content.decode()


def test_client_list_csv_and_filtered_json_lines(world: dict[str, Any]) -> None:
    cw, sup = browse(world["cw_a"]), browse(world["sup_a"])
    clients = request_export(cw, kind="clients", fmt="csv")
    waiting = request_export(cw, fmt="jsonl", case_status="waiting", jurisdiction="eu")
    assert waiting.requested_count == 1
    for row in (clients, waiting):
        assert decide(sup, row).status_code == 302

    response = download(cw, clients)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    by_name = {r["full_name"]: r for r in rows}
    assert set(by_name) == {"Salekh Example", "صالح المثال", "Amina Formula", "Protected Witness"}
    amina = by_name["Amina Formula"]
    assert amina["born"] == "1990-03-01" and amina["case_ids"] == str(world["waiting"].pk)
    assert amina["contact"] == "'+7 999 000 00 00"  # never run as a formula by a spreadsheet

    response = download(cw, waiting)
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = body(response).decode().splitlines()
    assert len(lines) == 1
    assert parse_case_file(lines[0], "json").id == f"case-{world['waiting'].pk}"
    assert_no_names(export_audit())


# --- the API --------------------------------------------------------------------------------


class Api:
    def __init__(self, u: User) -> None:
        self.browser = Browser()
        self.headers = {"Authorization": f"Bearer {ApiToken.issue(u, 'test')[1]}"}

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        return self.browser.get(url, params or {}, headers=self.headers)

    def post(self, url: str, data: Any = None) -> Any:
        return self.browser.post(
            url, json.dumps(data or {}), content_type="application/json", headers=self.headers
        )


def test_the_api_does_the_same(world: dict[str, Any]) -> None:
    cw, sup_a, sup_b = Api(world["cw_a"]), Api(world["sup_a"]), Api(world["sup_b"])
    assert cw.get("/api/exports/preview", {"kind": "case_files", "format": "zip"}).json() == {
        "count": 4
    }
    bad = cw.post("/api/exports", {"kind": "clients", "format": "zip", "reason": "x"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "format"
    bad = cw.post("/api/exports", {"kind": "case_files", "format": "zip"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "reason"

    created = cw.post("/api/exports", {"kind": "case_files", "format": "zip", "reason": REASON})
    assert created.status_code == 201, created.content
    export = created.json()
    assert export["state"] == "pending" and export["requested_count"] == 4
    pk = export["id"]
    assert [e["id"] for e in cw.get("/api/exports").json()] == [pk]

    assert cw.post(f"/api/exports/{pk}/download").status_code == 403
    assert sup_a.post(f"/api/exports/{pk}/download").status_code == 404
    assert cw.post(f"/api/exports/{pk}/approve", {"reason": "mine"}).status_code == 404
    assert sup_b.get(f"/api/exports/{pk}").status_code == 404
    assert sup_b.post(f"/api/exports/{pk}/approve", {"reason": "other"}).status_code == 404
    assert sup_b.get("/api/exports/queue").json() == []

    own = sup_a.post("/api/exports", {"kind": "clients", "format": "csv", "reason": "audit"})
    assert own.status_code == 201
    refused = sup_a.post(f"/api/exports/{own.json()['id']}/approve", {"reason": "self"})
    assert refused.status_code == 403

    assert [e["id"] for e in sup_a.get("/api/exports/queue").json()] == [pk]
    approved = sup_a.post(f"/api/exports/{pk}/approve", {"reason": "ok"})
    assert approved.status_code == 200 and approved.json()["state"] == "ready"
    assert approved.json()["case_count"] == 4 and approved.json()["expires_at"]

    world["restricted"].named_users.remove(world["cw_a"])
    response = cw.post(f"/api/exports/{pk}/download")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    files = sorted(n for n in archive.namelist() if n != "manifest.json")
    assert len(files) == 3 and f"case-{world['restricted'].pk}.json" not in files
    for name in files:
        parse_case_file(archive.read(name), "json")
    again = cw.post(f"/api/exports/{pk}/download")
    assert again.status_code == 410 and again.json()["detail"]
    assert cw.get(f"/api/exports/{pk}").json()["state"] == "used"

    r = Api(world["researcher"])
    assert r.get("/api/exports").status_code == 404
    assert (
        r.post("/api/exports", {"kind": "clients", "format": "csv", "reason": "x"}).status_code
        == 404
    )
    assert Browser().get("/api/exports").status_code == 401
    assert_no_names(export_audit())


def test_the_openapi_document_lists_the_export_endpoints() -> None:
    doc = Browser().get("/api/openapi.json").json()
    for path in (
        "/api/exports",
        "/api/exports/queue",
        "/api/exports/preview",
        "/api/exports/{export_id}",
        "/api/exports/{export_id}/approve",
        "/api/exports/{export_id}/refuse",
        "/api/exports/{export_id}/cancel",
        "/api/exports/{export_id}/download",
    ):
        assert path in doc["paths"], path
