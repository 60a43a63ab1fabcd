"""Record audit events. Called inside the same transaction as the change it describes."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent


def record(actor: Any, action: str, obj: models.Model | None = None, *, summary: str = "",
           changes: dict[str, Any] | None = None) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        summary=summary[:500],
        changes=changes or {},
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [old, new]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
