"""From stored records to persons: the linkage run, and the reviewers' split and merge.

A run decrypts every record into a :class:`asylon.linkage.records.types.VictimRecord` in
memory, gives :func:`asylon.linkage.records.link` every judgement (the latest per pair), and
stores the run, its persons and each record's person in one transaction: a failed run leaves
the previous one as the latest.

Reviewers act on a person of the latest run:

- **split** a record from the person: a "different" judgement between that record and each
  other record of the person (superseding any earlier judgement on those pairs);
- **merge** two persons: a "same" judgement between their first records; and, because the
  reviewer now says every record of both is one person, a "same" judgement for each pair across
  the two that an earlier judgement had said were different.

Both are recorded with the reviewer, the time and the reason, audited, and given to every
later run. The set of judgements must stay consistent ("same" chains never join a pair judged
"different"): an action that would break that is refused and nothing is written. A judgement
takes effect at the next run; the person page says so.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from asylon.linkage.records import types as core
from asylon.linkage.records.cluster import VICTIMS_THRESHOLD
from asylon.web.audit.services import record as audit
from asylon.web.victims.models import (
    ClusterMember,
    LinkJudgement,
    LinkRun,
    PersonCluster,
    VictimRecord,
)

DEFAULT_THRESHOLD = VICTIMS_THRESHOLD  # see asylon.linkage.records.cluster


class JudgementRefused(Exception):
    """A split or merge that would contradict other judgements, or makes no sense."""


# --- records and judgements as the linkage core reads them --------------------------------


def to_core(row: VictimRecord, source_name: str | None = None) -> core.VictimRecord:
    """A stored record as the linkage reads it (decrypted in memory only)."""
    source = source_name or row.source_list.name
    return core.VictimRecord(
        key=f"{source}:{row.source_id}",
        source=source,
        source_id=row.source_id,
        name=row.name,
        sex=row.sex or None,  # type: ignore[arg-type]
        age=row.age,
        birth_date=row.birth_date,
        birth_year=row.birth_year,
        event_date=row.event_date,
        event=row.event or None,  # type: ignore[arg-type]
        place=row.place or None,
        governorate=row.governorate or None,
        cause=row.cause or None,
        status=row.status or None,  # type: ignore[arg-type]
    )


def all_records() -> list[VictimRecord]:
    return list(
        VictimRecord.objects.select_related("source_list").order_by("source_list__name", "pk")
    )


def latest_judgements() -> dict[tuple[int, int], LinkJudgement]:
    """The latest judgement per pair of records (left id < right id)."""
    out: dict[tuple[int, int], LinkJudgement] = {}
    for j in LinkJudgement.objects.order_by("created_at", "pk"):
        out[j.left_id, j.right_id] = j
    return out


def core_judgements(keys: dict[int, str]) -> list[core.LinkJudgement]:
    return [
        core.LinkJudgement(keys[a], keys[b], j.decision)  # type: ignore[arg-type]
        for (a, b), j in sorted(latest_judgements().items())
        if a in keys and b in keys
    ]


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, str | int | bool):
        return value
    if hasattr(value, "item"):  # a NumPy scalar
        return _jsonable(value.item())
    return str(value)


def evidence_json(evidence: Iterable[core.MatchEvidence]) -> list[dict[str, Any]]:
    return [
        {
            "left": e.left,
            "right": e.right,
            "probability": _jsonable(float(e.probability)),
            "weight": _jsonable(float(e.weight)),
            "judged": bool(e.judged),
            "comparisons": [
                {"comparison": c, "level": level, "weight": _jsonable(float(w))}
                for c, level, w in e.comparisons
            ],
        }
        for e in evidence
    ]


# --- the run ------------------------------------------------------------------------------


def run_linkage(user: Any = None, threshold: float = DEFAULT_THRESHOLD, seed: int = 0) -> LinkRun:
    """Link every stored record under every judgement; store the run (see module docstring)."""
    from asylon.linkage.records import link

    if not 0 < threshold < 1:
        raise ValueError(_("The threshold is a probability between 0 and 1."))
    rows = all_records()
    if not rows:
        raise ValueError(_("There are no victim records to link: import a list first."))
    by_key = {}
    records = []
    for row in rows:
        rec = to_core(row)
        by_key[rec.key] = row
        records.append(rec)
    judgements = core_judgements({row.pk: key for key, row in by_key.items()})
    result = link(records, judgements, threshold=threshold, seed=seed)
    clusters = result.clusters
    placed = [k for c in clusters for k in c.members]
    if len(placed) != len(set(placed)) or set(placed) != set(by_key):
        raise RuntimeError("the linkage did not place every record in exactly one cluster")
    who = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        run = LinkRun.objects.create(
            created_by=who,
            threshold=threshold,
            seed=seed,
            parameters=_jsonable(getattr(result, "parameters", {})),
            refused=_jsonable(list(getattr(result, "refused", ()))),
            n_records=len(records),
            n_persons=len(clusters),
            n_judgements=len(judgements),
        )
        made = PersonCluster.objects.bulk_create(
            [
                PersonCluster(
                    run=run,
                    cluster_id=c.id,
                    size=len(c.members),
                    evidence=evidence_json(c.evidence),
                )
                for c in clusters
            ],
            batch_size=1000,
        )
        if made and made[0].pk is None:  # a backend without RETURNING
            made = list(PersonCluster.objects.filter(run=run))
        pk_of = {p.cluster_id: p.pk for p in made}
        ClusterMember.objects.bulk_create(
            [
                ClusterMember(run=run, cluster_id=pk_of[c.id], record_id=by_key[key].pk)
                for c in clusters
                for key in c.members
            ],
            batch_size=2000,
        )
        audit(
            user,
            "victims_link",
            run,
            threshold=threshold,
            seed=seed,
            records=run.n_records,
            persons=run.n_persons,
            judgements=run.n_judgements,
            refused=len(run.refused),
        )
    return run


def latest_run() -> LinkRun | None:
    return LinkRun.objects.order_by("-created_at", "-pk").first()


def members(cluster: PersonCluster) -> list[VictimRecord]:
    return list(
        VictimRecord.objects.filter(memberships__cluster=cluster)
        .select_related("source_list")
        .order_by("source_list__name", "source_id")
    )


# --- reviewers' judgements ----------------------------------------------------------------


def _check_consistent(latest: dict[tuple[int, int], str]) -> None:
    """Refuse a set of judgements where "same" chains join a pair judged "different"."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (a, b), decision in latest.items():
        if decision == "same":
            parent[find(a)] = find(b)
    for (a, b), decision in latest.items():
        if decision == "different" and find(a) == find(b):
            raise JudgementRefused(
                _(
                    "Victim records %(a)d and %(b)d were judged different persons, but other "
                    "judgements say they are the same person: judge that pair again first."
                )
                % {"a": a, "b": b}
            )


def _judge(
    pairs: Sequence[tuple[int, int]], decision: str, reviewer: Any, reason: str
) -> list[LinkJudgement]:
    rows = []
    for a, b in pairs:
        left, right = (a, b) if a < b else (b, a)
        rows.append(
            LinkJudgement(
                left_id=left, right_id=right, decision=decision, reviewer=reviewer, reason=reason
            )
        )
    return rows


def _save_judgements(rows: list[LinkJudgement]) -> None:
    latest = {pair: j.decision for pair, j in latest_judgements().items()}
    for j in rows:
        latest[j.left_id, j.right_id] = j.decision
    _check_consistent(latest)
    for j in rows:  # one by one: created_at orders them after every earlier judgement
        j.save()


def split(
    cluster: PersonCluster, record: VictimRecord, reviewer: Any, reason: str
) -> list[LinkJudgement]:
    """``record`` is not the same person as any other record of ``cluster``."""
    reason = reason.strip()
    if not reason:
        raise JudgementRefused(_("Give the reason for the split."))
    others = [r.pk for r in members(cluster) if r.pk != record.pk]
    if not ClusterMember.objects.filter(cluster=cluster, record=record).exists():
        raise JudgementRefused(_("The record is not one of this person's records."))
    if not others:
        raise JudgementRefused(_("This person has only this record: there is nothing to split."))
    with transaction.atomic():
        rows = _judge([(record.pk, o) for o in others], "different", reviewer, reason)
        _save_judgements(rows)
        audit(
            reviewer,
            "victims_split",
            cluster,
            record=record.pk,
            judgements=len(rows),
            run=cluster.run_id,
        )
    return rows


def merge(
    cluster: PersonCluster, other: PersonCluster, reviewer: Any, reason: str
) -> list[LinkJudgement]:
    """Every record of ``cluster`` and ``other`` is one person."""
    reason = reason.strip()
    if not reason:
        raise JudgementRefused(_("Give the reason for the merge."))
    if cluster.pk == other.pk:
        raise JudgementRefused(_("A person cannot be merged with themselves."))
    if cluster.run_id != other.run_id:
        raise JudgementRefused(_("Both persons must come from the same linkage run."))
    mine = [r.pk for r in members(cluster)]
    theirs = [r.pk for r in members(other)]
    latest = latest_judgements()
    pairs = [(mine[0], theirs[0])]
    for a in mine:
        for b in theirs:
            pair = (min(a, b), max(a, b))
            j = latest.get(pair)
            if j is not None and j.decision == "different" and (a, b) != pairs[0]:
                pairs.append((a, b))
    with transaction.atomic():
        rows = _judge(pairs, "same", reviewer, reason)
        _save_judgements(rows)
        audit(
            reviewer,
            "victims_merge",
            cluster,
            other=other.pk,
            judgements=len(rows),
            run=cluster.run_id,
        )
    return rows


def pending_judgements(run: LinkRun) -> int:
    """Judgements recorded after ``run``: they take effect at the next run."""
    return LinkJudgement.objects.filter(created_at__gt=run.created_at).count()
