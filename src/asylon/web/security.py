"""Security headers Django does not set by itself, the same headers on static files, and the
refusal of NUL characters in API input (PostgreSQL cannot store them: it was a 500)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy from settings on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


def static_headers(headers: Any, path: str, url: str) -> None:
    """WhiteNoise answers ``/static/`` before the middleware below runs: the same policy, and no
    framing, for the stylesheets and scripts too (``WHITENOISE_ADD_HEADERS_FUNCTION``)."""
    headers["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = settings.SECURE_REFERRER_POLICY


def _nul_paths(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "(body)"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_paths(key, path)
            yield from _nul_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nul_paths(item, f"{path}[{i}]")


class RefuseNulMiddleware:
    """An API request whose query or JSON body holds a NUL character is refused with 422 naming
    the field: no text column can hold one in PostgreSQL (SQLite would keep it), and none has a
    use in a name, a note or a place. Page forms already refuse it (Django's form fields)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            found = [
                f"?{k}" for k, values in request.GET.lists() if any("\x00" in v for v in values)
            ]
            if request.content_type == "application/json" and request.body:
                with contextlib.suppress(ValueError):  # not JSON: the API says so itself
                    found += list(_nul_paths(json.loads(request.body), ""))
            if found:
                message = "NUL characters are not allowed in text"
                return JsonResponse(
                    {
                        "detail": message,
                        "errors": [{"field": f, "message": message} for f in found],
                    },
                    status=422,
                )
        return self.get_response(request)
