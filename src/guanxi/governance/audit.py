"""Write audit events. Call inside the transaction of the change they record."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from guanxi.core.context import request_context

from .models import AuditEvent, FieldChange

__all__ = ["audit_record", "model_snapshot", "request_context"]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


def model_snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, str]:
    """Capture the audited value of each field (foreign keys by id) as text."""
    snapshot = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value = getattr(instance, field.attname)  # type: ignore[union-attr]
        snapshot[name] = _text(value)
    return snapshot


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: Mapping[str, str] | None = None,
    after: Mapping[str, str] | None = None,
    result: str = "ok",
) -> AuditEvent:
    """Append one event and, when ``before``/``after`` are given, one row per changed field."""
    context = request_context.get()
    event = AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_role=getattr(actor, "role", "") or "",
        action=action,
        object_type=object_type or (str(obj._meta.model_name) if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        object_version=getattr(obj, "version", None),
        result=result,
        client_ip=context.get("ip") or None,
        request_id=context.get("request_id", ""),
        user_agent=context.get("user_agent", "")[:255],
    )
    before = before or {}
    after = after or {}
    changes = [
        FieldChange(event=event, field=name, old_value=before.get(name, ""), new_value=after.get(name, ""))
        for name in sorted(set(before) | set(after))
        if before.get(name, "") != after.get(name, "")
    ]
    FieldChange.objects.bulk_create(changes)
    return event
