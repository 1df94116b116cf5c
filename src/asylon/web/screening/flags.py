"""A confirmed screening match on the case's next determination.

The determination contract (:mod:`asylon.law.determination`) defines ``EXCLUSION_REVIEW_REQUIRED``
as a **side output** (a bare code), not as a flag; the flags' codes are a closed list without
it. So a confirmed match (a reviewer's ``match`` judgement for the case's applicant) adds the
side output, once, and a flag ``OTHER_PROCEDURE_NEEDED`` whose message names the register
records and gives the path of the case's screening page, where the allegations and their
sources are shown; its ``evidence`` lists the register record ids and that path. The pure
engine's rules are not touched and nothing excludes: an Article 1F review by a person follows.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from asylon.web.cases.models import Case

__all__ = ["add_exclusion_review", "exclusion_review_flags"]

SIDE_OUTPUT = "EXCLUSION_REVIEW_REQUIRED"
FLAG_CODE = "OTHER_PROCEDURE_NEEDED"


def exclusion_review_flags(case: Case) -> list[dict[str, Any]]:
    """The flags (contract shape: code, message, evidence) for the case's confirmed matches."""
    from asylon.web.screening.services import confirmed_matches

    ids = sorted({j.register_id for j in confirmed_matches(case)})
    if not ids:
        return []
    path = reverse("screening:case", args=[case.pk])
    message = (
        f"{SIDE_OUTPUT}: a reviewer confirmed that the applicant is the register's "
        f"{', '.join(ids)}; an Article 1F exclusion review by a person is required (nothing "
        f"excludes automatically). Allegations and sources: {path}"
    )
    return [{"code": FLAG_CODE, "message": message, "evidence": [*ids, path]}]


def add_exclusion_review(case: Case, det: dict[str, Any]) -> dict[str, Any]:
    """Add the side output and the flag to a determination (as a dict) and return it."""
    flags = exclusion_review_flags(case)
    if flags:
        if SIDE_OUTPUT not in det["side_outputs"]:
            det["side_outputs"].append(SIDE_OUTPUT)
        det["flags"].extend(flags)
    return det
