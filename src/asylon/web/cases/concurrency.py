"""Optimistic locking: two caseworkers editing the same case get a conflict, never a silent
overwrite.

A case and a client carry a ``revision`` raised by every save. A form is shown with the
revision it was filled from (a hidden ``revision`` field); the save happens under a row lock
and is refused when the stored revision has moved on since: the person sees a conflict
message, their own input kept in the form, and the current values to compare with. The JSON
API does the same with ``ETag`` / ``If-Match`` (RFC 9110 section 13.1.1): a stale ``If-Match``
answers 412.

A POST without a revision (a script that never showed a form) is not checked: forms always
send one, and the API's callers opt in with ``If-Match``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

__all__ = [
    "CONFLICT",
    "FIELD",
    "StaleEdit",
    "bump",
    "check",
    "etag",
    "if_match_revision",
    "posted_revision",
]

FIELD = "revision"
CONFLICT = _(
    "Someone else saved this case since you opened the form. Nothing of yours was saved: "
    "your entries are kept below. Open the case in another tab to see what changed, then "
    "save again."
)


class StaleEdit(Exception):
    """The stored object changed since the form (or the ETag) was read."""

    def __init__(self, stored: int, read: int) -> None:
        super().__init__(f"stored revision {stored}, edited from revision {read}")
        self.stored, self.read = stored, read


def posted_revision(request: HttpRequest) -> int | None:
    value = request.POST.get(FIELD, "")
    return int(value) if value.isdigit() else None


def if_match_revision(request: HttpRequest) -> int | None:
    """The revision named by an ``If-Match: "r<N>"`` header (weak or strong), if any."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    tag = header.split(",")[0].strip().removeprefix("W/").strip('"')
    return int(tag[1:]) if tag.startswith("r") and tag[1:].isdigit() else -1


def etag(obj: Any) -> str:
    return f'"r{obj.revision}"'


def check(locked: Any, read: int | None) -> None:
    """Refuse the save of ``locked`` (read under ``select_for_update``) if it moved on."""
    if read is not None and read != locked.revision:
        raise StaleEdit(locked.revision, read)


def bump(locked: Any) -> str:
    """Raise the revision of ``locked`` (held under its row lock) and return the field's name,
    for ``save(update_fields=[..., bump(locked)])``."""
    locked.revision += 1
    return FIELD
