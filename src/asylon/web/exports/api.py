"""The JSON API of exports behind approval, mounted on the API with
``api.add_router("/exports", "asylon.web.exports.api.router")``.

- ``GET /exports``: the caller's own requests; ``GET /exports/queue``: pending requests of the
  caller's team that the caller may decide (supervisors and administrators);
- ``GET /exports/preview``: how many cases a scope holds now;
- ``POST /exports``: request an export (201, pending);
- ``GET /exports/{id}``: one request (the requester, or a supervisor of its team);
- ``POST /exports/{id}/approve`` and ``/refuse``: decide (a supervisor of the team, never the
  requester; another team's request is 404);
- ``POST /exports/{id}/cancel``: withdraw a pending request;
- ``POST /exports/{id}/download``: the file (the requester only, while the approval holds).

Same rules as the pages (:mod:`asylon.web.exports.services`); researchers get 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from asylon.web.api.auth import session_auth, token_auth
from asylon.web.api.schemas import ErrorOut
from asylon.web.cases.models import Case
from asylon.web.exports import services
from asylon.web.exports.models import ExportRequest

router = Router(auth=[token_auth, session_auth], tags=["exports behind approval"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 410: ErrorOut}

KindIn = Literal["case_files", "clients"]
FormatIn = Literal["zip", "jsonl", "csv"]
JurisdictionIn = Literal["unhcr", "eu", "ru"]


class ScopeIn(Schema):
    kind: KindIn = Field(description="case_files (asylon.case/1) or clients (the client list)")
    format: FormatIn = Field(description="case_files: zip or jsonl; clients: csv")
    assigned_only: bool = Field(False, description="Only the cases assigned to the caller")
    status: Case.Status | None = Field(None, description="Only cases with this status")
    jurisdiction: JurisdictionIn | None = Field(None, description="eu includes eu:<state>")


class ExportIn(ScopeIn):
    reason: str = Field(
        min_length=1,
        max_length=services.MAX_REASON,
        description="Why the data must leave Asylon; no client's name.",
    )


class DecisionIn(Schema):
    reason: str = Field(min_length=1, max_length=services.MAX_REASON)


class CountOut(Schema):
    count: int


class ExportOut(Schema):
    id: int
    kind: str
    format: str
    assigned_only: bool
    status: str | None
    jurisdiction: str | None
    reason: str
    state: str = Field(description="pending, refused, cancelled, ready, used or expired")
    requester: int
    requested_at: datetime
    requested_count: int = Field(description="Cases in scope when requested")
    case_count: int = Field(description="Cases frozen at approval (0 before)")
    decided_by: int | None
    decided_at: datetime | None
    decision_reason: str
    expires_at: datetime | None
    downloads: int
    max_downloads: int


def _out(row: ExportRequest) -> dict[str, Any]:
    return {
        "id": row.pk,
        "kind": row.kind,
        "format": row.fmt,
        "assigned_only": row.assigned_only,
        "status": row.case_status or None,
        "jurisdiction": row.jurisdiction or None,
        "reason": row.reason,
        "state": row.state,
        "requester": row.requester_id,
        "requested_at": row.requested_at,
        "requested_count": row.requested_count,
        "case_count": row.case_count,
        "decided_by": row.decided_by_id,  # type: ignore[attr-defined]
        "decided_at": row.decided_at,
        "decision_reason": row.decision_reason,
        "expires_at": row.expires_at,
        "downloads": row.downloads,
        "max_downloads": row.max_downloads,
    }


def _error(err: services.ExportError) -> Any:
    errors = [{"field": err.field, "message": err.message}] if err.field else []
    return Status(err.status, {"detail": err.message, "errors": errors})


def _people(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not services.sees_people(user):
        raise Http404("no exports for this user")
    return user


def _scope(body: ScopeIn) -> services.Scope:
    return services.Scope(
        kind=body.kind,
        fmt=body.format,
        assigned_only=body.assigned_only,
        case_status=body.status.value if body.status else "",
        jurisdiction=body.jurisdiction or "",
    )


@router.get("", response={200: list[ExportOut], **ERRORS})
def list_exports(request: HttpRequest) -> Any:
    """The caller's own export requests, newest first."""
    return [_out(r) for r in services.own_requests(_people(request))[:500]]


@router.get("/queue", response={200: list[ExportOut], **ERRORS})
def queue(request: HttpRequest) -> Any:
    """Pending requests of the caller's team, by others, oldest first (deciders only)."""
    user = _people(request)
    if not services.may_decide(user):
        raise Http404("no approval queue for this user")
    return [_out(r) for r in services.decision_queue(user)]


@router.get("/preview", response={200: CountOut, 422: ErrorOut, **ERRORS})
def preview(request: HttpRequest, scope: Query[ScopeIn]) -> Any:
    """How many cases the scope holds now for the caller (nothing is requested)."""
    user = _people(request)
    try:
        return {"count": services.preview_count(user, _scope(scope))}
    except services.ExportError as err:
        return _error(err)


@router.post("", response={201: ExportOut, 422: ErrorOut, **ERRORS})
def request_export(request: HttpRequest, body: ExportIn) -> Any:
    """Request an export; it waits for a supervisor of the caller's team."""
    user = _people(request)
    try:
        row = services.create_request(user, _scope(body), body.reason)
    except services.ExportError as err:
        return _error(err)
    return Status(201, _out(row))


@router.get("/{export_id}", response={200: ExportOut, **ERRORS})
def export_detail(request: HttpRequest, export_id: int) -> Any:
    return _out(services.get_request(_people(request), export_id))


@router.post("/{export_id}/approve", response={200: ExportOut, 422: ErrorOut, **ERRORS})
def approve(request: HttpRequest, export_id: int, body: DecisionIn) -> Any:
    """Approve: freezes the cases, starts the expiry window (never one's own request)."""
    try:
        return _out(services.approve(_people(request), export_id, body.reason))
    except services.ExportError as err:
        return _error(err)


@router.post("/{export_id}/refuse", response={200: ExportOut, 422: ErrorOut, **ERRORS})
def refuse(request: HttpRequest, export_id: int, body: DecisionIn) -> Any:
    try:
        return _out(services.refuse(_people(request), export_id, body.reason))
    except services.ExportError as err:
        return _error(err)


@router.post("/{export_id}/cancel", response={200: ExportOut, **ERRORS})
def cancel(request: HttpRequest, export_id: int) -> Any:
    try:
        return _out(services.cancel(_people(request), export_id))
    except services.ExportError as err:
        return _error(err)


@router.post(
    "/{export_id}/download",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "The export: application/zip, application/x-ndjson or text/csv",
                "content": {
                    "application/zip": {"schema": {"type": "string", "format": "binary"}},
                    "application/x-ndjson": {"schema": {"type": "string"}},
                    "text/csv": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def download(request: HttpRequest, export_id: int) -> Any:
    """The file, made now from the frozen cases the requester still sees; uses one download."""
    try:
        taken = services.take_download(_people(request), export_id)
    except services.ExportError as err:
        return _error(err)
    return services.response_for(taken)
