"""The determination output contract, ``asylon.determination/1`` (docs/case-file.md).

The pydantic models are the schema (``asylon schema determination``) and the validator used by
the tests. The engine builds plain dictionaries through :class:`Determination` for speed and
emits exactly the shape these models describe.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

FORMAT = "asylon.determination/1"


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


_UNKNOWN = Answer.UNKNOWN

OUTCOMES = (
    "REFUGEE",
    "REFUGEE_STATUS_REFUSED_BUT_REFUGEE",
    "SUBSIDIARY_PROTECTION",
    "TEMPORARY_ASYLUM",
    "POLITICAL_ASYLUM",
    "COMPLEMENTARY_PROTECTION",
    "NATIONAL_HUMANITARIAN_STATUS",
    "EXCLUDED_PROTECTED_FROM_RETURN",
    "EXCLUDED_RETURN_PERMITTED",
    "REJECTED_PROTECTED_FROM_RETURN",
    "REJECTED_RETURN_PERMITTED",
    "INADMISSIBLE",
    "STATUS_CEASED",
    "STATUS_REVOKED",
    "STATUS_CONTINUES",
    "RETURN_BARRED",
    "RETURN_PERMITTED",
    "UNDETERMINED",
)
BAR_CODES = (
    "CONVENTION_33_1",
    "CAT_3",
    "ICCPR_6",
    "ICCPR_7",
    "ECHR_2",
    "ECHR_3",
    "ECHR_6_FLAGRANT",
    "EU_CHARTER_19_2",
    "RF_LAW_10_1",
)
SIDE_OUTPUTS = (
    "REFER_TO_PROSECUTOR",
    "EXTRADITION_BARRED",
    "DETENTION_UNLAWFUL",
    "ART31_NO_PENALTY",
    "EXCLUSION_REVIEW_REQUIRED",
)
FLAG_CODES = (
    "FINDING_CONTRADICTS_EVIDENCE",
    "EVIDENCE_MISSING",
    "LAW_UNCERTAIN",
    "PRACTICE_DIVERGES",
    "OTHER_PROCEDURE_NEEDED",
)
QUESTIONS: dict[str, str] = {
    "procedure.admissible": "Is the application considered on the merits?",
    "inclusion.outside_country": "Is the person outside the country of origin?",
    "inclusion.no_other_nationality_protection": "Is the person without the protection of any other nationality?",
    "inclusion.well_founded_fear": "Is the fear of persecution well founded?",
    "inclusion.persecution": "Does the feared harm amount to persecution?",
    "inclusion.convention_ground": "Is a Convention ground (actual or imputed) engaged?",
    "inclusion.nexus": "Is the persecution feared for reasons of that ground?",
    "inclusion.state_protection_lacking": "Is protection in the country of origin lacking?",
    "inclusion.no_internal_protection": "Is there no internal protection alternative?",
    "inclusion.article_1d": "Does Article 1D keep the person outside the Convention?",
    "inclusion.article_1d_ipso_facto": "Has UNRWA protection ceased so that the person is ipso facto a refugee?",
    "inclusion.article_1e": "Does Article 1E keep the person outside the Convention?",
    "inclusion.refugee": "Does the person meet the refugee definition?",
    "inclusion.political_asylum": "Is the person persecuted personally for socio-political activity (political asylum)?",
    "exclusion.article_1f_a": "Is the person excluded for a crime against peace, a war crime or a crime against humanity?",
    "exclusion.article_1f_b": "Is the person excluded for a serious non-political crime?",
    "exclusion.article_1f_c": "Is the person excluded for acts contrary to the purposes and principles of the UN?",
    "exclusion.individual_responsibility": "Is the person individually responsible for the act?",
    "exclusion.defence_applies": "Does a defence negate responsibility?",
    "exclusion.standard_met": "Are there serious reasons for considering that the person did it?",
    "exclusion.expiation": "Has the crime been expiated?",
    "exclusion.proportionality": "Is exclusion proportionate?",
    "exclusion.excluded": "Is the person excluded from refugee status?",
    "refugee.danger_exception": "Is the refugee a danger to security, or convicted of a particularly serious crime and a "
    "danger to the community?",
    "complementary.death_penalty": "Is there a real risk of the death penalty or execution?",
    "complementary.torture": "Is there a real risk of torture or inhuman or degrading treatment?",
    "complementary.indiscriminate_violence": "Is there a serious and individual threat from indiscriminate violence in armed conflict?",
    "complementary.serious_illness": "Is there a real risk from serious illness without treatment?",
    "complementary.humane_reasons": "Can the person not be expelled for humane reasons?",
    "complementary.excluded": "Is the person excluded from complementary protection?",
    "complementary.qualifies": "Does the person qualify for complementary protection?",
    "return.barred": "Is return barred by an absolute non-refoulement obligation?",
    "extradition.barred": "Is extradition barred?",
    "detention.lawful": "Is the detention lawful?",
    "penalties.article_31_applies": "Does Article 31 bar penalties for illegal entry or presence?",
    "penalties.removal_order_compatible": "Can the administrative removal order be executed without breaching a return bar?",
    "cessation.applies": "Has the protection status ceased?",
}
STEP_IDS = tuple(QUESTIONS)

Outcome = Literal[OUTCOMES]  # type: ignore[valid-type]
BarCode = Literal[BAR_CODES]  # type: ignore[valid-type]
SideOutput = Literal[SIDE_OUTPUTS]  # type: ignore[valid-type]
FlagCode = Literal[FLAG_CODES]  # type: ignore[valid-type]


# --- the schema -----------------------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StatusOut(_Out):
    code: str
    valid_from: str | None
    valid_until: str | None
    renewable: bool
    rights: list[str]
    citations: list[str]


class BarOut(_Out):
    code: BarCode
    reason: str
    citations: list[str]


class RemovalOut(_Out):
    permitted: bool | None
    bars: list[BarOut]


class StepOut(_Out):
    id: str
    question: str
    answer: Literal["yes", "no", "unknown", "not_applicable"]
    reasons: list[str]
    citations: list[str]
    evidence: list[str]


class FlagOut(_Out):
    code: FlagCode
    message: str
    evidence: list[str]


class DeadlineOut(_Out):
    kind: str
    due: str
    basis: str
    overdue: bool
    citations: list[str]


class MissingOut(_Out):
    field: str
    needed_for: list[str]


class CountryEvidenceOut(_Out):
    place: str
    period: list[str]
    level: str | None
    indicators: dict[str, float | int | str | None]
    sources: list[str]


class DeterminationModel(_Out):
    """asylon.determination/1"""

    format: Literal["asylon.determination/1"]
    case_id: str
    jurisdiction: str
    as_of: str
    rules_version: str
    outcome: Outcome
    status: StatusOut | None
    removal: RemovalOut
    steps: list[StepOut]
    side_outputs: list[SideOutput]
    flags: list[FlagOut]
    deadlines: list[DeadlineOut]
    missing: list[MissingOut]
    country_evidence: list[CountryEvidenceOut]


def determination_json_schema() -> dict[str, Any]:
    schema = DeterminationModel.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://asylon.org/schema/asylon.determination/1.json"
    schema["title"] = "Asylon determination (asylon.determination/1)"
    return schema


# --- what the rules produce -----------------------------------------------------------------


def new_step(
    step_id: str,
    answer: Answer,
    reasons: list[str],
    citations: list[str],
    evidence: list[str] | None = None,
    missing: tuple[str, ...] = (),
) -> Step:
    """A step; the fields that made it unknown are kept only when the answer is unknown."""
    return Step(
        step_id, answer, reasons, citations, evidence or [], missing if answer is _UNKNOWN else ()
    )


@dataclass(slots=True)
class Step:
    """One answered legal question (its question text is ``QUESTIONS[id]``)."""

    id: str
    answer: Answer
    reasons: list[str]
    citations: list[str]
    evidence: list[str]
    missing: tuple[str, ...]

    @property
    def question(self) -> str:
        return QUESTIONS[self.id]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": QUESTIONS[self.id],
            "answer": self.answer.value,
            "reasons": self.reasons,
            "citations": list(dict.fromkeys(self.citations)),
            "evidence": list(dict.fromkeys(self.evidence)),
        }


@dataclass(slots=True)
class Determination:
    """The assembled determination; ``to_dict`` gives the contract's JSON shape."""

    case_id: str
    jurisdiction: str
    as_of: str
    rules_version: str
    outcome: str
    status: dict[str, Any] | None
    removal_permitted: bool | None
    bars: list[dict[str, Any]]
    steps: list[Step]
    side_outputs: list[str]
    flags: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    missing: list[dict[str, Any]]
    country_evidence: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "case_id": self.case_id,
            "jurisdiction": self.jurisdiction,
            "as_of": self.as_of,
            "rules_version": self.rules_version,
            "outcome": self.outcome,
            "status": self.status,
            "removal": {"permitted": self.removal_permitted, "bars": self.bars},
            "steps": [s.to_dict() for s in self.steps],
            "side_outputs": self.side_outputs,
            "flags": self.flags,
            "deadlines": self.deadlines,
            "missing": self.missing,
            "country_evidence": self.country_evidence,
        }
