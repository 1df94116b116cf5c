"""HTML to PDF with WeasyPrint, with a renderer that fetches nothing but our own stylesheet.

Security: WeasyPrint fetches every URL a document names (stylesheets, images, ``<object>``,
``<embed>``, ``<link rel=attachment>``, ``url()`` in CSS) and by default it can read any local
file (``file:///etc/passwd``) and reach any host (``http://169.254.169.254/``): a record text
that slipped into markup would turn the dossier into a file reader or a request forger (the
"Security" chapter of WeasyPrint's documentation; SSRF, local file disclosure). The page is
rendered with Django's escaping, and on top of that :class:`StaticOnlyFetcher` refuses every
URL except the application's own static files under ``https://asylon.invalid/static/`` (a
host that cannot resolve, RFC 2606), which it reads from the package's ``static`` folder on
disk after checking that the path stays inside it. No network, no ``file:``, no ``data:``.

Fonts come from the system through fontconfig (``Noto Sans``, ``Noto Naskh Arabic`` from
Debian's ``fonts-noto-core``, then ``DejaVu Sans``); no web font is fetched.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

__all__ = ["ORIGIN", "RefusedURL", "StaticOnlyFetcher", "render_pdf", "static_dir"]

ORIGIN = "https://asylon.invalid/"
"""The base URL of a rendered page: ``/static/x.css`` resolves under it."""

ALLOWED_SUFFIXES = frozenset({".css", ".png", ".svg", ".jpg", ".jpeg"})


class RefusedURL(ValueError):
    """The renderer was asked for a URL that is not one of the application's static files."""


def static_dir() -> Path:
    """The application's static folder in the package (``asylon/web/static``)."""
    return Path(__file__).resolve().parent.parent / "static"


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's URL fetcher, restricted to the application's static files on disk."""

    def __init__(self, root: Path | None = None) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.root = (root or static_dir()).resolve()
        self.prefix = ORIGIN + settings.STATIC_URL.lstrip("/")

    def path_of(self, url: str) -> Path:
        """The file a URL names, or :class:`RefusedURL`."""
        if not url.startswith(self.prefix):
            raise RefusedURL(f"the PDF renderer fetches only the application's static files: {url}")
        parts = urlsplit(url)
        relative = unquote(parts.path[len(urlsplit(self.prefix).path) :])
        if not relative or "\\" in relative or "\x00" in relative:
            raise RefusedURL(f"not a static file: {url}")
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"not a static file: {url}")
        if path.suffix.lower() not in ALLOWED_SUFFIXES:
            raise RefusedURL(f"not a stylesheet or an image: {url}")
        return path

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = self.path_of(url)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media_type == "text/css":
            media_type += "; charset=utf-8"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        """Never through urllib's handlers: everything goes through :meth:`fetch`."""
        return self.fetch(url if isinstance(url, str) else url.full_url)


def render_pdf(html: str) -> bytes:
    """The PDF of a page of ours (its static links resolved under :data:`ORIGIN`)."""
    document = HTML(string=html, base_url=ORIGIN, url_fetcher=StaticOnlyFetcher())
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
