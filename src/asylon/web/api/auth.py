"""Who calls the API: a bearer token (``Authorization: Bearer <token>``) or the browser session.

A bearer token that is unknown or revoked is refused (401) even when a session cookie is
present. Session calls keep Django's CSRF check on unsafe methods (POST).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from asylon.web.api.models import ApiToken, hash_token

LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token.strip()), revoked=False, user__is_active=True)
            .first()
        )
        if row is None:
            raise AuthenticationError()
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
            # to the minute, not every call: a write per request serialises the workers
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class BrowserSession(SessionAuth):
    """The logged-in browser user; CSRF is checked only when there is a session user, so a
    request without any credentials gets 401 rather than a CSRF error."""

    def __call__(self, request: HttpRequest) -> Any:
        if not getattr(request.user, "is_authenticated", False):
            return None
        return super().__call__(request)


token_auth = TokenAuth()
session_auth = BrowserSession()
