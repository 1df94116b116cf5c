"""A request for a bulk export of personal data, and what became of it.

States (``ExportRequest.state``): ``pending`` (asked, waiting for a supervisor), ``refused``,
``cancelled`` (withdrawn by the requester while pending), ``ready`` (approved: downloadable by
the requester until ``expires_at``, at most ``max_downloads`` times), ``used`` (every download
taken) and ``expired`` (the window closed). Only pending, approved, refused and cancelled are
stored (``status``); ready, used and expired are read from the approval's counters and clock.

The scope is frozen at approval: ``case_ids`` lists the cases the requester could see, within
the requested filters, at that moment; cases opened later are never added, and a case the
requester can no longer see at download time is left out. The file itself is never stored: it
is generated at download time.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asylon.web.accounts.models import Team


class ExportRequest(models.Model):
    class Kind(models.TextChoices):
        CASE_FILES = "case_files", _("case files (asylon.case/1)")
        CLIENTS = "clients", _("client list (names, birth dates, contacts)")

    class Format(models.TextChoices):
        ZIP = "zip", _("ZIP of JSON case files")
        JSONL = "jsonl", _("JSON lines (one case file a line)")
        CSV = "csv", _("CSV (one client a row)")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        CANCELLED = "cancelled", _("withdrawn")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        REFUSED = "refused", _("refused")
        CANCELLED = "cancelled", _("withdrawn")
        READY = "ready", _("approved: ready to download")
        USED = "used", _("downloaded: used up")
        EXPIRED = "expired", _("expired")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="export_requests",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="export_requests"
    )
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    fmt = models.CharField(_("format"), max_length=8, choices=Format.choices)
    assigned_only = models.BooleanField(_("only cases assigned to me"), default=False)
    case_status = models.CharField(_("status of the cases"), max_length=12, blank=True)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=8, blank=True)
    reason = models.TextField(_("reason"))
    requested_count = models.PositiveIntegerField(_("cases when requested"), default=0)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    case_ids = models.JSONField(_("cases frozen at approval"), default=list, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    max_downloads = models.PositiveSmallIntegerField(_("downloads allowed"), default=0)
    downloads = models.PositiveSmallIntegerField(_("downloads taken"), default=0)
    last_download_at = models.DateTimeField(_("last downloaded"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("export request")
        verbose_name_plural = _("export requests")
        indexes = [models.Index(fields=["team", "status"])]
        constraints = [
            # four eyes, in the database too: nobody decides their own request
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requester")),
                name="export_not_decided_by_requester",
            ),
            models.CheckConstraint(
                condition=models.Q(downloads__lte=models.F("max_downloads")),
                name="export_downloads_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"export request {self.pk}"  # never a name: str() may reach logs

    def state_at(self, now: datetime | None = None) -> str:
        if self.status != self.Status.APPROVED:
            return str(self.status)
        if self.downloads >= self.max_downloads:
            return self.State.USED
        if self.expires_at is None or self.expires_at <= (now or timezone.now()):
            return self.State.EXPIRED
        return self.State.READY

    @property
    def state(self) -> str:
        return self.state_at()

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)

    @property
    def case_count(self) -> int:
        return len(self.case_ids or [])

    @property
    def downloads_left(self) -> int:
        return max(self.max_downloads - self.downloads, 0)
