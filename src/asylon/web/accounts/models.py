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
