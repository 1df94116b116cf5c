"""Documents (files stored by their SHA-256, see :mod:`storage`) and notes on a case.

Titles, file names and note texts are encrypted at rest (asylon.web.crypto.fields), and so is
every stored file (:mod:`storage`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from asylon.web.cases.models import Case
from asylon.web.crypto.fields import EncryptedTextField
from asylon.web.timeline.models import TimelineEvent


class Document(models.Model):
    """One file on a case. The bytes are stored once per content under their SHA-256, recorded
    here at ingest and checked on every download."""

    class Kind(models.TextChoices):
        IDENTITY = "identity", _("identity document")
        DECISION = "decision", _("decision")
        COURT_RULING = "court_ruling", _("court ruling")
        MEDICAL = "medical", _("medical report")
        COUNTRY_EVIDENCE = "country_evidence", _("country evidence")
        CORRESPONDENCE = "correspondence", _("correspondence")
        STATEMENT = "statement", _("statement")
        OTHER = "other", _("other")

    case: models.ForeignKey[Case, Case] = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="documents"
    )
    title: models.TextField[str, str] = EncryptedTextField(_("title"), max_length=200)
    kind: models.CharField[str, str] = models.CharField(
        _("kind of document"), max_length=30, choices=Kind.choices
    )
    original_name: models.TextField[str, str] = EncryptedTextField(
        _("file name"),
        max_length=255,
        blank=True,
        help_text=_("As uploaded, cleaned; for display only, never used as a path."),
    )
    content_type: models.CharField[str, str] = models.CharField(
        _("content type (from the content)"), max_length=100
    )
    size: models.PositiveBigIntegerField[int, int] = models.PositiveBigIntegerField(
        _("size in bytes")
    )
    sha256: models.CharField[str, str] = models.CharField(
        _("SHA-256"), max_length=64, db_index=True
    )
    event: models.ForeignKey[TimelineEvent | None, TimelineEvent | None] = models.ForeignKey(
        TimelineEvent,
        verbose_name=_("timeline event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    uploaded_by: models.ForeignKey[Any, Any] = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(
        _("uploaded at"), auto_now_add=True
    )
    # the foreign-key columns, declared for type checkers (no field is made of them)
    case_id: int
    event_id: int | None
    uploaded_by_id: int | None

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"document {self.pk} (case {self.case_id})"  # never the title or file name


class Note(models.Model):
    """A caseworker's note. Append-only: a note is never edited (a correction is a new note,
    so what was written and when stays on the record); a supervisor or administrator may
    delete one (audited, see services.delete_note)."""

    case: models.ForeignKey[Case, Case] = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="notes"
    )
    author: models.ForeignKey[Any, Any] = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    text: models.TextField[str, str] = EncryptedTextField(_("note"))
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(
        _("written at"), auto_now_add=True
    )
    case_id: int
    author_id: int | None

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return f"note {self.pk} (case {self.case_id})"  # never the text

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("notes are append-only: add a new note instead")
        super().save(*args, **kwargs)
