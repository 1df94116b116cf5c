"""Register screening (issue 5, items 5 and 7): the demo acceptance, the review queue, the
judgement, the flag on the next assessment, access, privacy, CLI and API."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from django.core.management import call_command
from django.test import Client as HttpClient

from asylon.law.determination import determination_json_schema
from asylon.web.accounts.models import User
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.assessing import assess_case
from asylon.web.cases.models import Case
from asylon.web.register.transfer import load_starter
from asylon.web.screening import services
from asylon.web.screening.commands import screen_cmd
from asylon.web.screening.models import Judgement, ScreeningHit

pytestmark = pytest.mark.django_db

OFFICERS = {"Jalal Example-Mukhabarat", "Iyad Example-Askari"}  # the demo's former officers


@pytest.fixture
def demo() -> dict[str, Any]:
    call_command("load_demo", stdout=io.StringIO())
    load_starter()
    users = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
    colonel = next(  # names are encrypted at rest: compared after decryption
        c
        for c in Case.objects.select_related("client")
        if c.client.full_name == "Jalal Example-Mukhabarat"
    )
    return {"users": users, "colonel": colonel}


def _login(user: User) -> HttpClient:
    client = HttpClient()
    client.force_login(user)
    return client


def test_batch_screening_flags_the_former_officers_and_no_ordinary_client(demo: dict) -> None:
    runs = services.screen_batch(None)
    assert len(runs) == Case.objects.count() > 30
    flagged = {}
    for run in runs:
        for hit in run.hits.all():
            flagged.setdefault(run.case.client.full_name, []).append(hit)
    assert "Jalal Example-Mukhabarat" in flagged  # the former colonel
    assert set(flagged) <= OFFICERS, set(flagged) - OFFICERS
    hit = max(flagged["Jalal Example-Mukhabarat"], key=lambda h: h.score)
    assert hit.kind == "unit" and hit.register_id == "unit-gid-branch-251"
    assert 0.6 <= hit.score <= 1
    role = next(f for f in hit.features if f["name"] == "role")
    assert role["value"] == "same_unit_same_period"
    assert hit.allegation_ids and services.allegations(hit.allegation_ids)[0]["sources"]


def test_screen_judge_and_flag_the_next_assessment(demo: dict) -> None:
    users, colonel = demo["users"], demo["colonel"]
    reviewer, caseworker = users["demo-reviewer"], users["demo-caseworker-berlin"]
    web = _login(caseworker)
    # the caseworker of the case screens it and sees the hit with allegations and sources
    assert web.post(f"/en/screening/cases/{colonel.pk}/screen/").status_code == 302
    page = web.get(f"/en/screening/cases/{colonel.pk}/").content.decode()
    hit = ScreeningHit.objects.filter(case=colonel).order_by("-score").first()
    assert hit is not None and f'id="hit-{hit.pk}"' in page
    assert (
        "Koblenz" in page and "judgement-form" not in page
    )  # sources shown; no form for caseworkers
    assert (
        f"/en/screening/cases/{colonel.pk}/" in web.get(f"/en/cases/{colonel.pk}/").content.decode()
    )
    # the caseworker cannot judge, nor see the queue
    url = f"/en/screening/hits/{hit.pk}/judgement/"
    data = {f"hit{hit.pk}-decision": "match", f"hit{hit.pk}-reason": "same unit"}
    assert web.post(url, data).status_code == 404
    assert web.get("/en/screening/review/").status_code == 404
    assert not Judgement.objects.exists()
    # the reviewer sees it in the queue and judges it
    rweb = _login(reviewer)
    queue = rweb.get("/en/screening/review/").content.decode()
    assert f'id="hit-{hit.pk}"' in queue
    assert (
        rweb.post(url, {f"hit{hit.pk}-decision": "match", f"hit{hit.pk}-reason": ""}).status_code
        == 400
    )
    response = rweb.post(
        url, {**data, f"hit{hit.pk}-reason": "interview: head of interrogations, GID, 2011-2012"}
    )
    assert response.status_code == 302
    judgement = Judgement.objects.get()
    assert judgement.decision == "match" and judgement.user == reviewer
    assert f'id="hit-{hit.pk}"' not in rweb.get("/en/screening/review/").content.decode()
    # re-screening shows the judgement and does not queue the pair again
    run = services.screen_case(colonel, caseworker)
    again = run.hits.get(register_id=hit.register_id)
    assert again.pk != hit.pk and again not in services.queue(reviewer)
    assert (
        "interview: head of interrogations"
        in web.get(f"/en/screening/cases/{colonel.pk}/").content.decode()
    )
    # the next assessment carries EXCLUSION_REVIEW_REQUIRED with the link; valid determination
    det = assess_case(colonel, caseworker, date(2016, 10, 4)).determination
    assert "EXCLUSION_REVIEW_REQUIRED" in det["side_outputs"]
    flag = next(f for f in det["flags"] if "unit-gid-branch-251" in f["evidence"])
    assert flag["code"] == "OTHER_PROCEDURE_NEEDED"
    assert f"/screening/cases/{colonel.pk}/" in flag["message"]
    assert det["side_outputs"].count("EXCLUSION_REVIEW_REQUIRED") == 1
    jsonschema.validate(det, determination_json_schema())
    # audit: ids and scores, no names
    entries = AuditEntry.objects.filter(action__in=["screen_case", "screening_judgement"])
    assert entries.filter(action="screen_case", object_id=str(colonel.pk)).exists()
    for entry in entries:
        text = json.dumps(entry.details)
        assert "Mukhabarat" not in text and "Raslan" not in text and "branch-251" not in text
        assert "interrogations" not in text
    screened = entries.filter(action="screen_case").first()
    assert screened is not None and all(
        set(h) == {"kind", "register_pk", "score"} for h in screened.details["hits"]
    )


def test_no_match_judgement_adds_no_flag(demo: dict) -> None:
    users, colonel = demo["users"], demo["colonel"]
    services.screen_case(colonel, users["demo-caseworker-berlin"])
    for hit in ScreeningHit.objects.filter(case=colonel):
        services.judge(hit, users["demo-reviewer"], "no_match", "different period of service")
    det = assess_case(colonel, users["demo-caseworker-berlin"], date(2016, 10, 4)).determination
    assert not any("screening" in f["message"] for f in det["flags"])
    assert services.queue(users["demo-reviewer"]) == [] or all(
        h.case_id != colonel.pk for h in services.queue(users["demo-reviewer"])
    )
    with pytest.raises(PermissionError):
        services.judge(
            ScreeningHit.objects.filter(case=colonel).first(),
            users["demo-caseworker-berlin"],
            "match",
            "x",
        )


def test_access_other_team_and_api(demo: dict) -> None:
    users, colonel = demo["users"], demo["colonel"]
    other = _login(users["demo-caseworker"])  # Moscow team: not this case
    assert other.get(f"/en/screening/cases/{colonel.pk}/").status_code == 404
    assert other.post(f"/en/screening/cases/{colonel.pk}/screen/").status_code == 404
    assert (
        other.post(
            f"/api/cases/{colonel.pk}/screen", "{}", content_type="application/json"
        ).status_code
        == 404
    )
    assert other.get(f"/api/cases/{colonel.pk}/screening").status_code == 404
    mine = _login(users["demo-caseworker-berlin"])
    body = mine.post(
        f"/api/cases/{colonel.pk}/screen", "{}", content_type="application/json"
    ).json()
    assert body["case_id"] == colonel.pk and body["hits"]
    hit = body["hits"][0]
    assert {
        "applicant_id",
        "register_id",
        "register_name",
        "score",
        "features",
        "allegations",
    } <= set(hit)
    assert 0 <= hit["score"] <= 1 and hit["allegations"][0]["sources"]
    judge = f"/api/screening/hits/{hit['id']}/judgement"
    payload = json.dumps({"decision": "unsure", "reason": "needs the interview record"})
    assert mine.post(judge, payload, content_type="application/json").status_code == 404
    assert other.post(judge, payload, content_type="application/json").status_code == 404
    reviewer = _login(users["demo-reviewer"])
    judged = reviewer.post(judge, payload, content_type="application/json")
    assert judged.status_code == 200 and judged.json()["hit"]["judgement"]["decision"] == "unsure"
    latest = mine.get(f"/api/cases/{colonel.pk}/screening").json()
    assert latest["hits"][0]["judgement"]["decision"] == "unsure"
    # applicants in the body: nothing stored
    before = (ScreeningHit.objects.count(), Case.objects.count())
    found = mine.post("/api/screen", json.dumps({"applicants": [
        {"id": "x1", "name": "Anwar Raslan", "birth_date": "1963", "nationality": "SY"},
        {"id": "x2", "name": "Lina Example-Hamwi"}]}), content_type="application/json")  # fmt: skip
    assert found.status_code == 200
    hits = found.json()
    assert [h["applicant_id"] for h in hits] == ["x1"] and hits[0][
        "register_id"
    ] == "person-anwar-raslan"
    assert (ScreeningHit.objects.count(), Case.objects.count()) == before
    researcher = _login(users["demo-researcher"])
    assert (
        researcher.post(
            "/api/screen", json.dumps({"applicants": []}), content_type="application/json"
        ).status_code
        == 404
    )


def test_cli_applicants_csv_and_jsonl(demo: dict, tmp_path: Path) -> None:
    csv_file = tmp_path / "applicants.csv"
    csv_file.write_text(
        "id,name,aliases,birth_date,birth_place,nationality\n"
        "a1,Anwar Raslan,أنور رسلان,1963,Homs,SY\n"
        "a2,Lina Example-Hamwi,,1990-05-05,Homs,SY\n",
        encoding="utf-8",
    )
    jsonl = tmp_path / "applicants.jsonl"
    jsonl.write_text(json.dumps({"id": "j1", "name": "Jalal Example-Mukhabarat", "nationality": "SY",
        "roles": [{"organisation": "General Intelligence Directorate", "rank": "colonel",
                   "from": "2008", "to": "2012"}]}) + "\n", encoding="utf-8")  # fmt: skip
    before = ScreeningHit.objects.count()
    runner = CliRunner()
    out = runner.invoke(screen_cmd, ["--applicants", str(csv_file), "--format", "json"])
    assert out.exit_code == 0, out.output
    hits = json.loads(out.output)
    assert [h["applicant_id"] for h in hits] == ["a1"]
    assert hits[0]["register_id"] == "person-anwar-raslan" and hits[0]["register_name"]
    assert 0.6 <= hits[0]["score"] <= 1 and {f["name"] for f in hits[0]["features"]} >= {
        "name",
        "birth_date",
    }
    assert hits[0]["allegations"] and hits[0]["allegations"][0]["sources"]
    out = runner.invoke(screen_cmd, ["--applicants", str(jsonl)])
    assert out.exit_code == 0, out.output
    units = {h["register_id"] for h in json.loads(out.output)}
    assert "unit-gid-branch-251" in units and all(u.startswith("unit-gid") for u in units)
    out = runner.invoke(screen_cmd, ["--applicants", str(csv_file), "--all", "--format", "csv"])
    assert out.exit_code == 0 and out.output.splitlines()[0].startswith(
        "applicant_id,kind,register_id"
    )
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert rows and rows[0]["applicant_id"] == "a1" and json.loads(rows[0]["allegations"])
    assert ScreeningHit.objects.count() == before  # nothing stored
    out = runner.invoke(screen_cmd, ["--case", str(demo["colonel"].pk)])
    assert out.exit_code == 0 and json.loads(out.output)[0]["case_id"] == demo["colonel"].pk


def test_batch_mode_from_the_queue_and_the_api_covers_the_callers_cases_only(demo: dict) -> None:
    users = demo["users"]
    reviewer, moscow = users["demo-reviewer"], users["demo-caseworker"]
    from asylon.web.cases.access import visible_cases
    from asylon.web.screening.models import ScreeningRun

    # the reviewer's page: one run per case the reviewer may see, under one batch id
    web = _login(reviewer)
    assert 'id="screen-all"' in web.get("/en/screening/review/").content.decode()
    response = web.post("/en/screening/review/screen-all/", follow=True)
    assert response.status_code == 200
    seen = set(visible_cases(reviewer).values_list("pk", flat=True))
    runs = list(ScreeningRun.objects.all())
    assert {r.case_id for r in runs} == seen and len(runs) == len(seen)
    assert len({r.batch for r in runs}) == 1 and runs[0].batch
    hits = ScreeningHit.objects.filter(run__in=runs).count()
    assert f"{len(seen)} cases screened; {hits} hits." in response.content.decode()
    # a caseworker has no queue, so no batch page; the API screens their own caseload only
    mine = _login(moscow)
    assert mine.post("/en/screening/review/screen-all/").status_code == 404
    answer = mine.post("/api/screening/batch", "{}", content_type="application/json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    own = set(visible_cases(moscow).values_list("pk", flat=True))
    assert {r["case_id"] for r in body["runs"]} == own and body["cases"] == len(own)
    assert not own & {demo["colonel"].pk}  # the Berlin case is not the Moscow team's
    assert body["hits"] == sum(r["hits"] for r in body["runs"]) == 0  # no ordinary client hit
    researcher = _login(users["demo-researcher"])
    assert (
        researcher.post("/api/screening/batch", "{}", content_type="application/json").status_code
        == 404
    )


def test_reading_screening_results_is_audited_by_id(demo: dict) -> None:
    users, colonel = demo["users"], demo["colonel"]
    services.screen_case(colonel, users["demo-caseworker-berlin"])
    hits = sorted(ScreeningHit.objects.filter(case=colonel).values_list("pk", flat=True))
    assert (
        _login(users["demo-caseworker-berlin"])
        .get(f"/en/screening/cases/{colonel.pk}/")
        .status_code
        == 200
    )
    seen = AuditEntry.objects.filter(action="view_screening", object_id=str(colonel.pk)).get()
    assert sorted(seen.details["hits"]) == hits
    assert _login(users["demo-reviewer"]).get("/en/screening/review/").status_code == 200
    queue = AuditEntry.objects.filter(action="view_screening_queue").get()
    assert set(hits) <= set(queue.details["hits"]) and queue.user == users["demo-reviewer"]
    for entry in (seen, queue):
        assert "Mukhabarat" not in str(entry.details) and "branch" not in str(entry.details)


@pytest.mark.django_db(transaction=True)  # real transactions: none around the test itself
def test_the_matching_runs_outside_the_write_transaction(
    demo: dict, in_transaction: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run, its hits and its audit entry are one transaction, the matching is not: on
    SQLite it held the one write lock, and every audited page in every process waited."""
    index = services.current_index()
    seen = in_transaction(index, "screen_record")
    monkeypatch.setattr(services, "current_index", lambda: index)
    run = services.screen_case(demo["colonel"], demo["users"]["demo-caseworker-berlin"])
    assert seen and not any(seen)
    assert run.hits.filter(register_id="unit-gid-branch-251").exists()
    entry = AuditEntry.objects.get(action="screen_case", object_id=str(demo["colonel"].pk))
    assert {h["kind"] for h in entry.details["hits"]} >= {"unit"}
