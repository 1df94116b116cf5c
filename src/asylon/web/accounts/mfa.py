"""Second factors (TOTP, WebAuthn, recovery codes), their throttle, and the session flags.

The primitives come from maintained packages (``pyotp`` computes TOTP codes, ``webauthn`` --
py_webauthn -- checks WebAuthn ceremonies); storage, the flow and the audit are ours, so our
own login page stays and every step goes into our audit chain.

Session flags (set only by our views, never by ``login()`` or ``force_login``):

* ``SESSION_VERIFIED`` -- the user's pk, set when this session passed its second factor (or
  enrolled its first). The middleware lets a session that needs a second factor through only
  with this flag, so a session made any other way (a bare password login, ``force_login``)
  is sent to the verification or enrolment page.
* ``SESSION_AUTH_AT`` -- when the user last proved who they are (password, plus the second
  factor where enrolled): the password login of a user without a factor, the second-factor
  step of a login, or the re-authentication page. ``@reauthenticated`` views want it within
  ``ASYLON_REAUTH_SECONDS``.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from asylon.web.accounts import crypto
from asylon.web.accounts.models import (
    RecoveryCode,
    SecondFactorThrottle,
    TotpDevice,
    User,
    WebAuthnCredential,
)
from asylon.web.audit.services import record

SESSION_VERIFIED = "asylon_mfa_verified"
SESSION_AUTH_AT = "asylon_auth_at"
SESSION_CHALLENGE = "asylon_webauthn_challenge"

TOTP_DIGITS = 6
TOTP_PERIOD = 30
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
_clock = time.time  # TOTP steps and the re-authentication window (tests move it)


def required_roles() -> tuple[str, ...]:
    return tuple(getattr(settings, "ASYLON_MFA_REQUIRED_ROLES", ("admin", "supervisor")))


def reauth_seconds() -> int:
    return int(getattr(settings, "ASYLON_REAUTH_SECONDS", 600))


def failure_limit() -> int:
    return int(getattr(settings, "ASYLON_MFA_FAILURE_LIMIT", 5))


def lockout_seconds() -> int:
    return int(getattr(settings, "ASYLON_MFA_LOCKOUT_SECONDS", 900))


# --- what a user has and needs --------------------------------------------------------------


def has_totp(user: Any) -> bool:
    return TotpDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def has_webauthn(user: Any) -> bool:
    return WebAuthnCredential.objects.filter(user_id=user.pk).exists()


def has_second_factor(user: Any) -> bool:
    return has_totp(user) or has_webauthn(user)


def must_enrol(user: Any) -> bool:
    return getattr(user, "role", None) in required_roles()


def need(user: Any) -> str | None:
    """What a session of this user lacks before it may reach a page: ``"verify"`` (it has a
    second factor), ``"enrol"`` (its role requires one and it has none) or nothing."""
    if has_second_factor(user):
        return "verify"
    if must_enrol(user):
        return "enrol"
    return None


def remaining_recovery_codes(user: Any) -> int:
    return RecoveryCode.objects.filter(user_id=user.pk, used_at=None).count()


# --- session flags --------------------------------------------------------------------------


def is_verified(request: HttpRequest) -> bool:
    return request.session.get(SESSION_VERIFIED) == request.user.pk


def mark_authenticated(request: HttpRequest) -> None:
    request.session[SESSION_AUTH_AT] = int(_clock())


def mark_verified(request: HttpRequest) -> None:
    """The session passed its second factor: elevate it under a new session key."""
    from asylon.web.accounts import sessions

    sessions.cycle_key(request)
    request.session[SESSION_VERIFIED] = request.user.pk
    mark_authenticated(request)


def recently_authenticated(request: HttpRequest) -> bool:
    at = request.session.get(SESSION_AUTH_AT)
    return isinstance(at, int) and 0 <= _clock() - at <= reauth_seconds()


# --- TOTP -----------------------------------------------------------------------------------


def _context(user: Any) -> str:
    return f"totp:{user.pk}"


def start_totp(user: Any) -> str:
    """A new, unconfirmed secret for the user (replacing an earlier unconfirmed one)."""
    secret = pyotp.random_base32(32)  # 160 bits
    TotpDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
    if not TotpDevice.objects.filter(user_id=user.pk).exists():
        TotpDevice.objects.create(
            user=user, encrypted_secret=crypto.encrypt(secret, _context(user))
        )
    return secret


def provision_totp(user: Any, secret: str | None = None) -> str:
    """A confirmed authenticator-app device for ``user``, made outside the web pages (the demo
    loader, an operator's command); returns the secret to hand over once."""
    secret = secret or pyotp.random_base32(32)
    with transaction.atomic():  # the device and its audit entry, together or not at all
        TotpDevice.objects.update_or_create(
            user=user,
            defaults={
                "encrypted_secret": crypto.encrypt(secret, _context(user)),
                "confirmed": True,
                "last_step": 0,
            },
        )
        record(None, "mfa_enrolled", user, method="totp", via="command")
    return secret


def pending_totp_secret(user: Any) -> str | None:
    device = TotpDevice.objects.filter(user_id=user.pk, confirmed=False).first()
    return crypto.decrypt(device.encrypted_secret, _context(user)) if device else None


def provisioning_uri(user: Any, secret: str) -> str:
    issuer = getattr(settings, "ASYLON_MFA_ISSUER", "Asylon")
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_PERIOD).provisioning_uri(
        name=user.get_username(), issuer_name=issuer
    )


def qr_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI (allowed by our CSP's img-src)."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)


def _totp_step(device: TotpDevice, code: str, now: float | None = None) -> int | None:
    """The time step whose code this is (one step of clock drift either way), if it is later
    than the last step accepted."""
    totp = pyotp.TOTP(
        crypto.decrypt(device.encrypted_secret, _context(device.user)),
        digits=TOTP_DIGITS,
        interval=TOTP_PERIOD,
    )
    current = int((_clock() if now is None else now) // TOTP_PERIOD)
    for step in (current - 1, current, current + 1):
        if step > device.last_step and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_totp(request: HttpRequest, code: str) -> bool:
    """Confirm the pending device with a code from the app; throttled like a verification."""
    user = request.user
    _raise_if_locked(user)
    with transaction.atomic():
        device = (
            TotpDevice.objects.select_for_update()
            .select_related("user")
            .filter(user_id=user.pk, confirmed=False)
            .first()
        )
        step = _totp_step(device, _digits(code)) if device else None
        if device is None or step is None:
            ok = False
        else:
            device.confirmed, device.last_step = True, step
            device.save(update_fields=["confirmed", "last_step"])
            record(user, "mfa_enrolled", user, method="totp")
            ok = True
    if not ok:
        _failed(request, user, "totp", "enrolment")
        return False
    _succeeded(user)
    return True


def remove_totp(request: HttpRequest) -> None:
    with transaction.atomic():  # the removal and its audit entry, together or not at all
        TotpDevice.objects.filter(user_id=request.user.pk).delete()
        record(request.user, "mfa_factor_removed", request.user, method="totp")


def _digits(code: str) -> str:
    return re.sub(r"\s+", "", code or "")


# --- recovery codes -------------------------------------------------------------------------


def _normalise_recovery(code: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (code or "").lower())


def _hash_recovery(code: str) -> str:
    return hashlib.sha256(_normalise_recovery(code).encode()).hexdigest()


def new_recovery_codes(user: Any) -> list[str]:
    """Ten fresh codes (16 letters and digits, 80 bits each), replacing all earlier ones.
    Only their hashes are stored: show the returned codes once."""
    codes = [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(4)) for _ in range(4))
        for _ in range(RECOVERY_CODES)
    ]
    with transaction.atomic():
        RecoveryCode.objects.filter(user_id=user.pk).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=_hash_recovery(c)) for c in codes
        )
        record(user, "mfa_recovery_codes_issued", user, count=len(codes))
    return codes


def _use_recovery_code(user: Any, code: str) -> bool:
    if len(_normalise_recovery(code)) != 16:
        return False
    used = RecoveryCode.objects.filter(
        user_id=user.pk, code_hash=_hash_recovery(code), used_at=None
    ).update(used_at=timezone.now())
    return used == 1


# --- throttle -------------------------------------------------------------------------------


@dataclass
class LockedOut(Exception):
    until: datetime


def locked_until(user: Any) -> datetime | None:
    row = SecondFactorThrottle.objects.filter(user_id=user.pk).first()
    if row and row.locked_until and row.locked_until > timezone.now():
        return row.locked_until
    return None


def _raise_if_locked(user: Any) -> None:
    if (until := locked_until(user)) is not None:
        raise LockedOut(until)


def _failed(request: HttpRequest, user: Any, method: str, purpose: str) -> None:
    with transaction.atomic():
        row, _ = SecondFactorThrottle.objects.select_for_update().get_or_create(user_id=user.pk)
        if row.locked_until and row.locked_until <= timezone.now():
            row.failures = 0  # an expired lockout starts a new count
        row.failures += 1
        lock = row.failures >= failure_limit()
        row.locked_until = timezone.now() + timedelta(seconds=lockout_seconds()) if lock else None
        row.save()
    record(user, "mfa_failed", user, method=method, purpose=purpose, failures=row.failures)
    if lock:
        record(user, "mfa_locked_out", user, seconds=lockout_seconds())


def _succeeded(user: Any) -> None:
    SecondFactorThrottle.objects.filter(user_id=user.pk).update(failures=0, locked_until=None)


# --- verification ---------------------------------------------------------------------------


def verify(
    request: HttpRequest, *, code: str = "", assertion: str = "", purpose: str
) -> str | None:
    """Check a second factor of ``request.user``: a TOTP code, a recovery code or a WebAuthn
    assertion (JSON). Returns the method that passed, or None (counted as a failure).
    Raises :class:`LockedOut` while the user is locked out, without looking at the answer."""
    user = request.user
    _raise_if_locked(user)
    method: str | None = None
    tried = "webauthn" if assertion else "totp"
    if assertion:
        method = "webauthn" if _webauthn_matches(request, user, assertion) else None
    elif re.fullmatch(r"\d{6}", _digits(code)):
        with transaction.atomic():
            device = (
                TotpDevice.objects.select_for_update()
                .select_related("user")
                .filter(user_id=user.pk, confirmed=True)
                .first()
            )
            step = _totp_step(device, _digits(code)) if device else None
            if device is not None and step is not None:
                TotpDevice.objects.filter(pk=device.pk).update(last_step=step)
                method = "totp"
    else:
        tried = "recovery_code"
        if _use_recovery_code(user, code):
            method = "recovery_code"
    if method is None:
        _failed(request, user, tried, purpose)
        return None
    _succeeded(user)
    if method == "recovery_code":
        record(
            user,
            "mfa_recovery_code_used",
            user,
            purpose=purpose,
            remaining=remaining_recovery_codes(user),
        )
    record(user, "mfa_verified", user, method=method, purpose=purpose)
    return method


# --- WebAuthn -------------------------------------------------------------------------------
# Browsers offer WebAuthn only in a secure context: HTTPS, or http://localhost. The relying
# party id is the host name the users type (ASYLON_WEBAUTHN_RP_ID, default: the request's host)
# and the origin the page's scheme://host[:port] (ASYLON_WEBAUTHN_ORIGIN, default: the
# request's; behind a TLS-terminating proxy set it, or SECURE_PROXY_SSL_HEADER).


def rp_id(request: HttpRequest) -> str:
    configured = getattr(settings, "ASYLON_WEBAUTHN_RP_ID", "")
    return configured or request.get_host().rsplit(":", 1)[0].strip("[]")


def expected_origin(request: HttpRequest) -> str:
    configured = getattr(settings, "ASYLON_WEBAUTHN_ORIGIN", "")
    return configured or f"{request.scheme}://{request.get_host()}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _take_challenge(request: HttpRequest, kind: str) -> bytes | None:
    saved = request.session.pop(SESSION_CHALLENGE, None)
    if not isinstance(saved, dict) or saved.get("kind") != kind:
        return None
    if _clock() - saved.get("at", 0) > 300:
        return None
    return _unb64(saved["challenge"])


def registration_options(request: HttpRequest) -> str:
    import webauthn
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        PublicKeyCredentialDescriptor,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    user = request.user
    options = webauthn.generate_registration_options(
        rp_id=rp_id(request),
        rp_name=getattr(settings, "ASYLON_MFA_ISSUER", "Asylon"),
        user_name=user.get_username(),
        user_display_name=user.get_username(),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=bytes(c.credential_id))
            for c in WebAuthnCredential.objects.filter(user_id=user.pk)
        ],
    )
    request.session[SESSION_CHALLENGE] = {
        "kind": "register",
        "challenge": _b64(options.challenge),
        "at": int(_clock()),
    }
    return webauthn.options_to_json(options)


def register_credential(request: HttpRequest, credential: str, name: str) -> bool:
    """Check a ``navigator.credentials.create()`` answer and keep the credential."""
    import webauthn

    challenge = _take_challenge(request, "register")
    if challenge is None:
        return False
    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(request),
            expected_origin=expected_origin(request),
        )
    except Exception:
        return False
    if WebAuthnCredential.objects.filter(credential_id=verified.credential_id).exists():
        return False
    with transaction.atomic():  # the key and its audit entry, together or not at all
        row = WebAuthnCredential.objects.create(
            user=request.user,
            name=(name or "").strip()[:80] or "security key",
            credential_id=verified.credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
        )
        record(request.user, "mfa_enrolled", request.user, method="webauthn", credential=row.pk)
    return True


def remove_webauthn(request: HttpRequest, pk: int) -> bool:
    with transaction.atomic():
        deleted, _ = WebAuthnCredential.objects.filter(user_id=request.user.pk, pk=pk).delete()
        if deleted:
            record(
                request.user, "mfa_factor_removed", request.user, method="webauthn", credential=pk
            )
    return bool(deleted)


def authentication_options(request: HttpRequest) -> str | None:
    import webauthn
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor, UserVerificationRequirement

    credentials = list(WebAuthnCredential.objects.filter(user_id=request.user.pk))
    if not credentials:
        return None
    options = webauthn.generate_authentication_options(
        rp_id=rp_id(request),
        allow_credentials=[
            PublicKeyCredentialDescriptor(id=bytes(c.credential_id)) for c in credentials
        ],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[SESSION_CHALLENGE] = {
        "kind": "authenticate",
        "challenge": _b64(options.challenge),
        "at": int(_clock()),
    }
    return webauthn.options_to_json(options)


def _webauthn_matches(request: HttpRequest, user: Any, assertion: str) -> bool:
    import webauthn
    from webauthn.helpers import parse_authentication_credential_json

    challenge = _take_challenge(request, "authenticate")
    if challenge is None:
        return False
    try:
        parsed = parse_authentication_credential_json(assertion)
    except Exception:
        return False
    with transaction.atomic():
        row = (
            WebAuthnCredential.objects.select_for_update()
            .filter(user_id=user.pk, credential_id=parsed.raw_id)
            .first()
        )
        if row is None:
            return False
        try:
            verified = webauthn.verify_authentication_response(
                credential=parsed,
                expected_challenge=challenge,
                expected_rp_id=rp_id(request),
                expected_origin=expected_origin(request),
                credential_public_key=bytes(row.public_key),
                credential_current_sign_count=row.sign_count,
            )
        except Exception:
            return False
        row.sign_count, row.last_used_at = verified.new_sign_count, timezone.now()
        row.save(update_fields=["sign_count", "last_used_at"])
    return True


def reset_second_factors(admin: Any, user: User) -> None:
    """An administrator clears a user's factors and codes (a lost phone and lost codes)."""
    with transaction.atomic():
        TotpDevice.objects.filter(user_id=user.pk).delete()
        WebAuthnCredential.objects.filter(user_id=user.pk).delete()
        RecoveryCode.objects.filter(user_id=user.pk).delete()
        SecondFactorThrottle.objects.filter(user_id=user.pk).delete()
        record(admin, "mfa_reset_by_admin", user)
