"""A caseworker's day in a real browser: log in, the dashboard, a new client and case, the
timeline (arrival, application, detention, a refusal notice), the appeal deadline it starts,
findings, an assessment, the comparison of jurisdictions, Arabic and Russian, the case file.

Dates are relative to today, so the deadline is always "due soon" on the dashboard, and the
expected appeal deadline is derived here from the notification date entered and the Russian
profile's appeal time limit (RF Law Art 10(3)(1): one month from written notice).
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from asylon.law.parameters import load_profile
from asylon.web.accounts.models import User
from asylon.web.cases.models import Assessment, Case

from .conftest import output_dir

TODAY = date.today()
CLIENT = "Salim Haddad"
BORN = date(1988, 3, 14)
ARRIVED = TODAY - timedelta(days=60)
APPLIED = TODAY - timedelta(days=50)
DETAINED = TODAY - timedelta(days=20)
DETENTION_PLACE = "SUVSIG Sakharovo"
REFUSED = TODAY - timedelta(days=10)
NOTIFIED = TODAY - timedelta(days=7)
FINDINGS = {  # form field id -> option chosen
    "claim-findings-credible": "yes",
    "claim-findings-risk_of_persecution": "reasonable_likelihood",
    "claim-findings-state_protection_available": "no",
    "claim-findings-internal_protection-safe": "no",
    "claim-findings-risk_of_serious_harm-torture_or_inhuman_treatment": "substantial",
}
ShotFn = Callable[[Page, str], Path]


def months_later(day: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month if it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expected_appeal_due(notified: date) -> date:
    """The appeal deadline per the Russian profile in force on the day of notice."""
    limit = load_profile("ru").param("appeal_time_limit", notified)
    assert limit.reference.startswith("RF Law Art 10(3)"), limit.reference
    assert set(limit.value) == {"months"}, f"expected a period in months: {limit.value}"
    return months_later(notified, limit.value["months"])


def link(page: Page, text: str) -> Locator:
    """The link with this text (the first, where the header's navigation repeats it)."""
    return page.get_by_role("link", name=text, exact=True).first


def submit(page: Page, form: Locator, what: str) -> None:
    """Submit ``form`` and check that the server accepted it (a redirect, not a form
    shown again with its errors)."""
    with (
        page.expect_navigation(),  # to the page the answer leads to (after any redirect)
        page.expect_response(lambda r: r.request.method == "POST") as posted,
    ):
        form.locator("button[type=submit]").click()
    assert posted.value.status == 302, f"{what} was refused: {page.locator('main').inner_text()}"


def add_event(page: Page, kind: str, on: date, **details: str) -> None:
    """Choose the kind of event, fill the form it shows and add the event."""
    chooser = page.locator("#add-event form[method=get]")
    chooser.locator("select[name=kind]").select_option(kind)
    chooser.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"\?kind={kind}$"))
    form = page.locator("#add-event form[method=post]")
    expect(form.locator("input[name=kind]")).to_have_value(kind)
    form.locator("input[name=on]").fill(on.isoformat())
    for name, value in details.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    submit(page, form, f"adding {kind}")
    expect(page.locator(f"#events time[datetime='{on.isoformat()}']").first).to_be_visible()


def switch_language(page: Page, code: str) -> None:
    """Use the language selector in the header (not the address bar)."""
    chooser = page.locator("header form:has(select[name=language])")
    chooser.locator("select[name=language]").select_option(code)
    chooser.locator("button[type=submit]").click()


def test_caseworker_day(
    logged_in: Callable[[User], Page], staff: dict[str, User], shot: ShotFn
) -> None:
    # 1. Log in; the dashboard lists the caseworker's cases and what needs attention.
    page = logged_in(staff["caseworker"])
    expect(page.locator("main h1")).to_have_text("Your cases")
    expect(page.locator("#alerts")).to_be_visible()
    expect(page.locator("#alerts")).to_contain_text("Nothing needs attention.")
    shot(page, "01-dashboard")

    # 2. A new client and case.
    link(page, "New client and case").click()
    expect(page).to_have_url(re.compile(r"/en/cases/new/$"))
    form = page.locator("main form[method=post]")
    form.locator("[name=full_name]").fill(CLIENT)
    form.locator("[name=aliases]").fill("سليم حداد, Салим Хаддад")
    form.locator("[name=born]").fill(BORN.isoformat())
    form.locator("[name=sex]").select_option("male")
    form.locator("[name=nationalities]").fill("SY")
    form.locator("[name=home_country]").fill("SY")
    form.locator("[name=home_place]").fill("Aleppo")
    form.locator("[name=jurisdiction]").fill("ru")
    form.locator("[name=procedure_kind]").select_option("refugee_status")
    shot(page, "02-new-client-and-case-form")
    submit(page, form, "the new client and case")
    expect(page).to_have_url(re.compile(r"/en/cases/\d+/$"))
    opened = re.search(r"/cases/(\d+)/$", page.url)
    assert opened, page.url
    pk = int(opened[1])
    case_path = f"/en/cases/{pk}/"
    expect(page.locator("main h1")).to_have_text(CLIENT)
    case = Case.objects.select_related("client").get(pk=pk)
    assert case.team == staff["caseworker"].team and case.jurisdiction == "ru"
    assert case.client.home_place == "Aleppo" and case.client.nationalities == ["SY"]
    shot(page, "02-case-opened")

    # 3. The timeline: arrival, application, detention, and the refusal with its notice.
    link(page, "Timeline").click()
    expect(page).to_have_url(re.compile(rf"/en/timeline/case/{pk}/$"))
    add_event(page, "arrival", ARRIVED, entry="irregular", from_country="TR")
    add_event(page, "application_lodged", APPLIED, procedure="refugee_status")
    add_event(
        page,
        "detention_started",
        DETAINED,
        place=DETENTION_PLACE,
        basis="pending_removal",
        periodic_review_available="false",
    )
    add_event(
        page,
        "decision",
        REFUSED,
        outcome="refused",
        notified_on=NOTIFIED.isoformat(),
        authority="GUVM MVD Moscow",
    )
    events = page.locator("#events > ol > li")
    expect(events).to_have_count(4)
    expect(page.locator("#events")).to_contain_text(DETENTION_PLACE)

    due = expected_appeal_due(NOTIFIED)
    assert TODAY < due <= TODAY + timedelta(days=30), "chosen so the deadline is due soon"
    appeal = page.locator("#deadlines li.deadline", has=page.locator(f"time[datetime='{due}']"))
    expect(appeal).to_have_count(1)
    expect(appeal).to_contain_text("appeal")
    expect(appeal).to_contain_text("RF Law Art 10(3)")
    expect(appeal).not_to_have_class(re.compile(r"\boverdue\b"))
    expect(appeal.locator("time")).to_have_text(re.compile(r"\d"))  # shown in the reader's format
    shot(page, "03-appeal-deadline")

    # The dashboard now shows the deadline and the client in detention.
    page.goto("/en/")
    alerts = page.locator("#alerts")
    expect(alerts).not_to_contain_text("Nothing needs attention.")
    to_timeline = f"a[href='/en/timeline/case/{pk}/']"
    deadline_alert = alerts.locator("li", has=page.locator(to_timeline)).filter(
        has=page.locator(f"time[datetime='{due}']")
    )
    expect(deadline_alert).to_have_count(1)
    expect(deadline_alert).to_contain_text(CLIENT)
    expect(deadline_alert).to_contain_text(f"in {(due - TODAY).days} days")
    detention_alert = alerts.locator("li", has=page.locator(to_timeline)).filter(
        has_text=DETENTION_PLACE
    )
    expect(detention_alert).to_have_count(1)
    expect(detention_alert).to_contain_text(re.compile(rf"\b{(TODAY - DETAINED).days} days\b"))
    expect(page.locator(f"main a[href='{case_path}']").first).to_have_text(CLIENT)
    shot(page, "04-dashboard-alerts")

    # 4. Findings: set, save, and see them again after a reload.
    page.goto(case_path)
    link(page, "Findings").click()
    expect(page).to_have_url(re.compile(rf"/en/cases/{pk}/findings/$"))
    for field_id, value in FINDINGS.items():
        page.locator(f"#claim-findings select#{field_id}").select_option(value)
    submit(page, page.locator("form#claim-findings"), "saving the findings")
    expect(page).to_have_url(re.compile(rf"/en/cases/{pk}/$"))
    page.goto(f"/en/cases/{pk}/findings/")
    for field_id, value in FINDINGS.items():
        expect(page.locator(f"select#{field_id}")).to_have_value(value)
    untouched = "claim-findings-risk_of_serious_harm-death_penalty"
    expect(page.locator(f"select#{untouched}")).to_have_value("")  # still "not decided"
    shot(page, "05-findings-saved")

    # 5. Assess as of the day the refusal was notified.
    page.goto(case_path)
    expect(page.locator("#determination")).to_have_count(0)
    assess = page.locator("main form[action$='/assess/']")
    assess.locator("[name=as_of]").fill(NOTIFIED.isoformat())
    submit(page, assess, "the assessment")
    expect(page).to_have_url(re.compile(rf"/en/cases/{pk}/$"))
    determination = page.locator("#determination")
    expect(determination).to_be_visible()
    assessment = Assessment.objects.get(case_id=pk)
    assert assessment.as_of == NOTIFIED
    assert assessment.case_file["removal"]["detention"][0]["place"] == DETENTION_PLACE
    expect(determination.locator("h2").first).to_contain_text(assessment.outcome)
    steps = determination.locator("ol > li:has(.answer)")
    assert steps.count() > 3, determination.inner_text()
    expect(steps.first.locator(".answer")).to_have_text(re.compile(r"\w"))
    citations = [c.strip() for c in steps.locator("small").all_inner_texts()]
    assert any("Art" in c for c in citations), citations
    expect(determination).to_contain_text(DETENTION_PLACE)  # the detention step's reasons
    shot(page, "06-determination")

    # 6. The same facts under each profile, side by side.
    link(page, "Compare jurisdictions").click()
    expect(page).to_have_url(re.compile(rf"/en/cases/{pk}/compare/$"))
    table = page.locator("table#comparison")
    # One column per profile, in this order, headed by its code (or its English name).
    columns = [r"^\s*$", r"^unhcr$|UNHCR", r"^eu$|European Union", r"^ru$|Russian Federation"]
    expect(table.locator("thead th")).to_have_text([re.compile(c) for c in columns])
    outcomes = table.locator("tbody tr").first.locator("td")
    expect(outcomes).to_have_count(3)
    for text in outcomes.all_inner_texts():
        assert text.strip(), "every profile gives an outcome or says why not"
    assert table.locator("tbody tr").count() > 2
    shot(page, "07-compare-jurisdictions")

    # 7. Arabic (right to left) and Russian, switched in the header, on the same page.
    page.goto(case_path)
    switch_language(page, "ar")
    expect(page).to_have_url(re.compile(rf"/ar/cases/{pk}/$"))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.locator("main h1")).to_have_text(CLIENT)
    expect(page.locator("header select[name=language]")).to_have_value("ar")
    shot(page, "08-arabic-rtl")
    switch_language(page, "ru")
    expect(page).to_have_url(re.compile(rf"/ru/cases/{pk}/$"))
    expect(html).to_have_attribute("lang", "ru")
    expect(html).to_have_attribute("dir", "ltr")
    expect(page.locator("main h1")).to_have_text(CLIENT)
    shot(page, "09-russian")
    switch_language(page, "en")
    expect(page).to_have_url(re.compile(rf"{case_path}$"))
    expect(html).to_have_attribute("lang", "en")

    # 8. Download the case file and read it back.
    with page.expect_download() as downloading:
        link(page, "Download the case file").click()
    download = downloading.value
    assert download.failure() is None
    assert download.suggested_filename == f"case-{pk}.json"
    saved = output_dir() / "caseworker_day-10-case-file.json"
    download.save_as(saved)
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["format"] == "asylon.case/1"
    assert doc["id"] == f"case-{pk}" and doc["jurisdiction"] == "ru"
    applicant = doc["applicant"]
    assert applicant["name"] == {"full": CLIENT, "aliases": ["سليم حداد", "Салим Хаддад"]}
    assert applicant["born"] == BORN.isoformat() and applicant["sex"] == "male"
    assert applicant["nationalities"] == ["SY"]
    assert applicant["habitual_residence"] == {"country": "SY", "place": "Aleppo"}
    assert applicant["arrived_on"] == ARRIVED.isoformat()
    assert applicant["entered_irregularly"] is True
    assert doc["procedure"]["kind"] == "refugee_status"
    assert doc["procedure"]["applied_on"] == APPLIED.isoformat()
    assert doc["procedure"]["decision_notified_on"] == NOTIFIED.isoformat()
    [detention] = doc["removal"]["detention"]
    assert detention["from"] == DETAINED.isoformat() and detention["to"] is None
    assert detention["place"] == DETENTION_PLACE and detention["basis"] == "pending_removal"
    assert detention["periodic_review_available"] is False
    findings = doc["claim"]["findings"]
    assert findings["credible"] is True
    assert findings["risk_of_persecution"] == "reasonable_likelihood"
    assert findings["state_protection_available"] is False
    assert findings["internal_protection"]["safe"] is False
    assert findings["risk_of_serious_harm"]["torture_or_inhuman_treatment"] == "substantial"
    assert findings["risk_of_serious_harm"].get("death_penalty") is None  # unknown, not false
    shot(page, "10-case-page-after-download")
