"""The demo data: fictional case files with their timelines, teams, one user per role.
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.test import Client as Browser

from asylon.law import assess
from asylon.law.facts import parse_case_file
from asylon.web.accounts.models import Team, User
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.casefile import to_case_file, validated
from asylon.web.cases.models import Assessment, Case, Client, FamilyLink
from asylon.web.demo.management.commands.load_demo import (
    BERLIN,
    MOSCOW,
    RESTRICTED,
    USERS,
    TimelineDataError,
    case_files,
    check_entry,
    load_timelines,
    planned_events,
    resolve_day,
)
from asylon.web.documents.models import Note
from asylon.web.documents.services import add_note
from asylon.web.timeline.details import validate_details
from asylon.web.timeline.models import TimelineEvent
from asylon.web.timeline.services import add_event

CASE_FILES = case_files()
TIMELINES = load_timelines()
D = date.fromisoformat


@pytest.fixture(autouse=True)
def no_evidence_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASYLON_EVIDENCE_DB", "/nonexistent/evidence.duckdb")


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "teams": Team.objects.count(),
        "users": User.objects.count(),
        "clients": Client.objects.count(),
        "cases": Case.objects.count(),
        "assessments": Assessment.objects.count(),
        "events": TimelineEvent.objects.count(),
        "notes": Note.objects.count(),
        "family links": FamilyLink.objects.count(),
    }


def browse(u: User) -> Browser:
    b = Browser()
    b.force_login(u)
    return b


def file_doc(case_id: str) -> dict[str, Any]:
    return dict(yaml.safe_load((CASE_FILES[0].parent / f"{case_id}.yaml").read_text("utf-8")))


def case_of(case_id: str) -> Case:
    """The loaded case of a demo case file (demo names are unique)."""
    name = file_doc(case_id)["applicant"]["name"]["full"]
    # names are encrypted at rest: compared here, after decryption
    (case,) = [c for c in Case.objects.select_related("client") if c.client.full_name == name]
    return case


@pytest.fixture(scope="module")
def loaded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo loaded and committed once for the module (about three seconds a load), then
    emptied with ``flush``; each test runs in a transaction rolled back at its end (``db``), so
    none sees another's changes. The evidence store is kept out here too: the autouse fixture
    that does it for each test comes after a module's fixtures."""
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        patch.setenv("ASYLON_EVIDENCE_DB", "/nonexistent/evidence.duckdb")
        out = load()
    yield out
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(loaded_once: str, db: None) -> str:
    return loaded_once


def test_there_are_enough_demo_case_files() -> None:
    assert len(CASE_FILES) >= 32


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_every_demo_case_file_validates_and_names_a_fictional_person(path: Path) -> None:
    case = parse_case_file(path.read_text(encoding="utf-8"), "yaml")
    assert case.id == path.stem
    assert case.applicant is not None and case.applicant.name is not None
    assert "Example" in (case.applicant.name.full or ""), "demo names carry the fictional marker"


# ---------------------------------------------------------------------------------------------
# The timelines file, without a database


def test_relative_days() -> None:
    today = D("2024-03-31")
    assert resolve_day("today", today) == today
    assert resolve_day("today-20d", today) == D("2024-03-11")
    assert resolve_day("today+12d", today) == D("2024-04-12")
    assert resolve_day("today-3w", today) == D("2024-03-10")
    assert resolve_day("today-1m", today) == D("2024-02-29"), "calendar months, end-clamped"
    assert resolve_day("today-14m", today) == D("2023-01-31")
    assert resolve_day("today-10m-15d+1y", today) == D("2024-05-16")
    assert resolve_day(D("2016-11-22"), today) == D("2016-11-22")
    assert resolve_day("2016-11-22", today) == D("2016-11-22")
    for bad in ("yesterday", "today-3x", "today - 3d", "today-d", "2016-13-01"):
        with pytest.raises(TimelineDataError):
            resolve_day(bad, today)


def test_every_demo_case_file_has_a_timeline_entry() -> None:
    assert set(TIMELINES) == {p.stem for p in CASE_FILES}
    for case_id, entry in TIMELINES.items():
        check_entry(case_id, entry)
        assert entry["status"] in Case.Status.values, case_id
        assert entry["languages"], case_id
        assert "(demo)" in entry["contact"], "contacts are obviously fictional"
        assert entry["events"] and entry["notes"], case_id
    statuses = {entry["status"] for entry in TIMELINES.values()}
    assert statuses == set(Case.Status.values), "the demo shows every status"


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_every_event_validates_and_fits_the_case_file(path: Path) -> None:
    doc, today = file_doc(path.stem), date.today()
    born, as_of = doc["applicant"]["born"], doc["as_of"]
    events = planned_events(path.stem, TIMELINES[path.stem], today)
    for e in events:
        validate_details(e.kind, e.on, e.details)  # raises DetailsError naming the field
        assert e.on >= born, f"{e.kind} on {e.on} is before the client's birth"
        if e.relative:
            assert e.on > as_of, "a live event must come after the file's as_of"
    arrivals = [e for e in events if e.kind == "arrival"]
    assert [a.on for a in arrivals] == [doc["applicant"]["arrived_on"]]
    irregular = arrivals[0].details.get("entry") == "irregular"
    assert irregular == doc["applicant"]["entered_irregularly"]


# ---------------------------------------------------------------------------------------------
# Loading


def test_loading_creates_clients_and_one_user_per_role(demo: str) -> None:
    assert Client.objects.count() >= 30
    assert Client.objects.count() == Case.objects.count() == len(CASE_FILES)
    for role in User.Role.values:
        assert User.objects.filter(role=role, username__startswith="demo-").exists(), role
    for spec in USERS:
        user = User.objects.get(username=spec.username)
        assert user.check_password(spec.password) and user.role == spec.role
        validate_password(spec.password, user)
        assert spec.username in demo and spec.password in demo, "the logins are printed"
    assert Case.objects.filter(team__name=MOSCOW).count() >= 15
    assert Case.objects.filter(team__name=BERLIN).count() >= 8


def test_every_case_is_assessed_at_its_as_of(demo: str) -> None:
    for case in Case.objects.all():
        assessment = case.assessments.get()
        assert assessment.outcome and assessment.determination["outcome"] == assessment.outcome
        assert case.assigned.filter(role=User.Role.CASEWORKER).exists()
    outcomes = set(Assessment.objects.values_list("outcome", flat=True))
    assert "UNDETERMINED" in outcomes and len(outcomes) >= 5


def test_every_case_gets_its_timeline_status_languages_contact_and_notes(demo: str) -> None:
    for path in CASE_FILES:
        entry, case = TIMELINES[path.stem], case_of(path.stem)
        assert case.timeline_events.count() == len(entry["events"]), path.stem
        assert case.status == entry["status"]
        assert case.client.languages == entry["languages"]
        assert case.client.contact == entry["contact"]
        assert sorted(case.notes.values_list("text", flat=True)) == sorted(entry["notes"])
        author = case.notes.values_list("author__role", flat=True).first()
        assert author == User.Role.CASEWORKER
    assert TimelineEvent.objects.count() == sum(len(e["events"]) for e in TIMELINES.values())


def test_the_assessment_at_as_of_is_the_case_files_own(demo: str) -> None:
    """The events up to as_of reproduce the file's procedural facts: the stored assessment
    assessed exactly the file (only its id differs)."""
    for path in CASE_FILES:
        original = parse_case_file(path.read_text(encoding="utf-8"), "yaml")
        assessment = case_of(path.stem).assessments.get()
        assessed = validated(assessment.case_file)
        assert assessed.model_copy(update={"id": original.id}) == original, path.stem
        assert assessment.as_of == original.as_of


def test_the_whole_timeline_validates_and_is_assessed_today(demo: str) -> None:
    """Events after as_of change the facts (the timeline wins), and the result still holds."""
    today = date.today()
    for case in Case.objects.select_related("client"):
        det = assess(validated(to_case_file(case, today)))
        assert det.outcome
    facts = to_case_file(case_of("ru-detained-maloyaroslavets-2015"), today)["removal"]
    assert [d["to"] for d in facts["detention"]] == ["2016-05-17", None]
    assert [o["article"] for o in facts["administrative_offences"]] == ["18.8(1.1)", "18.8(3.1)"]


def test_family_links_read_both_ways(demo: str) -> None:
    father = case_of("ru-homs-family-father-2017").client
    mother = case_of("ru-homs-family-mother-2017").client
    assert FamilyLink.objects.get(client=father, relative=mother).relation == "spouse"
    assert FamilyLink.objects.get(client=mother, relative=father).relation == "spouse"
    links = [
        (link["relative"], link["relation"])
        for e in TIMELINES.values()
        for link in e.get("family", [])
    ]
    assert FamilyLink.objects.count() == 2 * len(links)
    page = browse(User.objects.get(username="demo-caseworker")).get(
        f"/en/cases/{case_of('ru-homs-family-mother-2017').pk}/client/"
    )
    assert page.status_code == 200 and father.full_name in page.content.decode()


def test_loading_twice_changes_nothing_and_reset_reloads(demo: str) -> None:
    before = counts()
    assert before["events"] and before["notes"] and before["family links"]
    assert "already loaded" in load()
    assert counts() == before
    audit = AuditEntry.objects.count()
    # what a caseworker adds to a demo case goes with it (notes and events protect their case)
    case, caseworker = case_of("ru-jableh-2025"), User.objects.get(username="demo-caseworker")
    add_note(case, caseworker, "Called him: he will bring the refusal letter on Monday.")
    add_event(case, caseworker, "appeal_lodged", date.today(), {"instance": "court"})
    load("--reset")
    assert counts() == before
    load("--reset")
    assert counts() == before
    assert AuditEntry.objects.count() > audit, "the audit log is append-only: reset keeps it"


def test_a_failing_timeline_leaves_the_previous_demo_in_place(
    demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from asylon.web.demo.management.commands import load_demo

    before = counts()
    broken = {**TIMELINES}
    broken["ru-jableh-2025"] = {
        **broken["ru-jableh-2025"],
        "events": [{"on": "today", "kind": "decision", "details": {"outcome": "maybe"}}],
    }
    monkeypatch.setattr(load_demo, "load_timelines", lambda: broken)
    with pytest.raises(Exception, match="ru-jableh-2025"):
        load("--reset")
    assert counts() == before


# ---------------------------------------------------------------------------------------------
# What the dashboards show on the day the demo is loaded


def test_the_moscow_caseworkers_dashboard_shows_the_live_stories(demo: str) -> None:
    today = date.today()
    page = browse(User.objects.get(username="demo-caseworker")).get("/en/")
    assert page.status_code == 200
    alerts, html = page.context["alerts"], page.content.decode()

    def names(items: list[Any], code: str) -> set[str]:
        return {a.client_name for a in items if a.code == code}

    jableh = case_of("ru-jableh-2025").client.full_name
    [appeal] = [a for a in alerts.due_soon if a.code == "appeal"]
    assert appeal.client_name == jableh and 0 < appeal.days <= 30
    assert appeal.citation.startswith("RF Law Art 10(3)")

    homs = {case_of(f"ru-homs-family-{who}-2017").client.full_name for who in ("father", "mother")}
    assert names(alerts.due_soon, "renewal_reminder") == homs

    detained = case_of("ru-detained-maloyaroslavets-2015").client.full_name
    [held] = alerts.in_detention
    days = (today - resolve_day("today-7m", today)).days
    assert held.client_name == detained and held.days == days and held.days > 180
    assert f"({days} days)" in html and "SUVSIG Sakharovo" in html
    assert names(alerts.due_soon, "detention_review") == {detained}

    pharmacist = case_of("ru-aleppo-pharmacist-2024").client.full_name
    assert {a.client_name for a in alerts.waiting_interview} == {pharmacist}
    assert "Waiting for an interview beyond the legal decision period" in html

    stateless = case_of("ru-qamishli-stateless-2019").client.full_name
    assert names(alerts.overdue, "decision") == {pharmacist}
    assert names(alerts.overdue, "certificate") == {stateless}
    assert "Overdue" in html and "Due in the next 30 days" in html

    tailor = case_of("ru-aleppo-tailor-2016").client.full_name
    assert names(alerts.due_soon, "court_hearing") == {
        tailor,
        case_of("ru-damascus-conscript-2025").client.full_name,
    }
    live = resolve_day("today-3w", today).isoformat()
    flags = [a for a in alerts.flags if a.code == "MANDATORY_REMOVAL" and a.client_name == tailor]
    assert any("CAO Art 18.8(3) " in a.text and live in a.text for a in flags)
    assert "CAO Art 18.8(3)" in html, "the engine's flag is on the dashboard"
    for name in (jableh, *homs, detained, pharmacist, stateless, tailor):
        assert name in html


def test_the_berlin_and_amman_dashboards_show_their_interviews(demo: str) -> None:
    for username, case_id in (
        ("demo-caseworker-berlin", "de-daraa-review-2025"),
        ("demo-caseworker-amman", "unhcr-jo-idlib-2024"),
    ):
        page = browse(User.objects.get(username=username)).get("/en/")
        alerts = page.context["alerts"]
        interviews = [a for a in alerts.due_soon if a.code == "interview"]
        assert [a.case_id for a in interviews] == [case_of(case_id).pk]
        assert not alerts.overdue and not alerts.in_detention and not alerts.waiting_interview


def test_the_timeline_page_of_a_live_case_renders(demo: str) -> None:
    case = case_of("ru-aleppo-tailor-2016")
    page = browse(User.objects.get(username="demo-caseworker")).get(f"/en/timeline/case/{case.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Moscow City Court" in html


# ---------------------------------------------------------------------------------------------
# Access


def test_the_former_officers_files_are_restricted_to_named_users(demo: str) -> None:
    restricted = Case.objects.filter(restricted=True)
    assert restricted.count() == len(RESTRICTED)
    berlin = User.objects.get(username="demo-caseworker-berlin")
    supervisor = User.objects.get(username="demo-supervisor")
    for case in restricted:
        named = set(case.named_users.values_list("username", flat=True))
        assert named in [set(users) for users in RESTRICTED.values()]
        assert case.facts["conduct"]["acts"], "the file raises exclusion questions"
        assert browse(berlin).get(f"/en/cases/{case.pk}/").status_code == 200
        assert browse(supervisor).get(f"/en/cases/{case.pk}/").status_code == 404


def test_the_researcher_sees_no_client_name(demo: str) -> None:
    page = browse(User.objects.get(username="demo-researcher")).get("/en/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Example" not in html
    for name in Client.objects.values_list("full_name", flat=True):
        assert name not in html


def test_the_moscow_caseworker_cannot_open_a_berlin_case(demo: str) -> None:
    moscow = browse(User.objects.get(username="demo-caseworker"))
    own = Case.objects.filter(team__name=MOSCOW).first()
    other = Case.objects.filter(team__name=BERLIN, restricted=False).first()
    assert own is not None and other is not None
    page = moscow.get(f"/en/cases/{own.pk}/")
    assert page.status_code == 200 and own.client.full_name in page.content.decode()
    assert moscow.get(f"/en/cases/{other.pk}/").status_code == 404
