"""Statistical disclosure control for tables of counts that leave the case database.

Every table Asylon publishes from its own cases (a report, a chart, the researcher's page)
passes through :func:`control` first. The rule, printed with the table:

1. **Primary suppression.** A cell (including a row, column or grand total) counting at
   least one but fewer than ``threshold`` people (default 5) is withheld: it could identify
   them (the "rule of 5" threshold rule; Hundepool et al., *Statistical Disclosure Control*,
   Wiley 2012, §4.2 and §5.2; Eurostat, *Handbook on SDC for outputs*, 2019).
2. **Zeros are published.** A cell of 0 counts nobody; it is never withheld, neither as a
   primary nor as a complementary cell. (A zero can still say something about a group, e.g.
   "no appeal was won"; a table where that matters should be aggregated further.) Because
   the rule is public, an intruder knows every withheld cell is at least 1, and the check
   below assumes so.
3. **Secondary (complementary) suppression.** Row and column totals must not give a withheld
   cell back. It is not enough that every row and column with a withheld cell has another
   one: two blocks of withheld cells joined only through one cell give that cell back
   (sum two rows, subtract two columns). So the check is exact: for each withheld cell the
   values an intruder can still derive form an interval (:mod:`asylon.stats.intruder`); while
   some withheld cell has only one possible value, the cheapest chain of further cells that
   lets it move is withheld too (a shortest path in the table's network, weighted by the
   counts, interior cells before totals, so the fewest people are hidden). Withholding more
   never narrows an interval, so the repair ends, at worst with every non-zero cell withheld.
4. **Rounding** (optional, ``rounding_base``): published counts are rounded to the nearest
   multiple of the base, each on its own, so rounded totals may not add up. Rounding only
   widens what an intruder can derive; the suppression check does not rely on it.

Withheld cells carry one marker, :data:`MARKER`, whatever the reason: publishing which cells
are under the threshold would tell an intruder they are at most ``threshold - 1`` and could
narrow their interval to one value. Why each cell was withheld is recorded in the
:class:`Controlled` result's ``audit`` for the organisation's own records, not in the table.

What this does not cover: tables published from the same cases that share cells with this
one (linked tables) are checked each on its own; avoid publishing overlapping breakdowns.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from asylon.stats import intruder
from asylon.stats.intruder import Bounds, Position

MARKER = "x"
Reason = Literal["primary", "secondary"]


@dataclass(frozen=True)
class Rule:
    """The disclosure-control parameters an organisation configures."""

    threshold: int = 5
    rounding_base: int | None = None

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ValueError("threshold must be at least 1")
        if self.rounding_base is not None and self.rounding_base < 2:
            raise ValueError("rounding base must be at least 2")

    def describe(self) -> list[str]:
        notes = [
            f"{MARKER}: withheld, because it counts fewer than {self.threshold} people, or "
            "so that such a count cannot be worked out from the totals. Zeros are shown."
        ]
        if self.rounding_base:
            notes.append(
                f"Counts are rounded to the nearest {self.rounding_base}, each on its own, "
                "so totals may not equal the sum of their parts."
            )
        return notes


@dataclass(frozen=True)
class Cell:
    """A published cell: its (possibly rounded) value, or ``None`` when withheld."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def to_json(self) -> int | str:
        return MARKER if self.value is None else self.value


@dataclass(frozen=True)
class ControlledTable:
    """What may leave the case database: counts or markers, never a withheld value."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...] | None
    column_totals: tuple[Cell, ...] | None
    grand_total: Cell | None
    rule: Rule
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        def cells(seq: Sequence[Cell] | None) -> list[int | str] | None:
            return None if seq is None else [c.to_json() for c in seq]

        return {
            "format": "asylon.controlled-table/1",
            "rows": list(self.rows),
            "columns": list(self.columns),
            "cells": [cells(r) for r in self.cells],
            "row_totals": cells(self.row_totals),
            "column_totals": cells(self.column_totals),
            "grand_total": None if self.grand_total is None else self.grand_total.to_json(),
            "marker": MARKER,
            "threshold": self.rule.threshold,
            "rounding_base": self.rule.rounding_base,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Suppression:
    """Why one cell was withheld (for the organisation's audit log, not for publication).
    ``row`` equal to the number of rows means the column totals, ``column`` equal to the
    number of columns the row totals."""

    row: int
    column: int
    reason: Reason
    because_of: Position | None = None  # the cell a secondary suppression protects


@dataclass(frozen=True)
class Controlled:
    table: ControlledTable
    audit: tuple[Suppression, ...]


def extend(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    """The table with its margins: a row-total column and a column-total row appended."""
    rows = [[*r, sum(r)] for r in counts]
    rows.append([sum(col) for col in zip(*rows, strict=True)])
    return rows


def primary(
    extended: Sequence[Sequence[int]], rule: Rule, published: set[Position]
) -> set[Position]:
    """Cells counting at least one and fewer than ``rule.threshold`` people."""
    return {p for p in published if 0 < extended[p[0]][p[1]] < rule.threshold}


def _weight(position: Position, value: int, rows: int, columns: int, big: int) -> int:
    """Cost of withholding a cell: its count, plus a penalty for totals (people prefer the
    totals), and more for the grand total."""
    i, j = position
    margins = (i == rows) + (j == columns)
    return value + margins * big


def _cheapest_chain(
    extended: Sequence[Sequence[int]],
    unknown: dict[Position, Bounds],
    candidates: set[Position],
    target: Position,
) -> list[Position]:
    """The cheapest set of published cells whose withholding lets ``target`` rise: a shortest
    path from its head back to its tail over the residual arcs of the withheld cells (free)
    and the arcs the candidates would add (forward always; backward if the count can fall
    and stay at least 1)."""
    rows, columns = len(extended) - 1, len(extended[0]) - 1
    big = sum(map(sum, extended)) + 1
    edges: dict[int, list[tuple[int, int, Position | None]]] = {}
    for a, out in intruder.residual(extended, unknown, without=target).items():
        for b in out:
            edges.setdefault(a, []).append((b, 0, None))
    for p in candidates:
        a, b = intruder.arc(p, rows, columns)
        value = extended[p[0]][p[1]]
        cost = _weight(p, value, rows, columns, big)
        edges.setdefault(a, []).append((b, cost, p))
        if value > 1:
            edges.setdefault(b, []).append((a, cost, p))
    tail, head = intruder.arc(target, rows, columns)
    best: dict[int, int] = {head: 0}
    back: dict[int, tuple[int, Position | None]] = {}
    queue = [(0, head)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == tail:
            break
        if cost > best.get(node, cost):
            continue
        for nxt, step, cell in sorted(edges.get(node, []), key=lambda e: (e[1], e[0])):
            total = cost + step
            if total < best.get(nxt, total + 1):
                best[nxt] = total
                back[nxt] = (node, cell)
                heapq.heappush(queue, (total, nxt))
    if tail not in best:
        return []
    chain: list[Position] = []
    node = tail
    while node != head:
        node, cell = back[node]
        if cell is not None and cell not in chain:
            chain.append(cell)
    return chain


def suppress(
    extended: Sequence[Sequence[int]], rule: Rule, published_margins: bool = True
) -> dict[Position, Suppression]:
    """The cells to withhold from ``extended`` (see the module's rule) and why."""
    rows, columns = len(extended) - 1, len(extended[0]) - 1
    everything = {(i, j) for i in range(rows + 1) for j in range(columns + 1)}
    free: dict[Position, Bounds] = {}
    if not published_margins:  # unpublished totals are unknown to the intruder
        free = {p: (0, None) for p in everything if p[0] == rows or p[1] == columns}
    cells = everything - set(free)
    withheld: dict[Position, Suppression] = {
        p: Suppression(p[0], p[1], "primary") for p in sorted(primary(extended, rule, cells))
    }
    while True:
        unknown = {**free, **{p: (1, None) for p in withheld}}
        exposed = [p for p in sorted(withheld) if not intruder.can_change(extended, unknown, p)]
        if not exposed:
            return withheld
        target = exposed[0]
        candidates = {p for p in cells - set(withheld) if extended[p[0]][p[1]] > 0}
        chain = _cheapest_chain(extended, unknown, candidates, target)
        if not chain:  # cannot happen for a consistent table: flows decompose into cycles
            raise AssertionError(f"no complementary cells can protect {target}")
        for p in chain:
            withheld[p] = Suppression(p[0], p[1], "secondary", target)


def round_to(value: int, base: int) -> int:
    """Nearest multiple of ``base``, halves rounded up."""
    return ((value + base // 2) // base) * base


def control(
    counts: Sequence[Sequence[int]],
    rows: Sequence[str],
    columns: Sequence[str],
    rule: Rule | None = None,
    margins: bool = True,
) -> Controlled:
    """Apply the disclosure rule to a two-way table of counts (``counts[i][j]`` for row
    ``rows[i]`` and column ``columns[j]``); with ``margins`` its row, column and grand totals
    are published (and protected) too."""
    rule = rule or Rule()
    if len(counts) != len(rows) or not rows or not columns:
        raise ValueError("counts must have one row per row label and at least one column")
    for r in counts:
        if len(r) != len(columns):
            raise ValueError("every row needs one count per column")
        if any(not isinstance(v, int) or v < 0 for v in r):
            raise ValueError("counts must be non-negative integers")
    extended = extend(counts)
    withheld = suppress(extended, rule, margins)
    m, n = len(rows), len(columns)

    def cell(i: int, j: int) -> Cell:
        if (i, j) in withheld:
            return Cell(None)
        value = extended[i][j]
        return Cell(round_to(value, rule.rounding_base) if rule.rounding_base else value)

    table = ControlledTable(
        rows=tuple(rows),
        columns=tuple(columns),
        cells=tuple(tuple(cell(i, j) for j in range(n)) for i in range(m)),
        row_totals=tuple(cell(i, n) for i in range(m)) if margins else None,
        column_totals=tuple(cell(m, j) for j in range(n)) if margins else None,
        grand_total=cell(m, n) if margins else None,
        rule=rule,
        notes=tuple(rule.describe()),
    )
    return Controlled(table, tuple(withheld[p] for p in sorted(withheld)))


def control_counts(
    labels: Sequence[str], counts: Sequence[int], rule: Rule | None = None, total: bool = True
) -> Controlled:
    """A one-way table (counts by one category, with their total): a table of one column,
    whose row totals would repeat the cells and are left out."""
    controlled = control([[c] for c in counts], labels, ["count"], rule, margins=True)
    t = controlled.table
    table = ControlledTable(
        rows=t.rows,
        columns=t.columns,
        cells=t.cells,
        row_totals=None,
        column_totals=t.column_totals if total else None,
        grand_total=None,
        rule=t.rule,
        notes=t.notes,
    )
    return Controlled(table, controlled.audit)
