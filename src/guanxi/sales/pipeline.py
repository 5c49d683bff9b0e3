"""Writes on opportunities (商机): create, edit, and stage moves along ``guanxi.sales.stages``.

A stage changes only through :func:`opportunity_move`, which checks the stage table, asks for a lost
reason, resets the probability to the stage's default (unless one is given), sets or clears the close
date and writes a history row in the same transaction as the change.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.core.validators import to_halfwidth
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customer_get_for_user
from guanxi.governance.records import record_create, record_soft_delete, record_update
from guanxi.governance.scope import can_own_customers, visible
from guanxi.people.models import User

from . import stages
from .models import Contract, ContractStatus, Opportunity, StageChange

EDITABLE_FIELDS = (
    "title",
    "background",
    "owner",
    "amount",
    "probability",
    "expected_close_on",
    "competitors",
    "next_step",
)


def _check_owner(actor: User, owner: Any, current_owner_id: int | None = None) -> None:
    if owner is None:
        return
    if current_owner_id is not None and owner.pk == current_owner_id:
        return
    if not can_own_customers(actor, owner):
        message = _("You cannot give this opportunity to that user.")
        raise ValidationFailed(message, details={"owner": [message]})


def _clean_text(data: dict[str, Any]) -> dict[str, Any]:
    for name in ("title", "competitors", "next_step", "lost_reason"):
        if isinstance(data.get(name), str):
            data[name] = to_halfwidth(data[name]).strip()
    return data


def lost_reason_required() -> ValidationFailed:
    message = _("Say why the opportunity was lost before moving it to lost.")
    return ValidationFailed(message, code="lost_reason_required", details={"lost_reason": [message]})


@transaction.atomic
def opportunity_create(*, actor: User, customer: Customer, data: Mapping[str, Any]) -> Opportunity:
    """Open an opportunity on a customer the actor may see (NotFound otherwise).

    The owner defaults to the actor; the probability to the stage's default. An opportunity created
    already lost needs a reason; one created won or lost is closed today unless a date is given.
    """
    customer_get_for_user(user=actor, pk=customer.pk)
    fields = _clean_text(
        {k: v for k, v in data.items() if k in (*EDITABLE_FIELDS, "stage", "lost_reason", "closed_on")}
    )
    code = fields.get("stage") or stages.LEAD
    if code not in stages.BY_CODE:
        message = _("Unknown stage.")
        raise ValidationFailed(message, details={"stage": [message]})
    fields["stage"] = code
    owner = fields.get("owner") or actor
    _check_owner(actor, owner)
    fields["owner"] = owner
    if fields.get("probability") in (None, ""):
        fields["probability"] = stages.default_probability(code)
    if code == stages.LOST and not fields.get("lost_reason"):
        raise lost_reason_required()
    if not stages.stage(code).is_open and not fields.get("closed_on"):
        fields["closed_on"] = timezone.localdate()
    now = timezone.now()
    opportunity = record_create(
        instance=Opportunity(customer=customer, stage_entered_at=now, **fields), actor=actor
    )
    StageChange.objects.create(
        opportunity=opportunity,
        from_stage="",
        to_stage=code,
        probability=opportunity.probability,
        at=now,
        by=actor,
    )
    return opportunity


def _visible_or_404(actor: User, opportunity: Opportunity) -> None:
    if not visible(Opportunity.objects.filter(pk=opportunity.pk), actor, via="customer").exists():
        raise NotFound(_("Opportunity not found."))


@transaction.atomic
def opportunity_update(
    *, actor: User, opportunity: Opportunity, data: Mapping[str, Any], expected_version: int | None
) -> Opportunity:
    """Change an opportunity's details (not its stage: see :func:`opportunity_move`)."""
    _visible_or_404(actor, opportunity)
    if "stage" in data and data["stage"] != opportunity.stage:
        message = _("Move the opportunity to another stage with the stage action.")
        raise ValidationFailed(message, details={"stage": [message]})
    fields = _clean_text({k: v for k, v in data.items() if k in (*EDITABLE_FIELDS, "lost_reason")})
    if "owner" in fields:
        _check_owner(actor, fields["owner"], opportunity.owner_id)
    if opportunity.stage == stages.LOST and "lost_reason" in fields and not fields["lost_reason"]:
        raise lost_reason_required()
    if fields.get("probability") in (None, ""):
        fields.pop("probability", None)
    return record_update(instance=opportunity, actor=actor, data=fields, expected_version=expected_version)


@transaction.atomic
def opportunity_move(
    *,
    actor: User,
    opportunity: Opportunity,
    to_stage: str,
    lost_reason: str = "",
    probability: Decimal | None = None,
    expected_version: int | None = None,
) -> Opportunity:
    """Move an opportunity to ``to_stage`` if the stage table allows it.

    Raise ValidationFailed (code ``stage_not_allowed``) for a move the table does not allow and (code
    ``lost_reason_required``) for lost without a reason; VersionConflict on a stale version.
    """
    _visible_or_404(actor, opportunity)
    from_stage = opportunity.stage
    if to_stage == from_stage:
        return opportunity
    if to_stage not in stages.BY_CODE or not stages.can_move(from_stage, to_stage):
        target = stages.BY_CODE.get(to_stage)
        message = _("An opportunity cannot move from %(from)s to %(to)s.") % {
            "from": stages.stage(from_stage).label,
            "to": target.label if target else to_stage,
        }
        raise ValidationFailed(message, code="stage_not_allowed", details={"stage": [message]})
    reason = to_halfwidth(lost_reason or "").strip()
    if to_stage == stages.LOST and not reason:
        raise lost_reason_required()
    now = timezone.now()
    target = stages.stage(to_stage)
    data: dict[str, Any] = {
        "stage": to_stage,
        "probability": probability if probability is not None else target.probability,
        "stage_entered_at": now,
        "closed_on": None if target.is_open else timezone.localdate(),
    }
    if to_stage == stages.LOST:
        data["lost_reason"] = reason
    updated = record_update(instance=opportunity, actor=actor, data=data, expected_version=expected_version)
    StageChange.objects.create(
        opportunity=updated,
        from_stage=from_stage,
        to_stage=to_stage,
        probability=updated.probability,
        at=now,
        by=actor,
        note=reason[:300] if to_stage == stages.LOST else "",
    )
    if to_stage == stages.WON and updated.renewal_of_id is not None:
        _mark_renewed(actor, updated.renewal_of_id)
    return updated


def _mark_renewed(actor: User, contract_id: int) -> None:
    """A won renewal marks the contract it renews as renewed (when it was running or had just expired)."""
    contract = Contract.objects.filter(
        pk=contract_id, status__in=[ContractStatus.ACTIVE, ContractStatus.EXPIRED]
    ).first()
    if contract is not None:
        record_update(
            instance=contract, actor=actor, data={"status": ContractStatus.RENEWED}, expected_version=None
        )


def opportunity_delete(*, actor: User, opportunity: Opportunity, expected_version: int | None) -> Opportunity:
    _visible_or_404(actor, opportunity)
    return record_soft_delete(instance=opportunity, actor=actor, expected_version=expected_version)
