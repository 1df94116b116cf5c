"""Whether an overlap table can identify the total at all, before and after a model is fitted.

Multiple-systems estimation learns about the people no list recorded only from how the lists
overlap. With two lists and no person in common the Lincoln-Petersen estimate n1 n2 / m is
infinite; more generally, if the lists fall into groups that share nobody, the data say
nothing about how the groups' coverage combines (Bishop, Fienberg & Holland 1975, *Discrete
Multivariate Analysis*, ch. 6; Fienberg & Rinaldo 2012 on the existence of the MLE in
log-linear models). A posterior or profile likelihood whose upper tail runs away is the
model-side symptom of the same problem (Manrique-Vallier 2016, section 5; Silverman 2020,
JRSS A 183(4), on sparse UK tables): we report "not identified" rather than a number.
"""

from __future__ import annotations

import numpy as np

from .notes import Note
from .overlap import OverlapTable

TAIL_RATIO_MAX = 4.0


def overlap_groups(table: OverlapTable) -> list[list[str]]:
    """Lists grouped by shared records (connected components of the 'share someone' graph)."""
    j = table.n_lists
    seen_any = table.patterns.T @ table.counts > 0
    parent = list(range(j))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for pattern, count in zip(table.patterns, table.counts, strict=True):
        if count <= 0:
            continue
        members = np.flatnonzero(pattern)
        for other in members[1:]:
            parent[find(int(other))] = find(int(members[0]))
    groups: dict[int, list[str]] = {}
    for i in range(j):
        if seen_any[i]:
            groups.setdefault(find(i), []).append(table.lists[i])
    return list(groups.values())


def table_reasons(table: OverlapTable) -> list[Note]:
    """Reasons why no model can identify the total of ``table`` (empty if none)."""
    if table.observed == 0:
        return [Note("no_records")]
    groups = overlap_groups(table)
    if len(groups) == 1 and len(groups[0]) < 2:
        return [Note("one_list", {"list": groups[0][0]})]
    reasons = []
    if len(groups) > 1:
        alone = [g[0] for g in groups if len(g) == 1]
        for name in alone:
            reasons.append(Note("list_alone", {"list": name}))
        if len(groups) - len(alone) >= 2:
            named = "; ".join("{" + ", ".join(g) + "}" for g in groups)
            reasons.append(Note("disjoint_groups", {"groups": named}))
    return reasons


def empty_lists(table: OverlapTable) -> list[str]:
    """Lists that recorded nobody (they carry no information and are set aside)."""
    totals = table.patterns.T @ table.counts
    return [name for name, t in zip(table.lists, totals, strict=True) if t == 0]


def runaway_upper(observed: int, median: float, upper: float) -> bool:
    """True when the upper 95% bound of the unobserved is far beyond its central value.

    The unobserved part's upper bound is compared with ``TAIL_RATIO_MAX`` times the larger of
    its median and 5% of the observed (so that tiny unobserved counts do not trigger it).
    """
    unobserved = max(median - observed, 1.0, 0.05 * observed)
    return not np.isfinite(upper) or (upper - observed) > TAIL_RATIO_MAX * unobserved
