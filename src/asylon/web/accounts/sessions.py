"""Tracking of logged-in sessions, so that an administrator can see and revoke them.

Each authenticated session has a :class:`UserSession` row named by the SHA-256 of its session
key (the key itself, a bearer secret, is not copied). The middleware looks the row up on every
request of a logged-in user: a revoked row logs the session out there and then, whatever the
session store; a missing row (a session from before tracking, or a test's ``force_login``) is
made. ``last_seen`` moves at most once a minute.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from asylon.web.accounts.models import UserSession
from asylon.web.audit.services import record

LAST_SEEN_PRECISION = timedelta(minutes=1)
TRACKED = "asylon_session_tracked"  # set at login: this session's row must exist


def key_hash(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def _client(request: HttpRequest) -> dict[str, Any]:
    return {
        "ip_address": request.META.get("REMOTE_ADDR") or None,
        "user_agent": (request.META.get("HTTP_USER_AGENT") or "")[:200],
    }


def start(request: HttpRequest, user: Any) -> UserSession | None:
    """The row of this request's session (made on login, or on first sight)."""
    if not request.session.session_key:
        request.session.save()
    key = request.session.session_key
    if not key:
        return None
    now = timezone.now()
    try:
        with transaction.atomic():
            row, _ = UserSession.objects.get_or_create(
                key_hash=key_hash(key),
                defaults={"user_id": user.pk, "last_seen": now, **_client(request)},
            )
    except IntegrityError:  # made at the same time by a parallel request
        row = UserSession.objects.get(key_hash=key_hash(key))
    return row


def on_login(request: HttpRequest, user: Any) -> None:
    start(request, user)
    request.session[TRACKED] = True


def check(request: HttpRequest) -> bool:
    """False when this session was revoked (or belongs to someone else: a row is never
    re-used for another user); the caller logs it out."""
    key = request.session.session_key
    if not key:
        return True
    user = request.user
    row = (
        UserSession.objects.filter(key_hash=key_hash(key))
        .only("pk", "user_id", "revoked_at", "ended_at", "last_seen")
        .first()
    )
    if row is None:
        if request.session.get(TRACKED):
            return False  # its row was made at login and is gone: refuse, never re-make
        start(request, user)  # a session from before tracking
        request.session[TRACKED] = True
        return True
    if row.revoked_at is not None or row.ended_at is not None or row.user_id != user.pk:
        return False
    now = timezone.now()
    if now - row.last_seen > LAST_SEEN_PRECISION:
        UserSession.objects.filter(pk=row.pk).update(last_seen=now)
    return True


def end(request: HttpRequest) -> None:
    key = getattr(request, "session", None) and request.session.session_key
    if key:
        UserSession.objects.filter(key_hash=key_hash(key), ended_at=None).update(
            ended_at=timezone.now()
        )


def cycle_key(request: HttpRequest) -> None:
    """A new session key for the same session (after the second factor), row and all."""
    old = request.session.session_key
    request.session.cycle_key()
    new = request.session.session_key
    if old and new and old != new:
        UserSession.objects.filter(key_hash=key_hash(old)).update(key_hash=key_hash(new))


def active(user: Any = None) -> QuerySet[UserSession]:
    since = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows = UserSession.objects.filter(ended_at=None, revoked_at=None, last_seen__gte=since)
    return rows.filter(user_id=user.pk) if user is not None else rows


def is_current(request: HttpRequest, row: UserSession) -> bool:
    key = request.session.session_key
    return bool(key) and row.key_hash == key_hash(key)


def revoke(admin: Any, row: UserSession) -> bool:
    with transaction.atomic():  # the revocation and its audit entry, together or not at all
        done = UserSession.objects.filter(pk=row.pk, revoked_at=None, ended_at=None).update(
            revoked_at=timezone.now(), revoked_by=admin
        )
        if done:
            record(admin, "session_revoked", row.user, session=row.pk)
    return bool(done)


def revoke_all(admin: Any, user: Any) -> int:
    with transaction.atomic():
        done: int = UserSession.objects.filter(
            user_id=user.pk, ended_at=None, revoked_at=None
        ).update(revoked_at=timezone.now(), revoked_by=admin)
        record(admin, "sessions_revoked_all", user, sessions=done)
    return done
