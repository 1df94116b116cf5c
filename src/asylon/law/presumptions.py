"""Legal presumptions the engine applies when a finding is absent.

Apart from these, an absent finding is unknown and never decides a step. Each presumption
is a rule of law with its source, listed here so that the property tests (and a reviewer) can
tell a documented presumption from an invented fact.
"""

from __future__ import annotations

PRESUMPTIONS: dict[tuple[str, str], str] = {
    (
        "claim.findings.state_protection_available",
        "inclusion.state_protection_lacking",
    ): "Where the state is the persecutor, state protection is presumed unavailable "
    "(UNHCR Handbook para 65; QD Arts 6-7).",
    (
        "claim.findings.internal_protection",
        "inclusion.no_internal_protection",
    ): "Where the state is the persecutor, an internal protection alternative is normally not "
    "available (UNHCR GIP 4 para 7; EUAA Syria: not for those fearing the Government).",
}

# Indicators: facts that raise an exception the authority must establish (exclusion, danger,
# inadmissibility, compelling reasons...). When such a fact is absent the exception is not
# raised, so the step is answered on the other facts (docs/law/steps.md, "Findings, triggers and
# the burden of proof").
INDICATORS: dict[str, str] = {
    "conduct.danger_to_security": "Art 33(2); QD 14(4)(a), 17(1)(d): the State must establish danger.",
    "conduct.danger_to_community": "Art 33(2); QD 14(4)(b), 17(1)(d): the State must establish danger.",
    "conduct.convictions.particularly_serious": "QD 14(4)(b), 17(1)(b): a serious crime must be shown.",
    "conduct.roles": "GIP 5: presumptions from rank are raised by the authority.",
    "applicant.rights_of_national_in_residence_country": "Art 1E is raised on an indicator.",
    "applicant.protection_of_another_nationality_available": "RF Law Art 5(1)(4); Art 1C(3): another nationality's protection must be shown.",
    "applicant.vulnerabilities": "Compelling reasons and individual elements are raised by the applicant.",
    "applicant.entered_irregularly": "Art 31 is examined when irregular entry is recorded.",
    "procedure.limited_to_temporary_asylum": "RF Law Art 12(2)(1): the applicant's own choice.",
    "procedure.status_held": "RF CPC Art 464(1)(2): asylum granted must be shown.",
    "removal.administrative_offences.removal_ordered": "A removal order must be recorded to be examined.",
    "claim.military_service.refused": "Draft evasion claims are raised by the applicant.",
}
