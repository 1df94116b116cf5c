"""The statistics pages: UNHCR asylum practice against the CSV, the caseload's disclosure control
and scope per role, documented deaths with and without an evidence store, languages, access
and audit."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.core.management import call_command
from django.test import Client as Browser

from asylon.paths import data_dir
from asylon.web.accounts.models import Team, User
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.models import Assessment, Case, Client
from asylon.web.timeline.models import TimelineEvent

pytestmark = pytest.mark.django_db
LANGS = ("en", "ru", "ar")


def user(name: str, team: Team | None, role: str = User.Role.CASEWORKER) -> User:
    return User.objects.create_user(name, team=team, role=role)


def browse(u: User) -> Browser:
    b = Browser()
    b.force_login(u)
    return b


@pytest.fixture
def researcher() -> User:
    return user("researcher", None, User.Role.RESEARCHER)


# --- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["", "asylum-practice/", "caseload/", "deaths/"])
def test_login_required(page: str) -> None:
    response = Browser().get(f"/en/stats/{page}")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_index_links_every_page_and_the_nav_links_it(researcher: User) -> None:
    html = browse(researcher).get("/en/stats/").content.decode()
    for page in ("asylum-practice", "caseload", "deaths"):
        assert f'href="/en/stats/{page}/"' in html
    assert '<a href="/en/stats/">Statistics</a>' in html  # the site's navigation


# --- asylum practice (UNHCR) ---------------------------------------------------------------------


def russia_by_hand(year: int) -> dict[str, int]:
    """Russia's decisions on Syrians in ``year`` summed from the CSV: every grant of a TA row is
    temporary asylum, whatever column UNHCR put it in."""
    path = data_dir() / "unhcr-syria-asylum" / "unhcr_asylum_decisions_origin_syria.csv"
    out: dict[str, int] = defaultdict(int)
    with path.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["coa_iso"] != "RUS" or int(r["year"]) != year or r["dec_pc"] != "P":
                continue
            if r["dec_level"] == "TA":
                out["temporary_asylum"] += int(r["dec_recognized"]) + int(r["dec_other"])
            else:
                out["recognised"] += int(r["dec_recognized"])
                out["complementary"] += int(r["dec_other"])
            out["rejected"] += int(r["dec_rejected"])
            out["otherwise_closed"] += int(r["dec_closed"])
    return out


def year_row(html: str, code: str, year: int) -> list[str]:
    section = html.split(f'id="table-{code}"', 1)[1].split("</table>", 1)[0]
    row = section.split(f'<tr data-year="{year}">', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


def test_russia_2016_as_computed_from_the_csv(researcher: User) -> None:
    hand = russia_by_hand(2016)
    substantive = sum(hand[k] for k in ("recognised", "complementary", "temporary_asylum"))
    substantive += hand["rejected"]
    total = substantive + hand["otherwise_closed"]
    trr = (hand["recognised"] + hand["complementary"] + hand["temporary_asylum"]) / substantive
    rsr = hand["recognised"] / substantive
    response = browse(researcher).get(
        "/en/stats/asylum-practice/", {"countries": ["RUS", "DEU"], "first": "2014", "last": "2018"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    cells = year_row(html, "RUS", 2016)
    assert cells[:6] == [
        str(hand["recognised"]),
        str(hand["complementary"]),
        str(hand["temporary_asylum"]),
        str(hand["rejected"]) + " !",  # no rejection recorded: flagged
        str(hand["otherwise_closed"]),
        str(total),
    ]
    assert hand["temporary_asylum"] == 542 and hand["rejected"] == 0  # the CSV as shipped
    assert cells[6] == f"{trr * 100:g} %" and cells[7] == f"{rsr * 100:g} %"
    # Russia's temporary asylum is explained, and the years without a rejection are named
    assert 'id="temporary-asylum-RUS"' in html and "not refugee status" in html
    warning = html.split('id="no-rejections-RUS"', 1)[1].split("</p>", 1)[0]
    assert "2016" in warning and "2015" not in warning
    assert 'id="temporary-asylum-DEU"' not in html
    # definitions, source, the static charts and the interactive one
    assert "Total recognition rate" in html and "otherwise closed" in html.lower()
    assert "UNHCR Refugee Data Finder" in html and "CC BY 4.0" in html
    assert html.count('src="data:image/svg+xml;base64,') == 3  # two countries + comparison
    assert 'id="comparison-table"' in html
    interactive = html.split('id="interactive-RUS"', 1)[1].split("</figure>", 1)[0]
    assert "<title>2016 — Temporary asylum: 542</title>" in interactive
    assert "style=" not in interactive and "<style" not in interactive  # the CSP forbids them
    assert "UNHCR Refugee Data Finder" in interactive  # the chart states its source


def test_the_default_choice_and_the_json_face(researcher: User) -> None:
    b = browse(researcher)
    html = b.get("/en/stats/asylum-practice/").content.decode()
    for code in ("RUS", "DEU", "SWE", "TUR"):
        assert f'id="country-{code}"' in html
    data = b.get(
        "/en/stats/asylum-practice/",
        {"countries": "RUS", "first": "2016", "last": "2016", "format": "json"},
    ).json()
    (row,) = data["rows"]
    hand = russia_by_hand(2016)
    assert (row["temporary_asylum"], row["recognised"]) == (hand["temporary_asylum"], 0)
    assert data["attribution"].startswith("UNHCR Refugee Data Finder")


def test_a_wrong_choice_is_400_and_shows_the_defaults(researcher: User) -> None:
    response = browse(researcher).get(
        "/en/stats/asylum-practice/", {"countries": "RUS", "first": "2020", "last": "2012"}
    )
    assert response.status_code == 400
    assert "The last year is before the first." in response.content.decode()


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_renders_in_each_language(lang: str, researcher: User) -> None:
    b = browse(researcher)
    for page in ("", "asylum-practice/?countries=RUS&first=2015&last=2017", "caseload/", "deaths/"):
        response = b.get(f"/{lang}/stats/{page}")
        assert response.status_code == 200, page
        html = response.content.decode()
        assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in html
    shown = b.get(f"/{lang}/stats/asylum-practice/?countries=RUS&first=2015&last=2017")
    text = shown.content.decode()
    if lang == "ru":
        assert "Российская Федерация" in text  # country names in the page's language
    if lang == "ar":
        assert "الاتّحاد الرّوسي" in text


# --- caseload: disclosure control and scope ----------------------------------------------------


def make_case(
    team: Team, name: str, jurisdiction: str, outcome: str | None, applied: date | None
) -> Case:
    client = Client.objects.create(full_name=name, team=team)
    case = Case.objects.create(
        client=client, team=team, jurisdiction=jurisdiction, procedure_kind="temporary_asylum"
    )
    if applied is not None:
        arrived = applied - timedelta(days=30)
        interviewed = applied + timedelta(days=60)
        TimelineEvent.objects.create(case=case, kind="arrival", on=arrived, details={})
        TimelineEvent.objects.create(case=case, kind="application_lodged", on=applied, details={})
        TimelineEvent.objects.create(case=case, kind="interview_held", on=interviewed, details={})
    if outcome is not None and applied is not None:
        TimelineEvent.objects.create(
            case=case,
            kind="decision",
            on=applied + timedelta(days=100),
            details={"outcome": outcome},
        )
    return case


@pytest.fixture
def caseload_world() -> dict[str, Any]:
    """Moscow: 8 temporary-asylum cases applied in 2016 and 2 refusals; Berlin: 3 eu:de cases
    (a small cell) and 6 refusals in 2017."""
    moscow, berlin = Team.objects.create(name="Moscow"), Team.objects.create(name="Berlin")
    cases = [
        make_case(moscow, f"Moscow Client {i}", "ru", "temporary_asylum", date(2016, 3, 1 + i))
        for i in range(8)
    ]
    cases += [
        make_case(moscow, f"Moscow Refused {i}", "ru", "refused", date(2016, 5, 1 + i))
        for i in range(2)
    ]
    cases += [
        make_case(berlin, f"Berlin Client {i}", "eu:de", "granted", date(2017, 2, 1 + i))
        for i in range(3)
    ]
    cases += [
        make_case(berlin, f"Berlin Refused {i}", "eu:de", "refused", date(2017, 4, 1 + i))
        for i in range(6)
    ]
    return {
        "moscow": user("cw_moscow", moscow),
        "berlin": user("cw_berlin", berlin),
        "cases": cases,
    }


def table(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(t for t in data["tables"] if t["key"] == key)


def small_counts(t: dict[str, Any]) -> list[int]:
    values = [v for row in t["cells"] for v in row]
    for margin in ("row_totals", "column_totals"):
        values += t[margin] or []
    if t["grand_total"] is not None:
        values.append(t["grand_total"])
    return [v for v in values if isinstance(v, int) and 0 < v < 5]


def test_a_researcher_sees_every_case_as_controlled_aggregates_only(
    caseload_world: dict[str, Any], researcher: User
) -> None:
    b = browse(researcher)
    data = b.get("/en/stats/caseload/", {"format": "json"}).json()
    assert data["scope"] == "organisation"
    for t in data["tables"]:
        assert small_counts(t) == [], t["key"]  # no count of 1 to 4 leaves the database
    decisions = table(data, "decision")
    cells = dict(zip(decisions["row_keys"], (r[0] for r in decisions["cells"]), strict=True))
    assert cells["granted"] == "x"  # 3 cases: withheld
    # and one complementary cell, else 19 - 8 - 8 would give the 3 back
    assert sorted(map(str, (cells["temporary_asylum"], cells["refused"]))) == ["8", "x"]
    assert decisions["column_totals"] == [19]
    rates = {r["key"]: r["value"] for r in data["rates"]}
    assert rates == {"recognition": None, "refugee_status": None, "complementary": None}
    years = table(data, "jurisdiction_year")
    assert years["row_keys"] == ["2016", "2017"] and years["column_keys"] == ["ru", "eu:de"]
    assert years["cells"] == [[10, 0], [0, 9]] and years["grand_total"] == 19
    durations = {d["key"]: d for d in data["durations"]}
    assert durations["arrival_to_application"] == {
        "key": "arrival_to_application",
        "count": 19,
        "median_days": 30.0,
    }
    html = b.get("/en/stats/caseload/").content.decode()
    assert "Client" not in html and "Refused " not in html  # no name
    assert "/cases/" not in html  # no link to a case
    for case in caseload_world["cases"]:
        assert f'"{case.pk}"' not in html and f"case {case.pk}" not in html
    assert '<abbr title="withheld">x</abbr>' in html


def test_a_caseworker_sees_the_figures_of_their_team_only(
    caseload_world: dict[str, Any],
) -> None:
    moscow = browse(caseload_world["moscow"]).get("/en/stats/caseload/?format=json").json()
    assert moscow["scope"] == "visible"
    years = table(moscow, "jurisdiction_year")
    assert (years["row_keys"], years["column_keys"]) == (["2016"], ["ru"])
    assert years["grand_total"] == 10
    decisions = table(moscow, "decision")
    cells = dict(zip(decisions["row_keys"], (r[0] for r in decisions["cells"]), strict=True))
    assert cells["refused"] == "x"  # 2 cases: withheld for them too
    assert cells["temporary_asylum"] == "x"  # else 10 - 8 gives the 2 back
    assert decisions["column_totals"] == [10]
    berlin = browse(caseload_world["berlin"]).get("/en/stats/caseload/?format=json").json()
    assert table(berlin, "jurisdiction_year")["grand_total"] == 9
    assert table(berlin, "procedure")["column_totals"] == [9]


def test_rates_from_published_cells_and_rounding(
    caseload_world: dict[str, Any], settings: Any
) -> None:
    berlin_team = caseload_world["berlin"].team
    for i in range(2):  # 5 grants now: every substantive cell is published
        make_case(berlin_team, f"More {i}", "eu:de", "granted", date(2017, 6, 1 + i))
    data = browse(caseload_world["berlin"]).get("/en/stats/caseload/?format=json").json()
    rates = {r["key"]: r["value"] for r in data["rates"]}
    assert rates["recognition"] == round(5 / 11, 4) and rates["complementary"] == 0
    settings.ASYLON_STATS_ROUNDING = 5
    data = browse(caseload_world["berlin"]).get("/en/stats/caseload/?format=json").json()
    assert data["rounding_base"] == 5
    decisions = table(data, "decision")
    cells = dict(zip(decisions["row_keys"], (r[0] for r in decisions["cells"]), strict=True))
    assert cells["granted"] == 5 and cells["refused"] == 5  # 6 rounded to 5
    rates = {r["key"]: r["value"] for r in data["rates"]}
    assert rates["recognition"] == 0.5  # from the published 5 / (5 + 5), not from 5 / 11


def test_viewing_the_caseload_is_audited_without_personal_data(
    caseload_world: dict[str, Any],
) -> None:
    browse(caseload_world["moscow"]).get("/en/stats/caseload/")
    entry = AuditEntry.objects.get(action="view_caseload_statistics")
    assert entry.user == caseload_world["moscow"]
    assert (entry.object_type, entry.object_id) == ("", "")
    assert entry.details == {"scope": "visible", "format": "html"}


def test_the_demo_caseload_for_a_researcher(researcher: User) -> None:
    call_command("load_demo", verbosity=0)
    assert Case.objects.count() >= 20 and Assessment.objects.exists()
    response = browse(researcher).get("/en/stats/caseload/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in Client.objects.values_list("full_name", flat=True):
        assert name not in html
    data = browse(researcher).get("/en/stats/caseload/?format=json").json()
    for t in data["tables"]:
        assert small_counts(t) == [], t["key"]
    assert table(data, "procedure")["column_totals"] == [Case.objects.count()]
    assert json.dumps(data).count('"x"') > 0  # the demo's small groups are withheld


# --- documented deaths ---------------------------------------------------------------------------


def test_deaths_without_a_store_says_what_to_run(researcher: User) -> None:
    response = browse(researcher).get("/en/stats/deaths/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="store-unavailable"' in html and "asylon evidence build" in html
    assert 'id="governorates"' not in html
    assert browse(researcher).get("/en/stats/deaths/?format=json").status_code == 503


def test_deaths_with_a_store(
    store_path: Path, monkeypatch: pytest.MonkeyPatch, researcher: User
) -> None:
    monkeypatch.setenv("ASYLON_EVIDENCE_DB", str(store_path))
    con = duckdb.connect(str(store_path), read_only=True)
    try:
        found = con.execute(
            "SELECT sum(deaths) FROM vdc_deaths WHERE adm1 = 'SY02' "
            "AND day BETWEEN DATE '2016-01-01' AND DATE '2016-12-31'"
        ).fetchone()
        assert found is not None
        aleppo = found[0]
    finally:
        con.close()
    b = browse(researcher)
    response = b.get("/en/stats/deaths/", {"start": "2016-01-01", "end": "2016-12-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="store-unavailable"' not in html
    rows = html.split('id="governorates"', 1)[1].split("</table>", 1)[0]
    heads = re.findall(r'<th scope="col" class="num">(.*?)</th>', rows)
    aleppo_row = rows.split("(SY02)", 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r'<td class="num">(.*?)</td>', aleppo_row)
    vdc_column = next(i for i, h in enumerate(heads) if h.startswith("VDC"))
    assert cells[vdc_column].replace(",", "") == f"{aleppo:g}"
    assert "Aleppo <small>(SY02)" in rows
    assert 'src="data:image/svg+xml;base64,' in html
    assert "never added" in html and "covers" in html  # sources kept apart, coverage printed
    data = b.get(
        "/en/stats/deaths/", {"start": "2016-01-01", "end": "2016-12-31", "format": "json"}
    )
    assert data.status_code == 200
    vdc = next(t for t in data.json()["by_governorate"] if t["source"]["source"] == "vdc")
    assert {r["governorate"]: r["deaths"] for r in vdc["rows"]}["SY02"] == aleppo
    ar = b.get("/ar/stats/deaths/", {"start": "2016-01-01", "end": "2016-12-31"})
    assert ar.status_code == 200 and "حلب" in ar.content.decode()
