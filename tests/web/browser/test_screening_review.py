"""Register screening end to end in a real browser (issue 5, acceptance): the demo caseload and
the starter register are loaded; the Berlin caseworker screens the former colonel's case and sees
the hit with its features, allegations and sources but no judgement form; the reviewer finds the
hit in the screening review queue through the register's navigation, records "match" with a
reason; the queue no longer asks about the pair; the caseworker's next assessment carries
"exclusion review required" with a link back to the allegations. Nothing excludes: the outcome
is whatever the engine says on the findings, and the flag asks a person to review.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from asylon.web.cases.models import Assessment, Case
from asylon.web.register.transfer import load_starter
from asylon.web.screening.models import Judgement, ScreeningHit

from .conftest import log_in

ShotFn = Callable[[Page, str], Path]
# the demo's fixed, public passwords (load_demo.USERS)
CASEWORKER = ("demo-caseworker-berlin", "linden leaves over Spree bridge")
REVIEWER = ("demo-reviewer", "second reading finds the gap")
REASON = "Interview: head of interrogations, GID Branch 251, 2011-2012; same unit and period"


@pytest.fixture
def demo(transactional_db: None) -> Case:
    call_command("load_demo", stdout=io.StringIO())
    load_starter()
    return next(  # names are encrypted at rest: compared after decryption
        c
        for c in Case.objects.select_related("client")
        if c.client.full_name == "Jalal Example-Mukhabarat"
    )


def test_screen_review_and_flag_the_next_assessment(
    demo: Case, new_page: Callable[[], Page], shot: ShotFn
) -> None:
    colonel = demo
    caseworker = new_page()
    log_in(caseworker, *CASEWORKER)

    # 1. the caseworker opens the case, then its register screening, and screens it
    caseworker.goto(f"/en/cases/{colonel.pk}/")
    caseworker.get_by_role("link", name="Register screening", exact=True).click()
    expect(caseworker).to_have_url(re.compile(rf"/en/screening/cases/{colonel.pk}/$"))
    expect(caseworker.locator("main")).to_contain_text("This case has not been screened yet.")
    caseworker.get_by_role("button", name="Screen against the register").click()
    expect(caseworker.locator("main")).to_contain_text("Last screened")
    hits = caseworker.locator("article.screening-hit")
    expect(hits.first).to_be_visible()
    best = ScreeningHit.objects.filter(case=colonel).order_by("-score", "pk").first()
    assert best is not None and best.register_id == "unit-gid-branch-251", best
    article = caseworker.locator(f"#hit-{best.pk}")
    expect(article.locator("h3")).to_contain_text("Branch 251")
    expect(article.locator(".score")).to_have_text(f"{best.score:.2f}")
    expect(article.locator("table.features")).to_contain_text("same_unit_same_period")
    expect(article.locator("ul.allegations")).to_contain_text("Koblenz")  # the judgment as source
    expect(caseworker.locator("form.judgement-form")).to_have_count(0)  # caseworkers don't judge
    shot(caseworker, "01-caseworker-hits")

    # 2. the reviewer reaches the screening queue from the register's navigation
    reviewer = new_page()
    log_in(reviewer, *REVIEWER)
    reviewer.locator("header nav").get_by_role("link", name="Accountability register").click()
    reviewer.locator("nav.case-nav").get_by_role("link", name="Screening review queue").click()
    expect(reviewer).to_have_url(re.compile(r"/en/screening/review/$"))
    queued = reviewer.locator(f"#hit-{best.pk}")
    expect(queued).to_be_visible()
    shot(reviewer, "02-review-queue")

    # nothing is chosen for the reviewer; a judgement without decision or reason is refused on
    # its fields (the browser's own check switched off, to see the server's), nothing recorded
    form = queued.locator("form.judgement-form")
    expect(form.locator("select")).to_have_value("")
    for field in ("select", "textarea"):
        form.locator(field).evaluate("e => e.removeAttribute('required')")
    form.get_by_role("button", name="Record the judgement").click()
    expect(reviewer.locator("main .errorlist")).to_have_count(2)
    expect(reviewer.locator("main")).to_contain_text("This field is required.")
    assert not Judgement.objects.exists()

    # 3. the reviewer records "match" with a reason; the queue no longer asks about the pair
    form = reviewer.locator(f"#hit-{best.pk} form.judgement-form")
    form.locator("select").select_option("match")
    form.locator("textarea").fill(REASON)
    form.get_by_role("button", name="Record the judgement").click()
    expect(reviewer).to_have_url(re.compile(r"/en/screening/review/$"))
    expect(reviewer.locator(f"#hit-{best.pk}")).to_have_count(0)
    judgement = Judgement.objects.get()
    assert (judgement.decision, judgement.reason, judgement.user.username) == (
        "match",
        REASON,
        REVIEWER[0],
    )
    shot(reviewer, "03-judged")

    # the caseworker sees the judgement on the case's screening page
    caseworker.reload()
    expect(caseworker.locator(f"#hit-{best.pk} .judgement")).to_contain_text(REASON)

    # 4. the next assessment carries the exclusion review, with the link to the allegations
    caseworker.goto(f"/en/cases/{colonel.pk}/")
    caseworker.locator("#assess-form input[name=as_of]").fill("2016-10-04")
    caseworker.locator("#assess-form button[type=submit]").click()
    expect(caseworker.locator("#determination")).to_be_visible()
    flags = caseworker.locator("#flags")
    expect(flags).to_contain_text("EXCLUSION_REVIEW_REQUIRED")
    expect(flags).to_contain_text("unit-gid-branch-251")
    expect(caseworker.locator("#determination")).to_contain_text(
        "Exclusion must be reviewed by a person"
    )
    shot(caseworker, "04-assessment-flag")
    det = Assessment.objects.filter(case=colonel).latest("pk").determination
    assert "EXCLUSION_REVIEW_REQUIRED" in det["side_outputs"]
    caseworker.locator("#flags a.flag-link").click()
    expect(caseworker).to_have_url(re.compile(rf"/en/screening/cases/{colonel.pk}/$"))
    expect(caseworker.locator(f"#hit-{best.pk} ul.allegations")).to_contain_text("Koblenz")
