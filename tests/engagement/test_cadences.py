"""Cadences: the three-touch rule walked step by step, stopped by the customer's reply."""

import datetime

import pytest
import time_machine

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.engagement.cadences import cadence_enrol, cadence_stop, enrollment_list
from guanxi.engagement.jobs import cadence_steps
from guanxi.engagement.models import Cadence, CadenceEnrollment, Notification, Task
from guanxi.engagement.services import interaction_log, task_complete

from ..factories import ContactFactory

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
DAY = datetime.date(2026, 11, 24)
NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def three_touches(db) -> Cadence:
    """The default cadence the data migration installs."""
    return Cadence.objects.get(name="三次触达")


def cadence_tasks() -> list[tuple[str, datetime.date, str]]:
    return list(Task.objects.filter(kind="cadence").order_by("id").values_list("title", "due_on", "status"))


def test_the_default_cadence_is_the_three_touch_rule(three_touches):
    steps = list(
        three_touches.steps.values_list(
            "position", "purpose", "channel", "wait_days_high_intent", "wait_days_observing"
        )
    )
    assert steps == [
        (1, "awareness", "wechat", 0, 0),
        (2, "value", "email", 2, 7),
        (3, "call_to_action", "phone", 3, 7),
    ]


@pytest.mark.parametrize(("intent", "second", "third"), [("high", 2, 3), ("observing", 7, 7)])
def test_given_an_enrolment_when_each_step_is_done_then_the_next_comes_after_the_intents_wait(
    org, three_touches, intent, second, third
):
    contact = ContactFactory(customer=org.cust_a, name="陈总")
    with time_machine.travel(NOW, tick=False):
        enrollment = cadence_enrol(actor=org.rep_a, contact=contact, cadence=three_touches, intent=intent)
        first = Task.objects.get(kind="cadence")
        assert (first.title, first.due_on, first.owner, first.contact) == (
            "三次触达 第 1/3 步：第一次：让客户认识我们 — 陈总",
            DAY,
            org.rep_a,
            contact,
        )
        task_complete(actor=org.rep_a, task=first, result="已发介绍")

    step_two = Task.objects.get(kind="cadence", status="open")
    enrollment.refresh_from_db()
    assert (enrollment.current_step, enrollment.current_task_id, step_two.due_on) == (
        2,
        step_two.pk,
        DAY + datetime.timedelta(days=second),
    )

    later = NOW + datetime.timedelta(days=second)
    with time_machine.travel(later, tick=False):
        task_complete(actor=org.rep_a, task=step_two, result="已发案例")
    step_three = Task.objects.get(kind="cadence", status="open")
    assert step_three.due_on == later.date() + datetime.timedelta(days=third)

    with time_machine.travel(later + datetime.timedelta(days=third), tick=False):
        task_complete(actor=org.rep_a, task=step_three, result="约了演示")
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.current_task_id) == ("finished", None)
    assert [status for _title, _due, status in cadence_tasks()] == ["done", "done", "done"]


@time_machine.travel(NOW, tick=False)
def test_given_an_inbound_interaction_of_the_contact_then_its_cadence_stops_and_others_go_on(
    org, three_touches
):
    replying = ContactFactory(customer=org.cust_a, name="陈总")
    quiet = ContactFactory(customer=org.cust_a, name="刘工")
    stopped = cadence_enrol(actor=org.rep_a, contact=replying, cadence=three_touches, intent="high")
    going_on = cadence_enrol(actor=org.rep_a, contact=quiet, cadence=three_touches, intent="high")

    interaction_log(
        actor=org.rep_a, customer=org.cust_a, data={"channel": "phone", "topic": "回访"}, contacts=[replying]
    )  # outbound: no reply yet
    stopped.refresh_from_db()
    assert stopped.status == "active"

    interaction_log(
        actor=org.rep_a,
        customer=org.cust_a,
        data={"channel": "wechat", "topic": "客户回复想了解报价", "direction": "inbound"},
        contacts=[replying],
    )

    stopped.refresh_from_db()
    going_on.refresh_from_db()
    assert (stopped.status, stopped.stop_reason, stopped.stop_note) == (
        "stopped",
        "customer_replied",
        "客户回复想了解报价",
    )
    assert going_on.status == "active"
    assert dict(Task.objects.filter(kind="cadence").values_list("contact_id", "status")) == {
        replying.pk: "cancelled",
        quiet.pk: "open",
    }
    assert Task.objects.get(contact=replying, kind="cadence").result == "客户已回复"


@time_machine.travel(NOW, tick=False)
def test_given_an_inbound_interaction_naming_nobody_then_every_cadence_at_that_customer_stops(
    org, three_touches
):
    for name in ("陈总", "刘工"):
        cadence_enrol(
            actor=org.rep_a,
            contact=ContactFactory(customer=org.cust_a, name=name),
            cadence=three_touches,
            intent="observing",
        )
    elsewhere = cadence_enrol(
        actor=org.rep_c, contact=ContactFactory(customer=org.cust_c), cadence=three_touches, intent="high"
    )

    interaction_log(
        actor=org.mgr_1,
        customer=org.cust_a,
        data={"channel": "phone", "topic": "客户来电", "direction": "inbound"},
    )

    assert sorted(CadenceEnrollment.objects.values_list("contact__customer_id", "status")) == sorted(
        [(org.cust_a.pk, "stopped"), (org.cust_a.pk, "stopped"), (org.cust_c.pk, "active")]
    )
    elsewhere.refresh_from_db()
    assert elsewhere.status == "active"
    # The manager logged the reply: the rep who runs the cadences hears of it.
    assert list(
        Notification.objects.filter(kind="customer_replied").values_list("user__username", flat=True)
    ) == [
        "rep_a",
        "rep_a",
    ]


def test_given_an_enrolment_starting_later_then_the_job_creates_its_task_on_the_day_once(org, three_touches):
    contact = ContactFactory(customer=org.cust_a)
    with time_machine.travel(NOW, tick=False):
        enrollment = cadence_enrol(
            actor=org.rep_a,
            contact=contact,
            cadence=three_touches,
            intent="high",
            start_on=DAY + datetime.timedelta(days=3),
        )
    assert cadence_tasks() == []

    assert cadence_steps(day=DAY + datetime.timedelta(days=2)) == {"tasks_created": 0}
    assert cadence_steps(day=DAY + datetime.timedelta(days=3)) == {"tasks_created": 1}
    assert cadence_steps(day=DAY + datetime.timedelta(days=3)) == {"tasks_created": 0}
    assert cadence_steps(day=DAY + datetime.timedelta(days=4)) == {"tasks_created": 0}

    enrollment.refresh_from_db()
    task = Task.objects.get(kind="cadence")
    assert (enrollment.current_task_id, task.due_on, task.dedupe_key) == (
        task.pk,
        DAY + datetime.timedelta(days=3),
        f"cadence:{enrollment.pk}:1",
    )


@time_machine.travel(NOW, tick=False)
def test_enrolment_is_refused_for_contacts_out_of_sight_or_not_to_contact_or_already_enrolled(
    org, three_touches
):
    contact = ContactFactory(customer=org.cust_a)
    private = ContactFactory(customer=org.cust_a, do_not_contact=True)

    with pytest.raises(NotFound):
        cadence_enrol(actor=org.rep_b, contact=contact, cadence=three_touches, intent="high")
    with pytest.raises(ValidationFailed) as caught:
        cadence_enrol(actor=org.rep_a, contact=private, cadence=three_touches, intent="high")
    assert list(caught.value.details) == ["contact"]
    with pytest.raises(ValidationFailed) as caught:
        cadence_enrol(actor=org.rep_a, contact=contact, cadence=three_touches, intent="eager")
    assert list(caught.value.details) == ["intent"]
    assert (CadenceEnrollment.objects.count(), Task.objects.count()) == (0, 0)

    cadence_enrol(actor=org.rep_a, contact=contact, cadence=three_touches, intent="high")
    with pytest.raises(ValidationFailed):
        cadence_enrol(actor=org.mgr_1, contact=contact, cadence=three_touches, intent="high")
    assert CadenceEnrollment.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_manager_enrolling_gives_the_steps_to_the_customers_owner_and_tells_them(org, three_touches):
    contact = ContactFactory(customer=org.cust_a)

    enrollment = cadence_enrol(actor=org.mgr_1, contact=contact, cadence=three_touches, intent="high")

    assert enrollment.owner == org.rep_a
    assert Task.objects.get(kind="cadence").owner == org.rep_a
    assert list(Notification.objects.values_list("user__username", "kind")) == [("rep_a", "task_assigned")]
    assert [e.pk for e in enrollment_list(user=org.rep_a)] == [enrollment.pk]
    assert list(enrollment_list(user=org.rep_c)) == []


@time_machine.travel(NOW, tick=False)
def test_stopping_by_hand_is_for_the_owner_or_their_manager(org, three_touches):
    enrollment = cadence_enrol(
        actor=org.rep_a, contact=ContactFactory(customer=org.cust_a), cadence=three_touches, intent="high"
    )

    with pytest.raises(PermissionDenied):
        cadence_stop(actor=org.rep_b, enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == "active"

    stopped = cadence_stop(actor=org.mgr_1, enrollment=enrollment, note="客户暂停采购")
    assert (stopped.status, stopped.stop_reason, stopped.stop_note) == ("stopped", "manual", "客户暂停采购")
    assert Task.objects.get(kind="cadence").status == "cancelled"
    with pytest.raises(ValidationFailed):
        cadence_stop(actor=org.rep_a, enrollment=stopped)
