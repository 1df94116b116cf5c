"""``{% for r in estimate|estimate_reasons %}``: an estimate's reasons and warnings in the
reader's language (:mod:`asylon.web.victims.estimate_text`)."""

from __future__ import annotations

from typing import Any

from django import template

from asylon.web.victims.estimate_text import notes_text

register = template.Library()


@register.filter
def estimate_reasons(doc: dict[str, Any]) -> list[str]:
    return notes_text(doc.get("reason_notes") or [])


@register.filter
def estimate_warnings(doc: dict[str, Any]) -> list[str]:
    return notes_text(doc.get("warning_notes") or [])
