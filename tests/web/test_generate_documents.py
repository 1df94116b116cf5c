"""'Generate a document' on a case (issue 6, item 7): from the latest stored assessment, in the
client's language by default, as PDF, DOCX or HTML, downloaded as an attachment and optionally
kept with the case's documents (SHA-256 recorded); audited without content; the access rules
of the case pages (another team: 404; researchers: 404)."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient

from asylon.documents import is_refusal
from asylon.web.accounts.models import User
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.models import Assessment, Case
from asylon.web.documents.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.ASYLON_DOCUMENTS_DIR = str(tmp_path / "documents")
    call_command("load_demo", stdout=io.StringIO())
    users = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
    return {"users": users}


def _login(user: User) -> HttpClient:
    web = HttpClient()
    web.force_login(user)
    return web


def _refused_case(user: User) -> tuple[Case, Assessment]:
    from asylon.web.cases.access import visible_cases

    for case in visible_cases(user).order_by("pk"):
        latest = Assessment.objects.filter(case=case).order_by("-created_at", "-pk").first()
        if latest is not None and is_refusal(latest.determination["outcome"]):
            return case, latest
    raise AssertionError("the demo has no refused case for this caseworker")


def test_an_appeal_brief_in_the_clients_language_kept_with_the_documents(demo: dict) -> None:
    caseworker = demo["users"]["demo-caseworker"]
    case, latest = _refused_case(caseworker)
    web = _login(caseworker)
    assert (
        f"/en/cases/{case.pk}/documents/generate/"
        in web.get(f"/en/cases/{case.pk}/").content.decode()
    )
    page = web.get(f"/en/cases/{case.pk}/documents/generate/").content.decode()
    assert 'value="appeal_brief" selected' in page  # a refusal: the brief is proposed
    response = web.post(
        f"/en/cases/{case.pk}/documents/generate/",
        {"kind": "appeal_brief", "lang": "ru", "fmt": "pdf", "keep": "on"},
    )
    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content[:5] == b"%PDF-"
    kept = Document.objects.get(case=case)
    assert kept.sha256 == hashlib.sha256(response.content).hexdigest()
    assert kept.content_type == "application/pdf" and kept.uploaded_by == caseworker
    entry = AuditEntry.objects.filter(action="generate_document").get()
    assert entry.details == {
        "kind": "appeal_brief", "lang": "ru", "fmt": "pdf",
        "assessment": latest.pk, "size": len(response.content),
    }  # fmt: skip
    assert case.client.full_name not in str(entry.details)


def test_docx_and_html_and_the_refusal_rule(demo: dict) -> None:
    caseworker = demo["users"]["demo-caseworker"]
    case, _latest = _refused_case(caseworker)
    web = _login(caseworker)
    url = f"/en/cases/{case.pk}/documents/generate/"
    docx = web.post(url, {"kind": "memo", "lang": "ar", "fmt": "docx"})
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    html = web.post(url, {"kind": "client_letter", "lang": "ar", "fmt": "html"})
    assert html.status_code == 200 and 'dir="rtl"' in html.content.decode()
    assert html["Content-Security-Policy"].startswith("default-src 'none'")
    refused = web.post(url, {"kind": "client_letter", "lang": "en", "fmt": "html", "keep": "on"})
    assert refused.status_code == 400 and "Only a PDF or DOCX copy" in refused.content.decode()
    assert not Document.objects.filter(case=case).exists()
    # a case whose latest assessment grants protection: no appeal brief, a clear error
    granted = next(
        c for c in Case.objects.order_by("pk")
        if (a := Assessment.objects.filter(case=c).order_by("-created_at", "-pk").first())
        and not is_refusal(a.determination["outcome"]) and a.determination["outcome"] != "UNDETERMINED"
        and c.team_id == caseworker.team_id
    )  # fmt: skip
    answer = web.post(
        f"/en/cases/{granted.pk}/documents/generate/",
        {"kind": "appeal_brief", "lang": "en", "fmt": "pdf"},
    )
    assert answer.status_code == 400 and "not a refusal" in answer.content.decode()


def test_access_follows_the_case_pages(demo: dict) -> None:
    case, _latest = _refused_case(demo["users"]["demo-caseworker"])
    url = f"/en/cases/{case.pk}/documents/generate/"
    for name in ("demo-caseworker-berlin", "demo-researcher"):
        web = _login(demo["users"][name])
        assert web.get(url).status_code == 404
        assert web.post(url, {"kind": "memo", "lang": "en", "fmt": "pdf"}).status_code == 404
    assert not AuditEntry.objects.filter(action="generate_document").exists()
    assert HttpClient().get(url).status_code == 302  # to the login page
