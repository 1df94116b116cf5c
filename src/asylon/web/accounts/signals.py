"""Login and logout: start and end the tracked session; a password login through our login
page counts as a fresh authentication for a user without a second factor (one with a second
factor is fresh only after the second step, see views.verify). Each is in the audit log:
``login`` (the password step; ``mfa_verified`` follows for the second), ``logout``, and
``login_failed`` under the account it named (a name that is no account is not kept: it may be
a mistyped password, and the lockout (django-axes) counts those attempts on its own)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from asylon.web.accounts import mfa, sessions
from asylon.web.audit.services import record


def logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    sessions.on_login(request, user)
    match = getattr(request, "resolver_match", None)
    through_login_page = request.method == "POST" and match and match.url_name == "login"
    if through_login_page:
        record(user, "login", user, second_factor_next=mfa.has_second_factor(user))
        if not mfa.has_second_factor(user):
            mfa.mark_authenticated(request)


def logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.end(request)
    if user is not None and getattr(user, "is_authenticated", False):
        record(user, "logout", user)


def login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    from django.contrib.auth import get_user_model

    name = credentials.get("username")
    account = get_user_model().objects.filter(username=name).first() if name else None
    if account is not None:
        record(None, "login_failed", account, reason="password")
