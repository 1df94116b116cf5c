"""The two records screening compares: an applicant, and a person in the accountability register.

Plain frozen dataclasses with no behaviour beyond parsing, so that the case file
(``docs/case-file.md``: ``applicant`` and ``conduct.roles``), a CSV of applicants, the
register's Django models or FollowTheMoney entities (Person, Membership with dates) can all
be turned into them by a few lines of the caller's code. Dates of birth are often known only
to the year or month (register sources say "born 1953"), hence :class:`PartialDate`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = ["ApplicantRecord", "Membership", "PartialDate", "RegisterPerson", "Role"]

_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day (ISO 8601 prefixes: 1953, 1953-04)."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} out of range")
        if self.day is not None and self.month is not None:
            date(self.year, self.month, self.day)  # raises on 1953-02-30

    @classmethod
    def parse(cls, value: str | date | PartialDate | None) -> PartialDate | None:
        """``None``, a :class:`datetime.date`, or a string ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
        if value is None or isinstance(value, PartialDate):
            return value
        if isinstance(value, date):
            return cls(value.year, value.month, value.day)
        if not value.strip():
            return None
        m = _DATE.match(value)
        if not m:
            raise ValueError(f"not a date: {value!r} (expected YYYY, YYYY-MM or YYYY-MM-DD)")
        return cls(int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None)

    @property
    def precision(self) -> str:
        return "day" if self.day is not None else "month" if self.month is not None else "year"

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date:
        if self.day is not None and self.month is not None:
            return date(self.year, self.month, self.day)
        if self.month is not None:
            following = date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1)
        return date(self.year, 12, 31)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text


@dataclass(frozen=True, slots=True)
class Role:
    """A role the applicant held (case file ``conduct.roles``): where, what, when."""

    organisation: str | None = None
    kind: str | None = None  # security_service | armed_forces | armed_group | militia | ...
    rank: str | None = None
    function: str | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None


@dataclass(frozen=True, slots=True)
class ApplicantRecord:
    """The applicant (or a family member) as screening sees them: never stored in the register."""

    id: str
    names: tuple[str, ...]  # the full name first, then aliases, in any scripts
    birth_dates: tuple[PartialDate, ...] = ()
    birth_places: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()  # ISO 3166-1 alpha-2
    roles: tuple[Role, ...] = ()

    @classmethod
    def from_case_file(cls, case: Any, case_id: str | None = None) -> ApplicantRecord:
        """From a parsed case file (``asylon.law.facts.CaseFile``): its applicant and roles.

        The case file has no birth place; habitual residence is not used in its stead.
        """
        applicant = case.applicant
        name = applicant.name if applicant is not None else None
        names = tuple(n for n in ([name.full, *list(name.aliases)] if name else []) if n)
        roles = tuple(
            Role(
                organisation=r.organisation,
                kind=r.kind,
                rank=r.rank,
                function=r.function,
                start=PartialDate.parse(r.from_),
                end=PartialDate.parse(r.to),
            )
            for r in (case.conduct.roles if case.conduct is not None else [])
        )
        born = PartialDate.parse(applicant.born) if applicant is not None else None
        return cls(
            id=case_id or case.id,
            names=names,
            birth_dates=(born,) if born else (),
            nationalities=tuple(applicant.nationalities or []) if applicant is not None else (),
            roles=roles,
        )


@dataclass(frozen=True, slots=True)
class Membership:
    """A register person's membership of a unit (FtM Membership/Position): names, role, period."""

    organisation: tuple[str, ...]  # the unit's names in any scripts: ("Branch 251", "الفرع 251")
    role: str | None = None  # position or rank: "head of branch", "brigadier general"
    start: PartialDate | None = None
    end: PartialDate | None = None


@dataclass(frozen=True, slots=True)
class RegisterPerson:
    """An alleged perpetrator in the accountability register, as screening sees them."""

    id: str
    names: tuple[str, ...]  # the names in Arabic, Latin and Cyrillic script
    aliases: tuple[str, ...] = ()  # other names, kunya and laqab
    birth_dates: tuple[PartialDate, ...] = ()
    birth_places: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    memberships: tuple[Membership, ...] = ()

    @property
    def all_names(self) -> tuple[str, ...]:
        return self.names + self.aliases
