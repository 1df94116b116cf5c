"""Pages of strong authentication: the second step of a login, enrolment of an authenticator
app or a security key, recovery codes, re-authentication before exports and deletions, and
an administrator's view of users' sessions."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from asylon.web.accounts import mfa, sessions
from asylon.web.accounts.decorators import reauth_url, reauthenticated
from asylon.web.accounts.forms import (
    ReauthForm,
    SecondFactorForm,
    TotpConfirmForm,
    WebAuthnRegisterForm,
)
from asylon.web.accounts.models import User, UserSession, WebAuthnCredential
from asylon.web.audit.services import record


def _next(request: HttpRequest) -> str:
    """The ``next`` URL if it is ours (same host, no scheme change), else the home page."""
    value = request.POST.get("next") or request.GET.get("next") or ""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse(settings.LOGIN_REDIRECT_URL)


def _locked(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    context["locked"] = True
    return render(request, template, context, status=429)


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = request.user
    return {
        "next": _next(request),
        "has_totp": mfa.has_totp(user),
        "has_webauthn": mfa.has_webauthn(user),
        **extra,
    }


# --- second step of a login -----------------------------------------------------------------


@login_required
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    if mfa.is_verified(request) or mfa.need(request.user) != "verify":
        return redirect(_next(request))
    form = SecondFactorForm(request.POST or None)
    template = "accounts/verify.html"
    if mfa.locked_until(request.user):
        return _locked(request, template, _context(request, form=form))
    if request.method == "POST" and form.is_valid():
        try:
            method = mfa.verify(
                request,
                code=form.cleaned_data["code"],
                assertion=form.cleaned_data["assertion"],
                purpose="login",
            )
        except mfa.LockedOut:
            return _locked(request, template, _context(request, form=form))
        if method is not None:
            mfa.mark_verified(request)
            if method == "recovery_code":
                left = mfa.remaining_recovery_codes(request.user)
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; %(n)d are left. Make new ones on the security page."
                    )
                    % {"n": left},
                )
            return redirect(_next(request))
        if mfa.locked_until(request.user):
            return _locked(request, template, _context(request, form=form))
        form.add_error(None, _("That code or key was not accepted."))
    return render(
        request, template, _context(request, form=form), status=400 if form.errors else 200
    )


# --- re-authentication ----------------------------------------------------------------------


@login_required
@never_cache
def reauth(request: HttpRequest) -> HttpResponse:
    user = request.user
    second = mfa.has_second_factor(user)
    form = ReauthForm(request.POST or None, second_factor=second)
    template = "accounts/reauth.html"
    context = _context(request, form=form, second_factor=second, minutes=mfa.reauth_seconds() // 60)
    if second and mfa.locked_until(user):
        return _locked(request, template, context)
    if request.method == "POST" and form.is_valid():
        checked = authenticate(
            request, username=user.get_username(), password=form.cleaned_data["password"]
        )
        if checked is None or checked.pk != user.pk:
            record(user, "reauth_failed", user, reason="password")
            form.add_error(None, _("That password or code was not accepted."))
        else:
            try:
                method = (
                    mfa.verify(
                        request,
                        code=form.cleaned_data.get("code", ""),
                        assertion=form.cleaned_data.get("assertion", ""),
                        purpose="reauth",
                    )
                    if second
                    else "password"
                )
            except mfa.LockedOut:
                return _locked(request, template, context)
            if method is None:
                if mfa.locked_until(user):
                    return _locked(request, template, context)
                form.add_error(None, _("That password or code was not accepted."))
            else:
                if second and not mfa.is_verified(request):
                    mfa.mark_verified(request)
                mfa.mark_authenticated(request)
                record(user, "reauthenticated", user, method=method)
                return redirect(_next(request))
    return render(request, template, context, status=400 if form.errors else 200)


# --- enrolment ------------------------------------------------------------------------------


def _fresh_enough(request: HttpRequest) -> bool:
    """Adding a factor next to one you have wants a recent re-authentication; the first one
    (enrolment after the password login) does not."""
    return not mfa.has_second_factor(request.user) or mfa.recently_authenticated(request)


def _first_factor_done(request: HttpRequest) -> HttpResponse:
    """After a factor is added: the session counts as verified; recovery codes are issued if
    the user has none, and shown once."""
    if not mfa.is_verified(request):
        mfa.mark_verified(request)
    if mfa.remaining_recovery_codes(request.user) == 0:
        codes = mfa.new_recovery_codes(request.user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes})
    messages.success(request, _("Your second factor is set up."))
    return redirect("accounts:security")


@login_required
@never_cache
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "has_totp": mfa.has_totp(user),
            "keys": WebAuthnCredential.objects.filter(user_id=user.pk).order_by("created_at"),
            "recovery_left": mfa.remaining_recovery_codes(user),
            "must_enrol": mfa.must_enrol(user),
            "enrolling": mfa.need(user) == "enrol",
            "register_form": WebAuthnRegisterForm(),
            "sessions": sessions.active(user).order_by("-last_seen"),
        },
    )


@login_required
@never_cache
def totp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if mfa.has_totp(user):
        messages.info(request, _("You already use an authenticator app; remove it first."))
        return redirect("accounts:security")
    if not _fresh_enough(request):
        return redirect(reauth_url(request.get_full_path()))
    form = TotpConfirmForm(request.POST or None)
    template = "accounts/totp_setup.html"
    if request.method == "POST" and form.is_valid():
        try:
            if mfa.confirm_totp(request, form.cleaned_data["code"]):
                return _first_factor_done(request)
        except mfa.LockedOut:
            return _locked(request, template, {"form": form})
        form.add_error("code", _("That code was not accepted. Check the time on your phone."))
    secret = mfa.pending_totp_secret(user) if request.method == "POST" else None
    secret = secret or mfa.start_totp(user)
    uri = mfa.provisioning_uri(user, secret)
    return render(
        request,
        template,
        {
            "form": form,
            "qr": mfa.qr_data_uri(uri),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
        status=400 if form.errors else 200,
    )


def _may_remove(request: HttpRequest, factors_after: int) -> bool:
    if factors_after == 0 and mfa.must_enrol(request.user):
        messages.error(request, _("Your role requires a second factor: add another one first."))
        return False
    return True


@login_required
@require_POST
@reauthenticated
def totp_remove(request: HttpRequest) -> HttpResponse:
    user = request.user
    if _may_remove(request, WebAuthnCredential.objects.filter(user_id=user.pk).count()):
        mfa.remove_totp(request)
        messages.success(request, _("The authenticator app was removed."))
    return redirect("accounts:security")


@login_required
@require_POST
@reauthenticated
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not mfa.has_second_factor(request.user):
        return redirect("accounts:security")
    return render(
        request, "accounts/recovery_codes.html", {"codes": mfa.new_recovery_codes(request.user)}
    )


@login_required
@require_POST
def webauthn_registration_options(request: HttpRequest) -> HttpResponse:
    if not _fresh_enough(request):
        return JsonResponse({"error": "reauthenticate"}, status=403)
    return HttpResponse(mfa.registration_options(request), content_type="application/json")


@login_required
@require_POST
def webauthn_register(request: HttpRequest) -> HttpResponse:
    if not _fresh_enough(request):
        return redirect(reauth_url(reverse("accounts:security")))
    form = WebAuthnRegisterForm(request.POST)
    if form.is_valid() and mfa.register_credential(
        request, form.cleaned_data["credential"], form.cleaned_data["name"]
    ):
        return _first_factor_done(request)
    messages.error(request, _("The security key could not be registered. Try again."))
    return redirect("accounts:security")


@login_required
@require_POST
@reauthenticated
def webauthn_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    others = WebAuthnCredential.objects.filter(user_id=user.pk).exclude(pk=pk).count()
    if _may_remove(request, others + int(mfa.has_totp(user))) and mfa.remove_webauthn(request, pk):
        messages.success(request, _("The security key was removed."))
    return redirect("accounts:security")


@login_required
@require_POST
def webauthn_authentication_options(request: HttpRequest) -> HttpResponse:
    options = mfa.authentication_options(request)
    if options is None:
        return JsonResponse({"error": "no security key"}, status=404)
    return HttpResponse(options, content_type="application/json")


# --- administrators: users' sessions and factors --------------------------------------------


def admin_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request.user, "role", None) != User.Role.ADMIN:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@admin_only
@never_cache
def users(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows = (
        User.objects.filter(is_active=True)
        .annotate(
            open_sessions=Count(
                "tracked_sessions",
                filter=Q(
                    tracked_sessions__ended_at=None,
                    tracked_sessions__revoked_at=None,
                    tracked_sessions__last_seen__gte=since,
                ),
            ),
            keys=Count("webauthn_credentials", distinct=True),
        )
        .select_related("totp_device")
        .order_by("username")
    )
    listed = [
        {
            "user": u,
            "sessions": u.open_sessions,
            "totp": bool(getattr(u, "totp_device", None) and u.totp_device.confirmed),
            "keys": u.keys,
            "required": mfa.must_enrol(u),
        }
        for u in rows
    ]
    return render(request, "accounts/users.html", {"rows": listed})


@admin_only
@never_cache
def user_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    rows = list(sessions.active(person).order_by("-last_seen"))
    for row in rows:
        row.current = sessions.is_current(request, row)  # type: ignore[attr-defined]
    return render(
        request,
        "accounts/user_sessions.html",
        {
            "person": person,
            "rows": rows,
            "has_factor": mfa.has_second_factor(person),
        },
    )


@admin_only
@require_POST
def revoke_session(request: HttpRequest, pk: int, session_id: int) -> HttpResponse:
    row = get_object_or_404(UserSession, pk=session_id, user_id=pk)
    if sessions.revoke(request.user, row):
        messages.success(request, _("The session was revoked."))
    return redirect("accounts:user_sessions", pk=pk)


@admin_only
@require_POST
def revoke_all_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    count = sessions.revoke_all(request.user, person)
    messages.success(request, _("%(n)d sessions were revoked.") % {"n": count})
    return redirect("accounts:user_sessions", pk=pk)


@admin_only
@require_POST
@reauthenticated
def reset_second_factors(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    with transaction.atomic():  # both, or neither: no factors gone with sessions still live
        mfa.reset_second_factors(request.user, person)
        sessions.revoke_all(request.user, person)
    messages.success(
        request,
        _("The second factors of %(user)s were removed and their sessions revoked.")
        % {"user": person.get_username()},
    )
    return redirect("accounts:user_sessions", pk=pk)
