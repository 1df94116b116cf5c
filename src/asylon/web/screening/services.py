"""Screening cases against the register: who is screened, storing the leads, the judgements and
the review queue. Business rules live here; views, API and CLI call these functions.

- The applicant record comes from the case file the engine assesses
  (:func:`asylon.web.cases.casefile.to_case_file`: names and aliases, date of birth,
  nationalities, ``conduct.roles``); family members linked to the client are screened too, from
  their own latest case (or their client record).
- A run stores the hits at or above its threshold and is audited as ``screen_case`` with the case
  id, the register records' database ids and the scores only (register record ids are slugs of
  names: never in the audit).
- A judgement is one per pair (applicant, register record): a later run shows it and the pair
  does not return to the review queue. Changing a judgement is audited too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from asylon.screening.records import ApplicantRecord, PartialDate
from asylon.screening.score import DEFAULT_THRESHOLD
from asylon.web.audit.services import record
from asylon.web.cases.access import visible_cases
from asylon.web.cases.casefile import to_case_file, validated
from asylon.web.cases.models import Case, Client
from asylon.web.register import models as db
from asylon.web.register.access import sees_register
from asylon.web.screening.models import Judgement, ScreeningHit, ScreeningRun
from asylon.web.screening.registry import Lead, current_index

__all__ = [
    "allegations",
    "applicants_of",
    "judge",
    "latest_hits",
    "may_judge",
    "queue",
    "screen_batch",
    "screen_case",
]


def applicant_key(client: Client | int) -> str:
    return f"client-{client if isinstance(client, int) else client.pk}"


def _record(case: Case, key: str) -> ApplicantRecord:
    return ApplicantRecord.from_case_file(validated(to_case_file(case)), case_id=key)


def _client_record(client: Client, key: str) -> ApplicantRecord:
    born = PartialDate.parse(client.born) if client.born else None
    names = tuple(n for n in [client.full_name, *client.aliases] if n)
    return ApplicantRecord(
        id=key, names=names, birth_dates=(born,) if born else (),
        nationalities=tuple(client.nationalities or ()),
    )  # fmt: skip


def applicants_of(case: Case) -> list[tuple[str, str, ApplicantRecord]]:
    """(key, relation, record) of the case's applicant ("" relation) and linked family members."""
    key = applicant_key(case.client_id)
    out = [(key, "", _record(case, key))]
    for link in case.client.family_links.select_related("relative"):
        rkey = applicant_key(link.relative_id)
        theirs = Case.objects.filter(client_id=link.relative_id).order_by("-pk").first()
        out.append(
            (
                rkey,
                link.relation,
                _record(theirs, rkey) if theirs else _client_record(link.relative, rkey),
            )
        )
    return out


def _audit_ids(leads: Iterable[Lead]) -> list[dict[str, Any]]:
    index = current_index()
    return [
        {"kind": lead.kind, "register_pk": index.register_pk(lead.kind, lead.hit.register_id),
         "score": round(lead.hit.score, 4)}
        for lead in leads
    ]  # fmt: skip


def screen_case(
    case: Case, user: Any, threshold: float = DEFAULT_THRESHOLD, batch: str = ""
) -> ScreeningRun:
    """Screen the case's applicant and family against the register; store and audit the hits
    (the run, its hits and the audit entry in one transaction: never a run half written).

    The matching runs before that transaction, not in it: on SQLite a transaction holds the
    one write lock from its start, and every audited page in every process would wait for the
    matching (and, the first time in a process, for the register's index to be built)."""
    from asylon.web.register.dossier import register_version

    index = current_index()
    version = register_version()
    found = [
        (key, relation, lead)
        for key, relation, applicant in applicants_of(case)
        for lead in index.screen_record(applicant, threshold)
    ]
    with transaction.atomic():
        run = ScreeningRun.objects.create(
            case=case, batch=batch, user=user if getattr(user, "is_authenticated", False) else None,
            threshold=threshold, register_version=version,
        )  # fmt: skip
        for key, relation, lead in found:
            ScreeningHit.objects.create(
                run=run, case=case, applicant_key=key, relation=relation, kind=lead.kind,
                register_id=lead.hit.register_id, register_name=lead.hit.register_name,
                score=lead.hit.score, features=[f.to_dict() for f in lead.hit.features],
                allegation_ids=list(lead.allegation_ids),
            )  # fmt: skip
        record(user, "screen_case", case, run=run.pk, threshold=threshold, batch=batch,
               hits=_audit_ids([lead for _key, _relation, lead in found]))  # fmt: skip
    return run


def screen_batch(user: Any, threshold: float = DEFAULT_THRESHOLD) -> list[ScreeningRun]:
    """Screen every case the user may see (the command line, without a user: every case), one
    transaction per case, all runs under one batch id."""
    cases = visible_cases(user) if user is not None else Case.objects.all()
    batch = uuid.uuid4().hex[:12]
    return [screen_case(c, user, threshold, batch) for c in cases.select_related("client")]


def latest_run(case: Case) -> ScreeningRun | None:
    return case.screening_runs.order_by("-at", "-pk").first()


def judgements_for(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Judgement]:
    pairs = list(pairs)
    if not pairs:
        return {}
    keys = {a for a, _ in pairs}
    ids = {r for _, r in pairs}
    found = Judgement.objects.filter(applicant_key__in=keys, register_id__in=ids)
    return {(j.applicant_key, j.register_id): j for j in found}


@dataclass
class HitView:
    hit: ScreeningHit
    judgement: Judgement | None


def latest_hits(case: Case) -> tuple[ScreeningRun | None, list[HitView]]:
    run = latest_run(case)
    if run is None:
        return None, []
    hits = list(run.hits.all())
    found = judgements_for((h.applicant_key, h.register_id) for h in hits)
    return run, [HitView(h, found.get((h.applicant_key, h.register_id))) for h in hits]


def allegations(ids: Iterable[str]) -> list[dict[str, Any]]:
    """The allegations with their incident and sources (citation, URL), in the source's words."""
    rows = list(db.Allegation.objects.filter(record_id__in=list(ids)).select_related("incident"))
    source_ids = {s for a in rows for s in a.source_ids}
    sources = {s.record_id: s for s in db.Source.objects.filter(record_id__in=source_ids)}
    out = []
    for a in rows:
        out.append({
            "id": a.record_id,
            "role": a.role,
            "mode_of_liability": a.mode_of_liability,
            "certainty": a.certainty,
            "description": a.description,
            "pinpoint": a.pinpoint,
            "incident": {
                "id": a.incident.record_id, "title": a.incident.title,
                "start_date": a.incident.start_date, "end_date": a.incident.end_date,
                "violation_types": a.incident.violation_types,
            },
            "sources": [
                {"id": s.record_id, "citation": s.citation, "url": s.url, "date": s.date}
                for sid in a.source_ids if (s := sources.get(sid)) is not None
            ],
        })  # fmt: skip
    return out


# --- judgements and the review queue --------------------------------------------------------


def may_judge(user: Any) -> bool:
    """Documentation staff and reviewers (those who see the register) judge screening hits."""
    return sees_register(user)


def queue(user: Any) -> list[ScreeningHit]:
    """Unjudged hits of the latest run of every case the user may see (register staff only)."""
    if not may_judge(user):
        return []
    cases = visible_cases(user)
    runs = {}
    for run in ScreeningRun.objects.filter(case__in=cases).order_by("case_id", "-at", "-pk"):
        runs.setdefault(run.case_id, run.pk)
    hits = list(
        ScreeningHit.objects.filter(run_id__in=runs.values()).select_related("case__client")
    )
    found = judgements_for((h.applicant_key, h.register_id) for h in hits)
    return [h for h in hits if (h.applicant_key, h.register_id) not in found]


def hit_for(user: Any, hit_id: int) -> ScreeningHit | None:
    """The hit if its case is visible to the user, else None (the caller answers 404)."""
    return (
        ScreeningHit.objects.filter(pk=hit_id, case__in=visible_cases(user))
        .select_related("case__client")
        .first()
    )


@transaction.atomic
def judge(hit: ScreeningHit, user: Any, decision: str, reason: str) -> Judgement:
    """Record (or change) the judgement of the hit's pair; audited without names or reasons."""
    if not may_judge(user):
        raise PermissionError("only documentation staff and reviewers judge screening hits")
    if decision not in Judgement.Decision.values:
        raise ValueError(f"unknown decision {decision!r}")
    if not reason.strip():
        raise ValueError("a reason is required")
    judgement, created = Judgement.objects.update_or_create(
        applicant_key=hit.applicant_key, register_id=hit.register_id,
        defaults={"case": hit.case, "decision": decision, "reason": reason.strip(), "user": user},
    )  # fmt: skip
    index = current_index()
    record(user, "screening_judgement", hit.case, hit=hit.pk, judgement=judgement.pk,
           decision=decision, kind=hit.kind, register_pk=index.register_pk(hit.kind, hit.register_id),
           score=round(hit.score, 4), changed=not created)  # fmt: skip
    return judgement


def confirmed_matches(case: Case) -> QuerySet[Judgement]:
    return Judgement.objects.filter(
        applicant_key=applicant_key(case.client_id), decision=Judgement.Decision.MATCH
    )


def screen_records(
    records: Iterable[ApplicantRecord], threshold: float = DEFAULT_THRESHOLD, all_hits: bool = False
) -> list[dict[str, Any]]:
    """Screen applicants that are not stored (``--applicants``, ``POST /api/screen``): the hits
    as ``asylon screen --format json`` gives them. Nothing about the applicants is stored."""
    index = current_index()
    out = []
    for applicant in records:
        for lead in index.screen_record(applicant, threshold, all_hits):
            out.append({**lead.hit.to_dict(), "kind": lead.kind,
                        "allegations": allegations(lead.allegation_ids)})  # fmt: skip
    return out


def hit_dict(hit: ScreeningHit, judgement: Judgement | None = None) -> dict[str, Any]:
    """A stored hit in the JSON shape of ``asylon screen`` (plus its id, case and judgement)."""
    return {
        "id": hit.pk,
        "case_id": hit.case_id,
        "applicant_id": hit.applicant_key,
        "relation": hit.relation,
        "kind": hit.kind,
        "register_id": hit.register_id,
        "register_name": hit.register_name,
        "score": round(hit.score, 4),
        "features": hit.features,
        "allegations": allegations(hit.allegation_ids),
        "judgement": None if judgement is None else {
            "decision": judgement.decision, "reason": judgement.reason,
            "at": judgement.at.isoformat(),
        },
    }  # fmt: skip
