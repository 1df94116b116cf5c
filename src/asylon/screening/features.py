"""The explained features of a screening pair: how far an applicant and a register person agree.

Each feature has a value, a weight (its contribution to the log-odds that the two records are
one person, in the manner of Fellegi & Sunter 1969, "A theory for record linkage") and a
sentence a reviewer can read. Agreement adds weight, clear disagreement takes it away, and
what is missing on either side weighs nothing: an applicant who declared no service is not
thereby different from a register person with one. The weights are set by hand from what the
features mean and checked on the synthetic screening benchmark (``benchmarks/bench_names.py``);
they are not learned from real cases.

A feature is evidence for a person to weigh in an Article 1F review (UNHCR Guidelines on
International Protection No. 5, 2003, paras 34-36: exclusion requires individual
responsibility established case by case), never a finding.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from asylon.names.compare import NameComparer, NameMatch
from asylon.names.normalise import normalise_token
from asylon.screening.records import Membership, PartialDate, Role

__all__ = [
    "Feature",
    "SamePlace",
    "SameUnit",
    "birth_date_feature",
    "birth_place_feature",
    "name_feature",
    "nationality_feature",
    "role_feature",
]

#: a caller's knowledge whether two place (unit) names are one place (unit): True, False,
#: or None for "cannot tell" (e.g. the gazetteer resolves Aleppo, حلب and Алеппо to SY02)
SamePlace = Callable[[str, str], bool | None]
SameUnit = Callable[[str, str], bool | None]


@dataclass(frozen=True, slots=True)
class Feature:
    """One explained feature: ``weight`` is its contribution to the log-odds of one person."""

    name: str
    value: str | float
    weight: float
    explanation: str

    def to_dict(self) -> dict[str, str | float]:
        return {
            "name": self.name,
            "value": self.value,
            "weight": round(self.weight, 3),
            "explanation": self.explanation,
        }


# -- names ----------------------------------------------------------------------------------
_NAME_CURVE = (
    (0.0, -6.0),
    (0.5, -4.0),
    (0.6, -2.5),
    (0.7, -1.0),
    (0.8, 1.0),
    (0.9, 3.0),
    (0.95, 3.8),
    (1.0, 4.5),
)


def _interpolate(x: float, curve: Sequence[tuple[float, float]]) -> float:
    for (x0, y0), (x1, y1) in itertools.pairwise(curve):
        if x <= x1:
            return y0 + (y1 - y0) * (max(x, x0) - x0) / (x1 - x0)
    return curve[-1][1]


def name_feature(match: NameMatch | None) -> Feature:
    """Name similarity across scripts (:mod:`asylon.names.compare`), best pair of names."""
    if match is None:
        return Feature("name", 0.0, _NAME_CURVE[0][1], "no name to compare")
    return Feature(
        "name",
        round(match.score, 3),
        _interpolate(match.score, _NAME_CURVE),
        f"'{match.left}' and '{match.right}': {match.explanation}",
    )


# -- birth dates ----------------------------------------------------------------------------
def _placeholder(d: PartialDate) -> PartialDate:
    """1 January stands in for an unknown day and month in many registries: read it as a year."""
    return PartialDate(d.year) if (d.month, d.day) == (1, 1) else d


def _compare_dates(a: PartialDate, b: PartialDate) -> tuple[str, float, str]:
    a, b = _placeholder(a), _placeholder(b)
    years = abs(a.year - b.year)
    if a.day is not None and b.day is not None and a.month is not None and b.month is not None:
        if a == b:
            return "exact", 3.0, f"same date of birth {a}"
        if a.year == b.year and (a.month, a.day) == (b.day, b.month):
            return (
                "day_month_swapped",
                2.0,
                f"{a} and {b}: day and month swapped, a common recording error",
            )
        if a.year == b.year and a.month == b.month and abs(a.day - b.day) == 1:
            return "off_by_one_day", 1.5, f"{a} and {b}: one day apart"
        if a.year == b.year and a.day == b.day and abs(a.month - b.month) == 1:
            return "off_by_one_month", 1.5, f"{a} and {b}: one month apart"
        if years == 1 and (a.month, a.day) == (b.month, b.day):
            return "off_by_one_year", 1.0, f"{a} and {b}: same day and month, one year apart"
        if years == 0:
            return "same_year", 0.0, f"{a} and {b}: same year, different day"
    elif years == 0:
        if a.month is not None and b.month is not None:
            if a.month == b.month:
                return "same_month", 1.5, f"{a} and {b}: same month and year"
            return "same_year", 0.0, f"{a} and {b}: same year, different month"
        return "same_year", 1.0, f"{a} and {b}: same year (one side gives only the year)"
    if years == 1:
        return "year_off_by_one", -1.0, f"{a} and {b}: a year apart"
    weight = -4.0 if years <= 5 else -5.0
    return "conflict", weight, f"{a} and {b}: {years} years apart"


def birth_date_feature(left: Sequence[PartialDate], right: Sequence[PartialDate]) -> Feature:
    """Birth dates: exact, day/month swapped, one day/month/year off, same year, or conflicting."""
    if not left or not right:
        return Feature("birth_date", "unknown", 0.0, "date of birth not known on both sides")
    best = max((_compare_dates(a, b) for a in left for b in right), key=lambda r: r[1])
    return Feature("birth_date", best[0], best[1], best[2])


# -- places and nationality -----------------------------------------------------------------
def birth_place_feature(
    left: Sequence[str],
    right: Sequence[str],
    comparer: NameComparer,
    same_place: SamePlace | None = None,
) -> Feature:
    """Places of birth: the caller's gazetteer decides when it can, else the names are compared."""
    if not left or not right:
        return Feature("birth_place", "unknown", 0.0, "place of birth not known on both sides")
    verdicts = []
    for a in left:
        for b in right:
            verdict = same_place(a, b) if same_place is not None else None
            if verdict is None and comparer.names(a, b).score >= 0.9:
                verdict = True
            verdicts.append((verdict, a, b))
    for verdict, a, b in verdicts:
        if verdict:
            return Feature("birth_place", "same", 1.0, f"born in the same place ({a} / {b})")
    if any(verdict is False for verdict, _, _ in verdicts):
        _, a, b = next(v for v in verdicts if v[0] is False)
        return Feature("birth_place", "different", -0.7, f"born in different places ({a} / {b})")
    a, b = left[0], right[0]
    return Feature(
        "birth_place", "unresolved", 0.0, f"cannot tell whether {a} and {b} are one place"
    )


def nationality_feature(left: Sequence[str], right: Sequence[str]) -> Feature:
    """Nationalities (ISO 3166-1): shared, or all different."""
    a, b = {c.upper() for c in left}, {c.upper() for c in right}
    if not a or not b:
        return Feature("nationality", "unknown", 0.0, "nationality not known on both sides")
    shared = sorted(a & b)
    if shared:
        return Feature("nationality", "shared", 0.3, f"both {', '.join(shared)}")
    return Feature(
        "nationality", "different", -1.0, f"{', '.join(sorted(a))} against {', '.join(sorted(b))}"
    )


# -- roles and memberships ------------------------------------------------------------------
_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d+")
_STOP = frozenset(
    [
        "the",
        "of",
        "and",
        "for",
        "in",
        "a",
        "an",
        "al",
        "el",
        "de",
        "du",
        "des",
        "la",
        "le",
        "branch",
        "directorate",
        "department",
        "division",
        "unit",
        "service",
        "فرع",
        "ال",
        "شعبة",
        "ادارة",
        "فرقة",
        "في",
        "و",
        "отдел",
        "управление",
        "служба",
        "дивизия",
        "по",
        "и",
    ]
)


def _words(text: str) -> set[str]:
    return {
        w
        for w in (normalise_token(x) for x in _WORD.findall(text))
        if w not in _STOP and not w.isdigit() and len(w) > 1
    }


def _same_unit(a: str, b: str, comparer: NameComparer, same_unit: SameUnit | None) -> bool | None:
    if same_unit is not None and (verdict := same_unit(a, b)) is not None:
        return verdict
    na, nb = set(_NUMBER.findall(a)), set(_NUMBER.findall(b))
    if na and nb and not na & nb:
        return False  # Branch 215 is not Branch 227
    wa, wb = _words(a), _words(b)
    if wa and wb:
        overlap = len(wa & wb) / min(len(wa), len(wb))
        if overlap >= 0.6 and (not na or not nb or na & nb):
            return True
    if na & nb and (not wa or not wb):
        return True  # "251" / "Branch 251" / "الفرع 251"
    return None


def _overlap(role: Role, membership: Membership) -> bool | None:
    if role.start is None and role.end is None:
        return None
    if membership.start is None and membership.end is None:
        return None
    r0 = role.start.first_day() if role.start else date.min
    r1 = role.end.last_day() if role.end else date.max
    m0 = membership.start.first_day() if membership.start else date.min
    m1 = membership.end.last_day() if membership.end else date.max
    return r0 <= m1 and m0 <= r1


def role_feature(
    roles: Sequence[Role],
    memberships: Sequence[Membership],
    comparer: NameComparer,
    same_unit: SameUnit | None = None,
) -> Feature:
    """The applicant's declared roles against the register's memberships: unit and period."""
    if not roles:
        return Feature("role", "none_declared", 0.0, "the applicant declared no roles")
    if not memberships:
        return Feature("role", "no_memberships", 0.0, "the register records no memberships")
    best = Feature(
        "role", "no_shared_unit", 0.0, "no declared organisation matches a recorded unit"
    )
    for role in roles:
        if not role.organisation:
            continue
        for membership in memberships:
            unit = next(
                (
                    u
                    for u in membership.organisation
                    if _same_unit(role.organisation, u, comparer, same_unit)
                ),
                None,
            )
            if unit is None:
                continue
            overlap = _overlap(role, membership)
            rank = ""
            if role.rank and membership.role and _words(role.rank) & _words(membership.role):
                rank = f"; rank/position agree ({role.rank} / {membership.role})"
            if overlap:
                candidate = Feature(
                    "role", "same_unit_same_period", 3.0 + (0.5 if rank else 0.0),
                    f"declared {role.organisation} and recorded in {unit} in overlapping periods{rank}",
                )  # fmt: skip
            elif overlap is None:
                candidate = Feature(
                    "role", "same_unit", 2.0 + (0.5 if rank else 0.0),
                    f"declared {role.organisation} and recorded in {unit} (periods not both known){rank}",
                )  # fmt: skip
            else:
                candidate = Feature(
                    "role", "same_unit_other_period", 1.0,
                    f"declared {role.organisation} and recorded in {unit}, in different periods{rank}",
                )  # fmt: skip
            if candidate.weight > best.weight:
                best = candidate
    return best


def namesakes_feature(count: int) -> Feature:
    """How many register persons have a name this close: a common name is weaker evidence."""
    if count <= 1:
        return Feature("namesakes", count, 0.0, "no other register person has a name this close")
    weight = -min(2.0, 0.75 * math.log2(count))
    return Feature(
        "namesakes",
        count,
        weight,
        f"{count} register persons have a name this close: a common name",
    )
