"""HTML to PDF with WeasyPrint, through a URL fetcher that fetches nothing outside the app.

Security: WeasyPrint fetches every URL a document names (stylesheets, images, ``<object>``,
``<embed>``, ``<link rel=attachment>``, ``url()`` in CSS) and by default reads any local file
(``file:///etc/passwd``) and reaches any host (``http://169.254.169.254/``). A case file's free
text is escaped by the templates, but an organisation's template, or text that slipped into
markup, would otherwise turn a generated brief into a file reader or a request forger (SSRF,
local file disclosure: the "Security" chapter of WeasyPrint's documentation).
:class:`TemplateFilesOnly` therefore refuses every URL except

- ``data:`` URIs (an image embedded in the template, such as a letterhead logo), and
- files of the template folders themselves (the organisation's, then the package's), named
  relative to the document under :data:`ORIGIN`, a host that cannot resolve (RFC 2606); their
  path must stay inside a template folder and end in a stylesheet, image or font suffix.

No ``file:``, no network, no redirects. Fonts come from the system through fontconfig
(Debian's ``Noto Sans``, ``Noto Naskh Arabic``, then ``DejaVu Sans``).
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

__all__ = ["ORIGIN", "RefusedURL", "TemplateFilesOnly", "render_pdf"]

ORIGIN = "https://asylon-documents.invalid/"
ALLOWED_SUFFIXES = frozenset(
    {".css", ".png", ".svg", ".jpg", ".jpeg", ".gif", ".woff", ".woff2", ".ttf", ".otf"}
)
MAX_DATA_URI = 5 * 1024 * 1024


class RefusedURL(ValueError):
    """The renderer was asked for a URL outside the document's own templates."""


class TemplateFilesOnly(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's URL fetcher, restricted to data: URIs and the template folders' files."""

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols=("data", "https"), allow_redirects=False)
        self.roots = [r.resolve() for r in roots]

    def path_of(self, url: str) -> Path:
        """The template file a URL names, or :class:`RefusedURL`."""
        if not url.startswith(ORIGIN):
            raise RefusedURL(f"the PDF renderer fetches only the document's own files: {url}")
        parts = urlsplit(url)
        relative = unquote(parts.path[len(urlsplit(ORIGIN).path) :])
        if not relative or "\\" in relative or "\x00" in relative or relative.startswith("/"):
            raise RefusedURL(f"not a template file: {url}")
        if Path(relative).suffix.lower() not in ALLOWED_SUFFIXES:
            raise RefusedURL(f"not a stylesheet, image or font: {url}")
        for root in self.roots:
            path = (root / relative).resolve()
            if path.is_relative_to(root) and path.is_file():
                return path
        raise RefusedURL(f"not a template file: {url}")

    @staticmethod
    def data(url: str) -> URLFetcherResponse:
        """A ``data:`` URI, decoded here (RFC 2397) rather than by urllib's handlers."""
        header, sep, payload = url[5:].partition(",")
        if not sep:
            raise RefusedURL("a data: URI without a comma")
        params = header.split(";")
        media_type = params[0] or "text/plain"
        if "base64" in params[1:]:
            body = base64.b64decode(payload, validate=False)
        else:
            body = unquote_to_bytes(payload)
        if len(body) > MAX_DATA_URI:
            raise RefusedURL("a data: URI over 5 MB")
        return URLFetcherResponse("data:", body, {"Content-Type": media_type})

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            return self.data(url)
        path = self.path_of(url)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media_type == "text/css":
            media_type += "; charset=utf-8"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        """Never through urllib's handlers: everything goes through :meth:`fetch`."""
        return self.fetch(url if isinstance(url, str) else url.full_url)


def render_pdf(html: str, template_folders: Sequence[Path]) -> bytes:
    """The PDF of a rendered document; relative URLs resolve in ``template_folders``."""
    fetcher = TemplateFilesOnly(template_folders)
    pdf = HTML(string=html, base_url=ORIGIN, url_fetcher=fetcher).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
