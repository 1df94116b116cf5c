"""Each user's deadlines as an RFC 5545 iCalendar feed behind a capability token."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from asylon.web.timeline.deadlines import Deadline


def ical_token(user: Any) -> str:
    """``<user id>-<HMAC-SHA256 of the id with SECRET_KEY>``: a capability URL for one user."""
    mac = hmac.new(
        settings.SECRET_KEY.encode(), f"asylon.timeline.ical:{user.pk}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{user.pk}-{mac[:40]}"


def user_for_token(token: str) -> Any | None:
    from asylon.web.accounts.models import User

    uid, _sep, _mac = token.partition("-")
    if not uid.isdigit():
        return None
    user = User.objects.filter(pk=int(uid), is_active=True).select_related("team").first()
    if user is None or not hmac.compare_digest(ical_token(user), token):
        return None
    return user


def ical_path(user: Any) -> str:
    from django.urls import reverse

    if not getattr(user, "is_authenticated", False):
        return ""
    return reverse("timeline:ical", kwargs={"token": ical_token(user)})


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 3.1: lines of at most 75 octets, continued with CRLF and a space."""
    out: list[str] = []
    current = b""
    for ch in line:
        b = ch.encode()
        if len(current) + len(b) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += b
    out.append(current.decode())
    return "\r\n ".join(out)


def to_ical(deadlines: list[Deadline], stamp: str, host: str = "asylon") -> str:
    """The deadlines as an RFC 5545 calendar of all-day events. Summaries name the case by its
    number only: calendar clients sync to third parties, so no client name leaves Asylon."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Asylon//Timeline deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + _escape(_("Asylon deadlines")),
    ]
    for d in deadlines:
        summary = _("Case %(case)s: %(what)s") % {"case": d.case_id, "what": d.label}
        if d.overdue:
            summary += " (" + _("overdue") + ")"
        desc = d.basis + (f" — {d.citation}" if d.citation else "")
        if not d.verified:
            desc += " " + _("(parameter not verified against the primary text)")
        lines += [
            "BEGIN:VEVENT",
            f"UID:case-{d.case_id}-{d.kind}-{d.due:%Y%m%d}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{d.due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{d.due + timedelta(days=1):%Y%m%d}",
            "SUMMARY:" + _escape(summary),
            "DESCRIPTION:" + _escape(desc),
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
