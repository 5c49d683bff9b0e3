import datetime

import pytest
import time_machine
from django.utils import timezone

from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.engagement.models import Interaction, Task
from guanxi.engagement.selectors import task_list
from guanxi.engagement.services import ActionItem, interaction_log, task_complete, task_snooze

from ..factories import ContactFactory, TaskFactory

NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
def test_given_action_item_and_next_contact_when_logging_then_two_tasks_and_last_contact_moves(org):
    contact = ContactFactory(customer=org.cust_a)
    interaction = interaction_log(
        actor=org.rep_a,
        customer=org.cust_a,
        data={
            "channel": "phone",
            "topic": "年度采购计划",
            "content": "客户说预算下月批",
            "next_contact_on": datetime.date(2026, 12, 1),
            "next_contact_channel": "wechat",
        },
        contacts=[contact],
        action_items=[ActionItem(title="发送报价单", due_on=datetime.date(2026, 11, 26))],
    )
    tasks = {t.kind: t for t in Task.objects.filter(interaction=interaction)}
    assert set(tasks) == {"action_item", "follow_up"}
    assert (tasks["action_item"].title, tasks["action_item"].due_on) == (
        "发送报价单",
        datetime.date(2026, 11, 26),
    )
    assert tasks["follow_up"].due_on == datetime.date(2026, 12, 1)
    assert tasks["follow_up"].owner == org.rep_a
    assert tasks["follow_up"].contact == contact
    org.cust_a.refresh_from_db()
    assert org.cust_a.last_contact_at == NOW
    assert [t.pk for t in task_list(user=org.rep_a)] == [tasks["action_item"].pk, tasks["follow_up"].pk]


@time_machine.travel(NOW, tick=False)
def test_given_archive_changes_when_logging_then_customer_updated_in_same_flow(org):
    interaction_log(
        actor=org.rep_a,
        customer=org.cust_a,
        data={"channel": "face_to_face", "topic": "拜访"},
        archive_changes={"lifecycle_stage": "growth", "needs_summary": "想扩产"},
        archive_version=1,
    )
    org.cust_a.refresh_from_db()
    assert (org.cust_a.lifecycle_stage, org.cust_a.needs_summary, org.cust_a.version) == (
        "growth",
        "想扩产",
        2,
    )


@time_machine.travel(NOW, tick=False)
def test_given_stale_archive_version_when_logging_then_nothing_is_saved(org):
    from guanxi.core.errors import VersionConflict

    with pytest.raises(VersionConflict):
        interaction_log(
            actor=org.rep_a,
            customer=org.cust_a,
            data={"channel": "phone", "topic": "回访"},
            action_items=[ActionItem(title="寄样品", due_on=datetime.date(2026, 11, 30))],
            archive_changes={"status": "dormant"},
            archive_version=7,
        )
    assert Interaction.objects.count() == 0
    assert Task.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_given_contact_of_other_customer_when_logging_then_refused(org):
    foreign = ContactFactory(customer=org.cust_c)
    with pytest.raises(ValidationFailed):
        interaction_log(
            actor=org.rep_a, customer=org.cust_a, data={"channel": "phone", "topic": "x"}, contacts=[foreign]
        )
    assert Interaction.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_given_past_next_contact_date_when_logging_then_refused(org):
    with pytest.raises(ValidationFailed) as caught:
        interaction_log(
            actor=org.rep_a,
            customer=org.cust_a,
            data={"channel": "phone", "topic": "x", "next_contact_on": datetime.date(2026, 11, 1)},
        )
    assert "next_contact_on" in caught.value.details


@time_machine.travel(NOW, tick=False)
def test_given_open_task_when_completed_then_done_with_result(org):
    task = TaskFactory(owner=org.rep_a, customer=org.cust_a)
    done = task_complete(actor=org.rep_a, task=task, result="已发送")
    assert (done.status, done.result, done.completed_at) == ("done", "已发送", timezone.now())
    with pytest.raises(ValidationFailed):
        task_complete(actor=org.rep_a, task=done, result="again")


@time_machine.travel(NOW, tick=False)
def test_given_task_when_snoozed_then_due_later(org):
    task = TaskFactory(owner=org.rep_a)
    snoozed = task_snooze(actor=org.rep_a, task=task, until=datetime.date(2026, 11, 27))
    assert (snoozed.status, snoozed.due_on) == ("snoozed", datetime.date(2026, 11, 27))
    with pytest.raises(ValidationFailed):
        task_snooze(actor=org.rep_a, task=snoozed, until=datetime.date(2026, 11, 24))


def test_given_someone_elses_task_when_completing_then_refused_unless_their_manager(org):
    task = TaskFactory(owner=org.rep_a)
    with pytest.raises(PermissionDenied):
        task_complete(actor=org.rep_b, task=task, result="x")
    with pytest.raises(PermissionDenied):
        task_complete(actor=org.mgr_2, task=task, result="x")
    assert task_complete(actor=org.mgr_1, task=task, result="代办").status == "done"
