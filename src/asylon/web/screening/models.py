"""Screening runs, their hits and the reviewers' judgements.

Privacy (issue 5): nothing here copies applicant data. A hit names the case and the applicant
by key (``client-<pk>``: the case's client or a linked family member, whose data the case
already holds), the register record it points to, the score and the explained features. The
register itself never learns of the applicant.

Encrypted at rest (issue 7): the features (they quote the applicant's names, birth date and
places beside the register's), the register name the hit shows and the reviewer's reason.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from asylon.web.cases.models import Case
from asylon.web.crypto.fields import EncryptedJSONField, EncryptedTextField


class ScreeningRun(models.Model):
    """One screening of one case (a batch run screens each case in its own run, sharing a
    ``batch`` label)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screening_runs")
    batch = models.CharField(max_length=40, blank=True, default="")
    user: models.ForeignKey[Any, Any] = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    threshold = models.FloatField()
    register_version = models.CharField(max_length=80)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"screening run {self.pk} of case {self.case_id}"


class ScreeningHit(models.Model):
    """A lead for a person to judge: an applicant of the case and a register record."""

    class Kind(models.TextChoices):
        PERSON = "person", _("register person")
        UNIT = "unit", _("unit named in the applicant's account")

    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="hits")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screening_hits")
    applicant_key = models.CharField(max_length=40)  # client-<pk>
    relation = models.CharField(max_length=20, blank=True, default="")  # "" = the applicant
    kind = models.CharField(max_length=10, choices=Kind.choices)
    register_id = models.CharField(max_length=128)
    register_name = EncryptedTextField(max_length=300)
    score = models.FloatField()
    features = EncryptedJSONField(default=list)
    allegation_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["-score", "pk"]

    def __str__(self) -> str:
        return f"hit {self.pk} ({self.score:.2f})"


class Judgement(models.Model):
    """A reviewer's judgement of one pair (applicant, register record); reused by later runs."""

    class Decision(models.TextChoices):
        MATCH = "match", _("match")
        NO_MATCH = "no_match", _("no match")
        UNSURE = "unsure", _("unsure")

    applicant_key = models.CharField(max_length=40)
    register_id = models.CharField(max_length=128)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screening_judgements")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = EncryptedTextField(_("reason"))
    user: models.ForeignKey[Any, Any] = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["applicant_key", "register_id"], name="one_judgement")
        ]

    def __str__(self) -> str:
        return f"judgement {self.pk}: {self.decision}"
