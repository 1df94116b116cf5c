"""The organisation's own figures, from the case database, disclosure-controlled.

Which cases count (:func:`scope_cases`):

- a researcher: every case of the organisation (restricted ones included: they appear only
  inside controlled aggregates, never as a case), and only ever as the tables below;
- every other role: the cases :func:`~asylon.web.cases.access.visible_cases` lets them see.

Every table passes :func:`asylon.stats.disclosure.control` before it leaves this module, for
every role: the page can be printed, exported and forwarded, and a caseworker who needs one
case's details has the case itself. A count of 1 to 4 cases is withheld, with the
complementary cells that would give it back; zeros are shown; counts are rounded to the
nearest ``settings.ASYLON_STATS_ROUNDING`` when that is set. Rates are computed only from the
published (rounded) cells, so they give back nothing the table withholds; a median of fewer
than five cases (:data:`THRESHOLD`) is withheld with its count. The unit is the case: each case
is counted once per table (its latest decision, its latest appeal, ...), so five events of one
person never pass the threshold as five. Nothing here carries a case id or a name.

The page has no filters on purpose: two filtered tables that differ by one case give that case
away (a differencing attack), so only these fixed breakdowns are published.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from asylon.stats.disclosure import Cell, ControlledTable, Rule, control, control_counts
from asylon.web.accounts.models import User
from asylon.web.cases.access import visible_cases
from asylon.web.cases.forms import PROCEDURE_LABELS
from asylon.web.cases.models import Assessment, Case
from asylon.web.timeline.history import K, _detentions
from asylon.web.timeline.models import TimelineEvent

THRESHOLD = 5
NOT_RECORDED = "not_recorded"

ASSESSMENT_GROUPS: dict[str, str] = {
    "REFUGEE": "refugee_status",
    "TEMPORARY_ASYLUM": "temporary_asylum",
    "SUBSIDIARY_PROTECTION": "complementary",
    "COMPLEMENTARY_PROTECTION": "complementary",
    "NATIONAL_HUMANITARIAN_STATUS": "complementary",
    "POLITICAL_ASYLUM": "complementary",
    "REFUGEE_STATUS_REFUSED_BUT_REFUGEE": "protected_from_return",
    "EXCLUDED_PROTECTED_FROM_RETURN": "protected_from_return",
    "REJECTED_PROTECTED_FROM_RETURN": "protected_from_return",
    "RETURN_BARRED": "protected_from_return",
    "EXCLUDED_RETURN_PERMITTED": "rejected",
    "REJECTED_RETURN_PERMITTED": "rejected",
    "RETURN_PERMITTED": "rejected",
    "INADMISSIBLE": "rejected",
    "STATUS_CEASED": "status_ended",
    "STATUS_REVOKED": "status_ended",
    "STATUS_CONTINUES": "other",
    "UNDETERMINED": "other",
}
LABELS: dict[str, Any] = {
    NOT_RECORDED: _("not recorded"),
    "refugee_status": _("refugee status"),
    "temporary_asylum": _("temporary asylum"),
    "complementary": _("complementary protection"),
    "protected_from_return": _("no status, but protected from return"),
    "rejected": _("rejected or inadmissible"),
    "status_ended": _("status ceased or revoked"),
    "other": _("other or undetermined"),
    "not_assessed": _("not assessed"),
    "granted": _("refugee status granted"),
    "subsidiary_protection": _("subsidiary protection"),
    "refused": _("refused"),
    "inadmissible": _("inadmissible"),
    "discontinued": _("discontinued"),
    "revoked": _("revoked"),
    "ceased": _("ceased"),
    "no_decision": _("no decision yet"),
    "allowed": _("allowed (won)"),
    "remitted": _("remitted"),
    "dismissed": _("dismissed"),
    "withdrawn": _("withdrawn"),
    "pending": _("pending"),
    "released": _("released"),
    "removed": _("removed"),
    "transferred": _("transferred"),
    "still_detained": _("still detained"),
    "offence": _("cases with an administrative offence"),
    "fined": _("cases fined"),
    "removal_ordered": _("cases with a removal or deportation order"),
    "renewal_applied": _("cases that applied to renew temporary asylum"),
    "renewed": _("cases whose temporary asylum was renewed"),
    "renewal_refused": _("cases refused renewal of temporary asylum"),
    "total": _("total"),
    "count": _("cases"),
}
JURISDICTION_LABELS: dict[str, Any] = {
    "ru": _("Russian Federation"),
    "eu": _("European Union"),
    "unhcr": _("UNHCR mandate"),
}
DECISION_ORDER = (
    "granted",
    "temporary_asylum",
    "subsidiary_protection",
    "refused",
    "inadmissible",
    "discontinued",
    "revoked",
    "ceased",
    "no_decision",
)
ASSESSMENT_ORDER = (
    "refugee_status",
    "temporary_asylum",
    "complementary",
    "protected_from_return",
    "rejected",
    "status_ended",
    "other",
    "not_assessed",
)
SUBSTANTIVE = ("granted", "temporary_asylum", "subsidiary_protection", "refused")


def rule() -> Rule:
    """The disclosure rule: threshold 5, rounding from ``settings.ASYLON_STATS_ROUNDING``."""
    base = getattr(settings, "ASYLON_STATS_ROUNDING", None)
    return Rule(threshold=THRESHOLD, rounding_base=int(base) if base else None)


def sees_all_as_aggregates(user: Any) -> bool:
    return getattr(user, "role", None) == User.Role.RESEARCHER


def scope_cases(user: Any) -> QuerySet[Case]:
    """The cases whose figures ``user`` may see (see the module docstring)."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    if sees_all_as_aggregates(user):
        return Case.objects.all()
    return visible_cases(user)


# --- one case, as the tables read it ------------------------------------------------------------


@dataclass(frozen=True)
class CaseFigures:
    """What the tables need of one case: no id, no name, no free text."""

    jurisdiction: str
    procedure: str
    year: str
    assessment: str
    decision: str
    durations: dict[str, int]
    appeal: str | None
    detention: str | None
    detention_days: tuple[int, ...]
    offence: bool
    fined: bool
    removal_ordered: bool
    renewal_applied: bool
    renewed: bool
    renewal_refused: bool


def _first(events: Sequence[TimelineEvent], kind: str, after: date | None = None) -> date | None:
    for e in events:
        if e.kind == kind and (after is None or e.on >= after):
            day: date = e.on
            return day
    return None


def _ta_status(events: Sequence[TimelineEvent], upto: TimelineEvent) -> bool:
    """Whether the status an undated refusal or renewal is about is temporary asylum: its own
    ``status`` or, failing that, the status last granted or renewed before it."""
    status = upto.details.get("status")
    if status:
        return bool(status == "temporary_asylum")
    held = None
    for e in events:
        if e is upto:
            break
        if e.kind in (K.STATUS_GRANTED, K.STATUS_RENEWED):
            held = e.details.get("status")
    return held == "temporary_asylum"


def case_figures(case: Case, events: Sequence[TimelineEvent], outcome: str | None) -> CaseFigures:
    """``events`` in chronological order; ``outcome`` that of the latest assessment."""
    arrived = _first(events, K.ARRIVAL)
    applied = _first(events, K.APPLICATION_LODGED)
    interviewed = _first(events, K.INTERVIEW_HELD, applied)
    decisions = [e for e in events if e.kind == K.DECISION]
    decided = _first(events, K.DECISION, interviewed) if interviewed else None
    durations: dict[str, int] = {}
    if arrived and applied and applied >= arrived:
        durations["arrival_to_application"] = (applied - arrived).days
    if applied and interviewed:
        durations["application_to_interview"] = (interviewed - applied).days
    if interviewed and decided:
        durations["interview_to_decision"] = (decided - interviewed).days
    lodged = [e for e in events if e.kind == K.APPEAL_LODGED]
    appeal_decisions = [e for e in events if e.kind == K.APPEAL_DECIDED]
    appeal = None
    if appeal_decisions:
        appeal = str(appeal_decisions[-1].details.get("outcome", NOT_RECORDED))
        if lodged and lodged[-1].on > appeal_decisions[-1].on:
            appeal = "pending"  # a later appeal is not decided yet
    elif lodged:
        appeal = "pending"
    periods = _detentions(list(events))
    detention = None
    days: list[int] = []
    if periods:
        _start, end = periods[-1]
        if end is None:
            detention = "still_detained"
        else:
            ended = next((e for e in events if e.kind == K.DETENTION_ENDED and e.on == end), None)
            reason = ended.details.get("reason") if ended else None
            detention = str(reason) if reason else NOT_RECORDED
        days = [(end - start.on).days for start, end in periods if end is not None]
    offences = [e for e in events if e.kind == K.ADMINISTRATIVE_OFFENCE]
    refusals = [e for e in events if e.kind == K.STATUS_REFUSED]
    jurisdiction = case.jurisdiction or NOT_RECORDED
    return CaseFigures(
        jurisdiction=jurisdiction,
        procedure=case.procedure_kind or NOT_RECORDED,
        year=str(applied.year) if applied else NOT_RECORDED,
        assessment=ASSESSMENT_GROUPS.get(outcome, "other") if outcome else "not_assessed",
        decision=str(decisions[-1].details.get("outcome")) if decisions else "no_decision",
        durations=durations,
        appeal=appeal,
        detention=detention,
        detention_days=tuple(days),
        offence=bool(offences),
        fined=any(e.details.get("fine") for e in offences),
        removal_ordered=any(e.kind == K.REMOVAL_ORDER for e in events)
        or any(e.details.get("removal_ordered") for e in offences),
        renewal_applied=any(e.kind == K.RENEWAL_APPLIED and _ta_status(events, e) for e in events),
        renewed=any(
            e.kind == K.STATUS_RENEWED and e.details.get("status") == "temporary_asylum"
            for e in events
        ),
        renewal_refused=any(_ta_status(events, e) for e in refusals),
    )


def collect(cases: QuerySet[Case]) -> list[CaseFigures]:
    """The figures of every case in ``cases``, read in three queries."""
    latest = Assessment.objects.filter(case=OuterRef("pk")).order_by("-created_at", "-id")
    events = TimelineEvent.objects.only("case_id", "kind", "on", "details").order_by("on", "id")
    rows = (
        cases.only("id", "jurisdiction", "procedure_kind")
        .annotate(latest_outcome=Subquery(latest.values("outcome")[:1]))
        .prefetch_related(Prefetch("timeline_events", queryset=events, to_attr="events"))
        .order_by()
    )
    return [
        case_figures(c, getattr(c, "events", []), getattr(c, "latest_outcome", None)) for c in rows
    ]


# --- the published tables -----------------------------------------------------------------------


def label(key: str) -> str:
    if key in LABELS:
        return str(LABELS[key])
    if key in PROCEDURE_LABELS:
        return str(PROCEDURE_LABELS[key])
    head, _sep, state = key.partition(":")
    if head in JURISDICTION_LABELS:
        name = str(JURISDICTION_LABELS[head])
        return f"{name} ({state.upper()})" if state else name
    return key


@dataclass(frozen=True)
class Table:
    """One controlled table, with the keys of its rows and columns and translated labels."""

    key: str
    title: Any
    row_keys: tuple[str, ...]
    column_keys: tuple[str, ...]
    table: ControlledTable
    notes: tuple[Any, ...] = ()

    @property
    def row_labels(self) -> list[str]:
        return [label(k) for k in self.row_keys]

    @property
    def column_labels(self) -> list[str]:
        return [label(k) for k in self.column_keys]

    def lines(self) -> list[tuple[str, tuple[Cell, ...], Cell | None]]:
        totals = self.table.row_totals
        return [
            (name, cells, totals[i] if totals is not None else None)
            for i, (name, cells) in enumerate(zip(self.row_labels, self.table.cells, strict=True))
        ]

    def published(self, row: str, column: str = "count") -> int | None:
        """A published cell (``None`` if withheld or absent)."""
        if row not in self.row_keys or column not in self.column_keys:
            return None
        return self.table.cells[self.row_keys.index(row)][self.column_keys.index(column)].value

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": str(self.title),
            "row_keys": list(self.row_keys),
            "column_keys": list(self.column_keys),
            **self.table.to_dict(),
            "rows": self.row_labels,
            "columns": self.column_labels,
            "notes": list(self.table.notes) + [str(n) for n in self.notes],
        }


def _ordered(keys: Iterable[str], order: Sequence[str] = ()) -> tuple[str, ...]:
    present = set(keys)
    first = list(dict.fromkeys(k for k in order if k in present))
    rest = sorted(present - set(first) - {NOT_RECORDED})
    last = [NOT_RECORDED] if NOT_RECORDED in present else []
    return (*first, *rest, *last)


def _empty(key: str, title: Any, columns: tuple[str, ...], r: Rule) -> Table:
    """A table of no cases: nothing to publish, nothing to withhold."""
    table = ControlledTable((), columns, (), None, None, None, r, tuple(r.describe()))
    return Table(key, title, (), columns, table)


def one_way(
    key: str,
    title: Any,
    values: Iterable[str],
    order: Sequence[str] = (),
    r: Rule | None = None,
    keep: Sequence[str] = (),
    notes: tuple[Any, ...] = (),
) -> Table:
    counts = Counter(values)
    rows = _ordered([*counts, *keep], order)
    if not rows:
        return _empty(key, title, ("count",), r or rule())
    controlled = control_counts(list(rows), [counts[k] for k in rows], r or rule())
    return Table(key, title, rows, ("count",), controlled.table, notes)


def two_way(
    key: str,
    title: Any,
    pairs: Iterable[tuple[str, str]],
    row_order: Sequence[str] = (),
    column_order: Sequence[str] = (),
    r: Rule | None = None,
) -> Table:
    counts = Counter(pairs)
    rows = _ordered({a for a, _b in counts}, row_order)
    columns = _ordered({b for _a, b in counts}, column_order)
    if not rows:
        return _empty(key, title, ("count",), r or rule())
    matrix = [[counts[(a, b)] for b in columns] for a in rows]
    controlled = control(matrix, list(rows), list(columns), r or rule())
    return Table(key, title, rows, columns, controlled.table)


def flags(
    key: str, title: Any, cases: list[CaseFigures], rows: dict[str, Callable[..., bool]]
) -> Table:
    """Counts of cases that have each property; the rows overlap, so no total is published."""
    names = list(rows)
    counts = [sum(1 for c in cases if rows[n](c)) for n in names]
    controlled = control_counts(names, counts, rule(), total=False)
    return Table(key, title, tuple(names), ("count",), controlled.table)


@dataclass(frozen=True)
class Rate:
    key: str
    label: Any
    definition: Any
    value: float | None  # None: withheld or no substantive decision

    @property
    def percent(self) -> float | None:
        return None if self.value is None else round(self.value * 100, 1)


def _share(parts: Sequence[int | None], whole: Sequence[int | None]) -> float | None:
    if any(v is None for v in (*parts, *whole)):
        return None
    denominator = sum(v for v in whole if v is not None)
    if denominator < THRESHOLD:
        return None
    return sum(v for v in parts if v is not None) / denominator


def rates(decisions: Table) -> list[Rate]:
    """Rates of the authorities' decisions, from the published cells only."""
    cell = {k: decisions.published(k) for k in SUBSTANTIVE}
    whole = [cell[k] for k in SUBSTANTIVE]
    return [
        Rate(
            "recognition",
            _("Total recognition rate"),
            _(
                "(refugee status + temporary asylum + subsidiary protection) / decisions on "
                "the substance (those three and refusals). Inadmissible, discontinued, revoked "
                "and ceased are left out, as UNHCR leaves out cases otherwise closed."
            ),
            _share(
                [cell["granted"], cell["temporary_asylum"], cell["subsidiary_protection"]], whole
            ),
        ),
        Rate(
            "refugee_status",
            _("Refugee-status rate"),
            _("refugee status / decisions on the substance."),
            _share([cell["granted"]], whole),
        ),
        Rate(
            "complementary",
            _("Complementary-protection rate"),
            _("(temporary asylum + subsidiary protection) / decisions on the substance."),
            _share([cell["temporary_asylum"], cell["subsidiary_protection"]], whole),
        ),
    ]


@dataclass(frozen=True)
class Duration:
    key: str
    label: Any
    count: int | None  # None: withheld (fewer than THRESHOLD cases)
    median_days: float | None


def _rounded(value: int, r: Rule) -> int:
    base = r.rounding_base
    return ((value + base // 2) // base) * base if base else value


def duration(key: str, label_text: Any, values: Sequence[int], cases: int, r: Rule) -> Duration:
    """Median and count of ``values`` (days) from ``cases`` cases; both withheld below the
    threshold of cases."""
    if cases < r.threshold or len(values) < r.threshold:
        return Duration(key, label_text, None, None)
    return Duration(key, label_text, _rounded(len(values), r), float(statistics.median(values)))


DURATIONS: dict[str, Any] = {
    "arrival_to_application": _("From arrival to the asylum application"),
    "application_to_interview": _("From the application to the interview"),
    "interview_to_decision": _("From the interview to the decision"),
}


@dataclass(frozen=True)
class Caseload:
    """Everything the caseload page publishes."""

    scope: str  # "organisation" (researcher) or "visible"
    rule: Rule
    tables: dict[str, Table]
    rates: list[Rate]
    durations: list[Duration]
    detention_length: Duration

    def to_dict(self) -> dict[str, Any]:
        def d(x: Duration) -> dict[str, Any]:
            return {"key": x.key, "count": x.count, "median_days": x.median_days}

        return {
            "format": "asylon.caseload/1",
            "scope": self.scope,
            "threshold": self.rule.threshold,
            "rounding_base": self.rule.rounding_base,
            "tables": [t.to_dict() for t in self.tables.values()],
            "rates": [
                {"key": x.key, "value": None if x.value is None else round(x.value, 4)}
                for x in self.rates
            ],
            "durations": [d(x) for x in self.durations],
            "detention_length": d(self.detention_length),
        }


def caseload(user: Any) -> Caseload:
    """The controlled figures of the cases ``user`` may count (:func:`scope_cases`)."""
    r = rule()
    cases = collect(scope_cases(user))
    years = sorted({c.year for c in cases} - {NOT_RECORDED})
    jurisdictions = [
        "ru",
        *sorted({c.jurisdiction for c in cases if c.jurisdiction.startswith("eu")}),
        "unhcr",
    ]
    tables = [
        two_way(
            "jurisdiction_year",
            _("Cases by year of application and jurisdiction"),
            ((c.year, c.jurisdiction) for c in cases),
            years,
            jurisdictions,
            r,
        ),
        one_way(
            "procedure",
            _("Cases by procedure"),
            (c.procedure for c in cases),
            tuple(PROCEDURE_LABELS),
            r,
        ),
        one_way(
            "decision",
            _("Cases by the authorities' latest decision"),
            (c.decision for c in cases),
            DECISION_ORDER,
            r,
            keep=SUBSTANTIVE,
        ),
        two_way(
            "assessment_jurisdiction",
            _("Cases by the outcome of Asylon's latest assessment and jurisdiction"),
            ((c.assessment, c.jurisdiction) for c in cases),
            ASSESSMENT_ORDER,
            jurisdictions,
            r,
        ),
        one_way(
            "appeal",
            _("Cases with an appeal, by the outcome of the latest appeal"),
            (c.appeal for c in cases if c.appeal),
            ("allowed", "remitted", "dismissed", "withdrawn", "pending"),
            r,
            keep=("allowed",),
        ),
        one_way(
            "detention",
            _("Cases with a detention, by how the latest detention ended"),
            (c.detention for c in cases if c.detention),
            ("released", "removed", "transferred", "other", "still_detained"),
            r,
            keep=("still_detained",),
        ),
        flags(
            "penalties",
            _("Administrative offences, fines and removal orders"),
            cases,
            {
                "offence": lambda c: c.offence,
                "fined": lambda c: c.fined,
                "removal_ordered": lambda c: c.removal_ordered,
            },
        ),
        flags(
            "renewals",
            _("Renewals of temporary asylum"),
            cases,
            {
                "renewal_applied": lambda c: c.renewal_applied,
                "renewed": lambda c: c.renewed,
                "renewal_refused": lambda c: c.renewal_refused,
            },
        ),
    ]
    by_key = {t.key: t for t in tables}
    durations = []
    for key, text in DURATIONS.items():
        values = [c.durations[key] for c in cases if key in c.durations]
        durations.append(duration(key, text, values, len(values), r))
    detained = [c for c in cases if c.detention_days]
    length = duration(
        "detention_length",
        _("Length of a detention (ended detentions)"),
        [d for c in detained for d in c.detention_days],
        len(detained),
        r,
    )
    scope = "organisation" if sees_all_as_aggregates(user) else "visible"
    return Caseload(scope, r, by_key, rates(by_key["decision"]), durations, length)
