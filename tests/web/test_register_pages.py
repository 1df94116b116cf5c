"""The register's pages and the dossier: who sees them (documentation staff and reviewers;
404 for caseworkers and researchers), search by name in any script, the review workflow by
page (a second person, a reason), the dossier as HTML and PDF with its sources, hashes and
custody log, the audit and custody entries every view and export leaves, the PDF renderer
that fetches nothing but our own stylesheet, Arabic pages right to left, no inline style or
script. Runs on SQLite and on PostgreSQL.

The starter register is loaded once for the module, inside a transaction that is rolled back
at its end; each test runs in a savepoint within it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client as Browser
from django.utils import translation

from asylon.register.models import Person as CorePerson
from asylon.register.vocabulary import (
    ALLEGATION_ROLES,
    CERTAINTIES,
    EVIDENCE_KINDS,
    LIABILITY_MODES,
    NAME_KINDS,
    SOURCE_KINDS,
    UNIT_KINDS,
    VICTIM_COUNT_CATEGORIES,
    VIOLATION_TYPES,
)
from asylon.web.accounts.models import User
from asylon.web.audit.models import AuditEntry
from asylon.web.register import labels, records, transfer
from asylon.web.register.evidence import ingest_evidence
from asylon.web.register.integrity import verify_register
from asylon.web.register.models import (
    MODELS,
    Allegation,
    CustodyEntry,
    EvidenceItem,
    Incident,
    Person,
    Revision,
    Source,
    Status,
    Unit,
)
from asylon.web.register.pdf import ORIGIN, RefusedURL, StaticOnlyFetcher, render_pdf

pytestmark = pytest.mark.django_db

RASLAN = "person-anwar-raslan"


@pytest.fixture(scope="module")
def starter(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The starter register, loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        transfer.load_starter()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def staff(starter: None, settings: Any) -> dict[str, User]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only

    def user(name: str, role: str) -> User:
        return User.objects.create_user(name, password="x" * 14, role=role)

    return {
        "admin": user("admin", User.Role.ADMIN),
        "supervisor": user("sup", User.Role.SUPERVISOR),
        "supervisor2": user("sup2", User.Role.SUPERVISOR),
        "reviewer": user("rev", User.Role.REVIEWER),
        "caseworker": user("cw", User.Role.CASEWORKER),
        "researcher": user("res", User.Role.RESEARCHER),
    }


@pytest.fixture
def docs_dir(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "documents"
    folder.mkdir()
    settings.ASYLON_DOCUMENTS_DIR = str(folder)
    return folder


def browse(u: User) -> Browser:
    b = Browser()
    b.force_login(u)
    return b


def pk_of(model: Any, record_id: str) -> int:
    return int(model.objects.get(record_id=record_id).pk)


def raslan_evidence(user: User | None = None) -> EvidenceItem:
    """A made-up evidence file documenting Raslan's allegation (the starter has no files)."""
    allegation = Allegation.objects.filter(person_id=RASLAN).first()
    assert allegation is not None
    return ingest_evidence(
        [b"made-up witness statement for the tests\n"],
        record_id="EV-T1",
        title="Witness statement (made up)",
        kind="testimony",
        media_type="text/plain",
        user=user,
        reason="received for the tests",
        received_from="field team",
        related_ids=(allegation.record_id,),
        source_ids=("source-olg-koblenz-raslan-2022",),
        file_name="statement.txt",
    )


def urls(lang: str = "en") -> dict[str, str]:
    person = pk_of(Person, RASLAN)
    return {
        "persons": f"/{lang}/register/",
        "person": f"/{lang}/register/persons/{person}/",
        "dossier": f"/{lang}/register/persons/{person}/dossier/",
        "units": f"/{lang}/register/units/",
        "unit": f"/{lang}/register/units/{pk_of(Unit, 'unit-gid-branch-251')}/",
        "incidents": f"/{lang}/register/incidents/",
        "incident": f"/{lang}/register/incidents/{pk_of(Incident, 'incident-branch-251-2011-2012')}/",
        "queue": f"/{lang}/register/review/?record_type=person",
        "record": f"/{lang}/register/records/person/{person}/",
    }


def no_inline_code(html: str) -> None:
    """The Content-Security-Policy forbids inline styles and scripts."""
    assert "style=" not in html and "<style" not in html
    assert "<script" not in html


# --- access ---------------------------------------------------------------------------------


def test_documentation_staff_see_every_register_page(staff: dict[str, User]) -> None:
    for role in ("admin", "supervisor", "reviewer"):
        b = browse(staff[role])
        for page, url in urls().items():
            response = b.get(url)
            assert response.status_code == 200, (role, page, response.status_code)
            no_inline_code(response.content.decode())
    html = browse(staff["reviewer"]).get(urls()["person"]).content.decode()
    assert {"Anwar Raslan", "أنور رسلان", "Анвар Раслан"} <= set(
        re.findall(r"<bdi[^>]*>([^<]+)<", html)
    )
    assert "General Intelligence Directorate" in html  # the unit's hierarchy
    unit_page = browse(staff["admin"]).get(urls()["unit"]).content.decode()
    assert "Anwar Raslan" in unit_page or "Branch 251" in unit_page
    tree = browse(staff["admin"]).get(urls()["units"]).content.decode()
    assert tree.count("<ul") >= 2, "units are nested within their services"
    chemical = browse(staff["admin"]).get(urls()["incidents"], {"violation": "chemical_attack"})
    listed = chemical.content.decode()
    assert "Sarin attack on Khan Shaykhun" in listed and "al-Houla" not in listed


def test_caseworkers_and_researchers_find_no_register(
    staff: dict[str, User], docs_dir: Path
) -> None:
    person = pk_of(Person, RASLAN)
    item = raslan_evidence()
    extra = [
        f"/en/register/persons/{person}/dossier.pdf",
        f"/en/register/records/person/{person}/transition/",
        f"/en/register/evidence/{item.pk}/",
        f"/en/register/evidence/{item.pk}/download/",
        f"/en/register/records/evidence/{item.pk}/",
    ]
    for role in ("caseworker", "researcher"):
        b = browse(staff[role])
        for url in [*urls().values(), *extra]:
            assert b.get(url).status_code == 404, (role, url)
        post = b.post(extra[1], {"to": "peer_reviewed", "reason": "x"})
        assert post.status_code == 404
    assert Person.objects.get(pk=person).status == Status.DRAFT
    assert list(CustodyEntry.objects.filter(item=item).values_list("action", flat=True)) == [
        "received"
    ], "nothing was viewed or exported"
    anonymous = Browser().get(urls()["persons"])
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    nav = browse(staff["caseworker"]).get("/en/").content.decode()
    assert "/en/register/" not in nav


def test_a_register_permission_opens_the_register(staff: dict[str, User]) -> None:
    cw = staff["caseworker"]
    cw.user_permissions.add(Permission.objects.get(codename="review_register"))
    cw = User.objects.get(pk=cw.pk)
    assert browse(cw).get(urls()["person"]).status_code == 200
    researcher = staff["researcher"]
    researcher.user_permissions.add(Permission.objects.get(codename="review_register"))
    researcher = User.objects.get(pk=researcher.pk)  # researchers never see a person
    assert browse(researcher).get(urls()["person"]).status_code == 404


# --- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["raslan", "Anwar Ras", "رسلان", "انور", "Раслан", "анвар"])
def test_persons_are_found_by_name_in_any_script(staff: dict[str, User], query: str) -> None:
    page = browse(staff["reviewer"]).get("/en/register/", {"q": query})
    html = page.content.decode()
    assert page.status_code == 200
    assert f"/en/register/persons/{pk_of(Person, RASLAN)}/" in html, query
    assert "Maher al-Assad" not in html
    entry = AuditEntry.objects.filter(action="register_view_persons").latest("pk")
    assert entry.details == {"searched": True, "results": entry.details["results"]}
    assert query not in str(entry.details), "the search text is never audited"


def test_the_person_list_without_a_query_lists_everyone(staff: dict[str, User]) -> None:
    html = browse(staff["admin"]).get("/en/register/").content.decode()
    assert html.count("/en/register/persons/") >= 40
    drafts = browse(staff["admin"]).get("/en/register/", {"status": "final"}).content.decode()
    assert "/en/register/persons/" not in drafts.split("person-list")[1]


# --- the review workflow by page ------------------------------------------------------------


def test_the_review_workflow_by_page(staff: dict[str, User]) -> None:
    core = CorePerson.model_validate(
        {"id": "person-t", "names": [{"text": "Test Person"}, {"text": "شخص تجريبي"}]}
    )
    row, _ = records.save_record(core, staff["supervisor"], "entered by hand")
    url = f"/en/register/records/person/{row.pk}/transition/"
    author = browse(staff["supervisor"])
    page = author.get(f"/en/register/records/person/{row.pk}/")
    assert "You wrote this version" in page.content.decode()

    refused = author.post(url, {"to": "peer_reviewed", "reason": "my own work looks fine"})
    assert refused.status_code == 400
    form = refused.context["form"]
    assert form.errors["to"] == ["A second person reviews: you wrote this version yourself."]
    assert "A second person reviews" in refused.content.decode()

    reviewer = browse(staff["reviewer"])
    no_reason = reviewer.post(url, {"to": "peer_reviewed", "reason": "   "})
    assert no_reason.status_code == 400 and "reason" in no_reason.context["form"].errors
    done = reviewer.post(url, {"to": "peer_reviewed", "reason": "checked against the source"})
    assert done.status_code == 302 and done["Location"].endswith(f"/records/person/{row.pk}/")
    row.refresh_from_db()
    assert row.status == Status.PEER_REVIEWED

    not_theirs = reviewer.post(url, {"to": "final", "reason": "reviewers do not finalise"})
    assert not_theirs.status_code == 400 and "to" in not_theirs.context["form"].errors

    final = browse(staff["supervisor2"]).post(
        url, {"to": "final", "reason": "final", "back": "queue"}
    )
    assert final.status_code == 302 and final["Location"] == "/en/register/review/"
    row.refresh_from_db()
    assert row.status == Status.FINAL and row.revision == 3
    assert [
        (r.status, r.author_id, r.reason) for r in Revision.objects.filter(record_id="person-t")
    ] == [
        ("draft", staff["supervisor"].pk, "entered by hand"),
        ("peer_reviewed", staff["reviewer"].pk, "checked against the source"),
        ("final", staff["supervisor2"].pk, "final"),
    ]
    history = browse(staff["admin"]).get(f"/en/register/records/person/{row.pk}/").content.decode()
    for revision in Revision.objects.filter(record_id="person-t"):
        assert revision.sha256 in history
    assert AuditEntry.objects.filter(action="register_status", object_id=str(row.pk)).count() == 2


def test_the_review_queue_lists_waiting_records_with_forms(staff: dict[str, User]) -> None:
    page = browse(staff["reviewer"]).get("/en/register/review/", {"record_type": "person"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Awaiting peer review" in html and "Mark as peer reviewed" in html
    assert html.count('action="/en/register/records/person/') >= 40 or "Next page" in html
    assert "/records/source/" not in html
    no_inline_code(html)
    raslan = Person.objects.get(record_id=RASLAN)
    moved = browse(staff["reviewer"]).post(
        f"/en/register/records/person/{raslan.pk}/transition/",
        {"to": "peer_reviewed", "reason": "checked against the judgment", "back": "queue"},
    )
    assert moved.status_code == 302 and moved["Location"] == "/en/register/review/"
    waiting = browse(staff["admin"]).get("/en/register/review/").content.decode()
    finalising = waiting.split('id="queue-peer_reviewed"')[1]
    assert f"/records/person/{raslan.pk}/" in finalising and "Mark as final" in finalising


# --- the dossier ----------------------------------------------------------------------------


def test_the_dossier_holds_names_allegations_sources_hashes_and_the_statement(
    staff: dict[str, User], docs_dir: Path
) -> None:
    item = raslan_evidence(staff["supervisor"])
    b = browse(staff["reviewer"])
    response = b.get(urls()["dossier"])
    assert response.status_code == 200
    html = response.content.decode()
    no_inline_code(html)
    for name in ("Anwar Raslan", "أنور رسلان", "Анвар Раслан"):
        assert name in html
    for allegation in Allegation.objects.filter(person_id=RASLAN):
        assert allegation.description.split(" ")[0] in html
        for source in Source.objects.filter(record_id__in=allegation.source_ids):
            assert source.citation in html
            if source.url:
                assert source.url in html
            if source.date:
                assert source.date in html
    assert "not findings of guilt" in html or "not a finding of guilt" in html
    assert "presumed innocent" in html
    export = "".join(line + "\n" for line in transfer.export_ftm())
    version = hashlib.sha256(export.encode("utf-8")).hexdigest()
    assert version in html
    assert f"user {staff['reviewer'].pk} (rev)" in html
    person = Person.objects.get(record_id=RASLAN)
    assert person.sha256 in html and "General Intelligence Directorate" in html
    # the evidence item with its hash and custody log, which shows this very viewing
    assert item.file_sha256 in html
    entries = list(CustodyEntry.objects.filter(item=item).order_by("number"))
    assert [e.action for e in entries] == ["received", "viewed"]
    assert entries[1].user_id == staff["reviewer"].pk and entries[1].entry_hash in html
    audit = AuditEntry.objects.get(action="register_dossier")
    assert audit.object_type == "person" and audit.object_id == str(person.pk)
    assert audit.user == staff["reviewer"] and audit.details["format"] == "html"
    assert "Raslan" not in str(audit.details) and "raslan" not in str(audit.details)


def test_the_dossier_sets_the_allegations_against_the_persons_units_apart(
    staff: dict[str, User],
) -> None:
    """Raslan held the post of head of investigations at Branch 251 (2011 - 2012-09) and was a
    colonel of the GID (until 2012): the allegations against Branch 251 and the GID are listed apart from
    those against him, each with the post or membership it comes through and whether the
    incident falls in that period."""
    from asylon.web.register.dossier import build_dossier

    d = build_dossier(Person.objects.get(record_id=RASLAN), staff["reviewer"], with_version=False)
    own = {a.allegation.id for a in d.allegations}
    by_unit = {u.entry.allegation.incident_id: u for u in d.unit_allegations}
    assert own.isdisjoint({u.entry.allegation.id for u in d.unit_allegations})
    branch = by_unit["incident-branch-251-2011-2012"]
    assert (branch.unit.id, branch.direct, branch.overlap) == ("unit-gid-branch-251", True, True)
    assert (branch.start_date, branch.end_date) == ("2011", "2012-09")
    gid = by_unit["incident-deaths-in-detention-2011-2015"]
    assert (gid.unit.id, gid.direct, gid.overlap) == ("unit-gid", True, True)  # his membership
    assert (gid.through, gid.start_date, gid.end_date) == ("Colonel", None, "2012")
    assert [u.overlap for u in d.unit_allegations] == sorted(
        (u.overlap for u in d.unit_allegations), key=lambda o: o is not True
    )  # those within the period first
    html = browse(staff["reviewer"]).get(urls()["dossier"]).content.decode()
    section = html[html.index('id="unit-allegations"') :]
    assert "not the person" in section and "Koblenz" in section
    assert "the incident falls within that period" in section


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (("2011-04-29", "2012-09-07"), ("2011", "2012-09"), True),
        (("2013-01", "2013-02"), ("2011", "2012"), False),
        (("2012-12", None), ("2011", "2012"), True),  # the same month, the year's last
        (("2012-09-30", "2012-09-30"), (None, "2012-09"), True),
        (("2012-10-01", "2012-10-01"), (None, "2012-09"), False),
        (("2011", "2012"), (None, None), None),  # a period not known: cannot tell
    ],
)
def test_periods_of_partial_dates_overlap(
    a: tuple[str | None, str | None], b: tuple[str | None, str | None], expected: bool | None
) -> None:
    from asylon.web.register.dossier import periods_overlap

    assert periods_overlap(a, b) is expected


def test_the_pdf_dossier_is_exported_and_logged(staff: dict[str, User], docs_dir: Path) -> None:
    item = raslan_evidence()
    person = Person.objects.get(record_id=RASLAN)
    response = browse(staff["supervisor"]).get(f"/en/register/persons/{person.pk}/dossier.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "raslan" not in response["Content-Disposition"].lower()
    entries = CustodyEntry.objects.filter(item=item).order_by("number")
    assert [e.action for e in entries] == ["received", "exported"]
    assert entries.last().user_id == staff["supervisor"].pk  # type: ignore[union-attr]
    audit = AuditEntry.objects.get(action="register_dossier")
    assert audit.details["format"] == "pdf" and audit.object_id == str(person.pk)
    assert AuditEntry.objects.filter(action="evidence_exported", object_id=str(item.pk)).exists()


def test_the_arabic_dossier_is_right_to_left(staff: dict[str, User]) -> None:
    html = browse(staff["reviewer"]).get(urls("ar")["dossier"]).content.decode()
    opening = re.search(r"<html[^>]*>", html)
    assert opening and 'dir="rtl"' in opening[0] and 'lang="ar"' in opening[0]
    assert "Allegations" not in html and "What this dossier is" not in html
    with translation.override("ar"):
        assert str(labels.CERTAINTIES["convicted_final"]) in html
    russian = browse(staff["reviewer"]).get(urls("ru")["dossier"]).content.decode()
    assert 'dir="ltr"' in russian and "Generated on" not in russian


@pytest.mark.parametrize("lang", ["ru", "ar"])
def test_register_pages_speak_the_language(staff: dict[str, User], lang: str) -> None:
    english = ["Persons", "Review status", "Allegations", "Sources", "Revision history"]
    for page, url in urls(lang).items():
        html = browse(staff["admin"]).get(url).content.decode()
        text = re.sub(r"<[^>]+>", " ", html.split("<body")[1])
        shown = [e for e in english if re.search(rf"\b{e}\b", text)]
        assert not shown, (lang, page, shown)


# --- evidence pages and downloads -----------------------------------------------------------


def test_an_evidence_file_is_downloaded_checked_and_logged(
    staff: dict[str, User], docs_dir: Path
) -> None:
    item = raslan_evidence()
    b = browse(staff["reviewer"])
    page = b.get(f"/en/register/evidence/{item.pk}/")
    assert page.status_code == 200 and item.file_sha256 in page.content.decode()
    download = b.get(f"/en/register/evidence/{item.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"made-up witness statement for the tests\n"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    actions = list(CustodyEntry.objects.filter(item=item).values_list("action", flat=True))
    assert actions == ["received", "viewed", "exported"]
    (docs_dir / item.file_sha256).write_bytes(b"forged")
    refused = b.get(f"/en/register/evidence/{item.pk}/download/")
    assert refused.status_code == 409
    assert AuditEntry.objects.filter(action="evidence_integrity_failure").exists()
    assert CustodyEntry.objects.filter(item=item).count() == 3


def test_person_incident_and_evidence_views_are_audited_by_id(
    staff: dict[str, User], docs_dir: Path
) -> None:
    item = raslan_evidence()
    b = browse(staff["admin"])
    for page in ("person", "incident", "unit", "record"):
        assert b.get(urls()[page]).status_code == 200
    b.get(f"/en/register/evidence/{item.pk}/")
    person = Person.objects.get(record_id=RASLAN)
    expected = {
        "register_view_person": ("person", person.pk),
        "register_view_record": ("person", person.pk),
        "register_view_evidence": ("evidenceitem", item.pk),
    }
    for action, (kind, pk) in expected.items():
        entry = AuditEntry.objects.get(action=action)
        assert (entry.object_type, entry.object_id, entry.user) == (kind, str(pk), staff["admin"])
    for entry in AuditEntry.objects.filter(action__startswith="register_view"):
        assert "raslan" not in str(entry.details).lower()
    viewed = CustodyEntry.objects.filter(item=item, action="viewed")
    assert viewed.count() == 3  # the person page, the incident page and the evidence page


# --- the PDF renderer fetches nothing but our own static files --------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/style.css",
        "https://example.org/static/register-dossier.css",
        "file:///etc/passwd",
        "data:text/css,body{}",
        f"{ORIGIN}static/../../../../etc/passwd",
        f"{ORIGIN}static/%2e%2e/%2e%2e/settings.py",
        f"{ORIGIN}static/no-such-file.css",
        f"{ORIGIN}etc/passwd",
        "ftp://example.org/x.png",
    ],
)
def test_the_renderer_refuses_every_other_url(url: str) -> None:
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(url)


def test_the_renderer_reads_our_stylesheet_from_disk() -> None:
    response = StaticOnlyFetcher().fetch(f"{ORIGIN}static/register-dossier.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_a_page_naming_other_urls_renders_without_fetching_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[tuple[str, str]] = []
    fetch = StaticOnlyFetcher.fetch

    def spy(self: StaticOnlyFetcher, url: str, headers: Any = None) -> Any:
        try:
            response = fetch(self, url, headers)
        except RefusedURL:
            asked.append((url, "refused"))
            raise
        asked.append((url, "served"))
        return response

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    html = (
        '<html><head><link rel="stylesheet" href="/static/register-dossier.css">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head>'
        '<body><p>أنور رسلان Анвар</p><img src="file:///etc/passwd">'
        '<object data="https://169.254.169.254/latest/meta-data/"></object></body></html>'
    )
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF") and b"root:" not in pdf
    assert (f"{ORIGIN}static/register-dossier.css", "served") in asked
    refused = {url for url, outcome in asked if outcome == "refused"}
    assert {"http://127.0.0.1:9/x.css", "file:///etc/passwd"} <= refused


# --- labels ---------------------------------------------------------------------------------


def test_every_code_of_the_vocabularies_has_display_text() -> None:
    assert set(labels.VIOLATION_TYPES) == set(VIOLATION_TYPES)
    assert set(labels.UNIT_KINDS) == set(UNIT_KINDS)
    assert set(labels.ALLEGATION_ROLES) == set(ALLEGATION_ROLES)
    assert set(labels.LIABILITY_MODES) == set(LIABILITY_MODES)
    assert set(labels.CERTAINTIES) == set(CERTAINTIES)
    assert set(labels.SOURCE_KINDS) == set(SOURCE_KINDS)
    assert set(labels.EVIDENCE_KINDS) == set(EVIDENCE_KINDS)
    assert set(labels.VICTIM_COUNT_CATEGORIES) == set(VICTIM_COUNT_CATEGORIES)
    assert set(labels.NAME_KINDS) == set(NAME_KINDS)
    assert set(labels.RECORD_TYPES) == set(MODELS)
    assert set(labels.STATUSES) == set(Status.values)
    assert set(labels.CUSTODY_ACTIONS) == set(CustodyEntry.Action.values)
    assert set(labels.REVISION_ACTIONS) == set(Revision.Action.values)
    with translation.override("ru"):
        assert labels.label("certainty", "convicted_in_absentia") == "заочно осуждён"
        assert labels.label("certainty", "arrest_warrant") == "выдан ордер на арест"
    with translation.override("ar"):
        assert labels.label("certainty", "arrest_warrant") == "صدرت مذكرة توقيف"
    assert labels.label("certainty", "no_such_code") == "no such code"


# --- taking evidence in through the pages, and transfers of custody (issue 5, item 2) ------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(**extra: Any) -> dict[str, Any]:
    return {
        "file": SimpleUploadedFile("order.pdf", PDF, content_type="text/html"),  # the browser lies
        "title": "Arrest warrant (test copy)",
        "kind": "document",
        "related_ids": f"{RASLAN} incident-branch-251-2011-2012",
        "obtained_on": "2023-11",
        "received_from": "a lawyer of the civil parties",
        "reason": "filed with the dossier for the prosecutor",
        **extra,
    }


def test_an_editor_takes_a_file_in_and_transfers_it(staff: dict[str, User], docs_dir: Path) -> None:
    web = browse(staff["supervisor"])
    person = Person.objects.get(record_id=RASLAN)
    page = web.get(f"/en/register/persons/{person.pk}/").content.decode()
    assert f"/en/register/evidence/new/?person={person.pk}" in page  # never the slug of a name
    form = web.get(f"/en/register/evidence/new/?person={person.pk}").content.decode()
    assert RASLAN in form  # prefilled in the page, not in any URL
    response = web.post("/en/register/evidence/new/", _upload())
    assert response.status_code == 302, response.content.decode()[:2000]
    (item,) = EvidenceItem.objects.all()  # the title is encrypted: no SQL lookup on it
    assert item.title == "Arrest warrant (test copy)"
    assert response["Location"] == f"/en/register/evidence/{item.pk}/"
    assert item.file_sha256 == hashlib.sha256(PDF).hexdigest() and item.size == len(PDF)
    assert item.media_type == "application/pdf"  # judged by the content, not the browser
    assert item.status == "draft" and item.revision == 1
    assert Revision.objects.filter(record_id=item.record_id).count() == 1
    assert set(item.related_ids) == {RASLAN, "incident-branch-251-2011-2012"}
    received = CustodyEntry.objects.get(item=item)
    assert (received.action, received.counterpart) == ("received", "a lawyer of the civil parties")
    assert received.user == staff["supervisor"] and received.previous_hash == ""
    # a transfer to a prosecutor, chained to the entry before it
    assert (
        f"/en/register/evidence/{item.pk}/transfer/"
        in web.get(response["Location"]).content.decode()
    )
    answer = web.post(
        f"/en/register/evidence/{item.pk}/transfer/",
        {"counterpart": "Federal Public Prosecutor, Karlsruhe", "reason": "request of 3 May"},
    )
    assert answer.status_code == 302
    entries = list(CustodyEntry.objects.filter(item=item).order_by("number"))
    assert [e.action for e in entries[:2]] == ["received", "viewed"]  # the page was viewed
    last = entries[-1]
    assert (last.action, last.counterpart) == (
        "transferred",
        "Federal Public Prosecutor, Karlsruhe",
    )
    assert last.previous_hash == entries[-2].entry_hash
    item.refresh_from_db()
    assert item.custody_head == last.entry_hash
    assert verify_register().ok
    # the stored file altered behind the application's back: verify names the item
    blob = docs_dir / hashlib.sha256(PDF).hexdigest()  # stored encrypted, named by its hash
    blob.write_bytes(PDF.replace(b"1.4", b"1.7"))
    report = verify_register()
    assert not report.ok and any(item.record_id in p for p in report.problems), report.problems


def test_a_bad_form_names_its_field_and_keeps_nothing(
    staff: dict[str, User], docs_dir: Path
) -> None:
    web = browse(staff["supervisor"])
    before = (EvidenceItem.objects.count(), CustodyEntry.objects.count(), Revision.objects.count())
    for extra, field, words in (
        ({"related_ids": "person-nobody-at-all"}, "related_ids", "person-nobody-at-all"),
        ({"obtained_on": "last spring"}, "obtained_on", "YYYY-MM"),
        ({"reason": ""}, "reason", "This field is required."),
        ({"file": SimpleUploadedFile("empty.pdf", b"")}, "file", "empty"),
    ):
        response = web.post("/en/register/evidence/new/", _upload(**extra))
        assert response.status_code == 400, (field, response.status_code)
        html = response.content.decode()
        assert words in html, (field, html[:3000])
        assert f'id="id_{field}"' in html
    after = (EvidenceItem.objects.count(), CustodyEntry.objects.count(), Revision.objects.count())
    assert after == before
    assert not [p for p in docs_dir.rglob("*") if p.is_file()]  # no file left behind either


def test_who_may_take_evidence_in(staff: dict[str, User], docs_dir: Path) -> None:
    incident = Incident.objects.get(record_id="incident-branch-251-2011-2012")
    reviewer = browse(staff["reviewer"])  # sees the register, may review, may not record
    assert reviewer.get("/en/register/evidence/new/").status_code == 403
    assert (
        "add-evidence"
        not in reviewer.get(f"/en/register/incidents/{incident.pk}/").content.decode()
    )
    assert reviewer.post("/en/register/evidence/new/", _upload()).status_code == 403
    for name in ("caseworker", "researcher"):
        assert browse(staff[name]).get("/en/register/evidence/new/").status_code == 404
    assert not EvidenceItem.objects.exists()
    admin = browse(staff["admin"])
    assert "add-evidence" in admin.get(f"/en/register/incidents/{incident.pk}/").content.decode()
    assert admin.post("/en/register/evidence/new/", _upload()).status_code == 302
    item = EvidenceItem.objects.get()
    url = f"/en/register/evidence/{item.pk}/transfer/"
    assert reviewer.post(url, {"counterpart": "x", "reason": "y"}).status_code == 403
