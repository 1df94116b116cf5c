"""Unique persons of the latest linkage run, counted, with the source overlap and the estimate.

A person is a cluster of the run. Where a person's records disagree, each table takes the
value most of their records give (ties: the earliest date, else the first value in sorted
order); a person none of whose records gives a value is counted under "not recorded". The
period is that of the date of death or disappearance so chosen (year, or year and month).

The **source overlap** counts, for each combination of sources, the persons recorded by
exactly those sources: the capture-history table of multiple-systems estimation. It is
written as the CSV ``asylon estimate --overlap`` reads (one 0/1 column per source, then
``count``), and :func:`estimate_for` runs :func:`asylon.linkage.estimate.estimate` on it.

Disclosure control: every table a researcher sees passes
:func:`asylon.stats.disclosure.control_counts` with the caseload's rule
(:func:`asylon.web.stats.caseload.rule`: a count of 1 to 4 persons is withheld, with the
complementary cells that would give it back; rounding when configured). Register staff, who
see the records themselves, get exact counts. The estimate is computed from the exact table
for everyone: it is one total with an interval and gives no cell back.
"""

from __future__ import annotations

import csv
import io
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import product
from typing import Any

from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from asylon.stats.disclosure import Cell, ControlledTable, Rule, control_counts
from asylon.web.stats.caseload import rule as caseload_rule
from asylon.web.victims.models import ClusterMember, LinkRun

NOT_RECORDED = "not_recorded"
OTHER = "other"
DIMENSIONS: dict[str, Any] = {
    "year": _("Persons by year of death or disappearance"),
    "month": _("Persons by month of death or disappearance"),
    "governorate": _("Persons by governorate"),
    "cause": _("Persons by cause"),
    "status": _("Persons by status"),
    "event": _("Persons killed and disappeared"),
}
OVERLAP_TITLE = _("Persons by the combination of sources that recorded them")
ASSUMPTIONS = (
    _(
        "The estimate counts everyone the lists could have recorded, including those no list "
        "recorded, from how often the same persons appear on several lists."
    ),
    _(
        "It assumes the linkage is right: a wrong merge or a missed duplicate changes the "
        "overlap between the lists, and so the estimate."
    ),
    _(
        "It assumes every person of the population could have been recorded by each list "
        "(the population is closed and the lists cover it); people no list could reach are "
        "not in the estimate."
    ),
    _(
        "The lists may depend on one another and people may differ in how likely they are "
        "to be recorded: the latent-class model (LCMCR) allows for that, but it cannot "
        "correct for a group that every list misses in the same way."
    ),
    _(
        "In simulations where each list recorded a large group with a probability near one "
        "in ten, the estimate came out 15 to 20% too low and its interval often missed the "
        "true total: where the lists reach some people far less often than others, read the "
        "estimate as a lower bound."
    ),
    _(
        "So an estimate from four lists or more is checked against the simplest model in "
        "which such a group can hide (two groups of people, each recorded at its own rate). "
        "Where that model fits the lists as well with four times as many people unrecorded, "
        "the lists do not say how many more there are: no total is given, only a lower bound. "
        "Where it allows a wider interval, the interval is widened. The check does not catch "
        "every such table."
    ),
    _(
        "The interval says where the total lies with 95% probability under the model; it "
        "does not cover errors in the lists themselves."
    ),
)


@dataclass(frozen=True)
class PersonFacts:
    """What the tables need of one person: no name, no record id."""

    sources: frozenset[str]
    event_date: date | None
    governorate: str
    cause: str
    status: str
    event: str

    @property
    def year(self) -> str:
        return str(self.event_date.year) if self.event_date else NOT_RECORDED

    @property
    def month(self) -> str:
        return self.event_date.strftime("%Y-%m") if self.event_date else NOT_RECORDED

    def value(self, dimension: str) -> str:
        return str(getattr(self, dimension))


def _consensus(values: Iterable[Any]) -> Any:
    """The value most records give; ties to the smallest; None if none gives one."""
    counts = Counter(v for v in values if v not in (None, ""))
    if not counts:
        return None
    best = max(counts.values())
    return min(v for v, n in counts.items() if n == best)


def _cause_key(text: str) -> str:
    return " ".join(text.split()).casefold()


# Person facts of the latest runs, per process: reading them decrypts every record of the run
# (about 0.2 s per thousand records), on every view of the counts page otherwise. A run's
# persons never change; their records change only by a new import, which the key includes.
# No name is in them.
_FACTS: dict[tuple[Any, ...], tuple[PersonFacts, ...]] = {}
_FACTS_LOCK = threading.Lock()
FACTS_KEPT = 2


def _facts_key(run: LinkRun) -> tuple[Any, ...]:
    from asylon.web.victims.models import VictimSource

    latest = VictimSource.objects.aggregate(at=Max("imported_at"), n=Count("pk"))
    return (run.pk, run.created_at.isoformat(), latest["at"], latest["n"])


def person_facts(run: LinkRun) -> list[PersonFacts]:
    """One :class:`PersonFacts` per person of ``run`` (the records are decrypted in memory;
    the result is kept for the process until a list is imported again)."""
    key = _facts_key(run)
    with _FACTS_LOCK:
        found = _FACTS.get(key)
    if found is None:
        found = tuple(_read_person_facts(run))
        with _FACTS_LOCK:
            _FACTS[key] = found
            while len(_FACTS) > FACTS_KEPT:
                _FACTS.pop(next(iter(_FACTS)))
    return list(found)


def _read_person_facts(run: LinkRun) -> list[PersonFacts]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    rows = ClusterMember.objects.filter(run=run).select_related("record", "record__source_list")
    for m in rows:
        grouped[m.cluster_id].append(m.record)
    out = []
    for records in grouped.values():
        out.append(
            PersonFacts(
                sources=frozenset(r.source_list.name for r in records),
                event_date=_consensus(r.event_date for r in records),
                governorate=_consensus(r.governorate for r in records) or NOT_RECORDED,
                cause=_consensus(_cause_key(r.cause or "") for r in records) or NOT_RECORDED,
                status=_consensus(r.status for r in records) or NOT_RECORDED,
                event=_consensus(r.event for r in records) or NOT_RECORDED,
            )
        )
    return out


# --- tables -------------------------------------------------------------------------------


def display(dimension: str, value: str) -> str:
    """A row's label on a page: governorates by name in the active language, vocabularies
    translated; years, months, causes and source combinations as they are."""
    from asylon.web.victims.models import Event, Status

    if value == NOT_RECORDED:
        return str(_("not recorded"))
    if value == OTHER and dimension == "cause":
        return str(_("other causes"))
    if dimension == "governorate":
        from asylon.evidence.gazetteer import PlaceError
        from asylon.web.evidence.names import place_name

        try:
            return place_name(_gazetteer().get(value))
        except PlaceError:
            return value
    if dimension == "status":
        return str(dict(Status.choices).get(value, value))
    if dimension == "event":
        return str(dict(Event.choices).get(value, value))
    return value


_GAZETTEER: list[Any] = []


def _gazetteer() -> Any:
    from asylon.evidence.gazetteer import Gazetteer

    if not _GAZETTEER:
        _GAZETTEER.append(Gazetteer.load())
    return _GAZETTEER[0]


@dataclass(frozen=True)
class CountTable:
    key: str
    title: Any
    table: ControlledTable
    controlled: bool

    def lines(self) -> list[tuple[str, Cell]]:
        return [
            (display(self.key, r), cells[0])
            for r, cells in zip(self.table.rows, self.table.cells, strict=True)
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": str(self.title),
            "controlled": self.controlled,
            **self.table.to_dict(),
        }


def rule() -> Rule:
    """The caseload statistics' disclosure rule."""
    return caseload_rule()


def _table(
    key: str, title: Any, labels: Sequence[str], counts: Sequence[int], controlled: bool
) -> CountTable:
    if controlled:
        t = control_counts(list(labels), list(counts), rule()).table
    else:
        t = ControlledTable(
            rows=tuple(labels),
            columns=("count",),
            cells=tuple((Cell(c),) for c in counts),
            row_totals=None,
            column_totals=(Cell(sum(counts)),),
            grand_total=None,
            rule=rule(),
            notes=(),
        )
    return CountTable(key, title, t, controlled)


def _ordered(counts: Counter[str]) -> list[str]:
    return sorted(counts, key=lambda v: (v == NOT_RECORDED, v == OTHER, v))


def _recode_rare(counts: Counter[str], threshold: int) -> Counter[str]:
    """Causes are the sources' free text: a rare one could name a person even when its count
    is withheld, so causes of fewer than ``threshold`` persons are published together as
    "other causes" (global recoding, before suppression)."""
    out: Counter[str] = Counter()
    for value, n in counts.items():
        out[value if n >= threshold or value == NOT_RECORDED else OTHER] += n
    return out


def count_by(persons: Sequence[PersonFacts], dimension: str, controlled: bool) -> CountTable:
    if dimension not in DIMENSIONS:
        raise ValueError(f"count by one of {', '.join(DIMENSIONS)}, not {dimension!r}")
    counts = Counter(p.value(dimension) for p in persons)
    if controlled and dimension == "cause":
        counts = _recode_rare(counts, rule().threshold)
    labels = _ordered(counts) or [NOT_RECORDED]
    return _table(dimension, DIMENSIONS[dimension], labels, [counts[k] for k in labels], controlled)


def sources_of(run: LinkRun) -> list[str]:
    """The sources whose records the run linked, sorted: the overlap table's columns."""
    return sorted(
        set(
            ClusterMember.objects.filter(run=run).values_list(
                "record__source_list__name", flat=True
            )
        )
    )


def overlap(
    persons: Sequence[PersonFacts], sources: Sequence[str]
) -> list[tuple[tuple[int, ...], int]]:
    """Every non-empty 0/1 pattern over ``sources`` (in binary counting order, the first
    source the most significant, as :mod:`asylon.linkage.estimate.overlap` orders them) and the
    number of persons recorded by exactly those sources."""
    counts = Counter(tuple(int(s in p.sources) for s in sources) for p in persons)
    patterns = [p for p in product((0, 1), repeat=len(sources)) if any(p)]
    return [(p, counts[p]) for p in patterns]


def overlap_table(
    rows: Sequence[tuple[tuple[int, ...], int]], sources: Sequence[str], controlled: bool
) -> CountTable:
    labels = [" + ".join(s for s, bit in zip(sources, p, strict=True) if bit) for p, _ in rows]
    return _table("overlap", OVERLAP_TITLE, labels, [n for _, n in rows], controlled)


def overlap_csv(rows: Sequence[tuple[tuple[int, ...], int]], sources: Sequence[str]) -> str:
    """The overlap table as ``asylon estimate --overlap`` reads it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*sources, "count"])
    for pattern, n in rows:
        writer.writerow([*pattern, n])
    return out.getvalue()


STRATA = ("governorate", "year")


def strata(persons: Sequence[PersonFacts], by: str) -> list[tuple[str, list[PersonFacts]]]:
    """The persons grouped by governorate or year, in order ("not recorded" last)."""
    if by not in STRATA:
        raise ValueError(f"strata by one of {', '.join(STRATA)}, not {by!r}")
    groups: dict[str, list[PersonFacts]] = defaultdict(list)
    for p in persons:
        groups[p.value(by)].append(p)
    return [(k, groups[k]) for k in sorted(groups, key=lambda v: (v == NOT_RECORDED, v))]


def overlap_strata_csv(persons: Sequence[PersonFacts], sources: Sequence[str], by: str) -> str:
    """One overlap table per stratum (governorate or year) in one CSV, with the stratum in a
    column named ``by``, as ``asylon estimate --overlap FILE.csv --strata <by>`` reads it."""
    groups = strata(persons, by)
    if by in sources:
        raise ValueError(f"a source is named {by!r}: the strata column would clash with it")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([by, *sources, "count"])
    for stratum, members in groups:
        for pattern, n in overlap(members, sources):
            writer.writerow([stratum, *pattern, n])
    return out.getvalue()


# --- the estimate -------------------------------------------------------------------------


def estimate_overlap(
    rows: Sequence[tuple[tuple[int, ...], int]],
    sources: Sequence[str],
    settings: Any = None,
    method: str = "lcmcr",
    source: str = "",
) -> dict[str, Any]:
    """The ``asylon.estimate/1`` document for an overlap table (see
    :func:`asylon.linkage.estimate.estimate`): median, 95% interval, method, identifiability."""
    from asylon.linkage.estimate import estimate, table_from_patterns
    from asylon.linkage.estimate.notes import Note

    if len(sources) < 2:
        too_few = Note("too_few_lists")
        return {
            "format": "asylon.estimate/1",
            "source": source,
            "lists": list(sources),
            "observed": sum(n for _, n in rows),
            "method": method,
            "median": None,
            "lower": None,
            "upper": None,
            "interval": 0.95,
            "identified": False,
            "reasons": [too_few.text],
            "warnings": [],
            "reason_notes": [too_few.to_dict()],
            "warning_notes": [],
            "estimates": [],
            "notes": [],
        }
    table = table_from_patterns(list(sources), [p for p, _ in rows], [n for _, n in rows])
    return estimate([table], method=method, settings=settings, source=source)


def estimate_by(
    run: LinkRun, by: str, settings: Any = None, method: str = "lcmcr"
) -> dict[str, Any]:
    """The estimate stratified ``by`` governorate or year: one overlap table per stratum,
    each estimated on its own (a seed per stratum, derived from the settings' seed), and their
    total (:func:`asylon.linkage.estimate.estimate`; its ``strata`` list has each stratum's).
    Not kept on the run: a stratum takes seconds, so only a report that asks for it pays."""
    from asylon.linkage.estimate import estimate, table_from_patterns

    groups = strata(person_facts(run), by)
    sources = sources_of(run)
    if len(sources) < 2:
        return estimate_overlap([], sources, source=f"linkage run {run.pk}")
    tables = []
    for stratum, members in groups:
        rows = overlap(members, sources)
        tables.append(
            table_from_patterns(
                sources, [p for p, _ in rows], [n for _, n in rows], stratum=stratum
            )
        )
    doc = estimate(
        tables, method=method, settings=settings, source=f"linkage run {run.pk}, by {by}"
    )
    doc["by"] = by
    return doc


def public_estimate(doc: dict[str, Any], observed: int | None) -> dict[str, Any]:
    """The estimate as a researcher sees it: the number of persons recorded is the controlled
    table's total (rounded or withheld as the tables are), not the exact count; the total, its
    interval and the method are kept (one figure over everyone, it gives no cell back)."""
    out = _notes_observing(dict(doc), observed)
    out["observed"] = observed
    out["estimates"] = [
        {**_notes_observing(dict(e), observed), "observed": observed}
        for e in doc.get("estimates", [])
    ]
    out.pop("strata", None)
    return out


def published_notes(
    raw: Iterable[dict[str, Any]], observed: Callable[[Any], int | None]
) -> list[Any]:
    """Reasons or warnings (``reason_notes``, ``warning_notes``) as notes, the number observed
    each quotes replaced by the published figure ``observed(note)`` gives (the total's, or its
    stratum's), or left out where that is withheld: an exact count in a sentence would give a
    withheld or rounded one back."""
    from asylon.linkage.estimate.notes import Note

    notes = [Note.from_dict(n) for n in raw]
    return [n.with_observed(observed(n)) for n in notes]


def _notes_observing(doc: dict[str, Any], observed: int | None) -> dict[str, Any]:
    """``doc``'s reasons and warnings, quoting the published number observed."""
    for kind in ("reason", "warning"):
        notes = published_notes(doc.get(f"{kind}_notes", []), lambda _note: observed)
        doc[f"{kind}_notes"] = [n.to_dict() for n in notes]
        doc[f"{kind}s"] = [n.text for n in notes]
    return doc


def estimate_for(run: LinkRun, settings: Any = None, refresh: bool = False) -> dict[str, Any]:
    """The estimate of the total from ``run``'s overlap table, computed once and kept on the
    run (a run never changes). One kept before reasons and warnings had codes
    (``reason_notes``) is computed again: its sentences could not be translated, nor the exact
    count they quote be replaced for a researcher. So is one kept before LCMCR's interval was
    checked by the two-class profile likelihood as it is now (``bound_check_version``): it
    could give a total the data do not bound."""
    from asylon.linkage.estimate.likelihood_bound import CHECK_VERSION

    kept = run.estimate
    current = (
        kept is not None
        and "reason_notes" in kept
        and kept.get("bound_check_version") == CHECK_VERSION
    )
    if kept is not None and current and not refresh and settings is None:
        return dict(kept)
    sources = sources_of(run)
    doc = estimate_overlap(
        overlap(person_facts(run), sources), sources, settings, source=f"linkage run {run.pk}"
    )
    if settings is None:
        run.estimate = doc
        run.save(update_fields=["estimate"])
    return doc


# --- everything a page shows --------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    run: LinkRun
    controlled: bool
    persons: int | None  # None: withheld
    tables: dict[str, CountTable]
    overlap: CountTable
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "asylon.victim-counts/1",
            "run": self.run.pk,
            "run_at": self.run.created_at.isoformat(),
            "controlled": self.controlled,
            "sources": list(self.sources),
            "tables": {k: t.to_dict() for k, t in self.tables.items()},
            "overlap": self.overlap.to_dict(),
        }


def figures(run: LinkRun, controlled: bool, dimensions: Iterable[str] = DIMENSIONS) -> Figures:
    persons = person_facts(run)
    sources = sources_of(run)
    tables = {d: count_by(persons, d, controlled) for d in dimensions}
    ov = overlap_table(overlap(persons, sources), sources, controlled)
    total = ov.table.column_totals[0].value if ov.table.column_totals else None
    return Figures(run, controlled, total, tables, ov, tuple(sources))
