"""Uploads: the size limit is enforced and named; the content decides the type (a ``.pdf``
that is HTML is refused, or kept as an opaque attachment); a user's file name never becomes a
path (everything stored is a SHA-256-named file inside ASYLON_DOCUMENTS_DIR); downloads are
attachments that a browser never sniffs or runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from asylon.web.documents.models import Document
from asylon.web.register import models as reg
from tests.web.security.conftest import PDF_BYTES, World

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
TRAVERSAL = [
    "../../etc/passwd",
    "..\\..\\windows\\x.pdf",
    "/etc/passwd",
    "/tmp/evil.pdf",
    "a\x00b.pdf",
    "..",
    "....//....//x.pdf",
    "%2e%2e%2fx.pdf",
    "\u202egpj.exe",
]
SHA256_NAME = re.compile(r"[0-9a-f]{64}")


def _stored(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


def _only_hashes(folder: Path) -> None:
    for p in folder.rglob("*"):
        assert p.parent == folder and SHA256_NAME.fullmatch(p.name), f"unexpected file {p}"


BOUNDARY = "----asylon-attack-suite"


def multipart(fields: dict[str, str], name: str, content: bytes) -> bytes:
    """A multipart body written by hand: the file name goes out exactly as given (Django's
    test client would strip it to its last component before sending)."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    quoted = name.replace('"', "%22")
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{quoted}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def _post(b: Any, url: str, fields: dict[str, str], name: str, content: bytes, **kw: Any) -> Any:
    return b.post(
        url,
        multipart(fields, name, content),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **kw,
    )


def _upload_page(w: World, name: str, content: bytes) -> Any:
    url = f"/en/cases/{w.case.pk}/documents/upload/"
    return _post(w.browser("a"), url, {"title": "", "kind": "other"}, name, content)


def _upload_api(w: World, name: str, content: bytes) -> Any:
    url = f"/api/cases/{w.case.pk}/documents"
    return _post(w.browser(None), url, {}, name, content, **w.bearer("a"))


def _upload_evidence(w: World, name: str, content: bytes) -> Any:
    kind = next(iter(reg.EvidenceItem._meta.get_field("kind").choices))[0]
    fields = {"title": "evidence", "kind": kind, "reason": "taken in"}
    return _post(w.browser("staff"), "/en/register/evidence/new/", fields, name, content)


def test_size_limit_is_enforced_and_names_the_field(w: World, settings: Any) -> None:
    settings.ASYLON_DOCUMENT_MAX_BYTES = 64
    big = PDF_BYTES + b"0" * 200
    before = Document.objects.count(), reg.EvidenceItem.objects.count()
    page = _upload_page(w, "big.pdf", big)
    assert page.status_code == 400 and "file" in page.context["upload_form"].errors
    api = _upload_api(w, "big.pdf", big)
    assert api.status_code in (413, 422), api.content
    assert [e["field"] for e in api.json()["errors"]] == ["file"]
    evidence = _upload_evidence(w, "big.pdf", big)
    assert evidence.status_code == 400 and "file" in evidence.context["form"].errors
    assert (Document.objects.count(), reg.EvidenceItem.objects.count()) == before
    _only_hashes(w.documents_dir)


@pytest.mark.parametrize("content", [HTML, SVG, b"MZ\x90\x00fake exe", b"#!/bin/sh\nrm -rf /\n"])
def test_a_pdf_name_does_not_make_markup_a_document(w: World, content: bytes) -> None:
    before = Document.objects.count()
    page = _upload_page(w, "statement.pdf", content)
    assert page.status_code == 400 and "file" in page.context["upload_form"].errors
    api = _upload_api(w, "statement.pdf", content)
    assert api.status_code == 422 and [e["field"] for e in api.json()["errors"]] == ["file"]
    assert Document.objects.count() == before


@pytest.mark.parametrize("content", [HTML, SVG])
def test_markup_kept_as_evidence_is_an_opaque_attachment(w: World, content: bytes) -> None:
    """Evidence is kept whatever it is (its hash is what matters), but never as markup."""
    response = _upload_evidence(w, "photo.pdf", content)
    assert response.status_code == 302, response.content[:300]
    item = reg.EvidenceItem.objects.order_by("-pk").first()
    assert item is not None and "html" not in item.media_type and "svg" not in item.media_type
    download = w.browser("staff").get(f"/en/register/evidence/{item.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "html" not in download["Content-Type"] and "svg" not in download["Content-Type"]
    csp = download["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp


@pytest.mark.parametrize("name", TRAVERSAL)
def test_file_names_never_become_paths(w: World, name: str, tmp_path: Path) -> None:
    root = w.documents_dir.parent
    outside_before = {p for p in root.rglob("*") if w.documents_dir not in p.parents}
    accepted = 0
    for upload in (_upload_page, _upload_api, _upload_evidence):
        response = upload(w, name, PDF_BYTES + name.encode("utf-8", "replace"))
        assert response.status_code in (201, 302, 400, 422), (upload.__name__, response.status_code)
        accepted += response.status_code in (201, 302)
    assert accepted or name == "..", (
        "every upload was refused: the names were never tried against storage"
    )
    _only_hashes(w.documents_dir)
    outside_after = {p for p in root.rglob("*") if w.documents_dir not in p.parents}
    assert outside_after == outside_before, "a file was written outside the documents folder"
    assert not Path("/etc/passwd.pdf").exists() and not Path("/tmp/evil.pdf").exists()
    for doc in Document.objects.filter(case=w.case):
        assert "/" not in doc.original_name and "\\" not in doc.original_name
        assert "\x00" not in doc.original_name
        response = w.browser("a").get(f"/en/cases/{w.case.pk}/documents/{doc.pk}/download/")
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment"), disposition
        assert "/" not in disposition and "\\" not in disposition and "\x00" not in disposition
    for item in reg.EvidenceItem.objects.all():
        response = w.browser("staff").get(f"/en/register/evidence/{item.pk}/download/")
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment")
        assert "/" not in disposition and "\\" not in disposition and "\x00" not in disposition


def test_downloads_of_documents_are_attachments_with_a_restrictive_csp(w: World) -> None:
    for response in (
        w.browser("a").get(f"/en/cases/{w.case.pk}/documents/{w.document.pk}/download/"),
        w.browser(None).get(
            f"/api/cases/{w.case.pk}/documents/{w.document.pk}/content", **w.bearer("a")
        ),
    ):
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert "sandbox" in response["Content-Security-Policy"]
