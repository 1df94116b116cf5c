"""The demo data: fictional case files, teams, one user per role. SQLite and PostgreSQL."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.test import Client as Browser

from asylon.law.facts import parse_case_file
from asylon.web.accounts.models import Team, User
from asylon.web.cases.models import Assessment, Case, Client
from asylon.web.demo.management.commands.load_demo import (
    BERLIN,
    MOSCOW,
    RESTRICTED,
    USERS,
    case_files,
)

CASE_FILES = case_files()


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
    }


def browse(u: User) -> Browser:
    b = Browser()
    b.force_login(u)
    return b


@pytest.fixture
def demo(db: None) -> str:
    return load()


def test_there_are_enough_demo_case_files() -> None:
    assert len(CASE_FILES) >= 32


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_every_demo_case_file_validates_and_names_a_fictional_person(path: Path) -> None:
    case = parse_case_file(path.read_text(encoding="utf-8"), "yaml")
    assert case.id == path.stem
    assert case.applicant is not None and case.applicant.name is not None
    assert "Example" in (case.applicant.name.full or ""), "demo names carry the fictional marker"


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


def test_loading_twice_changes_nothing_and_reset_reloads(demo: str) -> None:
    before = counts()
    assert "already loaded" in load()
    assert counts() == before
    load("--reset")
    assert counts() == before


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
