"""Who sees the victim lists, and who sees only their counts.

The records are personal data of the dead and the disappeared and of their families' accounts,
kept with the accountability register: they are shown to the register's staff only, by the
register's own rule (:func:`asylon.web.register.access.sees_register`: administrators,
supervisors and reviewers, or anyone given a register permission; never a researcher). For
anyone else every page with a record or a person answers 404, as the register does.

- import lists and run the linkage: those who may edit the register
  (:func:`asylon.web.register.records.may_edit`);
- split and merge persons: those who may review it (:func:`~.records.may_review`);
- the counts page: register staff (exact counts) and researchers (disclosure-controlled
  aggregates only, :mod:`asylon.web.victims.counts`); the overlap CSV (exact counts): staff.
"""

from __future__ import annotations

from typing import Any

from asylon.web.accounts.models import User
from asylon.web.register.access import sees_register
from asylon.web.register.records import may_edit, may_review

__all__ = ["may_import", "may_judge", "sees_counts", "sees_exact_counts", "sees_victims"]


def sees_victims(user: Any) -> bool:
    return sees_register(user)


def may_import(user: Any) -> bool:
    return sees_victims(user) and may_edit(user)


def may_judge(user: Any) -> bool:
    return sees_victims(user) and may_review(user)


def is_researcher(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == User.Role.RESEARCHER


def sees_counts(user: Any) -> bool:
    return sees_victims(user) or is_researcher(user)


def sees_exact_counts(user: Any) -> bool:
    """Staff see the records themselves: their counts need no disclosure control."""
    return sees_victims(user)
