"""The JSON API that writes the facts of a case: the decision-maker's findings, the claim (fears,
military service) and the conduct examined under Article 1F. A django-ninja ``Router`` mounted
on the API with ``api.add_router("/cases", "asylon.web.api.facts_api.router")``.

Bodies are the contract's own shapes (``asylon.case/1``, docs/case-file.md): each ``PUT``
replaces one part of the case file (``null`` removes it: unknown). Same rules as the findings,
claim and conduct pages: the case is found through the access rule (404, never 403), the row is
locked, the whole case file is validated by the contract before anything is written (422
naming each field path, e.g. ``claim.findings.risk_of_persecution``; nothing written), and the
change is audited with its before and after (``via: api``). Optimistic locking: a ``PUT``
with ``If-Match: "r<N>"`` (``revision`` of ``GET /cases/{id}``) is refused with 412 when the
case has been saved since; without ``If-Match`` the write is not checked.

The reading of the findings lives here too: a path is served by one router, so the ``GET`` and
the ``PUT`` of ``/cases/{case_id}/findings`` must share one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from asylon.web.api.auth import session_auth, token_auth
from asylon.web.api.schemas import ErrorOut
from asylon.web.audit.services import record
from asylon.web.cases import concurrency
from asylon.web.cases.access import visible_cases
from asylon.web.cases.casefile import to_case_file
from asylon.web.cases.forms import json_copy
from asylon.web.cases.models import Case

router = Router(auth=[token_auth, session_auth], tags=["findings and facts"])
NOT_FOUND = {404: ErrorOut, 401: ErrorOut}
WRITE = {422: ErrorOut, 413: ErrorOut, 412: ErrorOut, **NOT_FOUND}
MAX_BODY_BYTES = 1_000_000
Changes = tuple[dict[str, Any], dict[str, Any]]  # audit: (before, after) by field path


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/asylon.case.{name}"}


def _body_doc(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """The OpenAPI request body in the contract's own JSON Schema (null removes the part)."""
    nullable = {"anyOf": [schema, {"type": "null"}]}
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": nullable}},
        }
    }


class _BadBody(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _case(request: HttpRequest, case_id: int) -> Case:
    return get_object_or_404(visible_cases(_user(request)), pk=case_id)


def _json_body(request: HttpRequest) -> Any:
    if len(request.body) > MAX_BODY_BYTES:
        raise _BadBody(413, "the body is larger than 1 MB")
    try:
        return json.loads(request.body)
    except (UnicodeDecodeError, ValueError) as err:
        raise _BadBody(422, f"not valid JSON: {err}") from None


def _get(facts: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = facts
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _put(facts: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    *parents, last = path
    node = facts
    for key in parents:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    if value is None:
        node.pop(last, None)
    else:
        node[last] = value


def _leaves(value: Any, prefix: str) -> dict[str, Any]:
    """Dotted path → value of every leaf of nested objects (lists are leaves)."""
    if not isinstance(value, dict):
        return {} if value is None else {prefix: value}
    out: dict[str, Any] = {}
    for key, sub in value.items():
        out.update(_leaves(sub, f"{prefix}.{key}"))
    return out


def _by_leaf(before: Any, after: Any, prefix: str) -> Changes:
    old, new = _leaves(before, prefix), _leaves(after, prefix)
    changed = sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))
    return {p: old.get(p) for p in changed}, {p: new.get(p) for p in changed}


def _by_key(before: Any, after: Any, prefix: str) -> Changes:
    """Changes per top-level key of an object (the conduct: roles, acts, convictions...)."""
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    return (
        {f"{prefix}.{k}": old.get(k) for k in changed},
        {f"{prefix}.{k}": new.get(k) for k in changed},
    )


def _whole(before: Any, after: Any, prefix: str) -> Changes:
    """The part as one value (a list of fears, the military service), as the claim page does."""
    if before == after:
        return {}, {}
    return {prefix: before}, {prefix: after}


def _replace(
    request: HttpRequest,
    case_id: int,
    path: tuple[str, ...],
    action: str,
    diff: Callable[[Any, Any, str], Changes],
) -> Any:
    """Replace one part of the case's facts, all or nothing, and audit what changed."""
    user = _user(request)
    case = _case(request, case_id)
    try:
        value = _json_body(request)
    except _BadBody as err:
        errors = [{"field": "", "message": err.message}]
        return Status(err.status, {"detail": err.message, "errors": errors})
    read = concurrency.if_match_revision(request)
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("client").get(pk=case.pk)
        try:
            concurrency.check(locked, read)
        except concurrency.StaleEdit:
            message = (
                f"If-Match names revision r{read}, but the case is at revision "
                f"r{locked.revision}: someone else saved it since you read it; nothing was saved"
            )
            return Status(412, {"detail": message, "errors": [{"field": "", "message": message}]})
        before = json_copy(locked.facts or {})
        after = json_copy(before)
        _put(after, path, value)
        locked.facts = after
        to_case_file(locked)  # validates the whole case file; raises before any write
        locked.save(update_fields=["facts", concurrency.bump(locked)])
        dotted = ".".join(path)
        old, new = diff(_get(before, path), _get(after, path), dotted)
        record(user, action, locked, via="api", before=old, after=new)
    return _get(after, path)


# --- findings -----------------------------------------------------------------------------


@router.get("/{case_id}/findings", response={200: dict[str, Any] | None, **NOT_FOUND})
def case_findings(request: HttpRequest, case_id: int) -> Any:
    """The decision-maker's findings on the claim (``claim.findings`` of asylon.case/1), or
    null when none are recorded."""
    case = _case(request, case_id)
    record(_user(request), "view_case", case, via="api", part="findings")
    return ((case.facts or {}).get("claim") or {}).get("findings")


@router.put(
    "/{case_id}/findings",
    response={200: dict[str, Any] | None, **WRITE},
    openapi_extra=_body_doc(
        _ref("Findings"),
        "``claim.findings`` of asylon.case/1: replaces the findings recorded (null removes "
        "them). Absent or null means not decided.",
    ),
)
def put_findings(request: HttpRequest, case_id: int) -> Any:
    """Record the decision-maker's findings of fact (credibility, risk of persecution, state
    and internal protection, risk of serious harm). Audited per finding changed, as on the
    findings page."""
    return _replace(request, case_id, ("claim", "findings"), "edit_findings", _by_leaf)


# --- claim --------------------------------------------------------------------------------


@router.put(
    "/{case_id}/claim/fears",
    response={200: list[dict[str, Any]] | None, **WRITE},
    openapi_extra=_body_doc(
        {"type": "array", "items": _ref("Fear")},
        "``claim.fears`` of asylon.case/1: one entry per feared harm; replaces the list.",
    ),
)
def put_fears(request: HttpRequest, case_id: int) -> Any:
    """Replace what the person fears and why (harms, actor, grounds, past persecution)."""
    return _replace(request, case_id, ("claim", "fears"), "edit_claim", _whole)


@router.put(
    "/{case_id}/claim/military-service",
    response={200: dict[str, Any] | None, **WRITE},
    openapi_extra=_body_doc(
        _ref("MilitaryService"),
        "``claim.military_service`` of asylon.case/1 (draft evasion and desertion claims).",
    ),
)
def put_military_service(request: HttpRequest, case_id: int) -> Any:
    """Replace the facts of a draft-evasion or desertion claim."""
    return _replace(request, case_id, ("claim", "military_service"), "edit_claim", _whole)


# --- conduct ------------------------------------------------------------------------------


@router.put(
    "/{case_id}/conduct",
    response={200: dict[str, Any] | None, **WRITE},
    openapi_extra=_body_doc(
        _ref("Conduct"),
        "``conduct`` of asylon.case/1: roles, acts, convictions and the danger to the host "
        "country; replaces the whole section.",
    ),
)
def put_conduct(request: HttpRequest, case_id: int) -> Any:
    """Replace the conduct examined under Article 1F and the danger exceptions. Record what is
    found, not what is suspected; leave a question out (unknown) until it is decided."""
    return _replace(request, case_id, ("conduct",), "edit_conduct", _by_key)


__all__ = ["router"]
