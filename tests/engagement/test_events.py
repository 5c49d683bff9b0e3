"""Customer events: visibility, invitations and attendance that logs one interaction per customer."""

import datetime

import pytest
import time_machine

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.customers.models import Customer
from guanxi.engagement.events import (
    event_cancel,
    event_create,
    event_get_for_user,
    event_invite,
    event_list,
    event_record_attendance,
    event_update,
    invitation_list,
    invitation_remove,
    invitation_respond,
)
from guanxi.engagement.models import Attendance, Channel, Event, EventStatus, Interaction, Invitation
from guanxi.governance.models import AuditEvent

from ..factories import ContactFactory, CustomerFactory

NOW = datetime.datetime(2026, 11, 24, 6, 0, tzinfo=datetime.UTC)
YESTERDAY = NOW - datetime.timedelta(days=1)
NEXT_WEEK = NOW + datetime.timedelta(days=7)


def make_event(organiser, starts_at=YESTERDAY, **extra) -> Event:
    data = {
        "title": "新品发布会",
        "kind": "product_launch",
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=3),
        "place": "上海国际会议中心",
        **extra,
    }
    return event_create(actor=organiser, data=data)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_attendance_logs_one_non_sales_interaction_per_customer_and_is_idempotent(org, frozen):
    chen = ContactFactory(customer=org.cust_a, name="陈总")
    li = ContactFactory(customer=org.cust_a, name="李工")
    other_customer = CustomerFactory(name="比亚迪", owner=org.rep_a)
    wang = ContactFactory(customer=other_customer, name="王经理")
    event = make_event(org.rep_a)
    event_invite(actor=org.rep_a, event=event, contact_ids=[chen.pk, li.pk, wang.pk])
    inv = {i.contact_id: i for i in Invitation.objects.filter(event=event)}

    result = event_record_attendance(actor=org.rep_a, event=event, attended=[inv[chen.pk].pk])
    assert result == {"marked": 1, "interactions_logged": 1, "interactions_removed": 0}
    interaction = Interaction.objects.get(event=event)
    assert (interaction.customer_id, interaction.channel, interaction.is_non_sales) == (
        org.cust_a.pk,
        Channel.EVENT,
        True,
    )
    assert interaction.occurred_at == event.starts_at
    assert [c.name for c in interaction.contacts.all()] == ["陈总"]
    assert Customer.objects.get(pk=org.cust_a.pk).last_contact_at == event.starts_at

    # The same marking again: nothing changes.
    again = event_record_attendance(actor=org.rep_a, event=event, attended=[inv[chen.pk].pk])
    assert again == {"marked": 0, "interactions_logged": 0, "interactions_removed": 0}
    # A second attendee of the same customer extends the same interaction; another customer gets its own.
    event_record_attendance(
        actor=org.rep_a, event=event, attended=[inv[chen.pk].pk, inv[li.pk].pk, inv[wang.pk].pk]
    )
    assert Interaction.objects.filter(event=event, customer=org.cust_a).count() == 1
    assert Interaction.objects.filter(event=event).count() == 2
    same = Interaction.objects.get(event=event, customer=org.cust_a)
    assert same.pk == interaction.pk
    assert sorted(c.name for c in same.contacts.all()) == ["李工", "陈总"]
    assert "李工" in same.content and "陈总" in same.content
    assert set(Invitation.objects.filter(event=event).values_list("interaction_id", flat=True)) == {
        interaction.pk,
        Interaction.objects.get(event=event, customer=other_customer).pk,
    }
    event.refresh_from_db()
    assert event.status == EventStatus.HELD


def test_unmarking_shrinks_then_bins_the_interaction_and_marking_again_logs_anew(org, frozen):
    chen = ContactFactory(customer=org.cust_a, name="陈总")
    li = ContactFactory(customer=org.cust_a, name="李工")
    event = make_event(org.rep_a)
    event_invite(actor=org.rep_a, event=event, contact_ids=[chen.pk, li.pk])
    inv = {i.contact_id: i.pk for i in Invitation.objects.filter(event=event)}
    event_record_attendance(actor=org.rep_a, event=event, attended=[inv[chen.pk], inv[li.pk]])
    first = Interaction.objects.get(event=event)

    event_record_attendance(actor=org.rep_a, event=event, attended=[inv[chen.pk]], absent=[inv[li.pk]])
    first.refresh_from_db()
    assert [c.name for c in first.contacts.all()] == ["陈总"]
    assert Invitation.objects.get(pk=inv[li.pk]).interaction_id is None

    result = event_record_attendance(actor=org.rep_a, event=event, attended=[], absent=[inv[chen.pk]])
    assert result["interactions_removed"] == 1
    assert not Interaction.objects.filter(event=event).exists()
    assert Interaction.all_objects.get(pk=first.pk).deleted_at is not None  # in the recycle bin

    event_record_attendance(actor=org.rep_a, event=event, attended=[inv[li.pk]])
    assert Interaction.objects.filter(event=event).count() == 1
    assert Interaction.objects.get(event=event).pk != first.pk


def test_attendance_is_refused_before_the_start_and_on_cancelled_events(org, frozen):
    contact = ContactFactory(customer=org.cust_a)
    upcoming = make_event(org.rep_a, starts_at=NEXT_WEEK)
    event_invite(actor=org.rep_a, event=upcoming, contact_ids=[contact.pk])
    invitation = Invitation.objects.get(event=upcoming)
    with pytest.raises(ValidationFailed):
        event_record_attendance(actor=org.rep_a, event=upcoming, attended=[invitation.pk])
    cancelled = event_cancel(actor=org.rep_a, event=upcoming)
    assert cancelled.status == EventStatus.CANCELLED
    with pytest.raises(ValidationFailed):
        event_invite(actor=org.rep_a, event=cancelled, contact_ids=[contact.pk])
    assert not Interaction.objects.exists()


def test_only_the_organiser_or_their_manager_changes_the_event(org, frozen):
    event = make_event(org.rep_a)
    for outsider in (org.rep_b, org.rep_c, org.mgr_2, org.archivist):
        with pytest.raises(PermissionDenied):
            event_update(actor=outsider, event=event, data={"title": "改"}, expected_version=None)
        with pytest.raises(PermissionDenied):
            event_record_attendance(actor=outsider, event=event, attended=[])
    updated = event_update(actor=org.mgr_1, event=event, data={"place": "北京"}, expected_version=1)
    assert (updated.place, updated.version) == ("北京", 2)
    with pytest.raises(ValidationFailed):
        event_update(
            actor=org.rep_a,
            event=updated,
            data={"ends_at": updated.starts_at - datetime.timedelta(hours=1)},
            expected_version=2,
        )
    with pytest.raises(ValidationFailed):  # a rep cannot make a colleague the organiser
        event_create(
            actor=org.rep_a,
            data={"title": "x", "starts_at": NEXT_WEEK, "ends_at": NEXT_WEEK, "organiser": org.rep_b},
        )
    assert AuditEvent.objects.filter(object_type="event", action="update").exists()


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("rep_a", True),
        ("rep_b", False),
        ("rep_c", False),
        ("mgr_1", True),
        ("mgr_2", False),
        ("director", True),
        ("archivist", True),
        ("sysadmin", False),
    ],
)
def test_who_sees_an_event(org, frozen, role, sees):
    event = make_event(org.rep_a)
    user = org.user(role)
    assert (event in event_list(user=user, when="")) is sees
    if sees:
        assert event_get_for_user(user=user, pk=event.pk) == event
    else:
        with pytest.raises(NotFound):
            event_get_for_user(user=user, pk=event.pk)


def test_inviting_a_contact_of_an_invisible_customer_is_not_found(org, frozen):
    hidden = ContactFactory(customer=org.cust_c)
    own = ContactFactory(customer=org.cust_a)
    event = make_event(org.rep_a, starts_at=NEXT_WEEK)
    with pytest.raises(NotFound):
        event_invite(actor=org.rep_a, event=event, contact_ids=[own.pk, hidden.pk])
    assert not Invitation.objects.exists()
    blocked = ContactFactory(customer=org.cust_a, do_not_contact=True)
    with pytest.raises(ValidationFailed):
        event_invite(actor=org.rep_a, event=event, contact_ids=[blocked.pk])


def test_invitations_are_shown_only_for_visible_customers_and_make_the_event_visible(org, frozen):
    mine = ContactFactory(customer=org.cust_a, name="陈总")
    theirs = ContactFactory(customer=org.cust_c, name="马总")
    event = make_event(org.director, starts_at=NEXT_WEEK)
    event_invite(actor=org.director, event=event, contact_ids=[mine.pk, theirs.pk])

    assert [i.contact.name for i in invitation_list(user=org.rep_a, event=event)] == ["陈总"]
    assert [i.contact.name for i in invitation_list(user=org.rep_c, event=event)] == ["马总"]
    assert event_get_for_user(user=org.rep_a, pk=event.pk) == event  # a contact of theirs is invited
    assert list(event_list(user=org.rep_b, when="")) == []
    row = event_list(user=org.rep_a, when="upcoming").get(pk=event.pk)
    assert (row.invited_count, row.attended_count) == (1, 0)
    assert list(event_list(user=org.rep_a, when="", customer_id=org.cust_a.pk)) == [event]


def test_respond_and_remove_are_audited_and_attended_invitations_stay(org, frozen):
    contact = ContactFactory(customer=org.cust_a)
    event = make_event(org.rep_a)
    (invitation,) = event_invite(actor=org.rep_a, event=event, contact_ids=[contact.pk])
    assert event_invite(actor=org.rep_a, event=event, contact_ids=[contact.pk]) == []  # already invited
    invitation_respond(actor=org.rep_a, invitation=invitation, response="accepted")
    assert Invitation.objects.get(pk=invitation.pk).response == "accepted"
    event_record_attendance(actor=org.rep_a, event=event, attended=[invitation.pk])
    invitation.refresh_from_db()
    with pytest.raises(ValidationFailed):
        invitation_remove(actor=org.rep_a, invitation=invitation)
    event_record_attendance(actor=org.rep_a, event=event, attended=[], absent=[invitation.pk])
    invitation.refresh_from_db()
    assert invitation.attendance == Attendance.ABSENT
    invitation_remove(actor=org.rep_a, invitation=invitation)
    assert not Invitation.objects.exists()
    actions = list(
        AuditEvent.objects.filter(object_type="invitation").order_by("id").values_list("action", flat=True)
    )
    assert actions[0] == "create" and actions[-1] == "delete" and "update" in actions


def test_attendance_of_an_invisible_invitation_is_not_found(org, frozen):
    hidden = ContactFactory(customer=org.cust_c)
    event = make_event(org.director)
    (invitation,) = event_invite(actor=org.director, event=event, contact_ids=[hidden.pk])
    # mgr_1 may not change the director's event anyway; the director's own event with rep_c's contact:
    with pytest.raises(PermissionDenied):
        event_record_attendance(actor=org.mgr_1, event=event, attended=[invitation.pk])
    own_event = make_event(org.mgr_1)
    with pytest.raises(NotFound):
        event_record_attendance(actor=org.mgr_1, event=own_event, attended=[invitation.pk])


@pytest.mark.django_db
def test_the_demo_holds_past_events_with_attendance_and_upcoming_ones_with_invitations():
    from django.utils import timezone

    from guanxi.demo import demo_load

    demo_load(password="a long demo password 2026")
    now = timezone.now()
    past = Event.objects.filter(starts_at__lt=now)
    upcoming = Event.objects.filter(starts_at__gt=now)
    assert past.count() >= 2 and upcoming.count() >= 2
    assert Invitation.objects.filter(event__in=upcoming).exists()
    attended = Invitation.objects.filter(event__in=past, attendance=Attendance.ATTENDED)
    assert attended.exists()
    logged = Interaction.objects.filter(event__in=past)
    assert logged.count() == attended.values("event", "customer").distinct().count()
    assert all(i.is_non_sales and i.channel == Channel.EVENT for i in logged)


def test_the_customers_owner_hears_when_somebody_else_invites_their_contacts(org, frozen):
    from guanxi.engagement.models import Notification, NotificationKind

    chen = ContactFactory(customer=org.cust_a, name="陈总")
    event = make_event(org.mgr_1, starts_at=NEXT_WEEK)
    event_invite(actor=org.mgr_1, event=event, contact_ids=[chen.pk])
    (message,) = Notification.objects.filter(user=org.rep_a, kind=NotificationKind.EVENT)
    assert org.cust_a.name in message.title and event.title in message.title
    assert message.link_url == f"/events/{event.pk}/"
    event_invite(actor=org.rep_a, event=make_event(org.rep_a), contact_ids=[chen.pk])
    assert Notification.objects.filter(user=org.rep_a).count() == 1  # not for one's own invitations
