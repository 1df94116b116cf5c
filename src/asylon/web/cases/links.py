"""Where in the application a missing finding is supplied: each case-file path the engine
reports as missing maps to the form field (page and anchor) that records it."""

from __future__ import annotations

import re

from django.urls import reverse

# applicant keys recorded on the client page (form field ids are the field names)
CLIENT_FIELDS = {
    "applicant.born": "born",
    "applicant.sex": "sex",
    "applicant.nationalities": "nationalities",
    "applicant.stateless": "stateless",
    "applicant.habitual_residence": "home_place",
    "applicant.name": "full_name",
}
SECTION_PAGES = {
    "claim.fears": ("claim", "fears"),
    "claim.military_service": ("claim", "military_service"),
    "conduct.roles": ("conduct", "roles"),
    "conduct.acts": ("conduct", "acts"),
    "conduct.convictions": ("conduct", "convictions"),
    "conduct.danger_to_security": ("conduct", "danger"),
    "conduct.danger_to_community": ("conduct", "danger"),
}


def _anchor(path: str) -> str:
    return re.sub(r"\[(\d+)\]", r"-\1", path).replace(".", "-")


def missing_link(case_pk: int, path: str) -> str:
    """The URL (with anchor) of the field that supplies ``path``; the case file's sections
    the application has no form for (procedure, removal, the rest of the applicant) come from
    the timeline, so they link there."""
    if path.startswith("claim.findings"):
        return f"{reverse('cases:findings', args=[case_pk])}#{_anchor(path)}"
    for prefix, field in CLIENT_FIELDS.items():
        if path == prefix or path.startswith(prefix + "."):
            return f"{reverse('cases:client', args=[case_pk])}#{field}"
    for prefix, (page, part) in SECTION_PAGES.items():
        if path == prefix or path.startswith((prefix + ".", prefix + "[")):
            rest = path[len(prefix.split(".")[0]) + 1 :]  # e.g. fears[0].grounds
            if part in ("danger",):
                anchor = f"danger-{path.rsplit('.', 1)[-1]}"
            elif rest.startswith(part + "["):
                anchor = _anchor(rest)
            else:
                anchor = part
            return f"{reverse('cases:section', args=[case_pk, page])}#{anchor}"
    return f"{reverse('timeline:case', args=[case_pk])}#add-event"
