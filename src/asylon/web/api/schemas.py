"""Input and output shapes of the JSON API (they make up the OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from asylon.law.determination import DeterminationModel


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = Field(default_factory=list)


class PlaceErrorOut(ErrorOut):
    candidates: list[dict[str, Any]] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)


class ClientOut(Schema):
    id: int
    name: str


class CaseOut(Schema):
    id: int
    jurisdiction: str
    procedure: str
    status: str
    restricted: bool
    client: ClientOut
    created_at: datetime


class AssessmentSummary(Schema):
    id: int
    as_of: date
    jurisdiction: str
    outcome: str
    rules_version: str
    created_at: datetime


class CaseDetailOut(CaseOut):
    revision: int  # send it back as If-Match: "r<revision>" to refuse a stale write (412)
    home_country: str
    nationalities: list[str]
    assessments: list[AssessmentSummary]


class CreatedOut(Schema):
    id: int
    url: str


class AssessIn(Schema):
    as_of: date


class AssessmentOut(AssessmentSummary):
    evidence_snapshot: str
    determination: DeterminationModel


class CompareOut(Schema):
    """Per profile: the determination, or why the law of that profile does not apply."""

    unhcr: DeterminationModel | str
    eu: DeterminationModel | str
    ru: DeterminationModel | str
