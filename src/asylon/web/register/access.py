"""Who sees the register's pages: documentation staff and reviewers.

The register holds allegations against named people; for anyone else it does not exist (every
register page answers 404, as a case of another team does). Staff are those who may record,
peer-review or finalise register records (:mod:`asylon.web.register.records`: administrators,
supervisors and reviewers, or anyone given one of the permissions ``register.edit_register``,
``register.review_register``, ``register.finalise_register``). Researchers never see a person,
whatever permission they hold (see ``User.sees_people``).
"""

from __future__ import annotations

from typing import Any

from asylon.web.register.records import may_edit, may_finalise, may_review

__all__ = ["sees_register"]


def sees_register(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not getattr(user, "sees_people", False):
        return False
    return may_edit(user) or may_review(user) or may_finalise(user)
