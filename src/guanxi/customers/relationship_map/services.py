"""Edit who on our side holds the relationship with a key person (附表3).

A contact's relationship status is an archive field: change it with
:func:`guanxi.customers.services.contact_update` like any other.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.governance.audit import audit_record
from guanxi.governance.scope import visible
from guanxi.people.models import Role, User

from ..choices import Closeness
from ..models import Contact, Counterpart, Customer


def _check_actor_sees(actor: User, contact: Contact) -> None:
    customers = visible(Customer.objects.filter(pk=contact.customer_id), actor)
    if contact.deleted_at is not None or not customers.exists():
        raise NotFound(_("Contact not found."))


def _check_colleague(user: Any) -> None:
    if user is None or not user.is_active or user.role == Role.ADMIN:
        raise ValidationFailed(
            _("Choose an active colleague."),
            code="counterpart_not_allowed",
            details={"user": [_("Choose an active colleague.")]},
        )


@transaction.atomic
def counterpart_set(*, actor: User, contact: Contact, user: User, closeness: str) -> Counterpart:
    """Record that ``user`` holds the relationship with ``contact`` and how close it is.

    Adds the colleague or changes the closeness of one already recorded. The actor must see the
    customer (their own for a rep, their team's for a manager); otherwise NotFound, as if the contact
    did not exist. ValidationFailed for an unknown closeness or a user who is inactive or a system
    administrator.
    """
    _check_actor_sees(actor, contact)
    _check_colleague(user)
    if closeness not in Closeness.values:
        raise ValidationFailed(
            _("Choose how close the relationship is."),
            details={"closeness": [_("Choose how close the relationship is.")]},
        )
    counterpart = Counterpart.objects.select_for_update().filter(contact=contact, user=user).first()
    before = {} if counterpart is None else {"user": str(user.pk), "closeness": counterpart.closeness}
    if counterpart is None:
        counterpart = Counterpart.objects.create(contact=contact, user=user, closeness=closeness)
    elif counterpart.closeness != closeness:
        Counterpart.objects.filter(pk=counterpart.pk).update(closeness=closeness)
        counterpart.closeness = closeness
    else:
        return counterpart
    audit_record(
        actor=actor,
        action="update" if before else "create",
        obj=counterpart,
        before=before,
        after={"user": str(user.pk), "closeness": closeness},
    )
    return counterpart


@transaction.atomic
def counterpart_remove(*, actor: User, contact: Contact, user: User) -> bool:
    """Forget that ``user`` holds the relationship with ``contact``; return whether one was recorded.

    The actor must see the customer, else NotFound.
    """
    _check_actor_sees(actor, contact)
    counterpart = Counterpart.objects.select_for_update().filter(contact=contact, user=user).first()
    if counterpart is None:
        return False
    audit_record(
        actor=actor,
        action="delete",
        obj=counterpart,
        before={"user": str(user.pk), "closeness": counterpart.closeness},
        after={},
    )
    counterpart.delete()
    return True
