"""Login and logout: start and end the tracked session; a password login through our login
page counts as a fresh authentication for a user without a second factor (one with a second
factor is fresh only after the second step, see views.verify)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from asylon.web.accounts import mfa, sessions


def logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    sessions.on_login(request, user)
    match = getattr(request, "resolver_match", None)
    through_login_page = request.method == "POST" and match and match.url_name == "login"
    if through_login_page and not mfa.has_second_factor(user):
        mfa.mark_authenticated(request)


def logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.end(request)
