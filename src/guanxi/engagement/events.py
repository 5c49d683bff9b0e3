"""Customer events (客户活动): reads through the visibility scope, and every write with its audit.

Who sees an event: its organiser; a manager the events organised in the team subtree they lead; the
director and the archive administrator every event; and anybody who can see a customer one of whose
contacts is invited (they see the event, and only the invitations of customers they can see).

Who changes an event (details, cancel, attendance): its organiser, or the organiser's manager or the
director. Who invites: anybody who sees the event, for contacts of customers they can see.

Attendance (SPEC §2 Events): marking a contact as attended logs — or extends — the single non-sales
interaction (channel "event") of that contact's customer for the event, which lists every attending
contact of the customer. Marking again changes nothing; a second attendee of the same customer is added
to the same interaction. Un-marking removes the contact from it; when no attending contact of the
customer is left, the interaction moves to the recycle bin (audited, restorable), so the history never
claims a meeting that did not happen. Marking attendance on a planned event marks it held.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.customers.models import Contact
from guanxi.governance.audit import audit_record
from guanxi.governance.records import record_create, record_soft_delete, record_update
from guanxi.governance.scope import can_own_customers, customer_q, managed_people_q
from guanxi.people.models import Role, User

from .models import (
    Attendance,
    Channel,
    Event,
    EventStatus,
    Interaction,
    Invitation,
    InvitationResponse,
    NotificationKind,
)
from .notifications import link_to, notify
from .services import interaction_log

EDITABLE_FIELDS = ("title", "kind", "starts_at", "ends_at", "place", "description")
MAX_INVITATIONS_PER_REQUEST = 200

# --- reads -------------------------------------------------------------------------------------------


def _organiser_q(user: Any) -> Q:
    if user.role in (Role.DIRECTOR, Role.ARCHIVIST):
        return Q()
    return managed_people_q(user, "organiser")


def invitations_visible(user: Any) -> QuerySet[Invitation]:
    """Invitations of contacts on customers the user may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Invitation.objects.none()
    return Invitation.objects.filter(
        customer_q(user, via="customer"),
        customer__deleted_at__isnull=True,
        contact__deleted_at__isnull=True,
    )


def events_visible(user: Any) -> QuerySet[Event]:
    if user is None or not user.is_authenticated or not user.is_active or user.role == Role.ADMIN:
        return Event.objects.none()
    condition = _organiser_q(user)
    if condition:  # everybody else also sees events that invite a contact of a customer they see
        inviting = invitations_visible(user).filter(event_id=OuterRef("pk"))
        return Event.objects.filter(condition | Q(Exists(inviting)))
    return Event.objects.all()


def event_list(
    *, user: Any, when: str = "upcoming", mine: bool = False, q: str = "", customer_id: int | None = None
) -> QuerySet[Event]:
    """Visible events, with the counts of visible invitations and attendees; ``when``: upcoming, past, ''."""
    visible_invitations = Q(invitations__in=invitations_visible(user))
    qs = (
        events_visible(user)
        .select_related("organiser")
        .annotate(
            invited_count=Count("invitations", filter=visible_invitations, distinct=True),
            attended_count=Count(
                "invitations",
                filter=visible_invitations & Q(invitations__attendance=Attendance.ATTENDED),
                distinct=True,
            ),
        )
    )
    now = timezone.now()
    if mine:
        qs = qs.filter(organiser_id=user.pk)
    if q:
        qs = qs.filter(Q(title__contains=q[:100]) | Q(place__contains=q[:100]))
    if customer_id is not None:
        qs = qs.filter(pk__in=invitations_visible(user).filter(customer_id=customer_id).values("event_id"))
    if when == "upcoming":
        return qs.filter(ends_at__gte=now).order_by("starts_at", "id")
    if when == "past":
        return qs.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    return qs.order_by("-starts_at", "-id")


def event_get_for_user(*, user: Any, pk: Any) -> Event:
    try:
        return events_visible(user).select_related("organiser").get(pk=int(pk))
    except (Event.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Event not found.")) from exc


def invitation_list(*, user: Any, event: Event) -> QuerySet[Invitation]:
    return (
        invitations_visible(user)
        .filter(event=event)
        .select_related("contact", "customer", "invited_by", "interaction")
        .order_by("customer__name", "contact__name", "id")
    )


def invitation_get_for_user(*, user: Any, event: Event, pk: Any) -> Invitation:
    try:
        return invitation_list(user=user, event=event).get(pk=int(pk))
    except (Invitation.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Invitation not found.")) from exc


def may_change_event(user: Any, event: Event) -> bool:
    if event.organiser_id == user.pk:
        return True
    return user.role in (Role.MANAGER, Role.DIRECTOR) and can_own_customers(user, event.organiser)


def _check_may_change(actor: User, event: Event) -> None:
    if not may_change_event(actor, event):
        raise PermissionDenied(_("Only the event's organiser or their manager can change it."))


# --- writes on the event -----------------------------------------------------------------------------


def _check_times(starts_at: datetime.datetime | None, ends_at: datetime.datetime | None) -> None:
    if starts_at and ends_at and ends_at < starts_at:
        message = _("The event must end after it starts.")
        raise ValidationFailed(message, details={"ends_at": [message]})


def _check_organiser(actor: User, organiser: User) -> None:
    if organiser.pk != actor.pk and not can_own_customers(actor, organiser):
        message = _("You cannot make that user the organiser.")
        raise ValidationFailed(message, details={"organiser": [message]})


@transaction.atomic
def event_create(*, actor: User, data: Mapping[str, Any]) -> Event:
    if actor.role in (Role.ADMIN, Role.ARCHIVIST):
        raise PermissionDenied(_("Only sales people organise events."))
    fields = {name: data[name] for name in (*EDITABLE_FIELDS, "organiser") if name in data}
    fields.setdefault("organiser", actor)
    fields.setdefault("ends_at", fields.get("starts_at"))
    _check_organiser(actor, fields["organiser"])
    _check_times(fields.get("starts_at"), fields.get("ends_at"))
    return record_create(instance=Event(**fields), actor=actor)


@transaction.atomic
def event_update(
    *, actor: User, event: Event, data: Mapping[str, Any], expected_version: int | None
) -> Event:
    _check_may_change(actor, event)
    fields = {name: data[name] for name in (*EDITABLE_FIELDS, "organiser") if name in data}
    if "organiser" in fields and fields["organiser"].pk != event.organiser_id:
        _check_organiser(actor, fields["organiser"])
    _check_times(fields.get("starts_at", event.starts_at), fields.get("ends_at", event.ends_at))
    return record_update(instance=event, actor=actor, data=fields, expected_version=expected_version)


@transaction.atomic
def event_cancel(*, actor: User, event: Event, expected_version: int | None = None) -> Event:
    """Call an event off; one with recorded attendance was held and cannot be cancelled."""
    _check_may_change(actor, event)
    if event.invitations.filter(attendance=Attendance.ATTENDED).exists():
        raise ValidationFailed(
            _("People attended this event; it cannot be cancelled."), code="event_attended"
        )
    return record_update(
        instance=event, actor=actor, data={"status": EventStatus.CANCELLED}, expected_version=expected_version
    )


@transaction.atomic
def event_delete(*, actor: User, event: Event, expected_version: int | None) -> Event:
    """Move an event to the recycle bin; one with recorded attendance keeps its place in the history."""
    _check_may_change(actor, event)
    if event.invitations.filter(attendance=Attendance.ATTENDED).exists():
        raise ValidationFailed(_("People attended this event; it cannot be deleted."), code="event_attended")
    return record_soft_delete(instance=event, actor=actor, expected_version=expected_version)


# --- invitations -------------------------------------------------------------------------------------


def _invitation_snapshot(invitation: Invitation) -> dict[str, str]:
    return {
        "event": str(invitation.event_id),
        "contact": str(invitation.contact_id),
        "customer": str(invitation.customer_id),
        "response": invitation.response,
        "attendance": invitation.attendance,
        "interaction": str(invitation.interaction_id or ""),
    }


def _audit_invitation(
    actor: User, action: str, invitation: Invitation, before: dict[str, str], pk: int | None = None
) -> None:
    after = _invitation_snapshot(invitation) if action != "delete" else {}
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    audit_record(
        actor=actor,
        action=action,
        object_type="invitation",
        object_id=str(pk or invitation.pk),
        before={k: v for k, v in before.items() if k in changed},
        after={k: v for k, v in after.items() if k in changed},
    )


@transaction.atomic
def event_invite(*, actor: User, event: Event, contact_ids: Iterable[Any]) -> list[Invitation]:
    """Invite contacts the actor can see; one already invited is left as it is. Returns the new ones."""
    if event.status == EventStatus.CANCELLED:
        raise ValidationFailed(_("This event was cancelled."), code="event_cancelled")
    ids = []
    for value in contact_ids:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise NotFound(_("Contact not found.")) from None
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_INVITATIONS_PER_REQUEST:
        message = _("Invite at most %(count)d contacts at once.") % {"count": MAX_INVITATIONS_PER_REQUEST}
        raise ValidationFailed(message, details={"contact_ids": [message]})
    contacts = list(
        Contact.objects.filter(customer_q(actor, via="customer"), customer__deleted_at__isnull=True)
        .filter(pk__in=ids)
        .select_related("customer", "customer__owner")
    )
    if len(contacts) != len(ids):  # a contact the actor cannot see does not exist for them
        raise NotFound(_("Contact not found."))
    refused = [c.name for c in contacts if c.do_not_contact]
    if refused:
        message = _("Do not contact: %(names)s.") % {"names": ", ".join(refused)}
        raise ValidationFailed(message, details={"contact_ids": [message]})
    existing = set(event.invitations.filter(contact_id__in=ids).values_list("contact_id", flat=True))
    created = []
    for contact in contacts:
        if contact.pk in existing:
            continue
        invitation = Invitation.objects.create(
            event=event, contact=contact, customer_id=contact.customer_id, invited_by=actor
        )
        _audit_invitation(actor, "create", invitation, {})
        created.append(invitation)
    _tell_owners(actor, event, [c for c in contacts if c.pk not in existing])
    return created


def _tell_owners(actor: User, event: Event, contacts: list[Contact]) -> None:
    """Tell each customer's owner that somebody else invited people of their customer (one message per
    customer and invitation round)."""
    by_customer: dict[int, tuple[User, list[Contact]]] = {}
    for contact in contacts:
        owner = contact.customer.owner
        if owner is not None and owner.pk != actor.pk:
            by_customer.setdefault(contact.customer_id, (owner, []))[1].append(contact)
    for owner, invited in by_customer.values():
        customer = invited[0].customer
        with translation.override(owner.language):
            title = _("%(user)s invited %(customer)s to %(event)s") % {
                "user": str(actor),
                "customer": customer.name,
                "event": event.title,
            }
            body = _("Invited: %(names)s.") % {"names": "、".join(c.name for c in invited)}
        notify(
            user=owner,
            kind=NotificationKind.EVENT,
            title=title,
            body=body,
            link_url=link_to("web:event_detail", event.pk),
        )


@transaction.atomic
def invitation_remove(*, actor: User, invitation: Invitation) -> None:
    """Withdraw an invitation; one of a contact who attended stays (un-mark the attendance first)."""
    if invitation.attendance == Attendance.ATTENDED:
        raise ValidationFailed(
            _("This contact attended; record them as absent before removing the invitation."),
            code="invitation_attended",
        )
    event = invitation.event
    if invitation.invited_by_id != actor.pk and not may_change_event(actor, event):
        raise PermissionDenied(_("Only who invited the contact or the event's organiser can remove it."))
    before = _invitation_snapshot(invitation)
    pk = invitation.pk
    invitation.delete()
    _audit_invitation(actor, "delete", invitation, before, pk=pk)


@transaction.atomic
def invitation_respond(*, actor: User, invitation: Invitation, response: str) -> Invitation:
    """Record the contact's answer (accepted, declined, or back to invited)."""
    if response not in InvitationResponse.values:
        message = _("Choose a valid response.")
        raise ValidationFailed(message, details={"response": [message]})
    if invitation.response == response:
        return invitation
    before = _invitation_snapshot(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(response=response, updated_at=timezone.now())
    invitation.response = response
    _audit_invitation(actor, "update", invitation, before)
    return invitation


# --- attendance --------------------------------------------------------------------------------------


def _topic(event: Event) -> str:
    return (_("Event: %(title)s") % {"title": event.title})[:200]


def _content(event: Event, names: list[str]) -> str:
    text = _("Attended %(event)s (%(kind)s): %(names)s.") % {
        "event": event.title,
        "kind": event.get_kind_display(),
        "names": "、".join(names),
    }
    if event.place:
        text += " " + _("Place: %(place)s.") % {"place": event.place}
    return text


@transaction.atomic
def event_record_attendance(
    *, actor: User, event: Event, attended: Iterable[Any], absent: Iterable[Any] = ()
) -> dict[str, int]:
    """Mark invitations (by id) as attended or absent and keep each customer's event interaction in step.

    Only invitations the actor can see are touched; an id of another is not found. Idempotent: the same
    call twice changes nothing the second time. Returns counts of what changed.
    """
    _check_may_change(actor, event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.CANCELLED:
        raise ValidationFailed(_("This event was cancelled."), code="event_cancelled")
    if event.starts_at > timezone.now():
        raise ValidationFailed(
            _("Attendance can be recorded once the event has started."), code="event_not_started"
        )
    attended_ids = {int(pk) for pk in attended}
    absent_ids = {int(pk) for pk in absent} - attended_ids
    wanted = attended_ids | absent_ids
    invitations = {
        inv.pk: inv
        for inv in invitations_visible(actor)
        .filter(event=event, pk__in=wanted)
        .select_related("contact", "customer")
    }
    if len(invitations) != len(wanted):
        raise NotFound(_("Invitation not found."))
    changed_customers: set[int] = set()
    marked = 0
    for pk, invitation in invitations.items():
        target = Attendance.ATTENDED if pk in attended_ids else Attendance.ABSENT
        if invitation.attendance == target:
            continue
        before = _invitation_snapshot(invitation)
        invitation.attendance = target
        if target == Attendance.ATTENDED and invitation.response == InvitationResponse.INVITED:
            invitation.response = InvitationResponse.ACCEPTED
        Invitation.objects.filter(pk=pk).update(
            attendance=target, response=invitation.response, updated_at=timezone.now()
        )
        _audit_invitation(actor, "update", invitation, before)
        changed_customers.add(invitation.customer_id)
        marked += 1
    logged = removed = 0
    for customer_id in sorted(changed_customers):
        outcome = _sync_customer_interaction(actor=actor, event=event, customer_id=customer_id)
        logged += outcome == "logged"
        removed += outcome == "removed"
    if marked and event.status == EventStatus.PLANNED:
        record_update(instance=event, actor=actor, data={"status": EventStatus.HELD}, expected_version=None)
    return {"marked": marked, "interactions_logged": logged, "interactions_removed": removed}


def _sync_customer_interaction(*, actor: User, event: Event, customer_id: int) -> str:
    """Make the customer's event interaction list exactly its attending contacts; say what happened."""
    invitations = list(
        Invitation.objects.filter(event=event, customer_id=customer_id).select_related("contact", "customer")
    )
    present = [inv for inv in invitations if inv.attendance == Attendance.ATTENDED]
    current = Interaction.objects.filter(event=event, customer_id=customer_id).first()
    if not present:
        if current is not None:
            record_soft_delete(instance=current, actor=actor, expected_version=None)
            Invitation.objects.filter(event=event, customer_id=customer_id).update(interaction=None)
            return "removed"
        return ""
    contacts = [inv.contact for inv in present]
    names = [c.name for c in contacts]
    participants = {event.organiser_id, *(inv.invited_by_id for inv in present if inv.invited_by_id)}
    if current is None:
        current = interaction_log(
            actor=actor,
            customer=present[0].customer,
            data={
                "occurred_at": event.starts_at,
                "channel": Channel.EVENT,
                "topic": _topic(event),
                "content": _content(event, names),
                "is_non_sales": True,
                "event": event,
            },
            contacts=contacts,
            participants=User.objects.filter(pk__in=participants),
        )
        outcome = "logged"
    else:
        record_update(
            instance=current,
            actor=actor,
            data={"content": _content(event, names)},
            expected_version=None,
        )
        current.contacts.set(contacts)
        outcome = "updated"
    Invitation.objects.filter(event=event, customer_id=customer_id).exclude(
        attendance=Attendance.ATTENDED
    ).update(interaction=None)
    Invitation.objects.filter(pk__in=[inv.pk for inv in present]).update(interaction=current)
    return outcome
