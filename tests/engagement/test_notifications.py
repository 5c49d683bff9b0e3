"""The in-app inbox: who is told what, unread counts, marking read."""

import datetime

import pytest
import time_machine

from guanxi.core.errors import NotFound
from guanxi.engagement.models import Notification
from guanxi.engagement.notifications import (
    notification_list,
    notification_mark_all_read,
    notification_mark_read,
    notification_unread_count,
)
from guanxi.engagement.services import ActionItem, interaction_log, task_create, task_update

from ..factories import TaskFactory

NOW = datetime.datetime(2026, 11, 24, 2, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
def test_given_a_task_for_someone_else_then_they_are_told_and_the_giver_is_not(org):
    org.mgr_1.display_name = "王经理"
    org.mgr_1.save()

    task = task_create(
        actor=org.mgr_1,
        data={
            "title": "拜访宁波港",
            "due_on": datetime.date(2026, 11, 26),
            "owner": org.rep_a,
            "customer": org.cust_a,
        },
    )
    task_create(actor=org.rep_a, data={"title": "自己的待办", "due_on": datetime.date(2026, 11, 26)})

    assert list(Notification.objects.values_list("user__username", "kind", "title", "body", "task_id")) == [
        ("rep_a", "task_assigned", "王经理 给您分配了待办：拜访宁波港", "截止日期：2026-11-26。", task.pk)
    ]


@time_machine.travel(NOW, tick=False)
def test_given_an_english_reader_then_the_message_is_english(org):
    org.rep_a.language = "en"
    org.rep_a.save()
    org.mgr_1.display_name = "Wang"
    org.mgr_1.save()

    task_create(
        actor=org.mgr_1, data={"title": "Visit", "due_on": datetime.date(2026, 11, 26), "owner": org.rep_a}
    )

    assert Notification.objects.get().title == "Wang gave you a task: Visit"


@time_machine.travel(NOW, tick=False)
def test_given_a_task_handed_over_then_the_new_owner_is_told(org):
    task = TaskFactory(owner=org.rep_a, customer=org.cust_a)

    task_update(actor=org.mgr_1, task=task, data={"owner": org.rep_b}, expected_version=None)
    task_update(actor=org.mgr_1, task=task, data={"title": "改个标题"}, expected_version=None)

    assert list(Notification.objects.values_list("user__username", "kind")) == [("rep_b", "task_assigned")]


@time_machine.travel(NOW, tick=False)
def test_given_an_action_item_for_a_colleague_then_the_colleague_is_told(org):
    interaction_log(
        actor=org.mgr_1,
        customer=org.cust_a,
        data={"channel": "face_to_face", "topic": "联合拜访"},
        action_items=[ActionItem(title="寄送方案", due_on=datetime.date(2026, 11, 27), owner=org.rep_a)],
    )

    assert list(Notification.objects.values_list("user__username", "kind")) == [("rep_a", "task_assigned")]


def test_inbox_reads_and_marks_only_the_users_own_messages(org):
    mine = [
        Notification.objects.create(user=org.rep_a, kind="escalation", title=f"第{i}条") for i in range(3)
    ]
    theirs = Notification.objects.create(user=org.rep_b, kind="escalation", title="别人的")

    assert notification_unread_count(org.rep_a) == 3
    assert [n.title for n in notification_list(user=org.rep_a)] == ["第2条", "第1条", "第0条"]

    notification_mark_read(actor=org.rep_a, notification_id=mine[1].pk)
    assert notification_unread_count(org.rep_a) == 2
    assert [n.title for n in notification_list(user=org.rep_a, unread_only=True)] == ["第2条", "第0条"]

    with pytest.raises(NotFound):
        notification_mark_read(actor=org.rep_a, notification_id=theirs.pk)
    with pytest.raises(NotFound):
        notification_mark_read(actor=org.rep_a, notification_id="x")
    theirs.refresh_from_db()
    assert theirs.read_at is None

    assert notification_mark_all_read(actor=org.rep_a) == 2
    assert (notification_unread_count(org.rep_a), notification_unread_count(org.rep_b)) == (0, 1)


def test_the_unread_count_is_one_query(org, django_assert_num_queries):
    Notification.objects.create(user=org.rep_a, kind="escalation", title="x")
    with django_assert_num_queries(1):
        assert notification_unread_count(org.rep_a) == 1
