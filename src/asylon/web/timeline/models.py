"""The dated events of a case's procedure, each with details typed by its kind."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from asylon.web.cases.models import Case
from asylon.web.crypto.fields import EncryptedJSONField
from asylon.web.timeline.details import DetailsError, validate_details


class TimelineEvent(models.Model):
    class Kind(models.TextChoices):
        ARRIVAL = "arrival", _("arrival and entry")
        APPLICATION_LODGED = "application_lodged", _("application lodged")
        CERTIFICATE_ISSUED = "certificate_issued", _("certificate issued")
        INTERVIEW_SCHEDULED = "interview_scheduled", _("interview scheduled")
        INTERVIEW_HELD = "interview_held", _("interview held")
        DECISION = "decision", _("decision")
        APPEAL_LODGED = "appeal_lodged", _("appeal lodged")
        APPEAL_DECIDED = "appeal_decided", _("appeal decided")
        COURT_HEARING = "court_hearing", _("court hearing")
        DETENTION_STARTED = "detention_started", _("detention started")
        DETENTION_ENDED = "detention_ended", _("detention ended")
        ADMINISTRATIVE_OFFENCE = "administrative_offence", _("administrative offence")
        REMOVAL_ORDER = "removal_order", _("removal order")
        STATUS_GRANTED = "status_granted", _("status granted")
        RENEWAL_APPLIED = "renewal_applied", _("renewal applied for")
        STATUS_RENEWED = "status_renewed", _("status renewed")
        STATUS_REFUSED = "status_refused", _("renewal refused")
        STATUS_EXPIRED = "status_expired", _("status expired")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="timeline_events"
    )
    kind = models.CharField(_("kind of event"), max_length=30, choices=Kind.choices)
    on = models.DateField(_("date"))
    details = EncryptedJSONField(_("details"), default=dict, blank=True)  # encrypted at rest
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["case", "on"])]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")

    def __str__(self) -> str:
        return f"{self.kind} {self.on} (case {self.case_id})"

    def clean(self) -> None:
        try:
            self.details = validate_details(self.kind, self.on, self.details)
        except DetailsError as err:
            messages = [f"{f}: {m}" if f else m for f, m in err.errors]
            raise ValidationError({"details": messages}) from None

    def as_record(self) -> dict[str, Any]:
        """What the audit log keeps of the event (no personal names)."""
        return {"id": self.pk, "kind": self.kind, "on": str(self.on), "details": self.details}
