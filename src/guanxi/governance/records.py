"""Create, update and soft-delete archive records: validation, optimistic locking and audit in one place.

Domain services call these so that every archive write keeps the same promises: the record is validated,
a stale version is refused with the saved version attached, and the field-level audit rows are written in
the same transaction as the change.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound, ValidationFailed, VersionConflict
from guanxi.core.models import ArchiveRecord

from .audit import audit_record, model_snapshot

_BOOKKEEPING = {"id", "created_at", "updated_at", "created_by", "updated_by", "version", "deleted_at"}


def audited_fields(model: type[models.Model]) -> list[str]:
    """Return the concrete, non-bookkeeping fields of a model: the ones whose history we keep."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in _BOOKKEEPING and not f.name.startswith("search_")
    ]


def validation_failed(error: ValidationError) -> ValidationFailed:
    details = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    first = next(iter(details.values()))[0] if details else ""
    return ValidationFailed(first, details={k: [str(m) for m in v] for k, v in details.items()})


def full_clean_or_raise(instance: models.Model, exclude: Iterable[str] | None = None) -> None:
    # NUL cannot be stored by PostgreSQL and has no business in any text: refuse it on every database.
    with_nul = {
        f.name: [_("Text must not contain NUL characters.")]
        for f in instance._meta.concrete_fields
        if isinstance(getattr(instance, f.attname, None), str) and "\x00" in getattr(instance, f.attname)
    }
    if with_nul:
        raise ValidationFailed(next(iter(with_nul.values()))[0], details=with_nul)
    try:
        instance.full_clean(exclude=list(exclude or []))
    except ValidationError as error:
        raise validation_failed(error) from error


@transaction.atomic
def record_create[R: ArchiveRecord](*, instance: R, actor: Any, exclude_validation: Iterable[str] = ()) -> R:
    """Validate and insert ``instance``, and audit every field it was given."""
    instance.created_by = actor
    instance.updated_by = actor
    full_clean_or_raise(instance, exclude=exclude_validation)
    instance.save()
    fields = audited_fields(type(instance))
    audit_record(
        actor=actor, action="create", obj=instance, before={}, after=model_snapshot(instance, fields)
    )
    return instance


def lock_current[R: ArchiveRecord](model: type[R], pk: Any) -> R:
    try:
        return model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist as exc:
        raise NotFound(_("This record does not exist or has been deleted.")) from exc


@transaction.atomic
def record_update[R: ArchiveRecord](
    *,
    instance: R,
    actor: Any,
    data: Mapping[str, Any],
    expected_version: int | None,
    exclude_validation: Iterable[str] = (),
) -> R:
    """Apply ``data`` to the saved record if nobody changed it since ``expected_version``.

    Raise VersionConflict (with the saved record) on a stale version, ValidationFailed on bad data.
    """
    model = type(instance)
    current = lock_current(model, instance.pk)
    if expected_version is not None and current.version != expected_version:
        raise VersionConflict(
            _("Someone else saved this record after you opened it. Compare both versions and save again."),
            current=current,
            current_version=current.version,
        )
    fields = [name for name in data if name in audited_fields(model)]
    before = model_snapshot(current, fields)
    for name, value in data.items():
        setattr(current, name, value)
    full_clean_or_raise(current, exclude=exclude_validation)
    after = model_snapshot(current, fields)
    extra = [name for name in data if name not in fields]  # e.g. search keys: saved, not audited
    changed = [name for name in fields if before[name] != after[name]]
    if not changed:
        return current
    now = timezone.now()
    values = {
        model._meta.get_field(n).attname: getattr(current, model._meta.get_field(n).attname)  # type: ignore[union-attr]
        for n in changed + extra
    }
    # The version in the WHERE clause is what makes this safe on SQLite, where row locks do nothing.
    updated = model.all_objects.filter(pk=current.pk, version=current.version).update(
        **values, version=F("version") + 1, updated_at=now, updated_by=actor
    )
    if updated != 1:
        fresh = model.all_objects.get(pk=current.pk)
        raise VersionConflict(
            _("Someone else saved this record after you opened it. Compare both versions and save again."),
            current=fresh,
            current_version=fresh.version,
        )
    current.version += 1
    current.updated_at = now
    current.updated_by = actor
    audit_record(
        actor=actor,
        action="update",
        obj=current,
        before={n: before[n] for n in changed},
        after={n: after[n] for n in changed},
    )
    return current


@transaction.atomic
def record_soft_delete[R: ArchiveRecord](*, instance: R, actor: Any, expected_version: int | None) -> R:
    """Mark the record deleted (it stays in the recycle bin), refusing a stale version."""
    model = type(instance)
    current = lock_current(model, instance.pk)
    if expected_version is not None and current.version != expected_version:
        raise VersionConflict(
            _("Someone else saved this record after you opened it. Compare both versions and save again."),
            current=current,
            current_version=current.version,
        )
    now = timezone.now()
    model.all_objects.filter(pk=current.pk, version=current.version).update(
        deleted_at=now, version=F("version") + 1, updated_at=now, updated_by=actor
    )
    current.deleted_at = now
    current.version += 1
    audit_record(actor=actor, action="delete", obj=current)
    return current
