"""Reading and validating overlap tables: how many people each combination of lists recorded.

An overlap table (capture-history table, "contingency table of list intersections") has one
0/1 column per list and a ``count`` column: the number of distinct people recorded on exactly
that combination of lists. The all-zero pattern is never observed (estimating it is the whole
task), so its row is absent or zero. Patterns that are not in the file count as zero.
This is the tabular input of R's ``LCMCR::lcmCR(tabular = TRUE)`` and of ``SparseMSE``.

Row numbers in error messages are line numbers in the file: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

COUNT = "count"


class OverlapError(ValueError):
    """A malformed overlap table: names the file, the row and the column."""

    def __init__(self, source: str, message: str, row: int | None = None, column: str = "") -> None:
        self.source, self.row, self.column = source, row, column
        where = f"row {row}, column {column!r}: " if row is not None and column else ""
        if row is not None and not column:
            where = f"row {row}: "
        super().__init__(f"{source}: {where}{message}")


@dataclass(frozen=True)
class OverlapTable:
    """Counts of every non-empty capture pattern over ``lists``.

    ``patterns`` is the (2^J - 1, J) 0/1 matrix of all non-empty patterns in a fixed order
    (binary counting, first list as the most significant bit); ``counts`` their counts.
    """

    lists: tuple[str, ...]
    patterns: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]
    stratum: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def observed(self) -> int:
        return int(self.counts.sum())

    @property
    def n_lists(self) -> int:
        return len(self.lists)

    def list_totals(self) -> dict[str, int]:
        totals = self.patterns.T @ self.counts
        return {name: int(t) for name, t in zip(self.lists, totals, strict=True)}

    def drop_lists(self, keep: Sequence[int]) -> OverlapTable:
        """The table over a subset of the lists (patterns that become empty are dropped)."""
        sub = self.patterns[:, list(keep)]
        return table_from_patterns(
            [self.lists[i] for i in keep], sub, self.counts, self.stratum, self.notes
        )


def all_patterns(n_lists: int) -> npt.NDArray[np.int64]:
    """Every non-empty 0/1 pattern over ``n_lists`` lists, in binary counting order."""
    codes = np.arange(1, 2**n_lists, dtype=np.int64)
    shifts = np.arange(n_lists - 1, -1, -1, dtype=np.int64)
    return ((codes[:, None] >> shifts[None, :]) & 1).astype(np.int64)


def table_from_patterns(
    lists: Sequence[str],
    patterns: npt.ArrayLike,
    counts: npt.ArrayLike,
    stratum: str | None = None,
    notes: Sequence[str] = (),
) -> OverlapTable:
    """Aggregate (pattern, count) rows into a full table; all-zero patterns are ignored."""
    pats = np.asarray(patterns, dtype=np.int64).reshape(-1, len(lists))
    cnts = np.asarray(counts, dtype=np.int64).reshape(-1)
    weights = 2 ** np.arange(len(lists) - 1, -1, -1, dtype=np.int64)
    codes = pats @ weights
    full = np.bincount(codes, weights=cnts, minlength=2 ** len(lists)).astype(np.int64)
    return OverlapTable(
        tuple(lists), all_patterns(len(lists)), full[1:], stratum=stratum, notes=tuple(notes)
    )


def read_overlap(path: Path, strata: str | None = None) -> list[OverlapTable]:
    """Read and validate an overlap CSV; one table, or one per value of the ``strata`` column."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise OverlapError(source, f"cannot read file: {exc.strerror}") from exc
    return parse_overlap(text, source, strata)


def parse_overlap(text: str, source: str, strata: str | None = None) -> list[OverlapTable]:
    """Parse overlap CSV text (see module docstring); raises :class:`OverlapError`."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or not [h for h in header if h.strip()]:
        raise OverlapError(
            source, "the file is empty: expected a header with list columns and 'count'"
        )
    names = [h.strip() for h in header]
    if COUNT not in names:
        raise OverlapError(source, f"missing column {COUNT!r} (columns: {', '.join(names)})", 1)
    seen_names: set[str] = set()
    for name in names:
        if not name:
            raise OverlapError(source, "a column has no name", 1)
        if name in seen_names:
            raise OverlapError(source, f"duplicate column {name!r}", 1)
        seen_names.add(name)
    if strata is not None and strata not in names:
        raise OverlapError(source, f"no strata column {strata!r} (columns: {', '.join(names)})", 1)
    lists = [n for n in names if n not in (COUNT, strata)]
    if len(lists) < 2:
        raise OverlapError(source, f"at least two list columns are needed, found {len(lists)}", 1)
    i_count = names.index(COUNT)
    i_stratum = names.index(strata) if strata is not None else None
    i_lists = [names.index(n) for n in lists]

    rows: dict[str, list[tuple[tuple[int, ...], int]]] = {}
    first_seen: dict[tuple[str, tuple[int, ...]], int] = {}
    for line, raw in enumerate(reader, start=2):
        if not raw or all(not c.strip() for c in raw):
            continue
        if len(raw) != len(names):
            raise OverlapError(source, f"expected {len(names)} fields, got {len(raw)}", line)
        pattern = []
        for i, name in zip(i_lists, lists, strict=True):
            cell = raw[i].strip()
            if cell not in ("0", "1"):
                raise OverlapError(source, f"expected 0 or 1, got {cell!r}", line, name)
            pattern.append(int(cell))
        raw_count = raw[i_count].strip()
        try:
            count = int(raw_count)
        except ValueError:
            count = -1
        if count < 0:
            raise OverlapError(
                source, f"expected a non-negative whole number, got {raw_count!r}", line, COUNT
            )
        key = raw[i_stratum].strip() if i_stratum is not None else ""
        if i_stratum is not None and not key:
            raise OverlapError(source, "the stratum is empty", line, strata or "")
        pat = tuple(pattern)
        if (key, pat) in first_seen:
            raise OverlapError(
                source,
                f"duplicate pattern {','.join(map(str, pat))} (first at row {first_seen[key, pat]})",
                line,
            )
        first_seen[key, pat] = line
        if not any(pat) and count > 0:
            raise OverlapError(
                source,
                f"the all-zero pattern is the unobserved cell: its count must be 0 or absent, got {count}",
                line,
                COUNT,
            )
        rows.setdefault(key, []).append((pat, count))
    if not rows:
        raise OverlapError(source, "no data rows")
    tables = []
    for key in sorted(rows):
        pats = [p for p, _ in rows[key]]
        cnts = [c for _, c in rows[key]]
        tables.append(
            table_from_patterns(lists, pats, cnts, stratum=key if strata is not None else None)
        )
    return tables
