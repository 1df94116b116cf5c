"""A case in and out as ``asylon.case/1``: export, import, and what the engine assesses.

The facts of a case are stored as the contract's own sections and validated by the contract's
models on every write, so export and import round-trip without loss. The client's name travels
in ``applicant.name``; nothing else about the client is duplicated.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction

from asylon.law.facts import CaseFile, CaseFileError, case_from_data
from asylon.web.accounts.models import Team
from asylon.web.cases.models import Case, Client
from asylon.web.timeline.services import facts_from_timeline, merge_facts

SECTIONS = ("procedure", "applicant", "claim", "conduct", "removal", "evidence")


def to_case_file(
    case: Case, as_of: date | None = None, jurisdiction: str | None = None
) -> dict[str, Any]:
    """The case as an asylon.case/1 document (validated)."""
    day = as_of or date.today()
    facts = merge_facts(dict(case.facts or {}), facts_from_timeline(case, until=day))
    applicant = dict(facts.get("applicant") or {})
    applicant["name"] = {"full": case.client.full_name, "aliases": list(case.client.aliases)}
    facts["applicant"] = applicant
    doc = {
        "format": "asylon.case/1",
        "id": f"case-{case.pk}",
        "jurisdiction": jurisdiction or case.jurisdiction,
        "as_of": day.isoformat(),
        **{k: facts[k] for k in SECTIONS if facts.get(k) is not None},
    }
    validated(doc)
    return doc


def validated(doc: dict[str, Any]) -> CaseFile:
    """Validate a document against the contract (raises CaseFileError naming each field)."""
    return case_from_data(json.loads(json.dumps(doc, default=str)))


def import_case(
    text: str | bytes,
    fmt: str,
    team: Team,
    user: Any,
    then: Callable[[Case], object] | None = None,
) -> Case:
    """A new client and case from a case file; all or nothing (an error leaves no row).

    ``then`` is called with the new case inside the same transaction: the import's audit
    entry, so that no case is ever stored without it. The file is parsed and checked before
    the transaction opens, so that a large or invalid file never holds the database's write
    lock (on SQLite, one writer at a time)."""
    from asylon.law.facts import parse_case_file

    parsed = parse_case_file(text, fmt)  # type: ignore[arg-type]
    data = json.loads(parsed.model_dump_json(by_alias=True, exclude_none=True))
    applicant = data.get("applicant", {})
    name = applicant.pop("name", None) or {}
    if not name.get("full"):
        raise CaseFileError([("applicant.name.full", "a name is required to open a case")])
    nationalities = applicant.get("nationalities", [])
    home = applicant.get("habitual_residence") or {}
    with transaction.atomic():
        client = Client.objects.create(
            full_name=name["full"],
            aliases=name.get("aliases", []),
            team=team,
            born=applicant.get("born"),
            sex=applicant.get("sex", ""),
            nationalities=nationalities,
            stateless=applicant.get("stateless"),
            home_country=home.get("country", ""),
            home_place=home.get("place", "") or "",
        )
        facts = {k: data[k] for k in SECTIONS if k in data}
        facts["applicant"] = applicant
        case = Case.objects.create(
            client=client,
            team=team,
            jurisdiction=parsed.jurisdiction,
            procedure_kind=(data.get("procedure") or {}).get("kind", ""),
            facts=facts,
        )
        if user is not None and getattr(user, "is_authenticated", False):
            case.assigned.add(user)
        if then is not None:
            then(case)
        return case
