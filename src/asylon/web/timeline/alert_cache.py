"""The dashboard's alerts, computed once per user, day, language and data version, and shared
by every server process.

Computing the alerts reads every visible case with its events (seconds for a supervisor over
twenty thousand cases); the dashboard is the most visited page. What the dashboard shows of
them — the first :data:`SHOWN` lines of each list and how many lines each list has — is kept
as an :class:`AlertDigest` under the data version, which every write that can change an alert
raises (:class:`asylon.web.cases.models.DataVersion`, kept by the signal handlers below), so a
cached digest is never older than the last change: a new event, a deleted one, a new
assessment, an edited case or client, or a change of who may see a case. A login is not such a
change (it writes only ``last_login``).

The digest is stored in the ``alerts`` cache (files under ``var/cache/alerts``: one
computation serves every worker, where a per-process cache made each of them compute it again
after every write), **encrypted** with the data key and bound to its cache key: it holds
clients' names, which never reach the disk in clear. A digest that cannot be decrypted (a
retired key, a damaged file) is computed again.

Each process also keeps the digests it read or computed, decrypted, in its own memory (the
``default`` cache, per process, under the same keys: never older than the shared copy): a user
who comes back to the dashboard before anything changed costs no file read, decryption or
JSON parse (2-3 ms of a dashboard).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from asylon.web.cases.models import Assessment, Case, Client, DataVersion, FamilyLink
from asylon.web.crypto.fields import CipherError, seal, unseal
from asylon.web.timeline.alerts import Alerts, CaseAlert, alerts_for_user
from asylon.web.timeline.models import TimelineEvent

TIMEOUT = 3600  # seconds; the data version, not the timeout, keeps results current
SHOWN = 50  # lines of each list the dashboard shows; the rest is counted ("and 12 more")
LISTS = ("overdue", "due_soon", "in_detention", "waiting_interview", "flags")
_FORMAT = 1


@dataclass(frozen=True)
class AlertLine:
    """One line of the dashboard's alerts: the case, its client's name, what is due and why."""

    case_id: int
    client_name: str
    text: str
    code: str = ""
    due: date | None = None
    days: int | None = None
    citation: str = ""


@dataclass(frozen=True)
class AlertDigest:
    """What the dashboard shows of a user's :class:`~asylon.web.timeline.alerts.Alerts`."""

    today: date
    lines: dict[str, list[AlertLine]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    ical_path: str = ""
    html: str = ""  # the dashboard's alerts section, rendered once with the digest

    def __getattr__(self, name: str) -> list[AlertLine]:  # digest.overdue, digest.flags...
        if name in LISTS:
            return self.lines.get(name, [])
        raise AttributeError(name)

    @property
    def section(self) -> SafeString:
        """The rendered section, safe to insert: rendered by the template (every value escaped
        there), then stored under authenticated encryption, so no one could alter it since."""
        return mark_safe(self.html)

    @property
    def empty(self) -> bool:
        return not any(self.totals.values())

    def more(self) -> dict[str, int]:
        """How many lines of each list are not shown."""
        return {name: self.totals.get(name, 0) - len(self.lines.get(name, [])) for name in LISTS}

    @classmethod
    def of(cls, alerts: Alerts) -> AlertDigest:
        def line(a: CaseAlert) -> AlertLine:
            d = a.deadline
            return AlertLine(
                case_id=a.case.pk,
                client_name=a.case.client.full_name,
                text=a.text,
                code=a.code,
                due=d.due if d else None,
                days=a.days,
                citation=d.citation if d else "",
            )

        lists = {name: getattr(alerts, name) for name in LISTS}
        return cls(
            today=alerts.today,
            lines={name: [line(a) for a in items[:SHOWN]] for name, items in lists.items()},
            totals={name: len(items) for name, items in lists.items()},
            ical_path=alerts.ical_path,
        )

    def to_json(self) -> str:
        def plain(line: AlertLine) -> dict[str, Any]:
            out = asdict(line)
            out["due"] = line.due.isoformat() if line.due else None
            return out

        return json.dumps(
            {
                "format": _FORMAT,
                "today": self.today.isoformat(),
                "lines": {k: [plain(x) for x in v] for k, v in self.lines.items()},
                "totals": self.totals,
                "ical_path": self.ical_path,
                "html": self.html,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> AlertDigest:
        data = json.loads(text)
        if data.get("format") != _FORMAT:
            raise ValueError("an alert digest of another format")

        def line(x: dict[str, Any]) -> AlertLine:
            due = date.fromisoformat(x["due"]) if x.get("due") else None
            return AlertLine(**{**x, "due": due})

        return cls(
            today=date.fromisoformat(data["today"]),
            lines={k: [line(x) for x in v] for k, v in data["lines"].items()},
            totals={k: int(v) for k, v in data["totals"].items()},
            ical_path=data["ical_path"],
            html=data["html"],
        )


def data_version() -> int:
    row = DataVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    return int(row or 0)


def bump(**_kwargs: Any) -> None:
    """Raise the data version (called on every write that can change an alert)."""
    if not DataVersion.objects.filter(pk=1).update(value=F("value") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def bump_for_user(update_fields: Any = None, **kwargs: Any) -> None:
    """A user's role, team or activity decides what they see; their last login does not."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    bump(**kwargs)


def database_tag() -> str:
    """Which database the cached digests describe (server processes share one; test runs and
    separate installations on one machine do not share digests)."""
    db = settings.DATABASES["default"]
    return hashlib.sha256(f"{db['ENGINE']}:{db['NAME']}".encode()).hexdigest()[:16]


def cached_alerts(user: Any, today: date, version: int | None = None) -> AlertDigest:
    """The user's alert digest for ``today``; ``version``: the data version, if the caller has
    just read it."""
    version = data_version() if version is None else version
    key = f"asylon:alerts:{database_tag()}:{user.pk}:{today.isoformat()}:{get_language()}:{version}"
    kept = caches["default"].get(key)
    if isinstance(kept, AlertDigest):
        return kept
    aad = key.encode()
    cache = caches["alerts"]
    stored = cache.get(key)
    if isinstance(stored, str):
        try:
            return _keep(key, AlertDigest.from_json(unseal(stored, aad)))
        except (CipherError, ValueError, KeyError, TypeError):
            pass  # computed again below
    digest = AlertDigest.of(alerts_for_user(user, today))
    # Rendered once here, not on every visit: 250 lines of links, dates and translations were
    # most of the dashboard's time once the alerts themselves were cached.
    html = render_to_string("timeline/_alerts.html", {"alerts": digest})
    digest = dataclasses.replace(digest, html=html)
    cache.set(key, seal(digest.to_json(), aad), TIMEOUT)
    return _keep(key, digest)


def _keep(key: str, digest: AlertDigest) -> AlertDigest:
    caches["default"].set(key, digest, TIMEOUT)  # this process's memory only
    return digest


for _model in (Case, Client, TimelineEvent, Assessment, FamilyLink):
    post_save.connect(bump, sender=_model, dispatch_uid=f"alerts-{_model.__name__}-save")
    post_delete.connect(bump, sender=_model, dispatch_uid=f"alerts-{_model.__name__}-delete")
_user = get_user_model()
post_save.connect(bump_for_user, sender=_user, dispatch_uid="alerts-user-save")
post_delete.connect(bump, sender=_user, dispatch_uid="alerts-user-delete")
for _through in (Case.assigned.through, Case.named_users.through):
    m2m_changed.connect(bump, sender=_through, dispatch_uid=f"alerts-{_through.__name__}")
