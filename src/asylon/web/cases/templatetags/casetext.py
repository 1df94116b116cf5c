"""Template filters for the case pages' own codes: procedure kinds and deadline kinds, shown in
the active language (``{% load casetext %}{{ case.procedure_kind|procedure_label }}``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from asylon.web import lawtext
from asylon.web.cases.forms import PROCEDURE_LABELS
from asylon.web.timeline.deadlines import DEADLINE_LABELS

register = template.Library()


@register.filter
def procedure_label(kind: str) -> Any:
    return PROCEDURE_LABELS.get(kind, kind) if kind else "—"


@register.filter
def deadline_label(kind: str) -> Any:
    return DEADLINE_LABELS.get(kind, kind)


@register.filter
def alert_title(code: str) -> Any:
    """A dashboard alert's title: an engine or timeline flag, or a side output."""
    if code in lawtext.FLAG_TITLES:
        return lawtext.flag_title(code)
    return lawtext.side_output_title(code)


@register.filter
def as_date(value: Any) -> Any:
    """An ISO date string from a stored determination as a date, so ``|date`` can format it
    in the reader's locale; anything else is returned unchanged."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value
