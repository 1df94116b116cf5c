"""Clients, their cases and the dated events of each case's procedure."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from asylon.web.accounts.models import Team
from asylon.web.crypto.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField


class Client(models.Model):
    """A person the team assists. Names, birth date, home area and contact are encrypted at
    rest (asylon.web.crypto); names are found through their blind index (``ClientNameKey``)."""

    full_name = EncryptedTextField(_("full name"), max_length=200)
    aliases = EncryptedJSONField(_("other names and spellings"), default=list, blank=True)
    born = EncryptedDateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(
        _("sex"),
        max_length=10,
        blank=True,
        choices=[("female", _("female")), ("male", _("male")), ("other", _("other"))],
    )
    nationalities = models.JSONField(_("nationalities (ISO codes)"), default=list, blank=True)
    stateless = models.BooleanField(_("stateless"), null=True, blank=True)
    home_country = models.CharField(_("home country (ISO code)"), max_length=2, blank=True)
    home_place = EncryptedTextField(_("home area"), max_length=120, blank=True)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("ISO 639 codes, e.g. ar, ku, ru.")
    )
    contact = EncryptedTextField(
        _("contact"),
        blank=True,
        help_text=_("Telephone, messenger, address: how to reach the person safely."),
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="clients"
    )
    revision = models.PositiveIntegerField(
        _("revision"), default=1, help_text=_("Raised on every save: a stale form is refused.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")

    def __str__(self) -> str:
        return f"client {self.pk}"  # never the name: str() may reach logs

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saved, then the blind index of the names made again when they may have changed."""
        update_fields = kwargs.get("update_fields")
        names = update_fields is None or {"full_name", "aliases"} & set(update_fields)
        with transaction.atomic():
            super().save(*args, **kwargs)
            if names:
                from asylon.web.crypto.blind_index import reindex

                reindex(self)


class ClientNameKey(models.Model):
    """One blind-index digest of a client's name (asylon.web.crypto.blind_index): a keyed
    HMAC of the whole normalised name or of one normalised word, under index key ``kid``."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="name_keys")
    kid = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)

    class Meta:
        # Covering: a name search reads the clients of a word's digest from the index alone
        # (a common given name has thousands: 20 ms through the table, 4 ms from the index).
        indexes = [
            models.Index(fields=["digest", "kid", "client"], name="cases_namekey_digest_client")
        ]

    def __str__(self) -> str:
        return f"name key {self.pk} (client {self.client_id})"


class FamilyLink(models.Model):
    """A family member who is also a client (read in both directions)."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("spouse or partner")
        CHILD = "child", _("child")
        PARENT = "parent", _("parent")
        SIBLING = "sibling", _("brother or sister")
        OTHER = "other", _("other relative")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="family_links")
    relative = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "relative"], name="one_link_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(client=models.F("relative")), name="not_own_relative"
            ),
        ]

    def __str__(self) -> str:
        return f"family link {self.pk}"


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open: preparing the application")
        WAITING = "waiting", _("waiting for a decision")
        APPEAL = "appeal", _("under appeal or in court")
        PROTECTED = "protected", _("protection granted")
        REMOVAL = "removal", _("facing removal")
        CLOSED = "closed", _("closed")

    class Jurisdiction(models.TextChoices):
        UNHCR = "unhcr", _("UNHCR mandate")
        EU = "eu", _("European Union")
        RU = "ru", _("Russian Federation")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="cases"
    )
    jurisdiction = models.CharField(
        _("jurisdiction"),
        max_length=8,
        default="ru",
        help_text=_("unhcr, ru, eu, or eu: followed by a member state’s code, e.g. eu:de"),
    )
    procedure_kind = models.CharField(_("procedure"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="cases"
    )
    assigned = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caseworkers"),
        blank=True,
        related_name="assigned_cases",
    )
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Only the named users may open a restricted case."),
    )
    named_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        verbose_name=_("named users"),
        related_name="restricted_cases",
    )
    facts = EncryptedJSONField(
        _("facts"),
        default=dict,
        blank=True,
        help_text=_(
            "The case-file sections (procedure, applicant, claim, conduct, removal, "
            "evidence) as asylon.case/1 defines them, validated on every save."
        ),
    )
    revision = models.PositiveIntegerField(
        _("revision"), default=1, help_text=_("Raised on every save: a stale form is refused.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # A team's visible cases, newest first, counted and listed from the index alone
        # (cases.access.visible_cases; the dashboard).
        indexes = [
            models.Index(fields=["team", "restricted", "created_at"], name="cases_team_visible")
        ]

    def __str__(self) -> str:
        return f"case {self.pk}"


class Assessment(models.Model):
    """A determination as the engine gave it, with what it was computed from."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    as_of = models.DateField(_("decision date"))
    jurisdiction = models.CharField(_("jurisdiction"), max_length=8)
    rules_version = models.CharField(_("rules version"), max_length=40)
    outcome = models.CharField(_("outcome"), max_length=40)
    case_file = EncryptedJSONField(_("case file assessed"))
    determination = EncryptedJSONField(_("determination"))
    evidence_snapshot = models.CharField(_("evidence snapshot"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")


class DataVersion(models.Model):
    """One counter, raised by every write to cases, clients, events, assessments and access.

    Pages that compute across a whole caseload (the dashboard's alerts) cache their result
    under this number: any change anywhere makes every cached result stale at once, so a cache
    can never show a deadline that no longer holds. See asylon.web.timeline.alert_cache.
    """

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"data version {self.value}"
