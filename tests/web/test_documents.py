"""Documents and notes on a case: ingest with SHA-256, type and size limits, access, download
integrity, audit, append-only notes. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import stat
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client as Browser

from asylon.web.accounts.models import Team, User
from asylon.web.api.models import ApiToken
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.models import Case, Client
from asylon.web.documents import services, storage
from asylon.web.documents.filenames import attachment_header, display_name
from asylon.web.documents.models import Document, Note
from asylon.web.documents.validation import DOCX, JPEG, ODT, PDF, PNG, TEXT, TIFF, sniff
from asylon.web.timeline.models import TimelineEvent

pytestmark = pytest.mark.django_db
ALLOWED_TYPES = "PDF, JPEG, PNG, TIFF, plain text (UTF-8), DOCX, ODT"

# --- small valid files, built here --------------------------------------------------------

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def png_bytes() -> bytes:
    """A 1x1 grey PNG with correct CRCs."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def zipped(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def docx_bytes(main: str = "wordprocessingml.document.main+xml") -> bytes:
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Override PartName="/word/document.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.{main}"/></Types>'
    )
    return zipped({"[Content_Types].xml": types.encode(), "word/document.xml": b"<w:document/>"})


def odt_bytes() -> bytes:
    return zipped({"mimetype": ODT.encode(), "content.xml": b"<office:document-content/>"})


EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
HTML_BYTES = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG_BYTES = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(1)</script></svg>"
)
TEXT_BYTES = "Заявление. إفادة الشاهد. Statement of the witness.\n".encode()


# --- the world ----------------------------------------------------------------------------


def user(name: str, team: Team | None, role: str = User.Role.CASEWORKER) -> User:
    """A user who logs in with force_login (no password: no slow Argon2 hashing here)."""
    return User.objects.create_user(name, team=team, role=role)


@pytest.fixture
def docs_dir(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "documents"
    settings.ASYLON_DOCUMENTS_DIR = str(folder)
    return folder


@pytest.fixture
def world(docs_dir: Path) -> dict[str, Any]:
    a, b = Team.objects.create(name="Moscow office"), Team.objects.create(name="Berlin office")
    people = {
        "cw_a": user("cw_a", a),
        "cw_b": user("cw_b", b),
        "researcher": user("researcher", None, User.Role.RESEARCHER),
        "sup_a": user("sup_a", a, User.Role.SUPERVISOR),
    }
    client = Client.objects.create(full_name="Salekh Example", team=a, home_country="SY")
    case = Case.objects.create(client=client, team=a, jurisdiction="ru")
    other = Case.objects.create(client=client, team=a, jurisdiction="ru")
    return {**people, "case": case, "other": other, "dir": docs_dir}


def browse(u: User) -> Browser:
    b = Browser()
    b.force_login(u)
    return b


def upload(
    b: Browser,
    case: Case,
    name: str,
    content: bytes,
    browser_type: str = "application/pdf",
    **data: Any,
) -> Any:
    return b.post(
        f"/en/cases/{case.pk}/documents/upload/",
        {
            "file": SimpleUploadedFile(name, content, content_type=browser_type),
            "kind": "other",
            **data,
        },
    )


def stored_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def body(response: Any) -> bytes:
    """The streamed bytes; reading them to the end closes the file (and the test client does
    so without closing the database connection, which calling close() here would)."""
    return b"".join(response.streaming_content)


def api_headers(u: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(u, 'test')[1]}"}


# --- ingest -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("decision.pdf", PDF_BYTES, PDF), ("passport-scan.png", png_bytes(), PNG)],
)
def test_upload_records_the_sha256_and_stores_the_file_under_it(
    world: dict[str, Any], name: str, content: bytes, content_type: str
) -> None:
    b = browse(world["cw_a"])
    done = upload(b, world["case"], name, content, title="Decision", kind="decision")
    assert done.status_code == 302, done.content.decode()[:2000]
    doc = Document.objects.get(case=world["case"])
    expected = hashlib.sha256(content).hexdigest()
    assert doc.sha256 == expected and doc.size == len(content)
    assert doc.content_type == content_type and doc.original_name == name
    assert doc.title == "Decision" and doc.kind == "decision" and doc.uploaded_by == world["cw_a"]
    assert stored_files(world["dir"]) == [expected], "named by the hash only, no temp file left"
    path = world["dir"] / expected
    assert content not in path.read_bytes(), "encrypted at rest"
    with storage.open_verified(expected, len(content)) as stored:
        assert stored.read() == content
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    entry = AuditEntry.objects.get(action="upload_document")
    assert entry.user == world["cw_a"] and entry.object_id == str(world["case"].pk)
    assert entry.details["document"] == doc.pk and entry.details["sha256"] == expected
    assert entry.details["size"] == len(content)
    assert name not in str(entry.details) and "Decision" not in str(entry.details)
    assert str(doc) == f"document {doc.pk} (case {world['case'].pk})"
    shown = b.get(done["Location"]).content.decode()
    assert f"Document {doc.pk} uploaded; its SHA-256 is {expected}." in shown


def test_the_same_content_twice_is_stored_once(world: dict[str, Any]) -> None:
    b = browse(world["cw_a"])
    upload(b, world["case"], "a.pdf", PDF_BYTES)
    upload(b, world["other"], "b.pdf", PDF_BYTES)
    assert Document.objects.count() == 2
    assert stored_files(world["dir"]) == [hashlib.sha256(PDF_BYTES).hexdigest()]


def test_a_title_left_empty_is_the_file_name_and_an_event_can_be_attached(
    world: dict[str, Any],
) -> None:
    event = TimelineEvent.objects.create(
        case=world["case"], kind="decision", on="2024-03-01", details={"outcome": "refused"}
    )
    done = upload(
        browse(world["cw_a"]), world["case"], "قرار الرفض.pdf", PDF_BYTES, event=str(event.pk)
    )
    assert done.status_code == 302
    doc = Document.objects.get()
    assert doc.title == "قرار الرفض.pdf" and doc.event == event and doc.kind == "other"


def test_an_event_of_another_case_is_refused(world: dict[str, Any]) -> None:
    event = TimelineEvent.objects.create(
        case=world["other"], kind="decision", on="2024-03-01", details={"outcome": "refused"}
    )
    page = upload(browse(world["cw_a"]), world["case"], "a.pdf", PDF_BYTES, event=str(event.pk))
    assert page.status_code == 400 and "event" in page.context["upload_form"].errors
    assert not Document.objects.exists() and stored_files(world["dir"]) == []


def test_a_file_over_the_limit_is_refused_on_its_field_and_nothing_is_stored(
    world: dict[str, Any], settings: Any
) -> None:
    settings.ASYLON_DOCUMENT_MAX_BYTES = 100
    page = upload(browse(world["cw_a"]), world["case"], "long.txt", b"x" * 101, "text/plain")
    assert page.status_code == 400
    errors = page.context["upload_form"].errors["file"]
    assert any("largest file allowed is 100" in e for e in errors), errors
    assert not Document.objects.exists() and stored_files(world["dir"]) == []
    assert not AuditEntry.objects.filter(action="upload_document").exists()


def _macro_docx() -> bytes:
    return docx_bytes("wordprocessingml.document.macroEnabled.main+xml")


@pytest.mark.parametrize(
    ("name", "content", "browser_type"),
    [
        ("page.html", HTML_BYTES, "text/html"),
        ("drawing.svg", SVG_BYTES, "image/svg+xml"),
        ("setup.exe", EXE_BYTES, "application/x-msdownload"),
        ("decision.pdf", HTML_BYTES, "application/pdf"),  # an HTML page named .pdf
        ("photo.png", EXE_BYTES, "image/png"),  # a program named .png
        ("letter.docx", _macro_docx(), DOCX),  # a document with macros
        ("archive.zip", zipped({"run.sh": b"#!/bin/sh\nrm -rf /\n"}), "application/zip"),
        ("script.txt", b"#!/bin/sh\necho hi\n", "text/plain"),
        ("binary.txt", b"abc\x00def", "text/plain"),
        ("latin1.txt", "Gr\u00fc\u00dfe".encode("latin-1"), "text/plain"),
    ],
)
def test_content_that_is_not_an_allowed_type_is_refused_naming_the_allowed_types(
    world: dict[str, Any], name: str, content: bytes, browser_type: str
) -> None:
    page = upload(browse(world["cw_a"]), world["case"], name, content, browser_type)
    assert page.status_code == 400
    errors = page.context["upload_form"].errors["file"]
    assert any(ALLOWED_TYPES in e for e in errors), errors
    assert ALLOWED_TYPES in page.content.decode()
    assert not Document.objects.exists() and stored_files(world["dir"]) == []


def test_an_empty_file_is_refused(world: dict[str, Any]) -> None:
    page = upload(browse(world["cw_a"]), world["case"], "empty.pdf", b"")
    assert page.status_code == 400 and "file" in page.context["upload_form"].errors
    assert stored_files(world["dir"]) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, PDF),
        (png_bytes(), PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20, JPEG),
        (b"II*\x00\x08\x00\x00\x00" + b"\x00" * 20, TIFF),
        (b"MM\x00*\x00\x00\x00\x08" + b"\x00" * 20, TIFF),
        (TEXT_BYTES, TEXT),
        (b"\xef\xbb\xbfWith a byte order mark\r\n", TEXT),
        (docx_bytes(), DOCX),
        (odt_bytes(), ODT),
        (zipped({"mimetype": ODT.encode(), "Basic/macro.xml": b"<x/>"}), None),
        (b"PK\x03\x04 not really a zip", None),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 20, None),
        (b"   \n  <svg onload='x'/>", None),
        (b"\x00\x01\x02\x03", None),
    ],
)
def test_the_type_is_read_from_the_content(content: bytes, expected: str | None) -> None:
    f = io.BytesIO(content)
    assert sniff(f) == expected
    assert f.tell() == 0


def test_a_path_traversal_file_name_is_only_a_label(world: dict[str, Any], tmp_path: Path) -> None:
    b = browse(world["cw_a"])
    done = upload(b, world["case"], "../../etc/passwd", TEXT_BYTES, "text/plain")
    assert done.status_code == 302
    doc = Document.objects.get()
    assert doc.original_name == "passwd" and doc.content_type == TEXT
    sha = hashlib.sha256(TEXT_BYTES).hexdigest()
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert written == ["documents", f"documents/{sha}"], "nothing written outside the folder"
    response = b.get(f"/en/cases/{world['case'].pk}/documents/{doc.pk}/download/")
    assert response["Content-Disposition"] == 'attachment; filename="passwd.txt"'
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert body(response) == TEXT_BYTES


def test_display_names_lose_folders_controls_and_direction_overrides() -> None:
    assert display_name("C:\\Users\\x\\..\\scan.pdf") == "scan.pdf"
    assert display_name("photo\u202egnp.exe") == "photognp.exe"
    assert display_name("a\x00b\nc.txt") == "abc.txt"
    assert display_name("...hidden") == "hidden"
    assert display_name("../..") == ""
    assert display_name("ملف.pdf") == "ملف.pdf"


def test_attachment_header_has_an_ascii_fallback_and_the_full_name_in_rfc_5987() -> None:
    assert attachment_header("scan.pdf", "document-1") == 'attachment; filename="scan.pdf"'
    arabic = attachment_header("قرار.pdf", "document-1")
    assert arabic == (
        "attachment; filename=\"document-1.pdf\"; filename*=UTF-8''%D9%82%D8%B1%D8%A7%D8%B1.pdf"
    )
    quoted = attachment_header('a "b";\r\nc.pdf', "document-1")
    assert quoted.startswith('attachment; filename="a_b_c.pdf"; filename*=UTF-8')
    assert "\r" not in quoted and "\n" not in quoted


# --- download -----------------------------------------------------------------------------


def test_the_owner_teams_caseworker_downloads_the_exact_bytes_with_safe_headers(
    world: dict[str, Any],
) -> None:
    b = browse(world["cw_a"])
    upload(b, world["case"], "решение суда.pdf", PDF_BYTES, kind="court_ruling")
    doc = Document.objects.get()
    response = b.get(f"/en/cases/{world['case'].pk}/documents/{doc.pk}/download/")
    assert response.status_code == 200
    assert body(response) == PDF_BYTES
    assert response["Content-Type"] == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"document-{doc.pk}.pdf\"; filename*=UTF-8''"
        "%D1%80%D0%B5%D1%88%D0%B5%D0%BD%D0%B8%D0%B5%20%D1%81%D1%83%D0%B4%D0%B0.pdf"
    )
    assert "sandbox" in response["Content-Security-Policy"]
    entry = AuditEntry.objects.get(action="download_document")
    assert entry.user == world["cw_a"] and entry.details["document"] == doc.pk
    assert entry.details["sha256"] == doc.sha256


def test_a_name_that_lies_about_the_type_is_downloaded_with_the_true_extension(
    world: dict[str, Any],
) -> None:
    b = browse(world["cw_a"])
    upload(b, world["case"], "passport.exe", png_bytes(), "application/x-msdownload")
    doc = Document.objects.get()
    response = b.get(f"/en/cases/{world['case'].pk}/documents/{doc.pk}/download/")
    assert response["Content-Type"] == PNG
    assert response["Content-Disposition"] == 'attachment; filename="passport.exe.png"'
    assert body(response) == png_bytes()


@pytest.mark.parametrize("tamper", ["changed", "truncated", "deleted"])
def test_a_stored_file_that_no_longer_matches_its_hash_is_not_served(
    world: dict[str, Any], tamper: str
) -> None:
    b = browse(world["cw_a"])
    upload(b, world["case"], "statement.pdf", PDF_BYTES)
    doc = Document.objects.get()
    path = world["dir"] / doc.sha256
    if tamper == "changed":
        path.write_bytes(PDF_BYTES.replace(b"Count 0", b"Count 9"))
    elif tamper == "truncated":
        path.write_bytes(PDF_BYTES[:20])
    else:
        path.unlink()
    page = b.get(f"/en/cases/{world['case'].pk}/documents/{doc.pk}/download/")
    assert page.status_code == 409
    text = page.content.decode()
    assert "Tell an administrator" in text and "nothing was downloaded" in text
    assert ("missing" in text) == (tamper == "deleted")
    assert b"%PDF" not in page.content
    assert not AuditEntry.objects.filter(action="download_document").exists()
    failure = AuditEntry.objects.get(action="document_integrity_failure")
    assert failure.details["document"] == doc.pk and failure.details["sha256"] == doc.sha256
    api = Browser().get(
        f"/api/cases/{world['case'].pk}/documents/{doc.pk}/content",
        headers=api_headers(world["cw_a"]),
    )
    assert api.status_code == 409 and "tell an administrator" in api.json()["detail"]


def test_a_new_upload_of_the_same_content_repairs_a_damaged_file(world: dict[str, Any]) -> None:
    b = browse(world["cw_a"])
    upload(b, world["case"], "a.pdf", PDF_BYTES)
    doc = Document.objects.get()
    (world["dir"] / doc.sha256).write_bytes(b"damaged")
    upload(b, world["case"], "a-again.pdf", PDF_BYTES)
    response = b.get(f"/en/cases/{world['case'].pk}/documents/{doc.pk}/download/")
    assert response.status_code == 200 and body(response) == PDF_BYTES


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["cw_b", "researcher"])
def test_no_access_means_404_everywhere(world: dict[str, Any], who: str) -> None:
    upload(browse(world["cw_a"]), world["case"], "a.pdf", PDF_BYTES)
    doc = Document.objects.get()
    Note.objects.create(case=world["case"], author=world["cw_a"], text="Client fears the guard")
    before = AuditEntry.objects.count()
    stranger = browse(world[who])
    base = f"/en/cases/{world['case'].pk}/documents/"
    assert stranger.get(base).status_code == 404
    assert upload(stranger, world["case"], "b.png", png_bytes()).status_code == 404
    assert stranger.get(f"{base}{doc.pk}/download/").status_code == 404
    assert stranger.post(f"{base}notes/", {"text": "x"}).status_code == 404
    assert stranger.post(f"{base}notes/{Note.objects.get().pk}/delete/").status_code == 404
    headers = api_headers(world[who])
    api = Browser()
    api_base = f"/api/cases/{world['case'].pk}"
    assert api.get(f"{api_base}/documents", headers=headers).status_code == 404
    assert api.get(f"{api_base}/documents/{doc.pk}", headers=headers).status_code == 404
    assert api.get(f"{api_base}/documents/{doc.pk}/content", headers=headers).status_code == 404
    assert api.get(f"{api_base}/notes", headers=headers).status_code == 404
    sent = api.post(
        f"{api_base}/documents",
        {"file": SimpleUploadedFile("b.png", png_bytes())},
        headers=headers,
    )
    assert sent.status_code == 404
    note = api.post(
        f"{api_base}/notes", {"text": "x"}, content_type="application/json", headers=headers
    )
    assert note.status_code == 404
    assert Document.objects.count() == 1 and Note.objects.count() == 1
    assert stored_files(world["dir"]) == [doc.sha256]
    assert AuditEntry.objects.count() == before, "nothing happened, nothing recorded"


def test_pages_need_a_login(world: dict[str, Any]) -> None:
    page = Browser().get(f"/en/cases/{world['case'].pk}/documents/")
    assert page.status_code == 302 and page["Location"].startswith("/en/accounts/login/")
    assert Browser().get(f"/api/cases/{world['case'].pk}/documents").status_code == 401


def test_a_document_is_reached_only_through_its_own_case(world: dict[str, Any]) -> None:
    b = browse(world["cw_a"])
    upload(b, world["other"], "a.pdf", PDF_BYTES)
    doc = Document.objects.get()
    assert b.get(f"/en/cases/{world['case'].pk}/documents/{doc.pk}/download/").status_code == 404
    assert b.get(f"/en/cases/{world['other'].pk}/documents/{doc.pk}/download/").status_code == 200
    api = Browser().get(
        f"/api/cases/{world['case'].pk}/documents/{doc.pk}/content",
        headers=api_headers(world["cw_a"]),
    )
    assert api.status_code == 404


def test_the_page_lists_documents_and_notes_in_arabic_too(world: dict[str, Any]) -> None:
    b = browse(world["cw_a"])
    upload(b, world["case"], "قرار.pdf", PDF_BYTES, title="قرار الرفض")
    b.post(f"/en/cases/{world['case'].pk}/documents/notes/", {"text": "Called the client <b>"})
    page = b.get(f"/ar/cases/{world['case'].pk}/documents/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'dir="rtl"' in html and "قرار الرفض" in html
    assert 'enctype="multipart/form-data"' in html
    assert "Called the client &lt;b&gt;" in html, "note text is escaped"
    assert "style=" not in html and "<script" not in html
    assert AuditEntry.objects.filter(action="view_documents").exists()


# --- notes --------------------------------------------------------------------------------


def test_a_note_is_added_and_audited_without_its_text(world: dict[str, Any]) -> None:
    b = browse(world["cw_a"])
    done = b.post(
        f"/en/cases/{world['case'].pk}/documents/notes/", {"text": "  Client fears the guard  "}
    )
    assert done.status_code == 302
    note = Note.objects.get()
    assert note.text == "Client fears the guard" and note.author == world["cw_a"]
    entry = AuditEntry.objects.get(action="add_note")
    assert entry.details["note"] == note.pk and "guard" not in str(entry.details)
    assert str(note) == f"note {note.pk} (case {world['case'].pk})"


@pytest.mark.parametrize("text", ["", "   \n  ", "x" * 20_001])
def test_an_empty_or_too_long_note_is_refused_on_its_field(
    world: dict[str, Any], text: str
) -> None:
    page = browse(world["cw_a"]).post(
        f"/en/cases/{world['case'].pk}/documents/notes/", {"text": text}
    )
    assert page.status_code == 400
    assert "text" in page.context["note_form"].errors
    assert not Note.objects.exists() and not AuditEntry.objects.filter(action="add_note").exists()


def test_notes_are_append_only_and_only_a_supervisor_deletes_one(world: dict[str, Any]) -> None:
    note = Note.objects.create(case=world["case"], author=world["cw_a"], text="first reading")
    note.text = "rewritten"
    with pytest.raises(PermissionError):
        note.save()
    url = f"/en/cases/{world['case'].pk}/documents/notes/{note.pk}/delete/"
    assert browse(world["cw_a"]).post(url).status_code == 403
    assert Note.objects.filter(pk=note.pk).exists()
    assert browse(world["sup_a"]).post(url).status_code == 302
    assert not Note.objects.exists()
    entry = AuditEntry.objects.get(action="delete_note")
    assert entry.user == world["sup_a"] and entry.details["note"] == note.pk
    assert entry.details["author"] == world["cw_a"].pk and "reading" not in str(entry.details)


# --- failures leave nothing half-written --------------------------------------------------


def test_a_database_failure_during_upload_leaves_no_row_and_no_file(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("the database went away")

    monkeypatch.setattr(Document.objects, "create", broken)
    with pytest.raises(DatabaseError):
        services.add_document(world["case"], world["cw_a"], SimpleUploadedFile("a.pdf", PDF_BYTES))
    assert not Document.objects.exists()
    assert stored_files(world["dir"]) == [], "no blob and no temporary file"
    page = Browser(raise_request_exception=False)
    page.force_login(world["cw_a"])
    assert upload(page, world["case"], "a.pdf", PDF_BYTES).status_code == 500
    assert not Document.objects.exists() and stored_files(world["dir"]) == []


def test_an_audit_failure_after_the_row_rolls_the_row_back(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("the audit table is locked")

    monkeypatch.setattr(services, "record", broken)
    with pytest.raises(DatabaseError):
        services.add_document(world["case"], world["cw_a"], SimpleUploadedFile("a.pdf", PDF_BYTES))
    assert not Document.objects.exists() and stored_files(world["dir"]) == []


def test_a_file_growing_past_the_limit_while_written_is_refused(world: dict[str, Any]) -> None:
    with pytest.raises(storage.TooLarge):
        storage.stage([b"x" * 60, b"x" * 60], max_bytes=100)
    assert stored_files(world["dir"]) == []


def test_storage_refuses_anything_but_a_hash_as_a_name(world: dict[str, Any]) -> None:
    for bad in ["../../etc/passwd", "A" * 64, "", "0" * 63]:
        with pytest.raises(ValueError):
            storage.open_verified(bad)


# --- API ----------------------------------------------------------------------------------


def test_the_api_uploads_lists_downloads_and_takes_notes(world: dict[str, Any]) -> None:
    headers = api_headers(world["cw_a"])
    api = Browser()
    base = f"/api/cases/{world['case'].pk}"
    sent = api.post(
        f"{base}/documents",
        {"file": SimpleUploadedFile("scan.png", png_bytes()), "title": "Scan", "kind": "identity"},
        headers=headers,
    )
    assert sent.status_code == 201, sent.content.decode()
    out = sent.json()
    assert out["sha256"] == hashlib.sha256(png_bytes()).hexdigest() and out["content_type"] == PNG
    assert out["kind"] == "identity" and out["title"] == "Scan"
    listed = api.get(f"{base}/documents", headers=headers).json()
    assert [d["id"] for d in listed] == [out["id"]]
    one = api.get(f"{base}/documents/{out['id']}", headers=headers)
    assert one.status_code == 200 and one.json()["sha256"] == out["sha256"]
    read = [  # audit details are encrypted at rest: read after decryption
        e
        for e in AuditEntry.objects.filter(action="view_documents")
        if e.details.get("document") == out["id"]
    ]
    assert len(read) == 1  # reading one document's details is audited, by id
    content = api.get(out["url"], headers=headers)
    assert content.status_code == 200 and body(content) == png_bytes()
    assert content["X-Content-Type-Options"] == "nosniff"
    assert content["Content-Disposition"] == 'attachment; filename="scan.png"'
    note = api.post(
        f"{base}/notes",
        {"text": "Met the client"},
        content_type="application/json",
        headers=headers,
    )
    assert note.status_code == 201 and note.json()["author"] == "cw_a"
    assert [n["text"] for n in api.get(f"{base}/notes", headers=headers).json()] == [
        "Met the client"
    ]
    actions = {e.action for e in AuditEntry.objects.all() if e.details.get("via") == "api"}
    assert {"upload_document", "download_document", "add_note"} <= actions


def test_the_api_names_the_field_in_its_errors(world: dict[str, Any]) -> None:
    headers = api_headers(world["cw_a"])
    api = Browser()
    base = f"/api/cases/{world['case'].pk}"
    bad = api.post(
        f"{base}/documents",
        {"file": SimpleUploadedFile("decision.pdf", HTML_BYTES)},
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "file"
    assert ALLOWED_TYPES in bad.json()["errors"][0]["message"]
    kind = api.post(
        f"{base}/documents",
        {"file": SimpleUploadedFile("a.pdf", PDF_BYTES), "kind": "poem"},
        headers=headers,
    )
    assert kind.status_code == 422 and kind.json()["errors"][0]["field"] == "kind"
    event = api.post(
        f"{base}/documents",
        {"file": SimpleUploadedFile("a.pdf", PDF_BYTES), "event_id": "999999"},
        headers=headers,
    )
    assert event.status_code == 422 and event.json()["errors"][0]["field"] == "event_id"
    empty = api.post(
        f"{base}/notes", {"text": " "}, content_type="application/json", headers=headers
    )
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "text"
    missing = api.post(f"{base}/documents", {"title": "no file"}, headers=headers)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "file"
    assert not Document.objects.exists() and stored_files(world["dir"]) == []
