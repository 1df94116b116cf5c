"""The typed details of each kind of timeline event, validated strictly (pydantic).

Details are stored as JSON; they are validated in JSON mode, so dates are ISO strings
(``2016-12-06``), booleans are ``true``/``false`` (never ``"yes"``) and numbers are numbers.
Every date in the details must be on or after the event's own date (a decision is notified
after it is taken, an interview is held after it is scheduled).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from asylon.law.facts import Country, ProcedureKind, StatusHeld

Text = str  # free text, bounded by Field(max_length=...)
SHORT = 200

DecisionOutcome = Literal[
    "granted",
    "refused",
    "temporary_asylum",
    "subsidiary_protection",
    "inadmissible",
    "discontinued",
    "revoked",
    "ceased",
]
ADVERSE_OUTCOMES = frozenset({"refused", "inadmissible", "revoked", "ceased"})
DetentionBasis = Literal["pending_removal", "asylum_procedure", "criminal", "none"]


class Details(BaseModel):
    """Strict base: no unknown fields, no type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Arrival(Details):
    country: Country | None = None  # the host country arrived in (applicant.host_country)
    place: Text | None = Field(default=None, max_length=SHORT)  # where the person now lives
    entry: Literal["visa", "visa_free", "irregular"] | None = None
    from_country: Country | None = None
    border_point: Text | None = Field(default=None, max_length=SHORT)


class ApplicationLodged(Details):
    procedure: ProcedureKind | None = None
    authority: Text | None = Field(default=None, max_length=SHORT)


class CertificateIssued(Details):
    number: Text | None = Field(default=None, max_length=SHORT)
    valid_until: date | None = None


class InterviewScheduled(Details):
    interview_on: date
    place: Text | None = Field(default=None, max_length=SHORT)


class InterviewHeld(Details):
    interpreter_language: Text | None = Field(default=None, max_length=SHORT)


class Decision(Details):
    outcome: DecisionOutcome
    notified_on: date | None = None
    authority: Text | None = Field(default=None, max_length=SHORT)


class AppealLodged(Details):
    instance: Literal["administrative", "court"] | None = None
    body: Text | None = Field(default=None, max_length=SHORT)


class AppealDecided(Details):
    outcome: Literal["allowed", "dismissed", "remitted", "withdrawn"]
    instance: Literal["administrative", "court"] | None = None
    notified_on: date | None = None


class CourtHearing(Details):
    court: Text | None = Field(default=None, max_length=SHORT)
    case_number: Text | None = Field(default=None, max_length=SHORT)


class DetentionStarted(Details):
    place: Text = Field(min_length=1, max_length=SHORT)
    basis: DetentionBasis
    periodic_review_available: bool | None = None
    transit_zone: bool | None = None
    next_review_on: date | None = None


class DetentionEnded(Details):
    reason: Literal["released", "removed", "transferred", "other"] | None = None


class AdministrativeOffence(Details):
    article: Text = Field(pattern=r"^\d+(\.\d+)*(\(\d+(\.\d+)?\))?$", max_length=30)
    fine: int | None = Field(default=None, ge=0)
    region: Text | None = Field(default=None, max_length=SHORT)
    removal_ordered: bool | None = None


class RemovalOrder(Details):
    removal_kind: Literal["deportation", "administrative_removal", "extradition"]
    destination: Country | None = None
    authority: Text | None = Field(default=None, max_length=SHORT)


class StatusGranted(Details):
    status: StatusHeld
    valid_until: date | None = None


class RenewalApplied(Details):
    status: StatusHeld | None = None


class StatusRenewed(Details):
    status: StatusHeld
    valid_until: date | None = None


class StatusRefused(Details):
    status: StatusHeld | None = None
    notified_on: date | None = None


class StatusExpired(Details):
    status: StatusHeld | None = None


DETAILS: dict[str, type[Details]] = {
    "arrival": Arrival,
    "application_lodged": ApplicationLodged,
    "certificate_issued": CertificateIssued,
    "interview_scheduled": InterviewScheduled,
    "interview_held": InterviewHeld,
    "decision": Decision,
    "appeal_lodged": AppealLodged,
    "appeal_decided": AppealDecided,
    "court_hearing": CourtHearing,
    "detention_started": DetentionStarted,
    "detention_ended": DetentionEnded,
    "administrative_offence": AdministrativeOffence,
    "removal_order": RemovalOrder,
    "status_granted": StatusGranted,
    "renewal_applied": RenewalApplied,
    "status_renewed": StatusRenewed,
    "status_refused": StatusRefused,
    "status_expired": StatusExpired,
}


class DetailsError(ValueError):
    """Invalid details: ``errors`` lists (field name, message); the name is "" for the event."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{f}: {m}" if f else m for f, m in errors))


def validate_details(kind: str, on: date, data: Any) -> dict[str, Any]:
    """The details of an event of ``kind`` on ``on``, validated and as stored (JSON-ready)."""
    model = DETAILS.get(kind)
    if model is None:
        raise DetailsError([("kind", _("unknown kind of event %(kind)r") % {"kind": kind})])
    if not isinstance(data, dict):
        raise DetailsError([("", _("expected a mapping of details"))])
    try:
        parsed = model.model_validate_json(json.dumps(data, default=str))
    except ValidationError as err:
        errors = []
        for e in err.errors(include_url=False):
            name = str(e["loc"][0]) if e["loc"] else ""
            msg = e["msg"].removeprefix("Value error, ")
            if e["type"] == "extra_forbidden":
                msg = _("unknown field for this kind of event")
            elif e["type"] == "missing":
                msg = _("this field is required")
            errors.append((name, msg))
        raise DetailsError(errors) from None
    early = [
        (name, _("%(value)s is before the date of the event (%(on)s)") % {"value": value, "on": on})
        for name, value in parsed
        if isinstance(value, date) and value < on
    ]
    if early:
        raise DetailsError(early)
    return dict(json.loads(parsed.model_dump_json(exclude_none=True)))
