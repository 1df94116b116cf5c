"""Victim lists from several sources, the linkage runs that join their records into persons,
and the reviewers' judgements every run must respect.

Personal fields of a record (name, age, birth date and year, date and place of the event,
cause) are encrypted at rest (:mod:`asylon.web.crypto.fields`); names are found through their
blind index (:class:`VictimNameKey`, keyed digests of the normalised name and its words). The
coarse categories the counts are made of (sex, event kind, governorate code, status) stay in
the clear, like a client's sex: they are what the disclosure-controlled tables count.

A person is a :class:`PersonCluster` of one :class:`LinkRun`: runs are never changed after
they are stored, so a count always names the run it comes from. Reviewers' judgements
(:class:`LinkJudgement`) belong to no run: every run is given all of them (the latest per
pair of records).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from asylon.web.crypto.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField

SOURCE_NAME = RegexValidator(
    r"^(?!count$)[A-Za-z][A-Za-z0-9_-]{0,59}$",
    _(
        "A letter, then letters, digits, '-' or '_' (at most 60); not 'count'. The name is the "
        "source's column in the overlap table."
    ),
)


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class Event(models.TextChoices):
    KILLED = "killed", _("killed")
    DISAPPEARED = "disappeared", _("disappeared")


class Status(models.TextChoices):
    CIVILIAN = "civilian", _("civilian")
    COMBATANT = "combatant", _("combatant")
    UNKNOWN = "unknown", _("unknown")


class VictimSource(models.Model):
    """One documenting organisation's list (or one edition of it)."""

    name = models.CharField(_("name"), max_length=60, unique=True, validators=[SOURCE_NAME])
    description = models.TextField(_("description"), blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("last imported"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("victim list source")
        verbose_name_plural = _("victim list sources")

    def __str__(self) -> str:
        return self.name


class VictimRecord(models.Model):
    """One row of one source's list, as the source recorded it. Nothing is inferred: a value
    the source left out is empty (NULL), never a guess. ``source_list`` is the source (not
    ``source``: its column would clash with ``source_id``, the record's id in the source)."""

    source_list = models.ForeignKey(
        VictimSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="records"
    )
    source_id = models.CharField(_("id in the source"), max_length=100)
    name = EncryptedTextField(_("name"), max_length=300)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    age = EncryptedJSONField(_("age"), null=True, blank=True)
    birth_date = EncryptedDateField(_("date of birth"), null=True, blank=True)
    birth_year = EncryptedJSONField(_("year of birth"), null=True, blank=True)
    event = models.CharField(_("event"), max_length=11, choices=Event.choices, blank=True)
    event_date = EncryptedDateField(_("date of death or disappearance"), null=True, blank=True)
    place = EncryptedTextField(_("place, as written"), max_length=300, blank=True)
    governorate = models.CharField(_("governorate (code)"), max_length=8, blank=True)
    cause = EncryptedTextField(_("cause"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=9, choices=Status.choices, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        ordering = ["source_id"]
        verbose_name = _("victim record")
        verbose_name_plural = _("victim records")
        constraints = [
            models.UniqueConstraint(
                fields=["source_list", "source_id"], name="victims_one_id_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"victim record {self.pk}"  # never the name: str() may reach logs

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saved, then the blind index of the name made again when it may have changed (the
        importer writes in bulk and indexes its records itself)."""
        update_fields = kwargs.get("update_fields")
        with transaction.atomic():
            super().save(*args, **kwargs)
            if update_fields is None or "name" in update_fields:
                from asylon.web.victims.names import reindex_records

                reindex_records([self])

    @property
    def key(self) -> str:
        """The record's key in the linkage (``<source>:<source id>``): no personal data."""
        return f"{self.source_list.name}:{self.source_id}"


class VictimNameKey(models.Model):
    """One blind-index digest of a record's name (:mod:`asylon.web.crypto.blind_index`)."""

    record = models.ForeignKey(VictimRecord, on_delete=models.CASCADE, related_name="name_keys")
    kid = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["digest", "kid"], name="victims_namekey_digest")]

    def __str__(self) -> str:
        return f"name key {self.pk} (victim record {self.record_id})"


class LinkRun(models.Model):
    """One run of the linkage over every stored record, with every judgement then recorded."""

    created_at = models.DateTimeField(_("run at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    threshold = models.FloatField(_("match threshold"))
    seed = models.IntegerField(_("seed"), default=0)
    parameters = models.JSONField(_("model parameters"), default=dict, blank=True)
    refused = models.JSONField(_("merges refused"), default=list, blank=True)
    n_records = models.PositiveIntegerField(_("records"), default=0)
    n_persons = models.PositiveIntegerField(_("persons"), default=0)
    n_judgements = models.PositiveIntegerField(_("judgements applied"), default=0)
    estimate = models.JSONField(_("estimate of the total"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")

    def __str__(self) -> str:
        return f"linkage run {self.pk}"


class PersonCluster(models.Model):
    """One person of one run: the records linked into them and the evidence that joined them.

    ``evidence`` holds the run's pairwise evidence for the merges inside the cluster, one item
    per merge (record keys, probability, match weight, each comparison's level and weight,
    and whether a reviewer's judgement made it): every merge shows why."""

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="clusters")
    cluster_id = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    evidence = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["cluster_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "cluster_id"], name="victims_one_cluster_id")
        ]

    def __str__(self) -> str:
        return f"person {self.pk}"


class ClusterMember(models.Model):
    """A record's place in one run: exactly one cluster per record and run."""

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="+")
    cluster = models.ForeignKey(PersonCluster, on_delete=models.CASCADE, related_name="members")
    record = models.ForeignKey(VictimRecord, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "record"], name="victims_one_cluster_per_run")
        ]

    def __str__(self) -> str:
        return f"membership {self.pk}"


class LinkJudgement(models.Model):
    """A reviewer's decision on two records: the same person or different persons.

    Never edited: a later judgement on the same pair supersedes the earlier one, and the
    history stays. ``left`` is the record with the smaller id."""

    class Decision(models.TextChoices):
        SAME = "same", _("the same person")
        DIFFERENT = "different", _("different persons")

    left = models.ForeignKey(VictimRecord, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(VictimRecord, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(_("decision"), max_length=9, choices=Decision.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = EncryptedTextField(_("reason"))
    created_at = models.DateTimeField(_("judged at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left__lt=models.F("right")), name="victims_judgement_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"link judgement {self.pk}"
