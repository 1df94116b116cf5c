"""The country-evidence pages: a place and a date with their figures, chart, events and
guidance; a case's home area on the dates that matter; a missing store; access and audit.
Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import base64
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.test import Client as Browser
from django.urls import NoReverseMatch, include, path, reverse

from asylon.evidence import store
from asylon.evidence.indicators import compute, resolve_area
from asylon.evidence.reading import StoreEvidence
from asylon.law.facts import Place
from asylon.web import urls as project_urls
from asylon.web.accounts.models import Team, User
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.models import Assessment, Case, Client
from asylon.web.evidence.dates import dates_that_matter, home_area
from asylon.web.timeline import services

# The pages' URLs as the project will register them (`path("evidence/", ...)` inside
# i18n_patterns); used only while the project's urls.py does not include them yet.
try:
    reverse("evidence:place", urlconf=project_urls)
    urlpatterns = list(project_urls.urlpatterns)
except NoReverseMatch:
    urlpatterns = [
        *project_urls.urlpatterns,
        *i18n_patterns(path("evidence/", include("asylon.web.evidence.urls"))),
    ]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
D = date.fromisoformat
ALEPPO_ON = {"place": "SY02", "on": "2016-12-06"}
UCDP_2016 = "UCDP GED Syria 20160101-20191130"


@pytest.fixture
def evidence(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The evidence store built once for the run (tests/conftest.py)."""
    monkeypatch.setenv("ASYLON_EVIDENCE_DB", str(store_path))
    return store_path


def user(name: str, team: Team | None, role: str = User.Role.CASEWORKER) -> User:
    """A user without a password (no Argon2 hashing: the tests log in with force_login)."""
    return User.objects.create_user(name, team=team, role=role)


def browse(u: User) -> Browser:
    b = Browser()
    b.force_login(u)
    return b


@pytest.fixture
def world() -> dict[str, Any]:
    a, b = Team.objects.create(name="Moscow office"), Team.objects.create(name="Berlin office")
    cw_a, cw_b = user("cw_a", a), user("cw_b", b)
    researcher = user("researcher", None, User.Role.RESEARCHER)
    tailor = Client.objects.create(
        full_name="Salekh Example", team=a, home_country="SY", home_place="Aleppo"
    )
    case = Case.objects.create(
        client=tailor,
        team=a,
        jurisdiction="ru",
        facts={"applicant": {"habitual_residence": {"country": "SY", "place": "Aleppo"}}},
    )
    add = services.add_event
    add(case, cw_a, "arrival", D("2016-12-20"), {"entry": "visa"})
    add(case, cw_a, "application_lodged", D("2017-01-10"), {"procedure": "refugee_status"})
    add(
        case, cw_a, "decision", D("2017-06-01"), {"outcome": "refused", "notified_on": "2017-06-05"}
    )
    add(case, cw_a, "appeal_decided", D("2017-10-02"), {"outcome": "dismissed"})
    add(case, cw_a, "court_hearing", D("2018-02-14"), {"court": "Moscow City Court"})
    return {"cw_a": cw_a, "cw_b": cw_b, "researcher": researcher, "case": case, "team_a": a}


def text(response: Any) -> str:
    return str(response.content.decode())


def section(page: str, ident: str) -> str:
    """The HTML of ``<section id=ident>`` up to the next section (enough for assertions)."""
    start = page.index(f'<section id="{ident}"')
    end = page.find("<section", start + 1)
    return page[start : end if end != -1 else None]


def assert_csp_clean(page: str) -> None:
    """Nothing the Content-Security-Policy (style-src 'self', script-src 'self') would block."""
    assert "style=" not in page
    assert "<style" not in page
    assert "<script" not in page


# --- the place page ---------------------------------------------------------------------------


def test_aleppo_on_6_december_2016_shows_the_figures_of_each_source(
    evidence: Path, world: dict[str, Any]
) -> None:
    page = browse(world["cw_a"]).get("/en/evidence/", ALEPPO_ON)
    assert page.status_code == 200
    html = text(page)
    con = store.connect(evidence)
    try:
        expected = compute(con, resolve_area("SY02"), D("2016-09-08"), D("2016-12-06"))
    finally:
        con.close()
    ucdp = next(s for s in expected.sources if s.source == "ucdp_ged_syria_2016_2019")
    assert ucdp.events and ucdp.events > 100 and ucdp.deaths_best and ucdp.deaths_best > 1000
    table = section(html, "indicators")
    assert UCDP_2016 in table and "VDC recorded deaths" in table
    assert f"{ucdp.events:,}" in table  # e.g. 547 events
    assert f"{ucdp.deaths_best:,.1f}".removesuffix(".0") in table  # e.g. 3,696.8 deaths
    assert f"{ucdp.per_100k:,.2f}" in table and "CBS_2016_via_EUAA" in table
    assert "Uppsala Conflict Data Program" in table  # each column cites its source
    assert '<time datetime="2016-09-08">' in html and '<time datetime="2016-12-06">' in html
    reading = section(html, "reading")
    assert "High recent lethal rate" in reading
    assert re.search(r'class="high-lethal-rate">\s*yes', reading)
    events = section(html, "events")
    assert "SOHR" in events and UCDP_2016 in events and "event 235694" in events
    assert "Events 1–50" in events and 'rel="next"' in events
    guidance = section(html, "guidance")
    assert "No EUAA country guidance on Syria was in force on this date" in guidance
    assert "EUAA Country Guidance: Syria" in guidance  # the first version and its date


def test_a_name_in_any_script_and_a_kind_give_the_same_governorate(
    evidence: Path, world: dict[str, Any]
) -> None:
    b = browse(world["cw_a"])
    by_code = text(b.get("/en/evidence/", ALEPPO_ON))
    for name in ("Aleppo", "حلب", "Алеппо"):
        page = b.get("/en/evidence/", {"place": name, "kind": "governorate", "on": "2016-12-06"})
        assert page.status_code == 200
        assert section(text(page), "indicators") == section(by_code, "indicators")


def test_a_period_is_read_as_given_and_a_town_with_a_radius_works(
    evidence: Path, world: dict[str, Any]
) -> None:
    b = browse(world["cw_a"])
    page = b.get("/en/evidence/", {"place": "SY02", "start": "2016-12-01", "end": "2016-12-31"})
    assert page.status_code == 200
    html = text(page)
    assert "31 days" in html and '<time datetime="2016-12-31">' in html
    radius = b.get("/en/evidence/", {"place": "SYC-ALEPPO", "radius_km": "10", "on": "2016-12-06"})
    assert radius.status_code == 200
    assert "10 km around Aleppo" in text(radius) and "within 25 km" in text(radius)


def test_the_chart_is_a_data_uri_image_and_the_page_obeys_the_csp(
    evidence: Path, world: dict[str, Any]
) -> None:
    page = browse(world["cw_a"]).get("/en/evidence/", ALEPPO_ON)
    html = text(page)
    assert "img-src 'self' data:" in page["Content-Security-Policy"]
    found = re.search(
        r'<img class="chart" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)"', html
    )
    assert found, "the chart is an <img> with a data: URI"
    svg = base64.b64decode(found.group(1)).decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "Aleppo" in svg
    alt = found.group(2)
    assert "Aleppo" in alt and UCDP_2016 in alt  # the alt text names the place and sources
    chart = section(html, "chart")
    assert "2016-01" in chart and "2016-12" in chart  # the 12 months' figures as a table
    assert "2015-12" not in chart
    assert_csp_clean(html)


def test_the_pages_render_in_russian_and_arabic(evidence: Path, world: dict[str, Any]) -> None:
    b = browse(world["cw_a"])
    for lang in ("ru", "ar"):
        page = b.get(f"/{lang}/evidence/", ALEPPO_ON)
        assert page.status_code == 200
        html = text(page)
        assert "data:image/svg+xml;base64," in html and UCDP_2016 in html
        assert_csp_clean(html)
    assert 'dir="rtl"' in text(b.get("/ar/evidence/", ALEPPO_ON))


def test_an_unknown_place_gives_the_nearest_names_on_the_place_field(
    world: dict[str, Any],
) -> None:
    page = browse(world["cw_a"]).get("/en/evidence/", {"place": "Alepo", "on": "2016-12-06"})
    assert page.status_code == 400
    html = text(page)
    errors = re.search(r'<ul class="errorlist" id="id_place_error">(.*?)</ul>', html, re.S)
    assert errors, "the error is on the place field"
    assert "Unknown place “Alepo”. Did you mean:" in errors.group(1)
    assert "Aleppo (SY02, governorate)" in errors.group(1)
    assert "?place=SY02&amp;on=2016-12-06" in html  # one click to the suggested place


def test_an_ambiguous_name_lists_the_places_it_could_be(world: dict[str, Any]) -> None:
    page = browse(world["cw_a"]).get("/en/evidence/", {"place": "Aleppo", "on": "2016-12-06"})
    assert page.status_code == 400
    html = text(page)
    errors = re.search(r'id="id_place_error">(.*?)</ul>', html, re.S)
    assert errors and "could be several places" in errors.group(1)
    assert "SYC-ALEPPO" in errors.group(1) and "SY02" in errors.group(1)
    assert "?place=SY02&amp;on=2016-12-06" in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"place": "SY02", "on": "2016-13-45"}, "on", "Enter a valid date."),
        ({"place": "SY02"}, "on", "Give a date, or a period"),
        (
            {"place": "SY02", "start": "2016-12-31", "end": "2016-12-01"},
            "end",
            "The period ends before it starts.",
        ),
        ({"place": "SY02", "start": "2016-12-01"}, "end", "Give the last day of the period."),
        (
            {"place": "SY02", "on": "2016-12-06", "start": "2016-12-01", "end": "2016-12-31"},
            "on",
            "Give either a date or a period, not both.",
        ),
        (
            {"place": "SYC-ALEPPO", "radius_km": "-5", "on": "2016-12-06"},
            "radius_km",
            "more than 0",
        ),
        ({"place": "SYC-ALEPPO", "radius_km": "0", "on": "2016-12-06"}, "radius_km", "more than 0"),
        ({"place": "SYC-ALEPPO", "radius_km": "5000", "on": "2016-12-06"}, "radius_km", "500 km"),
        ({"place": "SYC-ALEPPO", "radius_km": "ten", "on": "2016-12-06"}, "radius_km", "number"),
        ({"place": "SYC-ALEPPO", "on": "2016-12-06"}, "place", "is a town"),
        ({"place": "36.2,37.16", "on": "2016-12-06"}, "radius_km", "Give a radius"),
        ({"place": "Russia", "on": "2016-12-06"}, "place", "no conflict-event data"),
        ({"place": "", "on": "2016-12-06"}, "place", "This field is required."),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    world: dict[str, Any], params: dict[str, str], field: str, message: str
) -> None:
    page = browse(world["cw_a"]).get("/en/evidence/", params)
    assert page.status_code == 400
    errors = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', text(page), re.S)
    assert errors, f"an error on {field}"
    assert message in errors.group(1)


def test_without_a_store_the_page_says_what_to_run_and_still_answers(
    world: dict[str, Any],
) -> None:
    b = browse(world["cw_a"])
    empty = b.get("/en/evidence/")
    assert empty.status_code == 200
    assert "has not been built" in text(empty) and "asylon evidence build" in text(empty)
    page = b.get("/en/evidence/", {"place": "SY02", "on": "2023-06-01"})
    assert page.status_code == 200
    html = text(page)
    assert 'role="alert"' in html and "<code>asylon evidence build</code>" in html
    assert "data:image" not in html and 'id="indicators"' not in html
    guidance = section(html, "guidance")  # the guidance does not need the store
    assert "EUAA Country Guidance: Syria (February 2023)" in guidance
    assert "mere presence" in guidance


def test_an_unreadable_store_is_a_banner_not_an_error(
    world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "evidence.duckdb"
    broken.write_bytes(b"this is not a DuckDB file" * 100)
    monkeypatch.setenv("ASYLON_EVIDENCE_DB", str(broken))
    page = browse(world["cw_a"]).get("/en/evidence/", ALEPPO_ON)
    assert page.status_code == 200
    assert "cannot be read" in text(page) and "asylon evidence build" in text(page)


def test_the_place_page_needs_a_login_and_is_open_to_researchers(
    evidence: Path, world: dict[str, Any]
) -> None:
    anonymous = Browser().get("/en/evidence/", ALEPPO_ON)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    page = browse(world["researcher"]).get("/en/evidence/", ALEPPO_ON)
    assert page.status_code == 200 and UCDP_2016 in text(page)


def test_events_are_paged(evidence: Path, world: dict[str, Any]) -> None:
    b = browse(world["cw_a"])
    first = section(text(b.get("/en/evidence/", ALEPPO_ON)), "events")
    second = section(text(b.get("/en/evidence/", {**ALEPPO_ON, "page": "2"})), "events")
    assert "Events 51–100" in second and 'rel="prev"' in second
    ids = re.findall(r"event (\d+)", first)
    assert ids and not set(ids[:3]) & set(re.findall(r"event (\d+)", second)[:3])


# --- the case page ----------------------------------------------------------------------------


def test_the_case_page_reads_the_home_area_on_each_date_that_matters(
    evidence: Path, world: dict[str, Any]
) -> None:
    case = world["case"]
    Assessment.objects.create(
        case=case,
        as_of=D("2017-05-20"),
        jurisdiction="ru",
        rules_version="test",
        outcome="UNDETERMINED",
        case_file={},
        determination={},
    )
    page = browse(world["cw_a"]).get(f"/en/evidence/case/{case.pk}/")
    assert page.status_code == 200
    html = text(page)
    assert "Aleppo (SY02)" in section(html, "home-area")
    dates = section(html, "dates")
    for day, why in [
        ("2016-12-20", "arrival in the host country"),
        ("2017-01-10", "application lodged"),
        ("2017-05-20", "decision date of the latest assessment"),
        ("2017-06-01", "decision: refused"),
        ("2017-10-02", "appeal decided: dismissed"),
        ("2018-02-14", "court hearing"),
        (date.today().isoformat(), "today"),
    ]:
        row = re.search(rf'<tr id="date-{day}">(.*?)</tr>', dates, re.S)
        assert row, f"a row for {day}"
        assert why in row.group(1)
        assert f"?place=SY02&amp;on={day}" in row.group(1)
    arrival = re.search(r'<tr id="date-2016-12-20">(.*?)</tr>', dates, re.S)
    assert arrival
    assert UCDP_2016 in arrival.group(1) and "deaths" in arrival.group(1)
    assert re.search(r'class="high-lethal-rate">\s*yes', arrival.group(1))
    reading = StoreEvidence(evidence).danger(Place(country="SY", place="Aleppo"), D("2016-12-20"))
    assert reading is not None and reading.high_lethal_rate is True  # the same reading
    events = reading.indicators["ucdp_ged_syria_2016_2019.events.90d"]
    assert f"{events} events" in arrival.group(1)
    assert_csp_clean(html)
    entry = AuditEntry.objects.get(action="view_case_evidence", object_id=str(case.pk))
    assert entry.user == world["cw_a"] and entry.object_type == "case"


def test_another_team_and_researchers_get_404_on_the_case_page(
    evidence: Path, world: dict[str, Any]
) -> None:
    url = f"/en/evidence/case/{world['case'].pk}/"
    assert browse(world["cw_b"]).get(url).status_code == 404
    assert browse(world["researcher"]).get(url).status_code == 404
    assert browse(world["researcher"]).get("/en/evidence/", ALEPPO_ON).status_code == 200
    assert not AuditEntry.objects.filter(action="view_case_evidence").exists()


def test_the_case_page_without_a_store_still_lists_the_dates(world: dict[str, Any]) -> None:
    page = browse(world["cw_a"]).get(f"/en/evidence/case/{world['case'].pk}/")
    assert page.status_code == 200
    html = text(page)
    assert "asylon evidence build" in html
    assert '<tr id="date-2017-06-01">' in html and "?place=SY02&amp;on=2017-06-01" in html


@pytest.mark.parametrize(
    ("country", "place", "message"),
    [
        ("", "", "No home area is recorded"),
        ("AF", "Kabul", "in Syria only"),
        ("SY", "", "home area within Syria is not recorded"),
        ("SY", "Atlantis", "is not in the gazetteer of Syrian places"),
    ],
)
def test_a_missing_or_unknown_home_area_is_said_plainly(
    evidence: Path, world: dict[str, Any], country: str, place: str, message: str
) -> None:
    client = Client.objects.create(
        full_name="Other Example", team=world["team_a"], home_country=country, home_place=place
    )
    case = Case.objects.create(client=client, team=world["team_a"], jurisdiction="ru")
    page = browse(world["cw_a"]).get(f"/en/evidence/case/{case.pk}/")
    assert page.status_code == 200
    html = text(page)
    assert message in section(html, "home-area")
    assert "?place=" not in html  # no link to a reading that cannot exist
    assert f'href="/en/cases/{case.pk}/client/"' in html  # where to record the home area
    assert date.today().isoformat() in section(html, "dates")


def test_dates_that_matter_come_from_the_facts_and_every_event(world: dict[str, Any]) -> None:
    case = world["case"]
    case.facts["procedure"] = {"prior_refusal": {"on": "2015-03-01"}}
    case.save()
    services.add_event(
        case, world["cw_a"], "decision", D("2018-03-01"), {"outcome": "refused"}
    )  # a second decision is a second date
    today = D("2019-01-01")
    found = {k.on: k.reasons for k in dates_that_matter(case, today)}
    assert list(found) == sorted(found)
    assert found[D("2015-03-01")] == ("earlier refusal",)
    assert found[D("2016-12-20")] == ("arrival in the host country",)  # facts and event agree
    assert found[D("2017-06-01")] == ("decision: refused",)
    assert found[D("2018-03-01")] == ("decision: refused",)
    assert found[today] == ("today",)
    home = home_area(case)
    assert home.found is not None and home.found.code == "SYC-ALEPPO"
    assert home.governorate is not None and home.governorate.code == "SY02"


def test_a_future_hearing_is_marked_upcoming(evidence: Path, world: dict[str, Any]) -> None:
    case = world["case"]
    later = date.today() + timedelta(days=40)
    services.add_event(case, world["cw_a"], "court_hearing", later, {})
    html = text(browse(world["cw_a"]).get(f"/en/evidence/case/{case.pk}/"))
    row = re.search(rf'<tr id="date-{later.isoformat()}">(.*?)</tr>', html, re.S)
    assert row and "upcoming" in row.group(1)
