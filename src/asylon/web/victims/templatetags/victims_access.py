"""``{% if user|sees_victim_counts %}``: whether to offer the victim lists' counts page (staff
and researchers; a caseworker without register access would only meet a 404)."""

from __future__ import annotations

from typing import Any

from django import template

from asylon.web.victims.access import sees_counts

register = template.Library()


@register.filter
def sees_victim_counts(user: Any) -> bool:
    return sees_counts(user)
