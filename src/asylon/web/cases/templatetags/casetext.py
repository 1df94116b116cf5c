"""Template filters for the case pages' own codes: procedure kinds and deadline kinds, shown in
the active language (``{% load casetext %}{{ case.procedure_kind|procedure_label }}``)."""

from __future__ import annotations

from typing import Any

from django import template

from asylon.web.cases.forms import PROCEDURE_LABELS
from asylon.web.timeline.deadlines import DEADLINE_LABELS

register = template.Library()


@register.filter
def procedure_label(kind: str) -> Any:
    return PROCEDURE_LABELS.get(kind, kind) if kind else "—"


@register.filter
def deadline_label(kind: str) -> Any:
    return DEADLINE_LABELS.get(kind, kind)
