"""Writes on interactions and tasks.

Logging an interaction is the rep's main act: it records what happened, turns action items and the next
contact plan into tasks, and can update the archive in the same transaction (SPEC §4.1).
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.customers.models import Contact, Customer
from guanxi.customers.services import customer_update
from guanxi.governance.records import record_create, record_soft_delete, record_update
from guanxi.governance.scope import can_own_customers
from guanxi.people.models import Role, User

from .cadences import cadence_advance, cadences_stop_on_reply
from .models import Direction, Interaction, Task, TaskKind, TaskStatus
from .notifications import notify_task_assigned


@dataclass
class ActionItem:
    title: str
    due_on: datetime.date
    owner: User | None = None


def _check_contacts(customer: Customer, contacts: Iterable[Contact]) -> list[Contact]:
    contacts = list(contacts)
    if any(c.customer_id != customer.pk for c in contacts):
        raise ValidationFailed(
            _("Choose contacts of this customer."),
            details={"contacts": [_("Choose contacts of this customer.")]},
        )
    return contacts


@transaction.atomic
def interaction_log(
    *,
    actor: User,
    customer: Customer,
    data: Mapping[str, Any],
    contacts: Iterable[Contact] = (),
    participants: Iterable[User] = (),
    action_items: Iterable[ActionItem] = (),
    archive_changes: Mapping[str, Any] | None = None,
    archive_version: int | None = None,
) -> Interaction:
    """Record a contact with the customer and everything that follows from it.

    Action items become tasks; a next-contact date becomes a follow-up task for the customer's owner;
    ``archive_changes`` updates the customer (refused as a whole on a stale ``archive_version``).
    """
    contacts = _check_contacts(customer, contacts)
    fields = dict(data)
    fields.setdefault("occurred_at", timezone.now())
    if fields["occurred_at"] > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationFailed(
            _("An interaction cannot be in the future; plan it as the next contact instead."),
            details={
                "occurred_at": [
                    _("An interaction cannot be in the future; plan it as the next contact instead.")
                ]
            },
        )
    next_on = fields.get("next_contact_on")
    if next_on and next_on < timezone.localdate():
        raise ValidationFailed(
            _("The next contact date must not be in the past."),
            details={"next_contact_on": [_("The next contact date must not be in the past.")]},
        )
    interaction = record_create(instance=Interaction(customer=customer, **fields), actor=actor)
    interaction.contacts.set(contacts)
    interaction.participants.set(list(participants) or [actor])

    for item in action_items:
        owner = item.owner or actor
        if owner.pk != actor.pk and not can_own_customers(actor, owner):
            raise ValidationFailed(
                _("You cannot give a task to that user."),
                details={"action_items": [_("You cannot give a task to that user.")]},
            )
        task_create(
            actor=actor,
            data={
                "title": item.title,
                "due_on": item.due_on,
                "owner": owner,
                "customer": customer,
                "interaction": interaction,
                "kind": TaskKind.ACTION_ITEM,
            },
        )
    if next_on:
        channel = interaction.get_next_contact_channel_display() if interaction.next_contact_channel else ""
        title = _("Contact %(customer)s again") % {"customer": customer.name}
        if channel:
            title = _("Contact %(customer)s again (%(channel)s)") % {
                "customer": customer.name,
                "channel": channel,
            }
        task_create(
            actor=actor,
            data={
                "title": title,
                "due_on": next_on,
                "owner": customer.owner or actor,
                "customer": customer,
                "contact": contacts[0] if contacts else None,
                "interaction": interaction,
                "kind": TaskKind.FOLLOW_UP,
            },
        )
    if archive_changes:
        customer_update(
            actor=actor, customer=customer, data=archive_changes, expected_version=archive_version
        )
    # A derived field: moved forward directly so it never collides with somebody's edit of the archive.
    Customer.all_objects.filter(
        Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=interaction.occurred_at), pk=customer.pk
    ).update(last_contact_at=interaction.occurred_at)
    if interaction.direction == Direction.INBOUND:  # the customer answered: no more cadence touches
        cadences_stop_on_reply(actor=actor, interaction=interaction, contacts=contacts)
    return interaction


@transaction.atomic
def interaction_update(
    *, actor: User, interaction: Interaction, data: Mapping[str, Any], expected_version: int | None
) -> Interaction:
    return record_update(instance=interaction, actor=actor, data=data, expected_version=expected_version)


def interaction_delete(*, actor: User, interaction: Interaction, expected_version: int | None) -> Interaction:
    return record_soft_delete(instance=interaction, actor=actor, expected_version=expected_version)


@transaction.atomic
def task_create(*, actor: User, data: Mapping[str, Any]) -> Task:
    """Create a task; a ``dedupe_key`` already used returns the existing task instead of a duplicate."""
    key = data.get("dedupe_key")
    if key:
        existing = Task.all_objects.filter(dedupe_key=key).first()
        if existing is not None:
            return existing
    fields = dict(data)
    fields.setdefault("owner", actor)
    task = record_create(instance=Task(**fields), actor=actor)
    notify_task_assigned(task=task, actor=actor)
    return task


def _check_may_change(actor: User, task: Task) -> None:
    if task.owner_id == actor.pk:
        return
    if actor.role in (Role.MANAGER, Role.DIRECTOR) and can_own_customers(actor, task.owner):
        return
    raise PermissionDenied(_("Only the task's owner or their manager can change it."))


@transaction.atomic
def task_update(*, actor: User, task: Task, data: Mapping[str, Any], expected_version: int | None) -> Task:
    _check_may_change(actor, task)
    if "owner" in data and data["owner"].pk != task.owner_id and not can_own_customers(actor, data["owner"]):
        raise ValidationFailed(
            _("You cannot give a task to that user."),
            details={"owner": [_("You cannot give a task to that user.")]},
        )
    previous_owner_id = Task.all_objects.filter(pk=task.pk).values_list("owner_id", flat=True).first()
    task = record_update(instance=task, actor=actor, data=data, expected_version=expected_version)
    if task.owner_id != previous_owner_id:
        notify_task_assigned(task=task, actor=actor)
    return task


def task_delete(*, actor: User, task: Task, expected_version: int | None) -> Task:
    """Move a task to the recycle bin; only its owner or their manager may."""
    _check_may_change(actor, task)
    return record_soft_delete(instance=task, actor=actor, expected_version=expected_version)


@transaction.atomic
def task_complete(*, actor: User, task: Task, result: str, expected_version: int | None = None) -> Task:
    """Close a task with what came of it; a cadence step's task schedules the cadence's next step."""
    _check_may_change(actor, task)
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise ValidationFailed(_("This task is already closed."), code="task_closed")
    task = record_update(
        instance=task,
        actor=actor,
        expected_version=expected_version,
        data={"status": TaskStatus.DONE, "result": result.strip(), "completed_at": timezone.now()},
    )
    if task.kind == TaskKind.CADENCE:
        cadence_advance(actor=actor, task=task)
    return task


@transaction.atomic
def task_snooze(
    *, actor: User, task: Task, until: datetime.date, expected_version: int | None = None
) -> Task:
    """Move an open task to a later day."""
    _check_may_change(actor, task)
    if not task.is_open:
        raise ValidationFailed(_("This task is already closed."), code="task_closed")
    if until <= timezone.localdate():
        raise ValidationFailed(
            _("Snooze to a day after today."), details={"due_on": [_("Snooze to a day after today.")]}
        )
    return record_update(
        instance=task,
        actor=actor,
        expected_version=expected_version,
        data={"status": TaskStatus.SNOOZED, "due_on": until},
    )
