"""Users, their role and their team: who may see which case (see cases/access.py)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        SUPERVISOR = "supervisor", _("Supervisor")
        CASEWORKER = "caseworker", _("Caseworker")
        REVIEWER = "reviewer", _("Reviewer")
        RESEARCHER = "researcher", _("Researcher")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CASEWORKER)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )

    @property
    def sees_people(self) -> bool:
        """Researchers see aggregate statistics only, never a person."""
        return self.role != self.Role.RESEARCHER


# --- strong authentication (see accounts/mfa.py) ------------------------------------------


class TotpDevice(models.Model):
    """An authenticator app (RFC 6238, 6 digits, 30 s). The shared secret is stored encrypted
    (AES-GCM, key derived from SECRET_KEY: see accounts/crypto.py) and never shown again after
    enrolment. ``last_step`` is the last accepted time step: a code is accepted once."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="totp_device", verbose_name=_("user")
    )
    encrypted_secret = models.TextField(editable=False)
    confirmed = models.BooleanField(_("confirmed"), default=False)
    last_step = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")


class WebAuthnCredential(models.Model):
    """A security key or passkey registered as a second factor."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="webauthn_credentials", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=80)
    credential_id = models.BinaryField(unique=True, editable=False)
    public_key = models.BinaryField(editable=False)
    sign_count = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("security key")
        verbose_name_plural = _("security keys")


class RecoveryCode(models.Model):
    """A single-use recovery code, stored as the SHA-256 of its normalised text. The codes
    carry 80 random bits, so a fast hash is as safe as a slow one: there is nothing to guess."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name=_("user")
    )
    code_hash = models.CharField(max_length=64, editable=False)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique")
        ]


class SecondFactorThrottle(models.Model):
    """Wrong second-factor answers in a row for one user, and the lockout they earned."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="second_factor_throttle"
    )
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)


class UserSession(models.Model):
    """One logged-in browser session, so that an administrator can list and revoke it. The
    session key itself is not stored, only its SHA-256; the middleware refuses a session
    whose row is revoked (accounts/sessions.py)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="tracked_sessions", verbose_name=_("user")
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last seen"), db_index=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    ended_at = models.DateTimeField(_("logged out"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["user", "ended_at", "revoked_at"])]
