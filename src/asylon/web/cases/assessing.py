"""Running the engine on a stored case, and keeping what it said."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from django.db import transaction

from asylon.faults import checkpoint
from asylon.law import assess
from asylon.law.evidence import CountryEvidence
from asylon.web.audit.services import record
from asylon.web.cases.casefile import to_case_file, validated
from asylon.web.cases.models import Assessment, Case
from asylon.web.screening.flags import add_exclusion_review

PROFILES = ("unhcr", "eu", "ru")


_OPEN: dict[tuple[str, int], tuple[CountryEvidence, str]] = {}
# A DuckDB connection serves one thread at a time: a threaded server (the tests' live server)
# takes turns on the process's one connection.
_TURN = threading.Lock()


@contextmanager
def _evidence_in_turn() -> Iterator[tuple[CountryEvidence | None, str]]:
    with _TURN:
        yield _evidence()


def _evidence() -> tuple[CountryEvidence | None, str]:
    """The built evidence store, read-only, and a label of its build for the snapshot.

    One connection per process, reopened when the store is rebuilt: opening DuckDB costs tens
    of milliseconds, more than the assessment itself. Use it through :func:`_evidence_in_turn`.
    """
    from asylon.evidence.store import default_path

    path = default_path()
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None, ""
    key = (str(path), mtime)
    if key not in _OPEN:
        from asylon.evidence.reading import StoreEvidence

        for old, _label in _OPEN.values():
            old.close()  # type: ignore[attr-defined]
        _OPEN.clear()
        built = datetime.fromtimestamp(mtime / 1e9, tz=UTC).isoformat(timespec="seconds")
        _OPEN[key] = (StoreEvidence(path), f"{path.name} built {built}")
    return _OPEN[key]


def assess_case(case: Case, user: Any, as_of: date) -> Assessment:
    """Assess the case under its jurisdiction on ``as_of`` and store the determination."""
    doc = to_case_file(case, as_of)
    with _evidence_in_turn() as (evidence, snapshot):
        det = assess(validated(doc), evidence).to_dict()
    det = add_exclusion_review(case, det)  # confirmed register matches (screening)
    # The assessment, the data version it raises and its audit entry in one transaction: no
    # assessment without its entry if the process dies between them, and one commit (one
    # turn at SQLite's write lock, one sync to disk) where there were three. Only the writes:
    # reading the case and the evidence and running the engine inside the transaction held
    # SQLite's one write lock (taken at BEGIN) for the whole assessment, and every other
    # writer (each audited page) waited for it.
    with transaction.atomic():
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
        checkpoint("assess")
        record(user, "assess", case, assessment=assessment.pk, outcome=det["outcome"])
    return assessment


def compare_case(case: Case, user: Any, as_of: date) -> dict[str, dict[str, Any] | str]:
    """The same facts under each profile (not stored; the comparison is audited)."""
    from asylon.law import LawNotInForce

    results: dict[str, dict[str, Any] | str] = {}
    for profile in PROFILES:
        try:
            doc = to_case_file(case, as_of, jurisdiction=profile)
            with _evidence_in_turn() as (evidence, _):
                results[profile] = assess(validated(doc), evidence).to_dict()
        except LawNotInForce as err:
            results[profile] = str(err)
    record(user, "compare", case, as_of=as_of.isoformat())
    return results
