"""What an intruder can derive about withheld cells of a table from what is published.

A two-way table of counts with its row totals, column totals and grand total is a flow: the
grand total leaves a source, splits into the row totals, each row total splits into its cells,
the cells gather into the column totals, and these return the grand total. Each cell of the
table *with its margins* is one arc of this circulation (interior cell (i, j): row i -> column
j; row total i: source -> row i; column total j: column j -> sink; grand total: sink ->
source), and the additivity of the table is exactly flow conservation.

An intruder knows every published cell exactly and, for each withheld cell, only bounds (at
least 0 or 1, no upper bound). The values the withheld cell can take in some table consistent
with all of that form an interval; the table's constraint matrix is totally unimodular, so its
ends are integers and every integer in between is attained. The interval is computed with the
residual graph of the true table (Ahuja, Magnanti & Orlin, *Network Flows*, 1993, ch. 3 and 6;
the same network view of 2-D tables is in Cox, "Network models for complementary cell
suppression", JASA 90 (1995) 1453-1462): the cell can rise by as much flow as can be sent from
its head back to its tail without using the cell, and fall by as much as can be sent the other
way. A withheld cell whose interval is a single value is *disclosed*.

Pure and exact (integer arithmetic, Edmonds-Karp max flow); meant for the small tables a
legal-aid organisation publishes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence

Position = tuple[int, int]
Bounds = tuple[int, int | None]  # low, high (None: no upper bound)


def arc(position: Position, rows: int, columns: int) -> tuple[int, int]:
    """The arc of a cell of the extended table (``rows`` x ``columns`` interior cells; index
    ``rows`` is the column-total row, index ``columns`` the row-total column). Nodes: 0 source,
    1 sink, then the rows, then the columns."""
    i, j = position
    source, sink = 0, 1
    row = 2 + i
    column = 2 + rows + j
    if i < rows and j < columns:
        return row, column
    if i < rows:
        return source, row
    if j < columns:
        return column, sink
    return sink, source


def residual(
    values: Sequence[Sequence[int]],
    unknown: Mapping[Position, Bounds],
    without: Position | None = None,
) -> dict[int, dict[int, int | None]]:
    """Residual capacities of the true table: for each withheld cell, forward by how much it
    may rise (``None``: without limit) and backward by how much it may fall. Published cells
    are fixed and give no arc."""
    rows, columns = len(values) - 1, len(values[0]) - 1
    graph: dict[int, dict[int, int | None]] = {}
    for position, (low, high) in unknown.items():
        if position == without:
            continue
        a, b = arc(position, rows, columns)
        value = values[position[0]][position[1]]
        up = None if high is None else high - value
        down = value - low
        if up is None or up > 0:
            _add(graph, a, b, up)
        if down > 0:
            _add(graph, b, a, down)
    return graph


def _add(graph: dict[int, dict[int, int | None]], a: int, b: int, cap: int | None) -> None:
    edges = graph.setdefault(a, {})
    old = edges.get(b, 0)
    edges[b] = None if cap is None or old is None else old + cap


def max_flow(
    graph: Mapping[int, Mapping[int, int | None]], start: int, end: int, limit: int
) -> int:
    """Edmonds-Karp max flow from ``start`` to ``end``, stopping at ``limit`` (which stands for
    "unbounded" when an uncapacitated path exists)."""
    cap: dict[int, dict[int, int]] = {}
    for a, edges in graph.items():
        for b, c in edges.items():
            cap.setdefault(a, {})[b] = limit if c is None else min(c, limit)
            cap.setdefault(b, {}).setdefault(a, 0)
    flow = 0
    while flow < limit:
        parent: dict[int, int] = {start: start}
        queue = deque([start])
        while queue and end not in parent:
            a = queue.popleft()
            for b, c in cap.get(a, {}).items():
                if c > 0 and b not in parent:
                    parent[b] = a
                    queue.append(b)
        if end not in parent:
            break
        push = limit - flow
        node = end
        while node != start:
            push = min(push, cap[parent[node]][node])
            node = parent[node]
        node = end
        while node != start:
            cap[parent[node]][node] -= push
            cap[node][parent[node]] += push
            node = parent[node]
        flow += push
    return flow


def interval(
    values: Sequence[Sequence[int]], unknown: Mapping[Position, Bounds], position: Position
) -> Bounds:
    """The values the withheld cell at ``position`` can take, given everything published
    (``values`` is the true extended table; ``unknown`` the bounds the intruder knows for each
    withheld cell). The upper end is ``None`` when the cell is not bounded at all."""
    rows, columns = len(values) - 1, len(values[0]) - 1
    low, high = unknown[position]
    value = values[position[0]][position[1]]
    graph = residual(values, unknown, without=position)
    tail, head = arc(position, rows, columns)
    limit = sum(sum(r) for r in values) + 1
    rise = max_flow(graph, head, tail, limit)
    fall = max_flow(graph, tail, head, value - low) if value > low else 0
    top: int | None = None if rise >= limit else value + rise
    if high is not None:
        top = high if top is None else min(top, high)
    return value - fall, top


def can_change(
    values: Sequence[Sequence[int]], unknown: Mapping[Position, Bounds], position: Position
) -> bool:
    """Whether the withheld cell has another possible value (a cheaper test than
    :func:`interval`: reachability in the residual graph)."""
    can_fall, can_rise = interval_ends_reachable(values, unknown, position)
    return can_fall or can_rise


def interval_ends_reachable(
    values: Sequence[Sequence[int]], unknown: Mapping[Position, Bounds], position: Position
) -> tuple[bool, bool]:
    """(can fall, can rise) for the withheld cell at ``position``."""
    rows, columns = len(values) - 1, len(values[0]) - 1
    value = values[position[0]][position[1]]
    low, high = unknown[position]
    graph = residual(values, unknown, without=position)
    tail, head = arc(position, rows, columns)
    rise = (high is None or value < high) and _reaches(graph, head, tail)
    fall = value > low and _reaches(graph, tail, head)
    return fall, rise


def _reaches(graph: Mapping[int, Mapping[int, int | None]], start: int, end: int) -> bool:
    seen = {start}
    queue = deque([start])
    while queue:
        a = queue.popleft()
        if a == end:
            return True
        for b in graph.get(a, {}):
            if b not in seen:
                seen.add(b)
                queue.append(b)
    return False


def disclosed(
    values: Sequence[Sequence[int]], unknown: Mapping[Position, Bounds]
) -> list[Position]:
    """The withheld cells whose value the published table determines exactly."""
    return [p for p in sorted(unknown) if not can_change(values, unknown, p)]
