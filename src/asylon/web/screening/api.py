"""The screening JSON API (a django-ninja ``Router`` mounted at the API root).

- ``POST /cases/{case_id}/screen``: screen the case (its applicant and family) and return the hits;
- ``GET /cases/{case_id}/screening``: the latest hits with their judgements;
- ``POST /screening/hits/{hit_id}/judgement``: record a judgement (register staff and reviewers);
- ``POST /screening/batch``: batch mode, every case the caller may see (a caseload);
- ``POST /screen``: screen applicants given in the body; nothing about them is stored.

A case the caller may not see is 404, as everywhere; a caseworker who is not register staff
gets 404 on the judgement endpoint (the review queue does not exist for them).
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from asylon.screening.score import DEFAULT_THRESHOLD
from asylon.web.api.auth import session_auth, token_auth
from asylon.web.audit.services import record
from asylon.web.cases.access import visible_cases
from asylon.web.screening import services
from asylon.web.screening.applicants import ApplicantError, record_of

router = Router(auth=[token_auth, session_auth], tags=["register screening"])
MAX_APPLICANTS = 1000


class ScreenIn(Schema):
    threshold: float = Field(DEFAULT_THRESHOLD, ge=0, le=1)


class JudgementIn(Schema):
    decision: Literal["match", "no_match", "unsure"]
    reason: str = Field(min_length=1, max_length=5000)


class ApplicantsIn(Schema):
    applicants: list[dict[str, Any]] = Field(
        description="Each with id, name, aliases, birth_date, birth_place, nationality (and roles).",
        max_length=MAX_APPLICANTS,
    )
    threshold: float = Field(DEFAULT_THRESHOLD, ge=0, le=1)
    all: bool = False


def _case(request: HttpRequest, case_id: int) -> Any:
    return get_object_or_404(visible_cases(request.auth).select_related("client"), pk=case_id)


def _latest(case: Any) -> dict[str, Any]:
    run, views = services.latest_hits(case)
    return {
        "case_id": case.pk,
        "run": None if run is None else {
            "id": run.pk, "at": run.at.isoformat(), "threshold": run.threshold,
            "register_version": run.register_version,
        },
        "hits": [services.hit_dict(v.hit, v.judgement) for v in views],
    }  # fmt: skip


@router.post("/cases/{case_id}/screen", summary="Screen a case against the register")
def screen_case(request: HttpRequest, case_id: int, payload: ScreenIn | None = None) -> Any:
    case = _case(request, case_id)
    threshold = payload.threshold if payload is not None else DEFAULT_THRESHOLD
    services.screen_case(case, request.auth, threshold)
    return _latest(case)


@router.get("/cases/{case_id}/screening", summary="The latest screening of a case")
def case_screening(request: HttpRequest, case_id: int) -> Any:
    case = _case(request, case_id)
    record(request.auth, "view_screening", case)
    return _latest(case)


@router.post("/screening/hits/{hit_id}/judgement", summary="Judge a screening hit")
def judge(request: HttpRequest, hit_id: int, payload: JudgementIn) -> Any:
    if not services.may_judge(request.auth):
        raise Http404("no such hit")
    hit = services.hit_for(request.auth, hit_id)
    if hit is None:
        raise Http404("no such hit")
    try:
        judgement = services.judge(hit, request.auth, payload.decision, payload.reason)
    except ValueError as err:
        raise HttpError(422, str(err)) from None
    return {"hit": services.hit_dict(hit, judgement)}


@router.post("/screening/batch", summary="Screen every case the caller may see (batch mode)")
def screen_caseload(request: HttpRequest, payload: ScreenIn | None = None) -> Any:
    if not getattr(request.auth, "sees_people", False):
        raise Http404("no such endpoint")  # researchers see no case
    threshold = payload.threshold if payload is not None else DEFAULT_THRESHOLD
    runs = services.screen_batch(request.auth, threshold)
    return {
        "batch": runs[0].batch if runs else None,
        "threshold": threshold,
        "cases": len(runs),
        "hits": sum(r.hits.count() for r in runs),
        "runs": [{"case_id": r.case_id, "run_id": r.pk, "hits": r.hits.count()} for r in runs],
    }


@router.post("/screen", summary="Screen applicants given in the body (nothing is stored)")
def screen_applicants(request: HttpRequest, payload: ApplicantsIn) -> Any:
    if not getattr(request.auth, "sees_people", False):
        raise Http404("no such endpoint")  # researchers see no person
    try:
        records = [record_of(row, f"applicants[{n}]") for n, row in enumerate(payload.applicants)]
    except ApplicantError as err:
        raise HttpError(422, str(err)) from None
    hits = services.screen_records(records, payload.threshold, payload.all)
    record(request.auth, "screen_applicants", None, applicants=len(records),
           hits=[{"register_id_kind": h["kind"], "score": h["score"]} for h in hits])  # fmt: skip
    return hits
