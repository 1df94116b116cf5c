"""Who sees which case; audit of views; secure defaults. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.db import connection
from django.test import Client as Browser

from asylon.web import settings as product_settings
from asylon.web.accounts.models import Team, User
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.models import Case, Client

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def user(name: str, team: Team | None, role: str = User.Role.CASEWORKER) -> User:
    return User.objects.create_user(name, password=PASSWORD, team=team, role=role)


@pytest.fixture
def world() -> dict[str, Any]:
    a, b = Team.objects.create(name="Moscow office"), Team.objects.create(name="Berlin office")
    people = {
        "cw_a": user("cw_a", a),
        "cw_a2": user("cw_a2", a),
        "cw_b": user("cw_b", b),
        "researcher": user("researcher", None, User.Role.RESEARCHER),
        "sup_a": user("sup_a", a, User.Role.SUPERVISOR),
    }
    salekh = Client.objects.create(
        full_name="Salekh Example",
        team=a,
        home_country="SY",
        home_place="Aleppo",
        nationalities=["SY"],
    )
    open_case = Case.objects.create(client=salekh, team=a, jurisdiction="ru")
    witness = Client.objects.create(full_name="Protected Witness", team=a)
    hidden = Case.objects.create(client=witness, team=a, jurisdiction="eu:de", restricted=True)
    hidden.named_users.add(people["cw_a"], people["cw_b"])
    return {**people, "open": open_case, "hidden": hidden}


def browse(u: User) -> Browser:
    b = Browser()
    b.force_login(u)
    return b


def test_a_caseworker_sees_their_teams_case_and_the_view_is_audited(world: dict[str, Any]) -> None:
    page = browse(world["cw_a"]).get(f"/en/cases/{world['open'].pk}/")
    assert page.status_code == 200 and "Salekh Example" in page.content.decode()
    entry = AuditEntry.objects.get(action="view_case", object_id=str(world["open"].pk))
    assert entry.user == world["cw_a"] and entry.object_type == "case"


def test_every_view_of_the_case_list_is_on_record_with_the_cases_it_showed(
    world: dict[str, Any],
) -> None:
    from asylon.web.crypto.blind_index import query_digest

    b = browse(world["cw_b"])  # named on team A's restricted case only
    assert b.get("/en/").status_code == 200
    entry = AuditEntry.objects.get(user=world["cw_b"], action="view_case_list")
    assert entry.details["cases"] == [world["hidden"].pk] and entry.details["total"] == 1
    assert "alerts" in entry.details
    assert b.get("/en/", {"q": "Protected Witness"}).status_code == 200
    search = AuditEntry.objects.get(user=world["cw_b"], action="search_cases")
    assert search.details["query"] == query_digest("Protected Witness")
    assert search.details["cases"] == [world["hidden"].pk] and search.details["found"] == 1
    assert "Protected" not in str(search.details) and "Witness" not in str(search.details)


def test_another_teams_caseworker_gets_404(world: dict[str, Any]) -> None:
    assert browse(world["cw_b"]).get(f"/en/cases/{world['open'].pk}/").status_code == 404
    assert not AuditEntry.objects.filter(action="view_case").exists()


def test_restricted_case_only_for_named_users(world: dict[str, Any]) -> None:
    url = f"/en/cases/{world['hidden'].pk}/"
    assert browse(world["cw_a2"]).get(url).status_code == 404, "same team, not named"
    assert browse(world["sup_a"]).get(url).status_code == 404, "a supervisor is not named"
    assert browse(world["cw_b"]).get(url).status_code == 200, "named, from another team"


def test_a_researcher_never_sees_a_person(world: dict[str, Any]) -> None:
    r = browse(world["researcher"])
    dashboard = r.get("/en/").content.decode()
    assert "Salekh" not in dashboard and "Witness" not in dashboard
    assert r.get(f"/en/cases/{world['open'].pk}/").status_code == 404


def test_pages_need_a_login_under_a_language_prefix(world: dict[str, Any]) -> None:
    anonymous = Browser()
    page = anonymous.get(f"/en/cases/{world['open'].pk}/")
    assert page.status_code == 302 and page["Location"].startswith("/en/accounts/login/")
    login = anonymous.get("/ar/accounts/login/")
    assert login.status_code == 200 and 'dir="rtl"' in login.content.decode()
    assert 'dir="ltr"' in anonymous.get("/ru/accounts/login/").content.decode()


def test_login_with_argon2_and_security_headers(world: dict[str, Any]) -> None:
    # the product hashes with Django's Argon2 at its full cost; the tests at the lowest
    # (tests/hashers.py), with the same algorithm and encoding
    assert product_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )
    assert world["cw_a"].password.startswith("argon2$argon2id$")
    b = Browser(enforce_csrf_checks=True)
    page = b.get("/en/accounts/login/")
    token = page.cookies["csrftoken"].value
    done = b.post(
        "/en/accounts/login/",
        {"username": "cw_a", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert done.status_code == 302
    assert page["X-Frame-Options"] == "DENY"
    assert page["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    forged = Browser(enforce_csrf_checks=True).post(
        "/en/accounts/login/", {"username": "cw_a", "password": PASSWORD}
    )
    assert forged.status_code == 403, "a POST without the CSRF token is refused"


def test_audit_entries_cannot_be_changed_or_deleted(world: dict[str, Any]) -> None:
    browse(world["cw_a"]).get(f"/en/cases/{world['open'].pk}/")
    entry = AuditEntry.objects.get(action="view_case")
    entry.action = "nothing happened"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_the_database_in_use() -> None:
    """The PostgreSQL run really runs on PostgreSQL."""
    expected = "postgresql" if os.environ.get("ASYLON_TEST_DB") == "postgres" else "sqlite"
    assert connection.vendor == expected


def test_repeated_failed_logins_are_throttled(world: dict[str, Any]) -> None:
    b = Browser()
    for _ in range(4):
        failed = b.post("/en/accounts/login/", {"username": "cw_a", "password": "wrong"})
        assert failed.status_code == 200
    fifth = b.post("/en/accounts/login/", {"username": "cw_a", "password": "wrong"})
    assert fifth.status_code == 429, "the fifth failure locks the account out from this address"
    locked = b.post("/en/accounts/login/", {"username": "cw_a", "password": PASSWORD})
    assert locked.status_code == 429, "even the right password is refused while locked out"
    other = Browser().post("/en/accounts/login/", {"username": "cw_a2", "password": PASSWORD})
    assert other.status_code == 302, "another account is not affected"


def test_error_pages_are_localised_and_carry_no_detail(people: dict[str, Any]) -> None:
    b = Browser()
    b.force_login(people["a"])
    page = b.get("/ar/cases/999999/")
    assert page.status_code == 404
    body = page.content.decode()
    assert 'dir="rtl"' in body and "Traceback" not in body
    assert body.count("999999") == 1  # only in the language switch's return address
    csrf = Browser(enforce_csrf_checks=True)
    csrf.force_login(people["a"])
    refused = csrf.post("/en/cases/new/", {"full_name": "X"})
    assert refused.status_code == 403 and "security token" in refused.content.decode()


def test_the_kept_case_list_follows_every_change_of_who_sees_what(world: dict[str, Any]) -> None:
    """The dashboard's count and page are kept under the data version (cases.case_list): a new
    case, a restriction, a named user, an assignment and a change of team show at once."""

    def listed(u: User) -> tuple[int, list[int]]:
        browse(u).get("/en/")
        entry = AuditEntry.objects.filter(user=u, action="view_case_list").latest("sequence")
        return entry.details["total"], entry.details["cases"]

    cw_a2, cw_b = world["cw_a2"], world["cw_b"]
    open_pk, hidden_pk = world["open"].pk, world["hidden"].pk
    assert listed(cw_a2) == (1, [open_pk])
    assert listed(cw_a2) == (1, [open_pk])  # kept: the same answer

    newer = Case.objects.create(client=world["open"].client, team=world["open"].team)
    assert listed(cw_a2) == (2, [newer.pk, open_pk])
    newer.restricted = True
    newer.save()
    assert listed(cw_a2) == (1, [open_pk])
    newer.named_users.add(cw_a2)
    assert listed(cw_a2) == (2, [newer.pk, open_pk])

    assert listed(cw_b) == (1, [hidden_pk])
    world["open"].assigned.add(cw_b)
    assert listed(cw_b) == (2, [hidden_pk, open_pk])
    world["hidden"].named_users.remove(cw_b)
    assert listed(cw_b) == (1, [open_pk])
    cw_a2.team = cw_b.team
    cw_a2.save()
    assert listed(cw_a2) == (1, [newer.pk])  # still named on the restricted one
    assert "Salekh Example" in browse(cw_b).get("/en/").content.decode()


def test_the_dashboard_reads_the_data_version_once(world: dict[str, Any]) -> None:
    """The kept case list and the kept alerts are looked up under one reading of the data
    version: one query, and both under the same version."""
    from django.test.utils import CaptureQueriesContext

    from asylon.web.cases.models import DataVersion

    table = DataVersion._meta.db_table
    b = browse(world["cw_a2"])
    b.get("/en/")
    with CaptureQueriesContext(connection) as queries:
        assert b.get("/en/").status_code == 200
    reads = [q["sql"] for q in queries if table in q["sql"] and q["sql"].startswith("SELECT")]
    assert len(reads) == 1, reads
