"""The register's vocabularies: the closed lists of codes its records use (violation types,
name kinds, unit kinds, allegation roles, modes of liability, certainties, source and evidence
kinds, victim-count categories). Pure."""

from __future__ import annotations

from typing import Literal

ViolationType = Literal[
    "killing",
    "enforced_disappearance",
    "torture",
    "arbitrary_detention",
    "chemical_attack",
    "attack_on_medical_facility",
    "siege_and_starvation",
    "forced_displacement",
    "sexual_violence",
]
VIOLATION_TYPES: tuple[str, ...] = ViolationType.__args__  # type: ignore[attr-defined]

NameKind = Literal["primary", "alias", "weak_alias", "kunya", "laqab"]
NAME_KINDS: tuple[str, ...] = NameKind.__args__  # type: ignore[attr-defined]
"""``primary``: the name as usually written, in each script; ``alias``: another spelling or
another name; ``weak_alias``: a nickname too common to identify anyone alone; ``kunya``: the
teknonym (Abu X, Umm X); ``laqab``: an epithet or nom de guerre (al-Nimr, "the Tiger")."""

UnitKind = Literal[
    "service",
    "directorate",
    "branch",
    "section",
    "ministry",
    "office",
    "armed_forces",
    "division",
    "brigade",
    "regiment",
    "militia",
    "detention_facility",
    "court",
    "hospital",
    "research_centre",
    "other",
]
UNIT_KINDS: tuple[str, ...] = UnitKind.__args__  # type: ignore[attr-defined]

AllegationRole = Literal["direct_perpetrator", "commander", "superior", "accomplice"]
ALLEGATION_ROLES: tuple[str, ...] = AllegationRole.__args__  # type: ignore[attr-defined]

LiabilityMode = Literal[
    "direct_perpetration",
    "co_perpetration",
    "indirect_perpetration",
    "ordering",
    "instigating",
    "aiding_and_abetting",
    "complicity",
    "superior_responsibility",
    "common_purpose",
    "unspecified",
]
LIABILITY_MODES: tuple[str, ...] = LiabilityMode.__args__  # type: ignore[attr-defined]

Certainty = Literal[
    "convicted_final",
    "convicted",
    "convicted_in_absentia",
    "indicted",
    "arrest_warrant",
    "sanctioned",
    "reported",
]
CERTAINTIES: tuple[str, ...] = Certainty.__args__  # type: ignore[attr-defined]
"""As the source states it, strongest first: a conviction no longer open to appeal; a
conviction (appeal possible or pending); a conviction in absentia (a retrial follows an
arrest); an indictment or charge; an arrest warrant; a sanctions listing (an administrative
measure, not a finding of guilt); reported by a UN body, an NGO or journalists. Every other
allegation is, in law, an allegation: the person is presumed innocent."""

SourceKind = Literal[
    "court_judgment",
    "court_decision",
    "indictment",
    "arrest_warrant",
    "sanctions_listing",
    "un_coi_report",
    "un_report",
    "ngo_report",
    "journalism",
    "official_statement",
    "other",
]
SOURCE_KINDS: tuple[str, ...] = SourceKind.__args__  # type: ignore[attr-defined]

EvidenceKind = Literal[
    "document", "photograph", "video", "audio", "testimony", "dataset", "physical", "other"
]
EVIDENCE_KINDS: tuple[str, ...] = EvidenceKind.__args__  # type: ignore[attr-defined]

VictimCountCategory = Literal[
    "killed", "injured", "tortured", "detained", "disappeared", "displaced", "besieged", "affected"
]
VICTIM_COUNT_CATEGORIES: tuple[str, ...] = VictimCountCategory.__args__  # type: ignore[attr-defined]

Gender = Literal["male", "female", "other"]
