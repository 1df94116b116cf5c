"""Security headers on pages, the API, static files and error pages; cookie flags; HSTS
when served over HTTPS (``ASYLON_HTTPS=1``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.web.security.conftest import World


def _directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_headers(response, where: str) -> None:  # type: ignore[no-untyped-def]
    csp = response.get("Content-Security-Policy", "")
    assert csp, f"{where}: no Content-Security-Policy"
    d = _directives(csp)
    scripts = d.get("script-src", d.get("default-src", []))
    assert scripts, f"{where}: CSP without script-src or default-src: {csp}"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, csp
    assert "*" not in scripts and "data:" not in scripts, csp
    assert d.get("frame-ancestors") == ["'none'"] or response.get("X-Frame-Options") == "DENY"
    assert response.get("X-Frame-Options") == "DENY", where
    assert response.get("X-Content-Type-Options") == "nosniff", where
    assert response.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin"), where


def _static_file() -> str:
    for folder in settings.STATICFILES_DIRS:
        for path in sorted(Path(folder).iterdir()):
            if path.is_file():
                return "/" + settings.STATIC_URL.lstrip("/") + path.name
    raise AssertionError("no static file")


def _ok(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, "the static file is served"
    return response


def test_headers_on_pages_api_static_and_errors(w: World) -> None:
    a = w.browser("a")
    anonymous = w.browser(None)
    for where, response in [
        ("login page", anonymous.get("/en/accounts/login/")),
        ("dashboard", a.get("/en/")),
        ("case page", a.get(f"/en/cases/{w.case.pk}/")),
        ("404 page", a.get("/en/cases/99999999/")),
        ("405", a.get(f"/en/cases/{w.case.pk}/assess/")),
        ("API list", anonymous.get("/api/cases", **w.bearer("a"))),
        ("API 401", anonymous.get("/api/cases")),
        ("API 404", anonymous.get("/api/cases/99999999", **w.bearer("a"))),
        ("OpenAPI", anonymous.get("/api/openapi.json")),
        ("document download", a.get(f"/en/cases/{w.case.pk}/documents/{w.document.pk}/download/")),
    ]:
        assert response.status_code < 500, where
        assert_headers(response, where)


def test_static_files_are_never_sniffed(w: World) -> None:
    response = _ok(w.browser(None).get(_static_file()))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_static_files_carry_the_same_headers_as_pages(w: World) -> None:
    assert_headers(_ok(w.browser(None).get(_static_file())), "static")


def test_downloads_are_attachments_in_a_sandbox(w: World) -> None:
    for who, url in [
        ("a", f"/en/cases/{w.case.pk}/documents/{w.document.pk}/download/"),
        ("staff", f"/en/register/evidence/{w.evidence.pk}/download/"),
        ("a", f"/en/cases/{w.case.pk}/case-file.json"),
    ]:
        response = w.browser(who).get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment"), url
        assert response["X-Content-Type-Options"] == "nosniff"
    api = w.browser(None).get(
        f"/api/cases/{w.case.pk}/documents/{w.document.pk}/content", **w.bearer("a")
    )
    assert api.status_code == 200
    assert api["Content-Disposition"].startswith("attachment")
    assert (
        "sandbox" in api["Content-Security-Policy"]
        or "default-src 'none'" in api["Content-Security-Policy"]
    )


def test_session_and_csrf_cookies_are_http_only_and_same_site(w: World) -> None:
    b = w.browser(None)
    b.get("/en/accounts/login/")
    response = b.post(
        "/en/accounts/login/",
        {"username": "demo-caseworker", "password": "amber tram crosses the Moskva"},
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] is True
    assert session["samesite"].lower() in ("lax", "strict")
    csrf = b.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["samesite"].lower() in ("lax", "strict")
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_AGE <= 12 * 3600


def _settings_with(env: dict[str, str]) -> dict[str, object]:
    code = (
        "import json, asylon.web.settings as s; print(json.dumps({k: getattr(s, k, None) for k in "
        "('SECURE_HSTS_SECONDS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', 'DEBUG')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "ASYLON_SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_cookies_are_secure_over_https() -> None:
    https = _settings_with({"ASYLON_HTTPS": "1"})
    assert https["SESSION_COOKIE_SECURE"] is True and https["CSRF_COOKIE_SECURE"] is True
    assert https["DEBUG"] is False


def test_hsts_over_https() -> None:
    https = _settings_with({"ASYLON_HTTPS": "1"})
    assert (https["SECURE_HSTS_SECONDS"] or 0) >= 31536000
