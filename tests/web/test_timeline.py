"""The case timeline: typed events, the facts and deadlines computed from them, alerts, the
calendar feed, access and audit. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from asylon.law.facts import case_from_data
from asylon.web.accounts.models import Team, User
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.models import Assessment, Case, Client
from asylon.web.timeline import services
from asylon.web.timeline.details import DetailsError
from asylon.web.timeline.models import TimelineEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
D = date.fromisoformat


def user(name: str, team: Team | None, role: str = User.Role.CASEWORKER) -> User:
    return User.objects.create_user(name, password=PASSWORD, team=team, role=role)


@pytest.fixture
def world() -> dict[str, Any]:
    a, b = Team.objects.create(name="Moscow office"), Team.objects.create(name="Berlin office")
    cw_a, cw_b = user("cw_a", a), user("cw_b", b)
    salekh = Client.objects.create(full_name="Salekh Example", team=a, born=D("1980-05-01"))
    case = Case.objects.create(
        client=salekh, team=a, jurisdiction="ru", procedure_kind="refugee_status"
    )
    return {"cw_a": cw_a, "cw_b": cw_b, "case": case, "team_a": a}


def browse(u: User) -> Browser:
    b = Browser()
    b.force_login(u)
    return b


def add(case: Case, who: User, kind: str, on: str, **details: Any) -> TimelineEvent:
    return services.add_event(case, who, kind, D(on), details)


def refused_lately(case: Case, who: User) -> TimelineEvent:
    """A refusal dated three days ago and notified two days ago: its appeal is due soon."""
    today = date.today()
    return add(
        case,
        who,
        "decision",
        (today - timedelta(days=3)).isoformat(),
        outcome="refused",
        notified_on=(today - timedelta(days=2)).isoformat(),
    )


def kinds(deadlines: list[services.Deadline]) -> dict[str, date]:
    return {d.kind: d.due for d in deadlines}


def test_refusal_notified_gives_the_one_month_appeal_deadline(world: dict[str, Any]) -> None:
    case, cw = world["case"], world["cw_a"]
    add(case, cw, "application_lodged", "2016-03-10", procedure="refugee_status")
    add(case, cw, "decision", "2016-12-01", outcome="refused", notified_on="2016-12-06")
    appeal = next(d for d in services.deadlines_for(case, D("2016-12-20")) if d.kind == "appeal")
    assert appeal.due == D("2017-01-06") and not appeal.overdue
    assert appeal.citation.startswith("RF Law Art 10(3)")
    assert services.deadlines_for(case, D("2017-01-07"))[0].overdue
    add(case, cw, "appeal_lodged", "2016-12-20", instance="court")
    assert "appeal" not in kinds(services.deadlines_for(case, D("2016-12-21")))


def test_temporary_asylum_expiry_and_renewal_reminder(world: dict[str, Any]) -> None:
    case, cw = world["case"], world["cw_a"]
    add(case, cw, "status_granted", "2017-03-01", status="temporary_asylum")
    due = kinds(services.deadlines_for(case, D("2017-06-01")))
    assert due["status_expiry"] == D("2018-03-01")
    assert due["renewal_reminder"] == D("2018-02-01")
    add(case, cw, "renewal_applied", "2018-01-15", status="temporary_asylum")
    due = kinds(services.deadlines_for(case, D("2018-01-20")))
    assert "renewal_reminder" not in due and due["status_expiry"] == D("2018-03-01")
    add(case, cw, "status_renewed", "2018-02-20", status="temporary_asylum")
    assert kinds(services.deadlines_for(case, D("2018-03-01")))["status_expiry"] == D("2019-02-20")


def test_decision_period_from_application_and_certificate(world: dict[str, Any]) -> None:
    case, cw = world["case"], world["cw_a"]
    add(case, cw, "application_lodged", "2016-03-10", procedure="refugee_status")
    due = kinds(services.deadlines_for(case, D("2016-03-11")))
    assert due["certificate"] == D("2016-03-17") and due["decision"] == D("2016-06-17")
    add(case, cw, "certificate_issued", "2016-03-15")
    due = kinds(services.deadlines_for(case, D("2016-03-16")))
    assert "certificate" not in due and due["decision"] == D("2016-06-15")


def test_alerts_show_detention_with_its_days_and_waiting_clients(world: dict[str, Any]) -> None:
    case, cw, today = world["case"], world["cw_a"], date.today()
    started = today - timedelta(days=120)
    add(
        case,
        cw,
        "detention_started",
        started.isoformat(),
        place="SUVSIG Sakharovo",
        basis="pending_removal",
        periodic_review_available=False,
    )
    add(case, cw, "application_lodged", (today - timedelta(days=200)).isoformat())
    add(
        case,
        cw,
        "administrative_offence",
        (today - timedelta(days=130)).isoformat(),
        article="18.8(3)",
        fine=5000,
        region="Moscow",
        removal_ordered=True,
    )
    alerts = services.alerts_for_user(cw, today)
    [held] = alerts.in_detention
    assert held.case == case and held.days == 120 and "120" in held.text
    assert [a.case for a in alerts.waiting_interview] == [case]
    assert "MANDATORY_REMOVAL" in {a.code for a in alerts.flags}
    assert alerts.overdue, "the decision period has run out"
    assert not services.alerts_for_user(world["cw_b"], today).in_detention
    html = browse(cw).get(f"/en/timeline/case/{case.pk}/").content.decode()
    assert "SUVSIG Sakharovo" in html and "maximum detention" in html


def test_alerts_read_flags_of_the_latest_assessment_without_n_plus_one(
    world: dict[str, Any],
) -> None:
    cw, today = world["cw_a"], date.today()
    for i in range(5):
        c = Case.objects.create(
            client=Client.objects.create(full_name=f"Client {i}", team=world["team_a"]),
            team=world["team_a"],
            jurisdiction="ru",
        )
        add(
            c,
            cw,
            "decision",
            (today - timedelta(days=3)).isoformat(),
            outcome="refused",
            notified_on=(today - timedelta(days=2)).isoformat(),
        )
        for code in ("LAW_UNCERTAIN", "PRACTICE_DIVERGES"):
            Assessment.objects.create(
                case=c,
                as_of=today,
                jurisdiction="ru",
                rules_version="t",
                outcome="X",
                case_file={},
                determination={"flags": [{"code": code, "message": code}]},
            )
    with CaptureQueriesContext(connection) as queries:
        alerts = services.alerts_for_user(cw, today)
    assert len(queries) <= 4, [q["sql"] for q in queries]
    assert len(alerts.due_soon) == 5
    assert {a.code for a in alerts.flags} == {"PRACTICE_DIVERGES"}, "latest assessment only"


def test_another_teams_timeline_is_404(world: dict[str, Any]) -> None:
    url = f"/en/timeline/case/{world['case'].pk}/"
    b = browse(world["cw_b"])
    assert b.get(url).status_code == 404
    assert b.post(url, {"kind": "arrival", "on": "2016-01-01"}).status_code == 404
    assert not AuditEntry.objects.filter(action__contains="timeline").exists()
    assert not TimelineEvent.objects.exists()


def test_invalid_details_give_a_field_error_and_create_nothing(world: dict[str, Any]) -> None:
    case, b = world["case"], browse(world["cw_a"])
    url = f"/en/timeline/case/{case.pk}/"
    page = b.post(
        url,
        {"kind": "decision", "on": "2016-12-01", "outcome": "refused", "notified_on": "2016-11-30"},
    )
    assert page.status_code == 400
    assert page.context["form"].errors["notified_on"]
    page = b.post(
        url,
        {
            "kind": "administrative_offence",
            "on": "2016-12-01",
            "article": "eighteen",
            "removal_ordered": "true",
        },
    )
    assert page.status_code == 400 and page.context["form"].errors["article"]
    page = b.post(url, {"kind": "arrival", "on": "2016-12-01", "from_country": "XX"})
    assert page.status_code == 400 and page.context["form"].errors["from_country"]
    assert not TimelineEvent.objects.exists()
    assert not AuditEntry.objects.filter(action="add_timeline_event").exists()
    with pytest.raises(DetailsError) as err:
        services.add_event(
            case,
            world["cw_a"],
            "status_granted",
            D("2017-01-01"),
            {"status": "temporary_asylum", "valid_until": "soon", "extra": 1},
        )
    assert {f for f, _ in err.value.errors} == {"valid_until", "extra"}
    with pytest.raises(DetailsError):
        services.add_event(
            case,
            world["cw_a"],
            "detention_started",
            D("2017-01-01"),
            {"place": "X", "basis": "pending_removal", "periodic_review_available": "yes"},
        )
    assert not TimelineEvent.objects.exists()


def test_facts_from_timeline_validate_against_the_contract(world: dict[str, Any]) -> None:
    case, cw = world["case"], world["cw_a"]
    add(case, cw, "arrival", "2015-09-01", entry="irregular", from_country="TR")
    add(case, cw, "application_lodged", "2016-03-10", procedure="refugee_status")
    add(case, cw, "decision", "2016-12-01", outcome="refused", notified_on="2016-12-06")
    add(
        case,
        cw,
        "administrative_offence",
        "2015-01-20",
        article="18.8(3)",
        region="Moscow",
        removal_ordered=True,
        fine=5000,
    )
    add(
        case,
        cw,
        "detention_started",
        "2015-02-01",
        place="SUVSIG Maloyaroslavets",
        basis="pending_removal",
        periodic_review_available=False,
        transit_zone=False,
    )
    add(case, cw, "detention_ended", "2015-08-01", reason="released")
    add(
        case,
        cw,
        "detention_started",
        "2017-02-01",
        place="SUVSIG Sakharovo",
        basis="pending_removal",
    )
    add(case, cw, "status_granted", "2017-03-01", status="temporary_asylum")
    facts = services.facts_from_timeline(case)
    assert facts["procedure"] == {
        "applied_on": "2016-03-10",
        "decision_notified_on": "2016-12-06",
        "status_held": "temporary_asylum",
        "status_granted_on": "2017-03-01",
    }
    assert facts["applicant"] == {"arrived_on": "2015-09-01", "entered_irregularly": True}
    assert facts["removal"]["detention"][0]["to"] == "2015-08-01"
    assert facts["removal"]["detention"][1]["to"] is None
    assert facts["removal"]["administrative_offences"] == [
        {"article": "18.8(3)", "on": "2015-01-20", "region": "Moscow", "removal_ordered": True}
    ]
    doc = {
        "format": "asylon.case/1",
        "id": "t",
        "jurisdiction": "ru",
        "as_of": "2017-06-01",
        "applicant": {"born": "1980-05-01"},
    }
    merged = case_from_data({**doc, **services.merge_facts(doc, facts)})
    assert merged.procedure and merged.procedure.decision_notified_on == D("2016-12-06")
    add(case, cw, "status_expired", "2018-03-01", status="temporary_asylum")
    after = services.facts_from_timeline(case)
    assert after["procedure"]["status_held"] is None
    case_from_data({**doc, **after})
    assert (
        services.facts_from_timeline(Case.objects.create(client=case.client, team=case.team)) == {}
    )


def test_ical_feed_has_the_appeal_deadline_and_a_wrong_token_404s(world: dict[str, Any]) -> None:
    case, cw = world["case"], world["cw_a"]
    add(case, cw, "decision", "2016-12-01", outcome="refused", notified_on="2016-12-06")
    token = services.ical_token(cw)
    feed = Browser().get(f"/en/timeline/ical/{token}.ics")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20170106" in body
    assert "Salekh" not in body, "no client name leaves in a calendar"
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    other = services.ical_token(world["cw_b"])
    assert "20170106" not in Browser().get(f"/en/timeline/ical/{other}.ics").content.decode()
    forged = f"{cw.pk}-{'0' * 40}"
    assert Browser().get(f"/en/timeline/ical/{forged}.ics").status_code == 404
    assert Browser().get("/en/timeline/ical/nonsense.ics").status_code == 404


def test_viewing_adding_and_deleting_are_audited(world: dict[str, Any]) -> None:
    case, b = world["case"], browse(world["cw_a"])
    url = f"/en/timeline/case/{case.pk}/"
    page = b.get(url + "?kind=detention_started")
    assert page.status_code == 200 and 'name="basis"' in page.content.decode()
    view = AuditEntry.objects.get(action="view_timeline")
    assert view.user == world["cw_a"] and view.object_id == str(case.pk)
    done = b.post(
        url,
        {"kind": "decision", "on": "2016-12-01", "outcome": "refused", "notified_on": "2016-12-06"},
    )
    assert done.status_code == 302
    event = TimelineEvent.objects.get()
    assert event.details == {"outcome": "refused", "notified_on": "2016-12-06"}
    assert event.created_by == world["cw_a"]
    entry = AuditEntry.objects.get(action="add_timeline_event")
    assert entry.details["before"] is None
    assert entry.details["after"]["details"]["notified_on"] == "2016-12-06"
    page = b.get(url).content.decode()
    assert "2017-01-06" in page and "refused" in page
    assert b.post(f"{url}events/{event.pk}/delete/").status_code == 302
    gone = AuditEntry.objects.get(action="delete_timeline_event")
    assert gone.details["before"]["kind"] == "decision" and gone.details["after"] is None
    assert not TimelineEvent.objects.exists()


def test_the_alerts_fragment_renders(world: dict[str, Any]) -> None:
    from django.template.loader import render_to_string

    case, cw, today = world["case"], world["cw_a"], date.today()
    refused_lately(case, cw)
    from asylon.web.timeline.alert_cache import AlertDigest

    digest = AlertDigest.of(services.alerts_for_user(cw, today))
    html = render_to_string("timeline/_alerts.html", {"alerts": digest})
    assert "Salekh Example" in html and "appeal time limit" in html and ".ics" in html


def test_an_assessment_on_a_past_date_sees_only_the_events_up_to_it(world: dict[str, Any]) -> None:
    from asylon.web.cases.casefile import to_case_file

    case, cw = world["case"], world["cw_a"]
    add(case, cw, "application_lodged", "2015-02-01", procedure="refugee_status")
    add(
        case,
        cw,
        "detention_started",
        "2015-03-01",
        place="SUVSIG Sakharovo",
        basis="pending_removal",
        periodic_review_available=False,
    )
    add(case, cw, "detention_ended", "2016-03-01")
    add(case, cw, "decision", "2016-06-01", outcome="refused", notified_on="2016-06-03")
    then = to_case_file(case, D("2015-06-01"))
    assert then["removal"]["detention"] == [
        {
            "from": "2015-03-01",
            "to": None,
            "place": "SUVSIG Sakharovo",
            "basis": "pending_removal",
            "periodic_review_available": False,
            "transit_zone": None,
        }
    ]
    assert "decision_notified_on" not in then["procedure"]
    later = to_case_file(case, D("2016-07-01"))
    assert later["removal"]["detention"][0]["to"] == "2016-03-01"
    assert later["procedure"]["decision_notified_on"] == "2016-06-03"


def test_arrival_records_the_host_country_and_where_the_person_lives(
    world: dict[str, Any],
) -> None:
    from asylon.web.cases.casefile import to_case_file

    case, cw = world["case"], world["cw_a"]
    add(case, cw, "arrival", "2015-09-01", country="RU", place="Moscow", entry="visa")
    applicant = to_case_file(case, D("2016-01-01"))["applicant"]
    assert applicant["host_country"] == "RU" and applicant["arrived_on"] == "2015-09-01"
    assert applicant["present_in"] == {"country": "RU", "place": "Moscow"}
    assert applicant["entered_irregularly"] is False
    with pytest.raises(DetailsError):
        add(case, cw, "arrival", "2015-09-01", country="Russia")


def test_the_two_event_forms_have_distinct_ids(world: dict[str, Any]) -> None:
    page = browse(world["cw_a"]).get(f"/en/timeline/case/{world['case'].pk}/").content.decode()
    assert page.count('id="id_kind"') == 1 and 'id="choose_kind"' in page


def test_the_cached_dashboard_alerts_follow_every_change(world: dict[str, Any]) -> None:
    from asylon.web.timeline.alert_cache import cached_alerts, data_version

    case, cw, today = world["case"], world["cw_a"], date.today()
    assert cached_alerts(cw, today).empty
    version = data_version()
    event = refused_lately(case, cw)
    assert data_version() > version
    assert [a.code for a in cached_alerts(cw, today).due_soon] == ["appeal"]
    with CaptureQueriesContext(connection) as hit:
        cached_alerts(cw, today)
    assert len(hit) == 1  # the data version only
    services.delete_event(case, cw, event)
    assert cached_alerts(cw, today).empty
    refused_lately(case, cw)
    assert cached_alerts(cw, today).due_soon
    case.restricted = True
    case.save()  # no longer visible to cw_a (not named)
    assert cached_alerts(cw, today).empty


def test_the_alert_digest_is_shared_encrypted_and_survives_a_login(world: dict[str, Any]) -> None:
    """One computation serves every server process (a file cache), the file holds no client
    name in clear, and a login (``last_login``) does not make every digest stale."""
    from django.contrib.auth.models import update_last_login
    from django.core.cache import caches

    from asylon.web.timeline.alert_cache import cached_alerts, data_version

    case, cw, today = world["case"], world["cw_a"], date.today()
    refused_lately(case, cw)
    [line] = cached_alerts(cw, today).due_soon
    name = case.client.full_name
    assert line.client_name == name and line.case_id == case.pk
    folder = Path(caches["alerts"]._dir)  # type: ignore[attr-defined]
    stored = b"".join(f.read_bytes() for f in folder.glob("*.djcache"))
    assert stored and name.encode() not in stored and b"appeal" not in stored
    version = data_version()
    update_last_login(None, cw)  # what a login writes
    assert data_version() == version
    cw.role = cw.role  # any other change to a user still counts
    cw.save()
    assert data_version() > version


def test_a_process_keeps_the_digests_it_read_in_memory(world: dict[str, Any]) -> None:
    """A second visit under the same data version reads no file; another process (here: its
    memory cleared) decrypts the shared copy and gets the same digest; a change is seen by
    both, as the data version is in the key."""
    from django.core.cache import caches

    from asylon.web.timeline.alert_cache import cached_alerts

    case, cw, today = world["case"], world["cw_a"], date.today()
    refused_lately(case, cw)
    first = cached_alerts(cw, today)
    assert [a.code for a in first.due_soon] == ["appeal"]
    folder = Path(caches["alerts"]._dir)  # type: ignore[attr-defined]
    caches["alerts"].clear()  # the shared copy gone: the process's own is still there
    assert not list(folder.glob("*.djcache"))
    assert cached_alerts(cw, today) == first
    assert not list(folder.glob("*.djcache"))  # and nothing was computed again
    first_again = cached_alerts(cw, today)
    caches["default"].clear()  # another process: computes (or reads) its own
    assert cached_alerts(cw, today) == first_again
    case.restricted = True
    case.save()  # no longer visible to cw_a: a new data version, in memory as on file
    assert cached_alerts(cw, today).empty


def test_a_closed_case_raises_no_alert_and_long_lists_are_capped(world: dict[str, Any]) -> None:
    from asylon.web.timeline.alerts import alerts_for_user

    case, cw, today = world["case"], world["cw_a"], date.today()
    refused_lately(case, cw)
    assert alerts_for_user(cw, today).due_soon
    case.status = Case.Status.CLOSED
    case.save()
    assert alerts_for_user(cw, today).empty
    case.status = Case.Status.OPEN
    case.save()
    for n in range(55):
        other = Case.objects.create(client=case.client, team=case.team, jurisdiction="ru")
        add(
            other,
            cw,
            "decision",
            (today - timedelta(days=10)).isoformat(),
            outcome="refused",
            notified_on=(today - timedelta(days=2 + n % 5)).isoformat(),
        )
    page = browse(cw).get("/en/").content.decode()
    assert "and 6 more" in page
