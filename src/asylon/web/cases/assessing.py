"""Running the engine on a stored case, and keeping what it said."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from asylon.law import assess
from asylon.law.evidence import CountryEvidence
from asylon.web.audit.services import record
from asylon.web.cases.casefile import to_case_file, validated
from asylon.web.cases.models import Assessment, Case

PROFILES = ("unhcr", "eu", "ru")


def _evidence() -> tuple[CountryEvidence | None, str]:
    """The built evidence store, read-only, and a label of its build for the snapshot."""
    from asylon.evidence.store import default_path

    path = default_path()
    if not path.exists():
        return None, ""
    from asylon.evidence.reading import StoreEvidence

    built = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).isoformat(timespec="seconds")
    return StoreEvidence(path), f"{path.name} built {built}"


def assess_case(case: Case, user: Any, as_of: date) -> Assessment:
    """Assess the case under its jurisdiction on ``as_of`` and store the determination."""
    doc = to_case_file(case, as_of)
    evidence, snapshot = _evidence()
    try:
        det = assess(validated(doc), evidence).to_dict()
    finally:
        if evidence is not None:
            evidence.close()  # type: ignore[attr-defined]
    assessment = Assessment.objects.create(
        case=case,
        as_of=as_of,
        jurisdiction=case.jurisdiction,
        rules_version=det["rules_version"],
        outcome=det["outcome"],
        case_file=doc,
        determination=det,
        evidence_snapshot=snapshot,
        created_by=user,
    )
    record(user, "assess", case, assessment=assessment.pk, outcome=det["outcome"])
    return assessment


def compare_case(case: Case, user: Any, as_of: date) -> dict[str, dict[str, Any] | str]:
    """The same facts under each profile (not stored; the comparison is audited)."""
    from asylon.law import LawNotInForce

    evidence, _ = _evidence()
    results: dict[str, dict[str, Any] | str] = {}
    try:
        for profile in PROFILES:
            try:
                doc = to_case_file(case, as_of, jurisdiction=profile)
                results[profile] = assess(validated(doc), evidence).to_dict()
            except LawNotInForce as err:
                results[profile] = str(err)
    finally:
        if evidence is not None:
            evidence.close()  # type: ignore[attr-defined]
    record(user, "compare", case, as_of=as_of.isoformat())
    return results
