"""IDOR: every URL and API operation that names an object, tried by people who may not see it.

Team A (Moscow) owns the victim case and everything on it. Team B's caseworker, team B's
register reviewer (who may judge screening hits, but only on cases she sees), a researcher
and an anonymous visitor try every page and every API operation that takes an id, with GET
and with the state-changing methods: they get 404 (pages: 404, or a redirect to the login
page for the anonymous; API: 401 for the anonymous), never a page with data, and nothing in
the database changes. Register pages (not team-scoped: documentation staff only) are tried by
caseworkers of both teams, the researcher and the anonymous.

The tables below say how to build the ids of each URL name and each API path. A new URL or
API operation with an id that is not in the tables fails :func:`test_every_url_with_an_id_is_covered`
and :func:`test_every_api_operation_with_an_id_is_covered`: add it, with the objects it needs.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from asylon.web.timeline.ical import ical_token
from tests.web.security.conftest import PDF_BYTES, World

CASE, REGISTER, CAPABILITY, ACCOUNT = "case", "register", "capability", "account"
EXPORT = "export"  # a team's bulk-export request: team-scoped like a case
Build = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Entry:
    kind: str  # whose object: a team's case, the register, a capability token
    build: Build  # the ids of the victim's object
    mixed: Build | None = None  # the attacker's own case with the victim's child object


def _case(w: World) -> dict[str, Any]:
    return {"pk": w.case.pk}


# URL name -> how to build the ids of team A's object (every route with a converter)
PAGES: dict[str, Entry] = {
    "cases:detail": Entry(CASE, _case),
    "cases:client": Entry(CASE, _case),
    "cases:family": Entry(CASE, _case),
    "cases:settings": Entry(CASE, _case),
    "cases:findings": Entry(CASE, _case),
    "cases:section": Entry(CASE, lambda w: {"pk": w.case.pk, "page": "claim"}),
    "cases:assess": Entry(CASE, _case),
    "cases:assessment": Entry(
        CASE,
        lambda w: {"pk": w.case.pk, "assessment_id": w.assessment.pk},
        lambda w: {"pk": w.own_case.pk, "assessment_id": w.assessment.pk},
    ),
    "cases:compare": Entry(CASE, _case),
    "cases:export": Entry(CASE, _case),
    "documents:list": Entry(CASE, _case),
    "documents:upload": Entry(CASE, _case),
    "documents:generate": Entry(CASE, _case),
    "documents:download": Entry(
        CASE,
        lambda w: {"pk": w.case.pk, "doc_id": w.document.pk},
        lambda w: {"pk": w.own_case.pk, "doc_id": w.document.pk},
    ),
    "documents:add_note": Entry(CASE, _case),
    "documents:delete_note": Entry(
        CASE,
        lambda w: {"pk": w.case.pk, "note_id": w.note.pk},
        lambda w: {"pk": w.own_case.pk, "note_id": w.note.pk},
    ),
    "evidence:case": Entry(CASE, _case),
    "screening:case": Entry(CASE, _case),
    "screening:screen": Entry(CASE, _case),
    "screening:judge": Entry(CASE, lambda w: {"hit_id": w.hit.pk}),
    "timeline:case": Entry(CASE, _case),
    "timeline:delete": Entry(
        CASE,
        lambda w: {"pk": w.case.pk, "event_id": w.event.pk},
        lambda w: {"pk": w.own_case.pk, "event_id": w.event.pk},
    ),
    "timeline:ical": Entry(CAPABILITY, lambda w: {"token": ical_token(w.users["a"])}),
    "exports:detail": Entry(EXPORT, lambda w: {"pk": w.export.pk}),
    "exports:decide": Entry(EXPORT, lambda w: {"pk": w.export.pk}),
    "exports:cancel": Entry(EXPORT, lambda w: {"pk": w.export.pk}),
    "exports:download": Entry(EXPORT, lambda w: {"pk": w.export.pk}),
    # a user's own security settings and the administrators' user management
    "accounts:webauthn_remove": Entry(ACCOUNT, lambda w: {"pk": w.key.pk}),
    "accounts:user_sessions": Entry(ACCOUNT, lambda w: {"pk": w.users["a"].pk}),
    "accounts:revoke_session": Entry(
        ACCOUNT, lambda w: {"pk": w.users["a"].pk, "session_id": _session_of(w.users["a"])}
    ),
    "accounts:revoke_all": Entry(ACCOUNT, lambda w: {"pk": w.users["a"].pk}),
    "accounts:reset_second_factors": Entry(ACCOUNT, lambda w: {"pk": w.users["a"].pk}),
    "register:person": Entry(REGISTER, lambda w: {"pk": w.person.pk}),
    "victims:person": Entry(REGISTER, lambda w: {"pk": w.victim_person.pk}),
    "victims:split": Entry(REGISTER, lambda w: {"pk": w.victim_person.pk}),
    "victims:merge": Entry(REGISTER, lambda w: {"pk": w.victim_person.pk}),
    "register:dossier": Entry(REGISTER, lambda w: {"pk": w.person.pk}),
    "register:dossier_pdf": Entry(REGISTER, lambda w: {"pk": w.person.pk}),
    "register:unit": Entry(REGISTER, lambda w: {"pk": w.unit.pk}),
    "register:incident": Entry(REGISTER, lambda w: {"pk": w.incident.pk}),
    "register:evidence": Entry(REGISTER, lambda w: {"pk": w.evidence.pk}),
    "register:transfer_evidence": Entry(REGISTER, lambda w: {"pk": w.evidence.pk}),
    "register:evidence_download": Entry(REGISTER, lambda w: {"pk": w.evidence.pk}),
    "register:record": Entry(REGISTER, lambda w: {"record_type": "person", "pk": w.person.pk}),
    "register:transition": Entry(REGISTER, lambda w: {"record_type": "person", "pk": w.person.pk}),
}


def _session_of(user: Any) -> int:
    """A tracked session of ``user`` (a login makes one)."""
    from asylon.web.accounts.models import UserSession

    Browser().force_login(user)
    row = UserSession.objects.filter(user=user).order_by("-pk").first()
    return row.pk if row is not None else 999_999


def _api_case(w: World) -> dict[str, Any]:
    return {"case_id": w.case.pk}


# API path -> ids of team A's object; the body of each state-changing method is valid, so
# that a missing access check would reach the view (a 422 would prove nothing)
API: dict[str, Entry] = {
    "/api/cases/{case_id}": Entry(CASE, _api_case),
    "/api/cases/{case_id}/case-file": Entry(CASE, _api_case),
    "/api/cases/{case_id}/assess": Entry(CASE, _api_case),
    "/api/cases/{case_id}/assessments": Entry(CASE, _api_case),
    "/api/cases/{case_id}/assessments/{assessment_id}": Entry(
        CASE,
        lambda w: {"case_id": w.case.pk, "assessment_id": w.assessment.pk},
        lambda w: {"case_id": w.own_case.pk, "assessment_id": w.assessment.pk},
    ),
    "/api/cases/{case_id}/compare": Entry(CASE, _api_case),
    "/api/cases/{case_id}/documents": Entry(CASE, _api_case),
    "/api/cases/{case_id}/documents/{document_id}": Entry(
        CASE,
        lambda w: {"case_id": w.case.pk, "document_id": w.document.pk},
        lambda w: {"case_id": w.own_case.pk, "document_id": w.document.pk},
    ),
    "/api/cases/{case_id}/documents/{document_id}/content": Entry(
        CASE,
        lambda w: {"case_id": w.case.pk, "document_id": w.document.pk},
        lambda w: {"case_id": w.own_case.pk, "document_id": w.document.pk},
    ),
    "/api/cases/{case_id}/notes": Entry(CASE, _api_case),
    "/api/cases/{case_id}/findings": Entry(CASE, _api_case),
    "/api/cases/{case_id}/claim/fears": Entry(CASE, _api_case),
    "/api/cases/{case_id}/claim/military-service": Entry(CASE, _api_case),
    "/api/cases/{case_id}/conduct": Entry(CASE, _api_case),
    "/api/cases/{case_id}/events": Entry(CASE, _api_case),
    "/api/cases/{case_id}/events/{event_id}": Entry(
        CASE,
        lambda w: {"case_id": w.case.pk, "event_id": w.event.pk},
        lambda w: {"case_id": w.own_case.pk, "event_id": w.event.pk},
    ),
    "/api/cases/{case_id}/deadlines": Entry(CASE, _api_case),
    "/api/cases/{case_id}/screen": Entry(CASE, _api_case),
    "/api/cases/{case_id}/screening": Entry(CASE, _api_case),
    "/api/screening/hits/{hit_id}/judgement": Entry(CASE, lambda w: {"hit_id": w.hit.pk}),
    "/api/exports/{export_id}": Entry(EXPORT, lambda w: {"export_id": w.export.pk}),
    "/api/exports/{export_id}/approve": Entry(EXPORT, lambda w: {"export_id": w.export.pk}),
    "/api/exports/{export_id}/refuse": Entry(EXPORT, lambda w: {"export_id": w.export.pk}),
    "/api/exports/{export_id}/cancel": Entry(EXPORT, lambda w: {"export_id": w.export.pk}),
    "/api/exports/{export_id}/download": Entry(EXPORT, lambda w: {"export_id": w.export.pk}),
}

# A valid body per (method, path suffix): the first suffix that matches the path is used.
JSON_BODIES: list[tuple[str, str, Any]] = [
    ("post", "/assess", {"as_of": "2024-01-15"}),
    ("post", "/notes", {"text": "written by an intruder"}),
    ("post", "/events", {"kind": "arrival", "on": "2024-01-10", "details": {}}),
    ("post", "/judgement", {"decision": "match", "reason": "an intruder's judgement"}),
    ("post", "/screen", {"threshold": 0.5}),
    ("post", "/approve", {"reason": "an intruder approves"}),
    ("post", "/refuse", {"reason": "an intruder refuses"}),
    ("put", "/findings", {}),
    ("put", "/fears", []),
    ("put", "/military-service", None),
    ("put", "/conduct", {}),
]

# What a form POST carries: every field name the case, documents, timeline, screening and
# register forms use, with values that would change something if the view accepted them.
FORM = {
    "full_name": "Renamed by an intruder",
    "status": "closed",
    "jurisdiction": "eu:de",
    "text": "written by an intruder",
    "title": "intruder",
    "kind": "other",
    "decision": "match",
    "hit{pk}-decision": "match",
    "reason": "intruder",
    "to": "peer_reviewed",
    "counterpart": "intruder",
    "as_of": "2024-01-15",
    "on": "2024-01-10",
    "relation": "spouse",
    "template": "appeal_brief",
    "language": "en",
    "format": "html",
    "threshold": "0.5",
}
VOLATILE = {"last_login", "last_used_at", "last_seen"}
COUNTERS = {"cases.DataVersion"}  # raised by any user save, a login's included (a cache key)
TRACKED_APPS = ("accounts", "api", "cases", "documents", "timeline", "screening", "register")
ATTACKERS = {
    CASE: ("b", "b_reviewer", "researcher"),
    REGISTER: ("a", "b", "researcher"),
    ACCOUNT: ("b", "b_reviewer", "researcher"),  # not administrators, not the key's owner
    EXPORT: ("b", "b_reviewer", "researcher"),
}


def walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str]]:
    """(route, namespaced name) of every URL pattern, through includes and i18n prefixes."""
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ns + (f"{p.namespace}:" if p.namespace else "")
            yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), ns + (p.name or "")


def page_routes() -> dict[str, str]:
    """Name -> route of every page (not the API) whose route has a converter."""
    return {
        name: route
        for route, name in walk(get_resolver().url_patterns)
        if "<" in route and not name.startswith("api:")
    }


def fingerprint() -> dict[str, str]:
    """Per model, a hash of every row of the apps that hold cases, people and the register
    (but the times of a user's last login and of a token's last use, and the cache counter)."""
    out = {}
    for model in apps.get_models():
        if model._meta.app_label in TRACKED_APPS and model._meta.label not in COUNTERS:
            fields = [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE]
            rows = model._default_manager.order_by("pk")
            if model._meta.label == "accounts.UserSession":  # every login adds one: revocations
                rows = rows.filter(revoked_at__isnull=False)
                fields = ["pk", "user_id", "revoked_at"]
            rows = list(rows.values_list(*fields))
            out[model._meta.label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def changed(before: dict[str, str]) -> list[str]:
    after = fingerprint()
    return [label for label in after if after[label] != before.get(label)]


def openapi(w: World) -> dict[str, Any]:
    response = w.browser(None).get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def _leaks(w: World, body: bytes) -> str | None:
    text = body.decode("utf-8", "replace")
    client = w.case.client.full_name
    return client if client and client in text else None


def test_every_url_with_an_id_is_covered() -> None:
    routes = page_routes()
    assert set(routes) - set(PAGES) == set(), "URLs with an id that the IDOR table misses"
    assert set(PAGES) - set(routes) == set(), "IDOR table entries for URLs that are gone"


def test_every_api_operation_with_an_id_is_covered(w: World) -> None:
    paths = {p for p in openapi(w)["paths"] if "{" in p}
    assert paths - set(API) == set(), "API paths with an id that the IDOR table misses"
    assert set(API) - paths == set(), "IDOR table entries for API paths that are gone"


def _expected_for_anonymous(response: Any) -> bool:
    if response.status_code in (302, 301):
        return "/accounts/login/" in response["Location"]
    return response.status_code in (404, 405)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_pages_refuse_other_teams_and_change_nothing(w: World, name: str) -> None:
    entry = PAGES[name]
    legit_kwargs = entry.build(w)
    if entry.kind == CAPABILITY:
        # the token is the credential: the owner's works, a forged one for the same user is 404
        assert w.browser(None).get(reverse(name, kwargs=legit_kwargs)).status_code == 200
        uid = w.users["a"].pk
        for forged in (
            f"{uid}-{'0' * 40}",
            ical_token(w.users["b"]).replace(f"{w.users['b'].pk}-", f"{uid}-", 1),
            f"{uid}",
            "x",
        ):
            got = w.browser("b").get(reverse(name, kwargs={"token": forged}))
            assert got.status_code == 404, forged
        return
    if entry.kind not in (ACCOUNT, EXPORT):  # (admins need a second factor; a pending export
        # has nothing to download or decide for its requester: not tried here)
        owner = "a" if entry.kind == CASE else "staff"
        legit = w.browser(owner).get(reverse(name, kwargs=legit_kwargs))
        assert legit.status_code in (200, 405), f"the owner cannot open {name}: table is wrong"
    variants = [legit_kwargs] + ([entry.mixed(w)] if entry.mixed else [])
    before = fingerprint()
    for kwargs in variants:
        url = reverse(name, kwargs=kwargs)
        form = {k.format(pk=w.hit.pk): v for k, v in FORM.items()}
        for who in (*ATTACKERS[entry.kind], None):
            b = w.browser(who)
            for method in ("get", "post"):
                response = getattr(b, method)(url, form) if method == "post" else b.get(url)
                where = f"{method.upper()} {url} as {who or 'anonymous'}"
                if who is None:
                    assert _expected_for_anonymous(response), f"{where}: {response.status_code}"
                elif entry.kind == ACCOUNT:  # refused, or sent to re-authenticate first
                    assert response.status_code in (403, 404, 405) or (
                        response.status_code == 302 and "/accounts/" in response["Location"]
                    ), f"{where}: {response.status_code}"
                else:
                    assert response.status_code in (404, 405), f"{where}: {response.status_code}"
                    leaked = _leaks(
                        w, b"".join(response) if response.streaming else response.content
                    )
                    assert leaked is None, f"{where} shows {leaked!r}"
    assert changed(before) == [], f"an attacker's request to {name} changed these tables"


def _json_body(method: str, path: str) -> Any:
    for m, suffix, body in JSON_BODIES:
        if m == method and path.endswith(suffix):
            return body
    return None


def _api_call(b: Browser, method: str, url: str, path: str, headers: dict[str, str]) -> Any:
    if method == "get":
        return b.get(url, **headers)
    if method == "post" and path.endswith("/documents"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("x.pdf", PDF_BYTES, "application/pdf")
        return b.post(url, {"file": upload, "title": "intruder"}, **headers)
    body = _json_body(method, path)
    return getattr(b, method)(
        url, data=json.dumps(body), content_type="application/json", **headers
    )


def test_api_refuses_other_teams_and_changes_nothing(w: World) -> None:
    doc = openapi(w)
    before = fingerprint()
    tried = 0
    for path, operations in doc["paths"].items():
        if "{" not in path or path not in API:  # the coverage test names a missing path
            continue
        entry = API[path]
        variants = [entry.build(w)] + ([entry.mixed(w)] if entry.mixed else [])
        for method in operations:
            for ids in variants:
                url = re.sub(r"\{(\w+)\}", lambda m, ids=ids: str(ids[m.group(1)]), path)
                for who in (*ATTACKERS[entry.kind], None):
                    headers = w.bearer(who) if who else {}
                    response = _api_call(w.browser(None), method, url, path, headers)
                    where = f"{method.upper()} {url} as {who or 'anonymous'}"
                    expected = 401 if who is None else 404
                    assert response.status_code == expected, (
                        f"{where}: {response.status_code} {response.content[:300]!r}"
                    )
                    content = b"".join(response) if response.streaming else response.content
                    assert _leaks(w, content) is None, where
                    tried += 1
    assert tried > 100
    assert changed(before) == [], "an attacker's API call changed these tables"


def test_api_bodies_are_valid_for_the_owner(w: World) -> None:
    """The bodies the attack uses reach the view: the owner gets no 422 with them, so the 404
    the attackers get is the access rule, not input validation."""
    doc = openapi(w)
    for path, operations in doc["paths"].items():
        if "{" not in path or path not in API:
            continue
        ids = API[path].build(w)
        url = re.sub(r"\{(\w+)\}", lambda m, ids=ids: str(ids[m.group(1)]), path)
        for method in operations:
            if method in ("get", "delete"):
                continue
            response = _api_call(w.browser(None), method, url, path, w.bearer("a"))
            assert response.status_code != 422, f"{method} {url}: {response.content[:300]!r}"


def test_lists_show_no_other_teams_case(w: World) -> None:
    """The collection endpoints (no id) do not list team A's case for the attackers."""
    victim = w.case.client.full_name
    for who in ATTACKERS[CASE]:
        listed = w.browser(None).get("/api/cases?limit=500", **w.bearer(who))
        assert listed.status_code == 200
        assert w.case.pk not in [c["id"] for c in listed.json()], who
        for url in ("/en/", f"/en/?q={victim[:4]}", "/en/screening/review/", "/en/timeline/"):
            page = w.browser(who).get(url)
            assert victim not in page.content.decode(), f"{url} as {who}"
        deadlines = w.browser(None).get("/api/deadlines", **w.bearer(who))
        assert victim not in deadlines.content.decode() and str(w.case.pk) not in [
            str(a.get("case_id")) for a in deadlines.json().get("alerts", [])
        ]
