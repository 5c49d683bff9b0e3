"""Writes of the insights app: grade and lifecycle overrides, the playbook. Each one audited."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.customers.choices import Grade, LifecycleStage, RelationshipLevel
from guanxi.customers.models import Customer
from guanxi.customers.services import customer_update
from guanxi.engagement.models import Channel
from guanxi.governance.records import record_create, record_soft_delete, record_update
from guanxi.governance.scope import managed_team_paths, visible
from guanxi.people.models import Role, User

from .models import PlaybookRule, Segment, ValueGroup

MAX_REASON = 200


def _visible_or_404(actor: User, customer: Customer) -> None:
    if not visible(Customer.objects.filter(pk=customer.pk), actor).exists():
        raise NotFound(_("Customer not found."))


def may_override_grade(actor: User, customer: Customer) -> bool:
    """Tell whether ``actor`` may set the customer's grade: the director, or a manager of the owner's team
    (the team subtree they lead)."""
    if actor is None or not actor.is_active:
        return False
    if actor.role == Role.DIRECTOR:
        return True
    owner = customer.owner
    if actor.role != Role.MANAGER or owner is None:
        return False
    if owner.pk == actor.pk:
        return True
    team = owner.team
    return team is not None and any(team.path.startswith(path) for path in managed_team_paths(actor))


@transaction.atomic
def customer_grade_override(
    *, actor: User, customer: Customer, grade: str, reason: str, expected_version: int | None = None
) -> Customer:
    """Set the customer's grade by hand, with the reason (SPEC §3: suggestion plus manual override).

    Allowed to the director and to managers of the owner's team. The change and its reason are audited
    field by field. Raise NotFound when the actor cannot see the customer, PermissionDenied when they
    may not override, ValidationFailed for an unknown grade or a missing reason, VersionConflict on a
    stale ``expected_version``.
    """
    _visible_or_404(actor, customer)
    if not may_override_grade(actor, customer):
        raise PermissionDenied(_("Only the owner's manager or the director can override a grade."))
    errors: dict[str, list[str]] = {}
    if grade not in Grade.values:
        errors["grade"] = [_("Choose grade A, B or C.")]
    text = (reason or "").strip()
    if not text:
        errors["grade_reason"] = [_("Say why the grade differs from the suggestion.")]
    elif len(text) > MAX_REASON:
        errors["grade_reason"] = [_("Keep the reason under %(limit)s characters.") % {"limit": MAX_REASON}]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    return customer_update(
        actor=actor,
        customer=customer,
        data={"grade": grade, "grade_reason": text},
        expected_version=expected_version,
    )


def _may_edit_customer(actor: User, customer: Customer) -> bool:
    if actor.role in (Role.DIRECTOR, Role.MANAGER):
        return True  # visibility already limits managers to their team
    return actor.role == Role.REP and customer.owner_id == actor.pk


@transaction.atomic
def customer_lifecycle_override(
    *, actor: User, customer: Customer, stage: str | None, expected_version: int | None = None
) -> Customer:
    """Set the lifecycle stage by hand and keep it from the nightly inference, or with ``stage=None``
    hand it back to the inference (the next refresh sets it).

    Allowed to the owner, managers who see the customer and the director. Audited.
    """
    _visible_or_404(actor, customer)
    if not _may_edit_customer(actor, customer):
        raise PermissionDenied(_("Only the owner, their manager or the director can change the stage."))
    if stage is None:
        data: dict[str, Any] = {"lifecycle_stage_locked": False}
    elif stage in LifecycleStage.values:
        data = {"lifecycle_stage": stage, "lifecycle_stage_locked": True}
    else:
        message = _("Choose one of the five lifecycle stages.")
        raise ValidationFailed(message, details={"lifecycle_stage": [message]})
    return customer_update(actor=actor, customer=customer, data=data, expected_version=expected_version)


# --- playbook ------------------------------------------------------------------------------------------

LIST_CHOICES = {
    "value_groups": ValueGroup.values,
    "segments": Segment.values,
    "lifecycle_stages": LifecycleStage.values,
    "grades": Grade.values,
    "relationship_levels": RelationshipLevel.values,
}


def _may_edit_playbook(actor: User) -> None:
    if actor is None or not actor.is_active or actor.role != Role.DIRECTOR:
        raise PermissionDenied(_("Only the director edits the playbook."))


def _clean_rule(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    errors: dict[str, list[str]] = {}
    for name, allowed in LIST_CHOICES.items():
        if name not in cleaned:
            continue
        values = list(dict.fromkeys(cleaned[name] or []))
        unknown = [v for v in values if v not in allowed]
        if unknown:
            errors[name] = [_("Unknown values: %(values)s") % {"values": ", ".join(map(str, unknown))}]
        cleaned[name] = values
    if cleaned.get("channel") and cleaned["channel"] not in Channel.values:
        errors["channel"] = [_("Choose a channel from the list.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    return cleaned


@transaction.atomic
def playbook_rule_create(*, actor: User, data: Mapping[str, Any]) -> PlaybookRule:
    """Add a playbook rule (director only); list conditions must use known values."""
    _may_edit_playbook(actor)
    return record_create(instance=PlaybookRule(**_clean_rule(data)), actor=actor)


@transaction.atomic
def playbook_rule_update(
    *, actor: User, rule: PlaybookRule, data: Mapping[str, Any], expected_version: int | None
) -> PlaybookRule:
    """Change a playbook rule (director only); refuse a stale version."""
    _may_edit_playbook(actor)
    return record_update(
        instance=rule, actor=actor, data=_clean_rule(data), expected_version=expected_version
    )


def playbook_rule_delete(*, actor: User, rule: PlaybookRule, expected_version: int | None) -> PlaybookRule:
    """Move a playbook rule to the recycle bin (director only)."""
    _may_edit_playbook(actor)
    return record_soft_delete(instance=rule, actor=actor, expected_version=expected_version)
