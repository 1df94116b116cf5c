"""The PDF renderer fetches nothing outside the document's own templates: no network, no
file: URLs, no path escaping the template folder; data: URIs and template files only."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from asylon.documents import render
from asylon.documents.pdf import ORIGIN, RefusedURL, TemplateFilesOnly, render_pdf
from asylon.documents.templating import TEMPLATES_DIR
from tests.documents.cases import REFUSAL, assessed

PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def fetcher(tmp_path: Path) -> TemplateFilesOnly:
    (tmp_path / "logo.png").write_bytes(PNG_1X1)
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    return TemplateFilesOnly([tmp_path, TEMPLATES_DIR / "html"])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "https://example.org/style.css",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "file:///etc/hostname.css",
        "ftp://example.org/x.png",
        ORIGIN + "../../../../etc/passwd",
        ORIGIN + "%2e%2e/%2e%2e/%2e%2e/etc/ssl/certs/ca-certificates.css",
        ORIGIN + "secret.txt",  # a template folder's file, but not a stylesheet or image
        ORIGIN + "documents.html",
        ORIGIN + "missing.png",
        "https://asylon-documents.invalid.example.org/logo.png",
    ],
)
def test_everything_outside_the_templates_is_refused(fetcher: TemplateFilesOnly, url: str) -> None:
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)


def test_template_files_and_data_uris_are_served(fetcher: TemplateFilesOnly) -> None:
    assert fetcher.fetch(ORIGIN + "logo.png").read() == PNG_1X1
    css = fetcher.fetch(ORIGIN + "documents.css")  # the shipped folder, after the organisation's
    assert b"@page" in css.read() and css.content_type == "text/css"
    uri = "data:image/png;base64," + base64.b64encode(PNG_1X1).decode()
    assert fetcher.fetch(uri).read() == PNG_1X1
    assert fetcher.fetch("data:,hello%20world").read() == b"hello world"


class _Counter(BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PNG_1X1)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Counter.hits = []
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_template_naming_outside_urls_renders_without_fetching_them(
    server: str, tmp_path: Path
) -> None:
    """An organisation's template (or markup that slipped in) names a local server, a file and
    a stylesheet: the PDF is made, and the server never hears of it."""
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "memo.html").write_text(
        f'<html><head><link rel="stylesheet" href="{server}/style.css">'
        '<link rel="stylesheet" href="file:///etc/passwd"></head><body>'
        f'<img src="{server}/pixel.png"><img src="file:///etc/hostname">'
        f'<object data="{server}/object"></object>'
        f'<div style="background: url({server}/bg.png)">{{{{ doc.case.id }}}}</div>'
        "</body></html>",
        encoding="utf-8",
    )
    case, det = assessed(REFUSAL)
    pdf = render("memo", case, det, lang="en", fmt="pdf", template_dir=tmp_path)
    assert pdf.startswith(b"%PDF-")
    assert _Counter.hits == []


def test_the_server_is_reachable_so_the_previous_test_means_something(server: str) -> None:
    import urllib.request

    with urllib.request.urlopen(server + "/probe") as response:
        assert response.read() == PNG_1X1
    assert _Counter.hits == ["/probe"]


def test_render_pdf_resolves_relative_images_in_the_template_folder(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(PNG_1X1)
    pdf = render_pdf('<img src="logo.png"><p>x</p>', [tmp_path])
    assert pdf.startswith(b"%PDF-") and b"/Image" in pdf
