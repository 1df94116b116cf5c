"""Recording what people do."""

from __future__ import annotations

from typing import Any

from asylon.web.audit.models import AuditEntry


def record(user: Any, action: str, obj: Any = None, **details: Any) -> AuditEntry:
    """Append one entry; ``obj`` is named by its model and primary key only."""
    return AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        details=details,
    )
