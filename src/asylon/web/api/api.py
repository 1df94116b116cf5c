"""The JSON API under /api/: cases, findings, assessment, comparison, case-file import and
export, and country evidence. Documented at /api/docs, schema at /api/openapi.json.

The access rule is the pages' one (:func:`asylon.web.cases.access.visible_cases`): a case the
caller may not see is 404, never 403; a researcher sees no case and no person. Every case
read, export, import and assessment is audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from asylon.evidence import store
from asylon.evidence.gazetteer import AmbiguousPlace, PlaceError, UnknownPlace
from asylon.evidence.indicators import Area, AreaError, compute, resolve_area
from asylon.law import CaseFileError, LawNotInForce
from asylon.law.facts import CaseFile
from asylon.web.api.auth import session_auth, token_auth
from asylon.web.api.schemas import (
    AssessIn,
    AssessmentOut,
    AssessmentSummary,
    CaseDetailOut,
    CaseOut,
    CompareOut,
    CreatedOut,
    ErrorOut,
    PlaceErrorOut,
)
from asylon.web.audit.services import record
from asylon.web.cases.access import visible_cases
from asylon.web.cases.assessing import assess_case, compare_case
from asylon.web.cases.case_list import found
from asylon.web.cases.casefile import import_case, to_case_file
from asylon.web.cases.models import Assessment, Case
from asylon.web.crypto.blind_index import cases_named, query_digest

MAX_CASE_FILE_BYTES = 1_000_000
#: the largest offset a listing takes: beyond any caseload, within the databases' integer range
#: (SQLite refused an offset past 2**63 with a datatype error: a 500 the fuzzer found)
MAX_OFFSET = 1_000_000_000
CASE_FILE_REF = {"$ref": "#/components/schemas/asylon.case.1"}
_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


class AsylonAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The generated schema plus asylon.case/1 (request and response of case files)."""
        schema = super().get_openapi_schema(**kwargs)
        case = CaseFile.model_json_schema(
            by_alias=True,
            mode="validation",
            ref_template="#/components/schemas/asylon.case.{model}",
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, sub in case.pop("$defs", {}).items():
            components[f"asylon.case.{name}"] = sub
        case["title"] = "Asylon case file (asylon.case/1)"
        components["asylon.case.1"] = case
        return schema


api = AsylonAPI(
    title="Asylon API",
    version="1",
    description=(
        "Cases, findings, assessment, comparison, case-file import/export and country "
        "evidence. Authenticate with `Authorization: Bearer <token>` (create one with "
        "`asylon manage create_api_token USERNAME`) or a logged-in browser session (CSRF "
        "applies to POST)."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=[token_auth, session_auth],
)

# --- errors: {"detail": ..., "errors": [{"field": ..., "message": ...}]} ------------------


def _error(
    request: HttpRequest,
    status: int,
    detail: str,
    errors: list[tuple[str, str]] = (),  # type: ignore[assignment]
    **extra: Any,
) -> HttpResponse:
    body = {"detail": detail, "errors": [{"field": f, "message": m} for f, m in errors], **extra}
    return api.create_response(request, body, status=status)


def _loc(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = list(loc)
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
        if parts and parts[0] == "body":  # the name of the body parameter
            parts = parts[1:]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else ("." if out else "") + str(p)
    return out


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [(_loc(e.get("loc", ())), str(e.get("msg", "invalid"))) for e in exc.errors]
    return _error(request, 422, "invalid input", errors)


@api.exception_handler(CaseFileError)
def _invalid_case_file(request: HttpRequest, exc: CaseFileError) -> HttpResponse:
    return _error(request, 422, "invalid case file (asylon.case/1)", exc.errors)


class InvalidField(Exception):
    """Invalid input in one named field (422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@api.exception_handler(InvalidField)
def _invalid_field(request: HttpRequest, exc: InvalidField) -> HttpResponse:
    return _error(request, 422, exc.message, [(exc.field, exc.message)])


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not found")


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(request, 401, "authentication required: a valid bearer token or a session")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(store.StoreMissing)
def _no_store(request: HttpRequest, exc: store.StoreMissing) -> HttpResponse:
    return _error(
        request,
        503,
        "the evidence store is not built on this server: an administrator runs "
        "'asylon evidence build'",
    )


@api.exception_handler(PlaceError)
def _bad_place(request: HttpRequest, exc: PlaceError) -> HttpResponse:
    extra: dict[str, Any] = {}
    if isinstance(exc, AmbiguousPlace):
        extra["candidates"] = [
            {"code": p.code, "kind": p.kind, "name": p.name_en, "label": p.label()}
            for p in exc.candidates
        ]
    if isinstance(exc, UnknownPlace):
        extra["suggestions"] = list(exc.suggestions)
    return _error(request, 422, str(exc), [("place", str(exc))], **extra)


# --- cases --------------------------------------------------------------------------------

NOT_FOUND = {404: ErrorOut, 401: ErrorOut}


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _case(request: HttpRequest, case_id: int) -> Case:
    return get_object_or_404(visible_cases(_user(request)).select_related("client"), pk=case_id)


def _case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "jurisdiction": case.jurisdiction,
        "procedure": case.procedure_kind,
        "status": case.status,
        "restricted": case.restricted,
        "client": {"id": case.client_id, "name": case.client.full_name},
        "created_at": case.created_at,
    }


@api.get(
    "/cases",
    response={200: list[CaseOut], 401: ErrorOut, 422: ErrorOut},
    tags=["cases"],
    openapi_extra={
        "responses": {
            200: {
                "headers": {
                    "X-Total-Count": {
                        "description": "How many cases match, over all pages",
                        "schema": {"type": "integer"},
                    }
                }
            }
        }
    },
)
def list_cases(
    request: HttpRequest,
    response: HttpResponse,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    q: str | None = Query(None, max_length=100),
    status: Case.Status | None = None,
) -> Any:
    """The cases the caller may see, newest first (none for a researcher), ``limit`` at a time
        from ``offset``; ``q`` finds a client by exact name or alias, or by every word of one (in
    any script, letter case and diacritics aside; not by part of a word), ``status`` filters. The
        number of matching cases is in the ``X-Total-Count`` header."""
    user = _user(request)
    cases = visible_cases(user)
    query = (q or "").strip()
    if query:
        cases = cases_named(cases, query)  # exact names, through the blind index
    if status:
        cases = cases.filter(status=status)
    if query:  # a search: few cases, their ids and number in one query
        total, ids = found(cases, offset, limit)
        order = {pk: i for i, pk in enumerate(ids)}
        rows = visible_cases(user).select_related("client").filter(pk__in=ids)
        page = sorted(rows, key=lambda c: order[c.pk])
    else:
        total = cases.count()
        page = list(
            cases.select_related("client").order_by("-created_at", "-id")[offset : offset + limit]
        )
    response["X-Total-Count"] = str(total)
    # Every page of names read through the API is recorded (a bulk read, up to 500 a page),
    # a search with its query's keyed digest, never the name.
    details: dict[str, Any] = {"via": "api", "offset": offset, "returned": len(page)}
    if query:
        details["query"] = query_digest(query)
    record(user, "search_cases" if query else "list_cases", found=total, **details)
    return [_case_out(c) for c in page]


@api.post(
    "/cases",
    response={201: CreatedOut, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    tags=["case files"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "An asylon.case/1 document (docs/case-file.md).",
            "content": {"application/json": {"schema": CASE_FILE_REF}},
        }
    },
)
def create_case(request: HttpRequest) -> Any:
    """Open a client and a case from an asylon.case/1 document; all or nothing."""
    user = _user(request)
    if getattr(user, "team", None) is None:
        raise HttpError(403, "only members of a team can open cases")
    if len(request.body) > MAX_CASE_FILE_BYTES:
        raise HttpError(413, "the case file is larger than 1 MB")
    case = import_case(
        request.body,
        "json",
        user.team,
        user,
        then=lambda new: record(user, "import_case_file", new, via="api"),
    )
    return Status(201, {"id": case.pk, "url": f"/api/cases/{case.pk}"})


@api.get("/cases/{case_id}", response={200: CaseDetailOut, **NOT_FOUND}, tags=["cases"])
def case_detail(request: HttpRequest, case_id: int) -> Any:
    case = _case(request, case_id)
    record(_user(request), "view_case", case, via="api")
    return {
        **_case_out(case),
        "revision": case.revision,
        "home_country": case.client.home_country,
        "nationalities": list(case.client.nationalities),
        "assessments": list(case.assessments.all()[:20]),
    }


@api.get(
    "/cases/{case_id}/case-file",
    response={200: dict[str, Any], **NOT_FOUND},
    tags=["case files"],
    openapi_extra={
        "responses": {
            200: {
                "description": "The case as an asylon.case/1 document",
                "content": {"application/json": {"schema": CASE_FILE_REF}},
            }
        }
    },
)
def export_case_file(request: HttpRequest, case_id: int, as_of: date | None = None) -> Any:
    """The case as an asylon.case/1 document (audited export)."""
    case = _case(request, case_id)
    doc = to_case_file(case, as_of)
    record(_user(request), "export_case_file", case, via="api")
    return doc


# GET and PUT /cases/{case_id}/findings: asylon.web.api.facts_api (one path, one router).


def _assessment_out(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "as_of": a.as_of,
        "jurisdiction": a.jurisdiction,
        "outcome": a.outcome,
        "rules_version": a.rules_version,
        "created_at": a.created_at,
        "evidence_snapshot": a.evidence_snapshot,
        "determination": a.determination,
    }


@api.post(
    "/cases/{case_id}/assess",
    response={201: AssessmentOut, 422: ErrorOut, **NOT_FOUND},
    tags=["assessment"],
)
def assess(request: HttpRequest, case_id: int, body: AssessIn) -> Any:
    """Assess the case under its jurisdiction on ``as_of``; the determination is stored."""
    case = _case(request, case_id)
    try:
        assessment = assess_case(case, _user(request), body.as_of)
    except LawNotInForce as err:
        raise InvalidField("as_of", str(err)) from None
    return Status(201, _assessment_out(assessment))


@api.get(
    "/cases/{case_id}/assessments",
    response={200: list[AssessmentSummary], **NOT_FOUND},
    tags=["assessment"],
)
def list_assessments(request: HttpRequest, case_id: int) -> Any:
    """The stored assessments of the case, newest first."""
    case = _case(request, case_id)
    record(_user(request), "view_case", case, via="api", part="assessments")
    return list(case.assessments.all())


@api.get(
    "/cases/{case_id}/assessments/{assessment_id}",
    response={200: AssessmentOut, **NOT_FOUND},
    tags=["assessment"],
)
def assessment_detail(request: HttpRequest, case_id: int, assessment_id: int) -> Any:
    case = _case(request, case_id)
    assessment = get_object_or_404(Assessment, pk=assessment_id, case=case)
    record(_user(request), "view_assessment", case, assessment=assessment.pk, via="api")
    return _assessment_out(assessment)


@api.get(
    "/cases/{case_id}/compare",
    response={200: CompareOut, **NOT_FOUND},
    tags=["assessment"],
)
def compare(request: HttpRequest, case_id: int, as_of: date | None = None) -> Any:
    """The same facts under the UNHCR, EU and Russian profiles (not stored; audited). A
    profile whose law was not in force on ``as_of`` gives a message instead."""
    case = _case(request, case_id)
    return compare_case(case, _user(request), as_of or date.today())


# --- evidence -----------------------------------------------------------------------------


def _area(place: str, kind: str | None, radius_km: float | None) -> Area:
    try:
        return resolve_area(place, kind, radius_km)
    except AreaError as err:
        raise InvalidField(err.field, str(err)) from None


@api.get(
    "/evidence/indicators",
    response={200: dict[str, Any], 401: ErrorOut, 422: PlaceErrorOut, 503: ErrorOut},
    tags=["evidence"],
)
def indicators(
    request: HttpRequest,
    place: str,
    start: date = Query(..., alias="from"),  # noqa: B008
    end: date = Query(..., alias="to"),  # noqa: B008
    kind: Literal["country", "governorate", "district", "city"] | None = None,
    radius_km: float | None = Query(None, gt=0, le=500),
    by: Literal["day", "month"] | None = None,
) -> Any:
    """Conflict indicators (asylon.indicators/1) for a place and period, per source; no
    personal data. ``place`` is a p-code, a city code, a name in any script, or ``lat,lon``
    with ``radius_km``."""
    area = _area(place, kind, radius_km)
    if end < start:
        raise InvalidField("to", f"to ({end}) is before from ({start})")
    con = store.connect()
    try:
        return compute(con, area, start, end, by).to_dict()
    finally:
        con.close()


api.add_router("/cases", "asylon.web.documents.api.router")
api.add_router("/cases", "asylon.web.api.facts_api.router")
api.add_router("", "asylon.web.api.timeline_api.router")
api.add_router("", "asylon.web.screening.api.router")
api.add_router("/exports", "asylon.web.exports.api.router")
