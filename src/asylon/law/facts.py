"""The case-file input contract, ``asylon.case/1`` (docs/case-file.md).

Validation is strict: unknown fields, wrong types (``"yes"`` is not a boolean), impossible dates,
unknown country codes and periods that end before they start are errors naming the field path.
An absent or ``null`` field is *unknown*, never false: the rules answer ``unknown`` for the
steps that need it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal

import pycountry
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from asylon.yamlfile import SafeLoader

FORMAT = "asylon.case/1"


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def _iso_country(code: str) -> str:
    if code not in _country_codes():
        raise ValueError(
            f"expected an ISO 3166-1 alpha-2 country code such as SY, RU or DE, got {code!r}"
        )
    return code


Country = Annotated[str, AfterValidator(_iso_country)]
Level = Literal["none", "remote", "reasonable_likelihood", "substantial"]
Harm = Literal[
    "killing",
    "torture",
    "detention",
    "disappearance",
    "conscription",
    "forced_recruitment",
    "sexual_violence",
    "prosecution",
    "discrimination",
    "indiscriminate_violence",
    "death_penalty",
    "denial_of_treatment",
    "other",
]
Ground = Literal["race", "religion", "nationality", "particular_social_group", "political_opinion"]
ActCategory = Literal[
    "crime_against_peace",
    "war_crime",
    "crime_against_humanity",
    "serious_non_political_crime",
    "acts_contrary_to_un_purposes",
    "terrorist_group_participation",
]
Mode = Literal[
    "commission",
    "ordering",
    "instigation",
    "aiding_abetting",
    "superior_responsibility",
    "common_purpose",
]
Defence = Literal["duress", "superior_orders", "self_defence", "lack_of_capacity"]
EvidenceStrength = Literal["none", "suspicion", "clear_and_credible", "proven"]
Vulnerability = Literal[
    "minor",
    "disability",
    "serious_illness",
    "pregnancy",
    "elderly",
    "survivor_of_torture",
    "single_parent",
]
ProcedureKind = Literal[
    "refugee_status",
    "temporary_asylum",
    "political_asylum",
    "international_protection",
    "mandate_rsd",
    "status_review",
    "removal",
    "extradition",
]
StatusHeld = Literal["refugee_status", "subsidiary_protection", "temporary_asylum"]

_JURISDICTION = re.compile(r"^(unhcr|ru|eu(:[a-z]{2})?)$")


class Model(BaseModel):
    """Strict base: no unknown fields, no type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _check_period(start: date | None, end: date | None, start_name: str, end_name: str) -> None:
    if start is not None and end is not None and end < start:
        raise ValueError(f"@{end_name}: {end} is before {start_name} ({start})")


class Place(Model):
    country: Country
    place: str | None = None


class PriorRefusal(Model):
    on: date | None = None
    country: Country | None = None
    circumstances_changed: bool | None = None


class Procedure(Model):
    kind: ProcedureKind | None = None
    applied_on: date | None = None
    limited_to_temporary_asylum: bool | None = None
    status_held: StatusHeld | None = None
    status_granted_on: date | None = None
    prior_refusal: PriorRefusal | None = None
    decision_notified_on: date | None = None


class Name(Model):
    full: str | None = None
    aliases: list[str] = Field(default_factory=list)


class Applicant(Model):
    name: Name | None = None
    born: date | None = None
    sex: Literal["female", "male", "other"] | None = None
    nationalities: list[Country] | None = None
    stateless: bool | None = None
    habitual_residence: Place | None = None
    unrwa_registered: bool | None = None
    unrwa_assistance_ceased_involuntarily: bool | None = None
    protection_of_another_nationality_available: bool | None = None
    rights_of_national_in_residence_country: bool | None = None
    vulnerabilities: list[Vulnerability] | None = None
    host_country: Country | None = None
    present_in: Place | None = None
    arrived_on: date | None = None
    entered_irregularly: bool | None = None
    family_in_host_country: bool | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Applicant:
        _check_period(self.born, self.arrived_on, "born", "arrived_on")
        return self


class Actor(Model):
    kind: Literal["state", "party_controlling_state", "non_state"] | None = None
    name: str | None = None


class GroundClaim(Model):
    ground: Ground
    imputed: bool | None = None


class Fear(Model):
    harms: list[Harm] | None = None
    actor: Actor | None = None
    grounds: list[GroundClaim] | None = None
    past_persecution: bool | None = None
    evidence: list[str] = Field(default_factory=list)


class MilitaryService(Model):
    refused: bool | None = None
    conscientious_objection_procedure_available: bool | None = None
    unit_likely_to_commit_war_crimes: bool | None = None


class InternalProtection(Model):
    area: Place | None = None
    safe: bool | None = None
    reasonable: bool | None = None


class SeriousHarmRisk(Model):
    death_penalty: Level | None = None
    torture_or_inhuman_treatment: Level | None = None
    indiscriminate_violence: Level | None = None
    serious_illness_without_treatment: Level | None = None


class Findings(Model):
    credible: bool | None = None
    risk_of_persecution: Level | None = None
    state_protection_available: bool | None = None
    internal_protection: InternalProtection | None = None
    risk_of_serious_harm: SeriousHarmRisk | None = None
    flagrant_denial_of_justice: Level | None = None


class Claim(Model):
    fears: list[Fear] | None = None
    military_service: MilitaryService | None = None
    findings: Findings | None = None


class Role(Model):
    organisation: str | None = None
    kind: (
        Literal[
            "security_service",
            "armed_forces",
            "armed_group",
            "militia",
            "government",
            "party",
            "terrorist_group",
            "other",
        ]
        | None
    ) = None
    rank: str | None = None
    function: str | None = None
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    senior: bool | None = None
    voluntary: bool | None = None
    organisation_implicated: bool | None = None

    @model_validator(mode="after")
    def _period(self) -> Role:
        _check_period(self.from_, self.to, "from", "to")
        return self


class Expiation(Model):
    sentence_served: bool | None = None
    pardon: bool | None = None
    amnesty_legitimate: bool | None = None


class Act(Model):
    id: str | None = None
    description: str | None = None
    category: ActCategory | None = None
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    place: Place | None = None
    in_host_country: bool | None = None
    before_admission: bool | None = None
    mode_of_liability: Mode | None = None
    knowledge: bool | None = None
    intent: bool | None = None
    defences_accepted: list[Defence] | None = None
    political_objective: bool | None = None
    particularly_cruel: bool | None = None
    expiation: Expiation | None = None
    evidence_strength: EvidenceStrength | None = None
    evidence: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _period(self) -> Act:
        _check_period(self.from_, self.to, "from", "to")
        return self


class Conviction(Model):
    offence: str | None = None
    on: date | None = None
    country: Country | None = None
    particularly_serious: bool | None = None
    final: bool | None = None


class Conduct(Model):
    roles: list[Role] = Field(default_factory=list)
    acts: list[Act] = Field(default_factory=list)
    convictions: list[Conviction] = Field(default_factory=list)
    danger_to_security: bool | None = None
    danger_to_community: bool | None = None


class Assurances(Model):
    given: bool | None = None
    specific: bool | None = None
    binding_on_state: bool | None = None
    from_state_with_good_compliance_record: bool | None = None
    verifiable_by_monitoring: bool | None = None
    effective_torture_prevention_system: bool | None = None
    applicant_previously_ill_treated_there: bool | None = None


class Detention(Model):
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    place: str | None = None
    basis: Literal["pending_removal", "asylum_procedure", "criminal", "none"] | None = None
    periodic_review_available: bool | None = None
    transit_zone: bool | None = None

    @model_validator(mode="after")
    def _period(self) -> Detention:
        _check_period(self.from_, self.to, "from", "to")
        return self


class AdministrativeOffence(Model):
    article: str | None = None
    on: date | None = None
    region: str | None = None
    removal_ordered: bool | None = None


class Removal(Model):
    kind: Literal["deportation", "administrative_removal", "extradition"] | None = None
    destination: Country | None = None
    requesting_state: Country | None = None
    offence_political: bool | None = None
    death_penalty_possible: bool | None = None
    assurances: Assurances | None = None
    detention: list[Detention] = Field(default_factory=list)
    administrative_offences: list[AdministrativeOffence] = Field(default_factory=list)


class EvidenceItem(Model):
    id: str = Field(min_length=1)
    kind: str | None = None
    description: str | None = None


class CaseFile(Model):
    """One case, as the contract asylon.case/1 describes it."""

    format: Literal["asylon.case/1"]
    id: str = Field(min_length=1)
    jurisdiction: str
    as_of: date
    procedure: Procedure | None = None
    applicant: Applicant | None = None
    claim: Claim | None = None
    conduct: Conduct | None = None
    removal: Removal | None = None
    evidence: list[EvidenceItem] = Field(default_factory=list)

    @model_validator(mode="after")
    def _coherent(self) -> CaseFile:
        if not _JURISDICTION.match(self.jurisdiction):
            raise ValueError(
                f"@jurisdiction: expected unhcr, ru, eu or eu:<member state> (e.g. eu:de), "
                f"got {self.jurisdiction!r}"
            )
        ids = [e.id for e in self.evidence]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"@evidence: duplicate ids {dupes}")
        known = set(ids)
        refs: list[tuple[str, list[str]]] = []
        if self.claim and self.claim.fears:
            refs += [
                (f"claim.fears[{i}].evidence", f.evidence) for i, f in enumerate(self.claim.fears)
            ]
        if self.conduct:
            refs += [
                (f"conduct.acts[{i}].evidence", a.evidence) for i, a in enumerate(self.conduct.acts)
            ]
        for path, items in refs:
            for ref in items:
                if ref not in known:
                    raise ValueError(f"@{path}: evidence id {ref!r} is not listed under evidence")
        born = self.applicant.born if self.applicant else None
        applied = self.procedure.applied_on if self.procedure else None
        _check_period(born, applied, "applicant.born", "procedure.applied_on")
        # (the path of a cross-section check is absolute: see _from_validation_error)
        return self

    @property
    def member_state(self) -> str | None:
        """The EU member state named in ``eu:xx``, upper-cased, or None."""
        return self.jurisdiction[3:].upper() if self.jurisdiction.startswith("eu:") else None

    @property
    def profile(self) -> str:
        return self.jurisdiction.split(":", 1)[0]


class CaseFileError(ValueError):
    """Invalid case file: ``errors`` lists (field path, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]], source: str = "") -> None:
        self.errors = errors
        self.source = source
        lines = [f"{path}: {msg}" if path else msg for path, msg in errors]
        prefix = f"{source}: " if source else ""
        super().__init__(prefix + "invalid case file\n  " + "\n  ".join(lines))


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-after", "literal_error") or part.startswith("function-"):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def _from_validation_error(err: ValidationError) -> list[tuple[str, str]]:
    errors = []
    for e in err.errors(include_url=False):
        msg = e["msg"].removeprefix("Value error, ")
        loc = _path(tuple(e["loc"]))
        if msg.startswith("@"):
            # A model-level check names its own field: relative to the model, or absolute when
            # it spans sections (it then contains a dot and the model is the case file).
            field, _, msg = msg[1:].partition(": ")
            absolute = not loc or "." in field
            errors.append((field if absolute else f"{loc}.{field}", msg))
            continue
        if e["type"] == "extra_forbidden":
            msg = "unknown field (not in asylon.case/1)"
        elif e["type"] == "missing":
            msg = "required field is missing"
        elif "input" in e and e["type"] not in ("value_error",):
            msg = f"{msg} (got {json.dumps(e['input'], default=str)[:60]})"
        errors.append((loc, msg))
    return errors


class _CaseLoader(SafeLoader):  # type: ignore[misc,valid-type]
    """YAML loader for case files (the safe loader, in C where built): dates stay strings (so
    an impossible date is reported with its field path) and only ``true``/``false`` are
    booleans, as in YAML 1.2 (so the contract's ``on:`` key is not read as the boolean true)."""


_CaseLoader.yaml_implicit_resolvers = {
    k: [
        (tag, rx)
        for tag, rx in v
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_CaseLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_document(text: str | bytes, fmt: Literal["json", "yaml"]) -> Any:
    """Parse JSON or YAML text into plain data (dates stay ISO strings)."""
    try:
        if fmt == "json":
            return json.loads(text)
        return yaml.load(text, Loader=_CaseLoader)
    except (json.JSONDecodeError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CaseFileError([("", f"not valid {fmt.upper()}: {exc}")]) from exc


def case_from_data(data: Any, source: str = "") -> CaseFile:
    """Validate already-parsed data (from JSON or YAML) as a case file."""
    if not isinstance(data, dict):
        raise CaseFileError([("", "expected a mapping at the top level")], source)
    try:
        return CaseFile.model_validate_json(json.dumps(data))
    except ValidationError as err:
        raise CaseFileError(_from_validation_error(err), source) from None
    except (TypeError, ValueError) as err:
        raise CaseFileError([("", str(err))], source) from None


def parse_case_file(
    text: str | bytes, fmt: Literal["json", "yaml"] = "json", source: str = ""
) -> CaseFile:
    """Parse and validate one case file. Raises :class:`CaseFileError` naming each bad field."""
    if fmt == "json":
        try:
            return CaseFile.model_validate_json(text)
        except ValidationError as err:
            if any(e["type"] == "json_invalid" for e in err.errors()):
                raise CaseFileError(
                    [("", f"not valid JSON: {err.errors()[0]['msg']}")], source
                ) from None
            raise CaseFileError(_from_validation_error(err), source) from None
    return case_from_data(load_document(text, fmt), source)


def case_file_json_schema() -> dict[str, Any]:
    """JSON Schema of asylon.case/1 (Draft 2020-12), as exported by ``asylon schema case-file``."""
    schema = CaseFile.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://asylon.org/schema/asylon.case/1.json"
    schema["title"] = "Asylon case file (asylon.case/1)"
    return schema
