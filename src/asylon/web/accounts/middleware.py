"""Strong authentication at the door of every page.

1. A logged-in session whose tracked row was revoked by an administrator is logged out on its
   next request (accounts/sessions.py).
2. A session of a user who has a second factor must have passed it in this session; a session
   of a user whose role is in ``ASYLON_MFA_REQUIRED_ROLES`` (default admin and supervisor) and
   who has none must enrol one. Until then it reaches only the verification or enrolment pages,
   logout and the language switch; other pages redirect there (with ``next``), and API calls
   on the session are treated as anonymous (401). Bearer-token API calls are not sessions and
   are unaffected.

Only our views set the session flag (mfa.SESSION_VERIFIED); ``login()`` and a test client's
``force_login`` do not, so neither passes this door for a user who needs a second factor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from asylon.web.accounts import mfa, sessions

ALWAYS_OPEN = {
    "logout",
    "set_language",
    "accounts:verify",
    "accounts:webauthn_authentication_options",
}
OPEN_FOR_ENROLMENT = {
    "accounts:security",
    "accounts:totp_setup",
    "accounts:webauthn_registration_options",
    "accounts:webauthn_register",
}


class StrongAuthenticationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not sessions.check(request):
            logout(request)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or mfa.is_verified(request):
            return None
        lacking = mfa.need(user)
        if lacking is None:
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in ALWAYS_OPEN or (lacking == "enrol" and name in OPEN_FOR_ENROLMENT):
            return None
        if request.path_info.startswith("/api/"):
            request.user = AnonymousUser()
            return None
        target = reverse("accounts:verify" if lacking == "verify" else "accounts:security")
        return redirect_to_login(request.get_full_path(), target, "next")
