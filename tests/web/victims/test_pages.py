"""The victim-list pages: who sees what (the register's staff the records, researchers only
disclosure-controlled counts, caseworkers nothing), audit entries for every read (by id, never
a name), the import form, split and merge forms with CSRF, the counts page with the estimate
and its assumptions, strict CSP (no inline script or style). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from asylon.linkage.estimate import LcmcrSettings
from asylon.web.audit.models import AuditEntry
from asylon.web.victims import counts
from asylon.web.victims.models import LinkJudgement, LinkRun, PersonCluster, VictimRecord

from .conftest import MAPPING, csv_bytes, row
from .test_counts import PEOPLE, store_run

pytestmark = pytest.mark.django_db
FAST = LcmcrSettings(burn_in=100, samples=100, thin=2, chains=2, seed=3)


def _run() -> LinkRun:
    run = store_run(PEOPLE)
    sources = counts.sources_of(run)
    run.estimate = counts.estimate_overlap(
        counts.overlap(counts.person_facts(run), sources), sources, FAST
    )
    run.save()
    return run


def _pages(run: LinkRun) -> list[str]:
    pk = PersonCluster.objects.filter(run=run).first().pk  # type: ignore[union-attr]
    return [
        reverse("victims:persons"),
        reverse("victims:sources"),
        reverse("victims:person", kwargs={"pk": pk}),
        reverse("victims:overlap_csv"),
    ]


def _no_inline_code(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert " style=" not in html and "<style" not in html, "inline style"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_a_caseworker_without_register_access_sees_nothing(browser: Any) -> None:
    run = _run()
    b = browser("caseworker")
    for url in [*_pages(run), reverse("victims:counts")]:
        assert b.get(url).status_code == 404, url
    pk = PersonCluster.objects.filter(run=run).first().pk  # type: ignore[union-attr]
    for name, kwargs in [("import", {}), ("link", {}), ("split", {"pk": pk}),
                         ("merge", {"pk": pk})]:  # fmt: skip
        assert b.post(reverse(f"victims:{name}", kwargs=kwargs), {}).status_code == 404
    assert not LinkJudgement.objects.exists()


def test_a_researcher_sees_only_controlled_aggregates(browser: Any) -> None:
    run = _run()
    b = browser("researcher")
    for url in _pages(run):
        assert b.get(url).status_code == 404, url
    response = b.get(reverse("victims:counts"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Name p1" not in html and "Disclosure control" in html
    assert 'class="withheld"' in html and "overlap.csv" not in html
    doc = b.get(reverse("victims:counts") + "?format=json").json()
    assert doc["controlled"] is True
    assert doc["overlap"]["cells"][0] == ["x"]
    entry = AuditEntry.objects.filter(action="victims_view_counts").last()
    assert entry is not None and entry.details["controlled"] is True
    # researchers reach the page from the statistics pages; a caseworker is not offered it
    counts_url = reverse("victims:counts")
    assert counts_url in b.get(reverse("stats:caseload")).content.decode()
    assert 'aria-current="page">Victim lists' in html
    assert counts_url not in browser("caseworker").get(reverse("stats:caseload")).content.decode()


def test_staff_see_persons_and_every_read_is_audited(browser: Any) -> None:
    run = _run()
    b = browser("reviewer")
    response = b.get(reverse("victims:persons"))
    assert response.status_code == 200 and "Name p1" in response.content.decode()
    _no_inline_code(response.content.decode())
    listed = AuditEntry.objects.filter(action="victims_view_persons").get()
    assert listed.details["results"] == 6
    cluster = PersonCluster.objects.get(run=run, size=3, cluster_id__contains="p4")
    response = b.get(reverse("victims:person", kwargs={"pk": cluster.pk}))
    html = response.content.decode()
    assert response.status_code == 200 and "Name p4" in html
    _no_inline_code(html)
    assert html.count('name="csrfmiddlewaretoken"') >= 4  # three splits and the merge
    seen = AuditEntry.objects.filter(action="victims_view_person").get()
    assert (seen.object_type, seen.object_id) == ("personcluster", str(cluster.pk))
    assert seen.details == {"records": 3}
    assert all("Name" not in str(e.details) for e in AuditEntry.objects.all())
    response = b.get(reverse("victims:persons") + "?q=name+p4")
    assert response.context["page"].paginator.count == 1


def test_staff_get_exact_counts_the_estimate_and_its_assumptions(browser: Any) -> None:
    _run()
    b = browser("supervisor")
    response = b.get(reverse("victims:counts"))
    html = response.content.decode()
    assert response.status_code == 200
    _no_inline_code(html)
    assert "Exact counts" in html and 'class="withheld"' not in html
    assert "What the estimate assumes" in html and "R-hat" in html
    assert "95% interval" in html or "No estimate" in html
    assert "Persons recorded by at least one list: 6" in html
    csv_response = b.get(reverse("victims:overlap_csv"))
    assert csv_response.status_code == 200
    assert b"".join(csv_response).decode().startswith("a,b,c,count\n")
    assert AuditEntry.objects.filter(action="victims_export_overlap").exists()


def test_the_import_form(browser: Any) -> None:
    import json

    b = browser("supervisor")
    good = SimpleUploadedFile("list.csv", csv_bytes([row(1), row(2)]), "text/csv")
    response = b.post(
        reverse("victims:import"),
        {"source": "alpha", "description": "test", "file": good, "mapping": json.dumps(MAPPING)},
    )
    assert response.status_code == 302 and VictimRecord.objects.count() == 2
    bad = SimpleUploadedFile("next.csv", csv_bytes([row(3), row(4, "Hidden Name", Age="x")]))
    response = b.post(
        reverse("victims:import"),
        {"source": "alpha", "file": bad, "mapping": json.dumps(MAPPING)},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "next.csv: row 3, column &#x27;Age&#x27;: expected an age" in html
    assert "Nothing was imported" in html and "Hidden Name" not in html
    assert VictimRecord.objects.count() == 2
    reviewer = browser("reviewer")
    again = SimpleUploadedFile("list.csv", csv_bytes([row(5)]))
    response = reviewer.post(
        reverse("victims:import"), {"source": "alpha", "file": again, "mapping": "{}"}
    )
    assert response.status_code == 403 and VictimRecord.objects.count() == 2
    assert "import-form" not in reviewer.get(reverse("victims:sources")).content.decode()


def test_split_and_merge_forms_record_judgements(browser: Any, users: dict[str, Any]) -> None:
    run = _run()
    b = browser("reviewer")
    p4 = PersonCluster.objects.get(run=run, cluster_id__contains="p4")
    p5 = PersonCluster.objects.get(run=run, cluster_id__contains="p5")
    record = VictimRecord.objects.filter(memberships__cluster=p4).first()
    url = reverse("victims:split", kwargs={"pk": p4.pk})
    assert b.post(url, {"record": record.pk, "reason": ""}).status_code == 302
    assert not LinkJudgement.objects.exists()  # a reason is required
    response = b.post(url, {"record": record.pk, "reason": "different fathers' names"})
    assert response.status_code == 302
    made = LinkJudgement.objects.all()
    assert {j.decision for j in made} == {"different"} and made.count() == 2
    assert all(j.reviewer.username == "rev" for j in made)
    merge = reverse("victims:merge", kwargs={"pk": p4.pk})
    response = b.post(merge, {"other": p5.pk, "reason": "same family's testimony"})
    assert response.status_code == 302
    assert LinkJudgement.objects.filter(decision="same").count() == 1
    split = AuditEntry.objects.get(action="victims_split")
    assert split.details["judgements"] == 2 and "fathers" not in str(split.details)
    assert AuditEntry.objects.filter(action="victims_merge").exists()
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(users["reviewer"])
    assert forged.post(merge, {"other": p5.pk, "reason": "x"}).status_code == 403


def test_pages_before_any_import_or_run(browser: Any) -> None:
    b = browser("supervisor")
    html = b.get(reverse("victims:persons")).content.decode()
    assert "0 records are stored; they have not been linked yet." in html
    assert 'id="link-form"' in html
    assert "No list has been imported yet." in b.get(reverse("victims:sources")).content.decode()
    assert "No linkage run yet" in b.get(reverse("victims:counts")).content.decode()
    assert b.get(reverse("victims:counts") + "?format=json").json()["run"] is None
    assert b.get(reverse("victims:overlap_csv")).status_code == 404
    response = b.post(reverse("victims:link"), {"threshold": "0.9"})
    assert response.status_code == 302 and not LinkRun.objects.exists()
    assert b.get(reverse("register:persons")).content.decode().count(reverse("victims:persons"))


def test_the_page_starts_the_linkage_in_the_background(
    browser: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's side of the background run (``test_jobs`` runs the process itself): the
    request starts it and answers at once; while it runs the page says so and offers no
    second run; a run that failed or stopped is reported, with the run before it shown."""
    from asylon.web.victims import jobs

    settings.ASYLON_VICTIMS_LINK_IN_BACKGROUND = True
    store_run(PEOPLE)
    started: list[tuple[str | None, float]] = []
    monkeypatch.setattr(jobs, "start", lambda user, t, env=None: started.append((user, t)) or True)
    b = browser("supervisor")
    response = b.post(reverse("victims:link"), {"threshold": "0.9"}, follow=True)
    assert started == [("sup", 0.9)] and LinkRun.objects.count() == 1
    assert "The linkage has started." in response.content.decode()
    assert AuditEntry.objects.filter(action="victims_link_started").exists()

    monkeypatch.setattr(jobs, "running", lambda: True)
    html = b.get(reverse("victims:persons")).content.decode()
    assert 'id="linking"' in html and 'id="link-form"' not in html
    assert '<meta http-equiv="refresh" content="15">' in html  # the page reloads itself
    monkeypatch.setattr(jobs, "running", lambda: False)
    jobs.write_status("failed", error="There are no victim records to link: import a list first.")
    html = b.get(reverse("victims:persons")).content.decode()
    assert 'id="link-failed"' in html and "import a list first" in html
    assert 'id="link-form"' in html and 'http-equiv="refresh"' not in html
    jobs.write_status("running", threshold=0.9)  # its process was killed: no lock, no ending
    assert "stopped before it finished" in b.get(reverse("victims:persons")).content.decode()

    monkeypatch.setattr(jobs, "start", lambda user, t, env=None: False)
    response = b.post(reverse("victims:link"), {"threshold": "0.9"}, follow=True)
    assert "A linkage run is in progress already" in response.content.decode()


def test_a_busy_linkage_is_told_in_the_page_language(browser: Any) -> None:
    """Linked inline (as in these tests), a run that finds the lock taken says so in Russian on
    the Russian page, never in the English of the exception."""
    from asylon.web.victims import jobs

    store_run(PEOPLE)
    b = browser("supervisor")
    with jobs.exclusive():  # another run holds the lock
        response = b.post("/ru" + reverse("victims:link")[3:], {"threshold": "0.9"}, follow=True)
    html = response.content.decode()
    assert "Прогон связывания уже идёт" in html and "another linkage run" not in html
    assert LinkRun.objects.count() == 1
