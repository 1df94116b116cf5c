"""The dashboard's alerts, computed once per user, day, language and data version.

Computing the alerts reads every visible case with its events (a few hundred milliseconds for
a caseload of hundreds); the dashboard is the most visited page. The result is cached in the
process (Django's cache) under the data version, which every write raises
(:class:`asylon.web.cases.models.DataVersion`, kept by the signal handlers below), so a cached
result is never older than the last change: a new event, a deleted one, a new assessment, an
edited case or client, or a change of who may see a case.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

from asylon.web.cases.models import Assessment, Case, Client, DataVersion, FamilyLink
from asylon.web.timeline.alerts import Alerts, alerts_for_user
from asylon.web.timeline.models import TimelineEvent

TIMEOUT = 3600  # seconds; the data version, not the timeout, keeps results current


def data_version() -> int:
    row = DataVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    return int(row or 0)


def bump(**_kwargs: Any) -> None:
    """Raise the data version (called on every write that can change an alert)."""
    if not DataVersion.objects.filter(pk=1).update(value=F("value") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def cached_alerts(user: Any, today: date) -> Alerts:
    key = f"asylon:alerts:{user.pk}:{today.isoformat()}:{get_language()}:{data_version()}"
    alerts: Alerts | None = cache.get(key)
    if alerts is None:
        alerts = alerts_for_user(user, today)
        cache.set(key, alerts, TIMEOUT)
    return alerts


for _model in (Case, Client, TimelineEvent, Assessment, FamilyLink, get_user_model()):
    post_save.connect(bump, sender=_model, dispatch_uid=f"alerts-{_model.__name__}-save")
    post_delete.connect(bump, sender=_model, dispatch_uid=f"alerts-{_model.__name__}-delete")
for _through in (Case.assigned.through, Case.named_users.through):
    m2m_changed.connect(bump, sender=_through, dispatch_uid=f"alerts-{_through.__name__}")
