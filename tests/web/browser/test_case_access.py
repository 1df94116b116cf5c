"""In the browser, another team's case does not exist: its page and its case-file download
answer 404 (never 403, never the file), while its own team's caseworker sees it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from asylon.web.accounts.models import User
from asylon.web.cases.models import Case, Client

CLIENT = "Rania Example"


def test_other_team_gets_404(
    logged_in: Callable[[User], Page],
    staff: dict[str, User],
    shot: Callable[[Page, str], Path],
) -> None:
    owner = staff["caseworker"]
    client = Client.objects.create(full_name=CLIENT, team=owner.team, nationalities=["SY"])
    case = Case.objects.create(
        client=client, team=owner.team, jurisdiction="ru", procedure_kind="refugee_status"
    )
    case_path, file_path = f"/en/cases/{case.pk}/", f"/en/cases/{case.pk}/case-file.json"

    # The owner's team sees it (so the 404 below is the access rule, not a wrong address).
    mine = logged_in(owner)
    expect(mine.locator(f"main a[href='{case_path}']").first).to_have_text(CLIENT)
    response = mine.goto(case_path)
    assert response is not None and response.status == 200
    expect(mine.locator("main h1")).to_have_text(CLIENT)
    shot(mine, "01-own-team-sees-the-case")

    # Another team's caseworker logs in: no trace of the case anywhere.
    other = logged_in(staff["other_team"])
    expect(other.locator("main h1")).to_have_text("Your cases")
    expect(other.locator("main")).not_to_contain_text(CLIENT)
    expect(other.locator(f"a[href='{case_path}']")).to_have_count(0)
    for step, path in (("02-case-page-404", case_path), ("03-case-file-404", file_path)):
        response = other.goto(path)
        assert response is not None and response.status == 404, (path, response)
        assert "attachment" not in (response.headers.get("content-disposition") or "")
        expect(other.locator("body")).to_contain_text(re.compile("not found", re.I))
        expect(other.locator("body")).not_to_contain_text(CLIENT)
        shot(other, step)
