"""Disclosure control: the threshold rule, and that no withheld cell can be worked out.

The check of non-recoverability is done here independently of :mod:`asylon.stats.intruder`:
an exhaustive search (with constraint propagation) over every table of non-negative integers
that agrees with what is published (the shown cells, row, column and grand totals) and with
what the public rule tells an intruder (a withheld cell is at least 1, since zeros are shown).
For each withheld cell it looks for such a table in which the cell has another value. Finding
one proves the cell cannot be recovered from the published table and its totals, by any
means (linear algebra, integrality, non-negativity). It does not cover combining this table
with other tables of the same cases.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asylon.stats import intruder
from asylon.stats.disclosure import MARKER, Rule, control, control_counts, extend

Pos = tuple[int, int]


def lines(rows: int, columns: int) -> list[tuple[list[Pos], Pos]]:
    """Each additivity relation of the table with margins: parts and their total."""
    out = [([(i, j) for j in range(columns)], (i, columns)) for i in range(rows + 1)]
    out += [([(i, j) for i in range(rows)], (rows, j)) for j in range(columns + 1)]
    return out


def completion_exists(
    ext: Sequence[Sequence[int]], hidden: set[Pos], fixed: dict[Pos, int], bound: int
) -> bool:
    """Is there an assignment of integers in [1, bound] to the hidden cells (those in
    ``fixed`` take that value) satisfying every relation with the published cells?"""
    rows, columns = len(ext) - 1, len(ext[0]) - 1
    rel = lines(rows, columns)
    values: dict[Pos, int] = {p: ext[p[0]][p[1]] for p in set(_all(rows, columns)) - hidden}
    values.update(fixed)

    def solve(vals: dict[Pos, int]) -> bool:
        vals = dict(vals)
        changed = True
        while changed:  # propagate: a relation with one unknown fixes it
            changed = False
            for parts, total in rel:
                cells = [*parts, total]
                unknown = [c for c in cells if c not in vals]
                if len(unknown) == 0:
                    if sum(vals[c] for c in parts) != vals[total]:
                        return False
                elif len(unknown) == 1:
                    u = unknown[0]
                    known = sum(vals[c] for c in parts if c != u)
                    v = known if u == total else vals[total] - known
                    if not 1 <= v <= bound:
                        return False
                    vals[u] = v
                    changed = True
                elif (
                    total in vals
                    and sum(vals[c] for c in parts if c in vals) + len(unknown) > vals[total]
                ):
                    return False  # each unknown part is at least 1
        free = [p for p in sorted(hidden) if p not in vals]
        if not free:
            return True
        p = free[0]
        return any(solve({**vals, p: v}) for v in range(1, bound + 1))

    return solve(values)


def _all(rows: int, columns: int) -> list[Pos]:
    return [(i, j) for i in range(rows + 1) for j in range(columns + 1)]


def hidden_cells(counts: list[list[int]], result_cells: dict[str, Any]) -> set[Pos]:
    m, n = len(counts), len(counts[0])
    out = {(i, j) for i in range(m) for j in range(n) if result_cells["cells"][i][j] == MARKER}
    out |= {(i, n) for i in range(m) if result_cells["row_totals"][i] == MARKER}
    out |= {(m, j) for j in range(n) if result_cells["column_totals"][j] == MARKER}
    if result_cells["grand_total"] == MARKER:
        out.add((m, n))
    return out


tables = st.integers(1, 3).flatmap(
    lambda m: st.integers(1, 3).flatmap(
        lambda n: st.lists(
            st.lists(st.one_of(st.integers(0, 6), st.integers(0, 30)), min_size=n, max_size=n),
            min_size=m,
            max_size=m,
        )
    )
)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_no_withheld_cell_can_be_recovered(counts: list[list[int]]) -> None:
    rule = Rule(threshold=5)
    result = control(counts, [f"r{i}" for i in range(len(counts))], ["a"] * len(counts[0]), rule)
    out = result.table.to_dict()
    ext = extend(counts)
    m, n = len(counts), len(counts[0])
    hidden = hidden_cells(counts, out)
    flat = {(i, j): ext[i][j] for i in range(m + 1) for j in range(n + 1)}
    # the threshold rule: every count 1-4 withheld, zeros shown, shown cells exact
    for p, v in flat.items():
        if 0 < v < 5:
            assert p in hidden
        if v == 0:
            assert p not in hidden
    shown = json.dumps(out)
    for p, v in flat.items():
        if p not in hidden:
            i, j = p
            got = (
                out["cells"][i][j]
                if i < m and j < n
                else out["row_totals"][i]
                if j == n and i < m
                else out["column_totals"][j]
                if i == m and j < n
                else out["grand_total"]
            )
            assert got == v
    assert {(s.row, s.column) for s in result.audit} == hidden
    # every relation holding a withheld cell holds at least two
    for parts, total in lines(m, n):
        assert len(hidden & {*parts, total}) != 1
    # the exact check: each withheld cell has another possible value
    bound = 2 * ext[m][n] + 2
    unknown = {p: (1, None) for p in hidden}
    for p in sorted(hidden):
        v = flat[p]
        other = [w for w in (v - 1, v + 1) if w >= 1]
        assert any(completion_exists(ext, hidden, {p: w}, bound) for w in other), (p, shown)
        # and the module's own interval agrees with the search at both ends
        low, high = intruder.interval(ext, unknown, p)
        assert (low < v) == (v > 1 and completion_exists(ext, hidden, {p: v - 1}, bound))
        assert (high is None or high > v) == completion_exists(ext, hidden, {p: v + 1}, bound)


def test_line_rule_alone_is_not_enough() -> None:
    """Two 2x2 blocks of withheld cells joined by one withheld cell: every row and column
    with a withheld cell has two, yet the joining cell is given back by rows 0-1 minus
    columns 0-1. The intruder check finds it, and control() does not publish such a table."""
    counts = [
        [2, 3, 6, 9],
        [4, 2, 8, 7],
        [9, 8, 3, 2],
        [7, 9, 1, 4],
    ]
    ext = extend(counts)
    naive = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)}
    for parts, total in lines(4, 4):
        assert len(naive & {*parts, total}) != 1
    unknown = {p: (1, None) for p in naive}
    assert intruder.disclosed(ext, unknown) == [(0, 2)]
    assert not completion_exists(ext, naive, {(0, 2): 5}, 200)
    assert not completion_exists(ext, naive, {(0, 2): 7}, 200)
    hidden = hidden_cells(counts, control(counts, list("abcd"), list("wxyz")).table.to_dict())
    assert intruder.disclosed(ext, {p: (1, None) for p in hidden}) == []


def test_small_table_and_its_markers() -> None:
    result = control([[3, 10, 12], [8, 9, 20], [7, 15, 1]], ["a", "b", "c"], ["x", "y", "z"])
    out = result.table.to_dict()
    assert out["cells"] == [[MARKER, 10, MARKER], [8, 9, 20], [MARKER, 15, MARKER]]
    assert out["row_totals"] == [25, 37, 23] and out["grand_total"] == 85
    reasons = {(s.row, s.column): s.reason for s in result.audit}
    assert reasons == {
        (0, 0): "primary",
        (2, 2): "primary",
        (0, 2): "secondary",
        (2, 0): "secondary",
    }
    assert "reason" not in json.dumps(out)
    assert "fewer than 5" in out["notes"][0]


def test_small_totals_are_withheld_too() -> None:
    out = control([[2, 0], [0, 1], [30, 40]], ["a", "b", "c"], ["x", "y"]).table.to_dict()
    assert out["row_totals"][0] == MARKER and out["row_totals"][1] == MARKER
    assert out["cells"][0][1] == 0 and out["cells"][1][0] == 0  # zeros are shown


def test_rounding() -> None:
    out = control([[13, 17], [22, 48]], ["a", "b"], ["x", "y"], Rule(rounding_base=5)).table
    d = out.to_dict()
    assert d["cells"] == [[15, 15], [20, 50]]
    assert d["row_totals"] == [30, 70] and d["grand_total"] == 100
    assert "rounded to the nearest 5" in d["notes"][1]
    with pytest.raises(ValueError):
        Rule(rounding_base=1)


def test_one_way_counts() -> None:
    result = control_counts(["granted", "refused", "pending"], [3, 12, 20])
    d = result.table.to_dict()
    assert d["cells"][0] == [MARKER]
    assert sum(c == [MARKER] for c in d["cells"]) == 2  # the smallest other count: 12
    assert d["cells"][1] == [MARKER] and d["column_totals"] == [35]
    assert d["row_totals"] is None


def test_bad_input() -> None:
    with pytest.raises(ValueError):
        control([[1, -2]], ["a"], ["x", "y"])
    with pytest.raises(ValueError):
        control([[1]], ["a"], ["x", "y"])
