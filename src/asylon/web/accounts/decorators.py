"""``@reauthenticated``: a view that exports or deletes personal data wants the user to have
proved who they are (password, plus the second factor where enrolled) within the last
``ASYLON_REAUTH_SECONDS`` (default 600). Otherwise a GET goes to the re-authentication page
and comes back to the same URL; a POST (a deletion) goes there with the page it was sent from
as ``next``, to be repeated. Put it under ``@login_required``.

``@reauthenticated(guard=...)``: the guard (called with the view's arguments) raises
``Http404`` for an object the user may not see, *before* any re-authentication is asked: a case
of another team answers 404 as everywhere else, never a redirect that would tell it exists.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from asylon.web.accounts import mfa


def _came_from(request: HttpRequest) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("cases:dashboard")


def reauth_url(next_url: str) -> str:
    return f"{reverse('accounts:reauth')}?{urlencode({'next': next_url})}"


View = Callable[..., HttpResponseBase]


def reauthenticated(view: View | None = None, *, guard: Callable[..., object] | None = None) -> Any:
    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if guard is not None:
                guard(request, *args, **kwargs)  # Http404 first: access before re-authentication
            if mfa.recently_authenticated(request):
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                return redirect(reauth_url(request.get_full_path()))
            messages.info(request, _("Confirm that it is you, then repeat the action."))
            return redirect(reauth_url(_came_from(request)))

        return wrapped

    return decorate(view) if view is not None else decorate
