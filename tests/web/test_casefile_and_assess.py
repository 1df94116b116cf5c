"""A case in and out as asylon.case/1, assessed in the application. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client as Browser

from asylon.law.facts import load_document, parse_case_file
from asylon.web.accounts.models import User
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.models import Assessment, Case, Client

pytestmark = pytest.mark.django_db
EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


def browse(u: User) -> Browser:
    b = Browser()
    b.force_login(u)
    return b


def upload(b: Browser, path: Path, content: bytes | None = None) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = content if content is not None else path.read_bytes()
    return b.post("/en/cases/import/", {"case_file": SimpleUploadedFile(path.name, data)})


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_import_then_export_round_trips(people: dict[str, User], example: Path) -> None:
    b = browse(people["a"])
    response = upload(b, example)
    assert response.status_code == 302, response.content.decode()[:500]
    case = Case.objects.get()
    exported = b.get(f"/en/cases/{case.pk}/case-file.json")
    assert exported["Content-Disposition"].startswith("attachment")
    original = load_document(example.read_text(), "yaml")
    back = json.loads(exported.content)
    for key in ("id", "as_of"):
        original.pop(key), back.pop(key)
    before = parse_case_file(json.dumps({**original, "id": "x", "as_of": "2020-01-01"}))
    after = parse_case_file(json.dumps({**back, "id": "x", "as_of": "2020-01-01"}))
    assert before == after
    assert AuditEntry.objects.filter(action="export_case_file").count() == 1


def test_a_bad_file_names_the_field_and_leaves_nothing(people: dict[str, User]) -> None:
    bad = EXAMPLES[0].read_bytes().replace(b"born: 1978-02-11", b"born: 1978-02-31")
    response = upload(browse(people["a"]), EXAMPLES[0], bad)
    assert response.status_code == 400 and "applicant.born" in response.content.decode()
    assert not Client.objects.exists() and not Case.objects.exists()
    nameless = (
        EXAMPLES[0]
        .read_bytes()
        .replace(
            b'  name: {full: "Salekh Example", aliases: ["\xd8\xb5\xd8\xa7\xd9\x84\xd8\xad"]}\n',
            b"",
        )
    )
    response = upload(browse(people["a"]), EXAMPLES[0], nameless)
    assert response.status_code == 400 and "applicant.name.full" in response.content.decode()
    assert not Client.objects.exists()


def test_assess_stores_the_determination_and_shows_it(people: dict[str, User]) -> None:
    b = browse(people["a"])
    upload(b, EXAMPLES[2])  # the opposition activist in Germany
    case = Case.objects.get()
    assert b.post(f"/en/cases/{case.pk}/assess/", {"as_of": "2013-11-20"}).status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.outcome == "REFUGEE" and assessment.rules_version.startswith("0.")
    assert assessment.case_file["as_of"] == "2013-11-20"
    page = b.get(f"/en/cases/{case.pk}/").content.decode()
    assert "REFUGEE" in page and "Is the person outside the country of origin?" in page
    assert AuditEntry.objects.filter(action="assess").exists()
    bad = b.post(f"/en/cases/{case.pk}/assess/", {"as_of": "2013-02-30"})
    assert bad.status_code == 400 and Assessment.objects.count() == 1


@pytest.mark.django_db(transaction=True)  # real transactions: none around the test itself
def test_the_engine_runs_outside_the_write_transaction(
    people: dict[str, User], in_transaction: Any
) -> None:
    """Only the assessment's writes are one transaction: reading the case and the evidence and
    running the engine inside it held SQLite's write lock (taken at BEGIN) for the whole
    assessment, and every audited page in every process waited for it."""
    from asylon.web.cases import assessing

    b = browse(people["a"])
    upload(b, EXAMPLES[2])
    case = Case.objects.get()
    seen = in_transaction(assessing, "assess")
    assessment = assessing.assess_case(case, people["a"], case.created_at.date())
    assert seen == [False]
    assert AuditEntry.objects.filter(action="assess", object_id=str(case.pk)).exists()
    assert assessment.pk and Assessment.objects.count() == 1


def test_compare_jurisdictions(people: dict[str, User]) -> None:
    b = browse(people["a"])
    upload(b, EXAMPLES[1])  # the former guard
    case = Case.objects.get()
    page = b.get(f"/en/cases/{case.pk}/compare/", {"as_of": "2014-09-15"}).content.decode()
    for profile in ("unhcr", "eu", "ru"):
        assert f"<th>{profile}</th>" in page
    assert "EXCLUDED_PROTECTED_FROM_RETURN" in page
    assert AuditEntry.objects.filter(action="compare").exists()


def test_another_team_cannot_download_assess_or_compare(people: dict[str, User]) -> None:
    upload(browse(people["a"]), EXAMPLES[0])
    case = Case.objects.get()
    other = browse(people["b"])
    assert other.get(f"/en/cases/{case.pk}/case-file.json").status_code == 404
    assert other.post(f"/en/cases/{case.pk}/assess/", {"as_of": "2016-12-06"}).status_code == 404
    assert other.get(f"/en/cases/{case.pk}/compare/").status_code == 404
    assert not Assessment.objects.exists()


def test_an_interrupted_import_leaves_no_client_and_no_case(
    people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from asylon.web.cases.models import Client

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away half-way through")

    monkeypatch.setattr(Case.objects, "create", fail)
    b = browse(people["a"])
    with pytest.raises(RuntimeError):
        upload(b, EXAMPLES[0])
    assert Client.objects.count() == 0 and Case.objects.count() == 0


@pytest.mark.django_db(transaction=True)  # real transactions: none around the test itself
def test_an_import_is_parsed_before_the_transaction_and_stored_with_its_audit_entry(
    people: dict[str, User], in_transaction: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsing a file of up to 1 MB inside the transaction held SQLite's write lock for it;
    the case and its audit entry are one transaction, so a case is never stored unaudited."""
    import asylon.law.facts
    from asylon.web.cases import views

    seen = in_transaction(asylon.law.facts, "parse_case_file")
    assert upload(browse(people["a"]), EXAMPLES[0]).status_code == 302
    assert seen == [False]
    case = Case.objects.get()
    assert AuditEntry.objects.filter(action="import_case_file", object_id=str(case.pk)).exists()

    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit log is full")

    monkeypatch.setattr(views, "record", refuse)
    with pytest.raises(RuntimeError):
        upload(browse(people["a"]), EXAMPLES[1])
    assert Case.objects.count() == 1 and Client.objects.count() == 1


CASE_PAGES = (
    "",
    "client/",
    "findings/",
    "claim/edit/",
    "conduct/edit/",
    "compare/",
    "settings/",
    "documents/",
    "case-file.json",
)


def test_every_view_of_a_case_is_in_the_audit_log(people: dict[str, User]) -> None:
    from asylon.web.audit.models import AuditEntry

    b = browse(people["a"])
    upload(b, EXAMPLES[0])
    case = Case.objects.get()
    urls = [f"/en/cases/{case.pk}/{p}" for p in CASE_PAGES]
    urls += [f"/en/timeline/case/{case.pk}/", f"/en/evidence/case/{case.pk}/"]
    for url in urls:
        before = AuditEntry.objects.filter(object_id=str(case.pk)).count()
        assert b.get(url).status_code == 200, url
        after = AuditEntry.objects.filter(object_id=str(case.pk)).count()
        assert after == before + 1, f"{url} was not audited"
