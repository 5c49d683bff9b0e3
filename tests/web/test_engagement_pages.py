"""Logging an interaction from the customer page, and working through "my tasks"."""

import datetime

import pytest
import time_machine

from guanxi.engagement.models import Interaction, Task, TaskKind, TaskStatus

from ..factories import ContactFactory, TaskFactory
from .conftest import field_block

NOW = datetime.datetime(2026, 11, 24, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai
TODAY = datetime.date(2026, 11, 24)


def interaction_form(customer, **overrides):
    data = {
        "occurred_at": "2026-11-24T09:30",
        "channel": "phone",
        "direction": "outbound",
        "topic": "年度采购计划",
        "content": "客户说预算下月批",
        "stance": "positive",
        "archive-version": customer.version,
        "archive-status": customer.status,
        "archive-lifecycle_stage": customer.lifecycle_stage,
        "archive-relationship_level": "",
        "archive-needs_summary": customer.needs_summary,
    }
    data.update(overrides)
    return data


@time_machine.travel(NOW, tick=False)
def test_given_action_items_next_contact_and_archive_change_when_logging_then_all_saved_together(org, login):
    contact = ContactFactory(customer=org.cust_a, name="张伟")
    form = interaction_form(
        org.cust_a,
        contacts=[contact.pk],
        item1_title="发送报价单",
        item1_due="2026-11-26",
        item3_title="安排技术交流",
        item3_due="2026-12-03",
        next_contact_on="2026-12-01",
        next_contact_channel="wechat",
        **{"archive-lifecycle_stage": "growth", "archive-status": "target"},
    )

    response = login(org.rep_a).post(f"/customers/{org.cust_a.pk}/interactions/new/", form)

    assert response.status_code == 302
    assert response["Location"] == f"/customers/{org.cust_a.pk}/#timeline"
    interaction = Interaction.objects.get(customer=org.cust_a)
    assert (interaction.topic, interaction.channel, interaction.stance) == (
        "年度采购计划",
        "phone",
        "positive",
    )
    assert list(interaction.contacts.all()) == [contact]
    tasks = Task.objects.filter(customer=org.cust_a).order_by("due_on")
    assert [(t.title, t.due_on, t.kind, t.owner) for t in tasks if t.kind == TaskKind.ACTION_ITEM] == [
        ("发送报价单", datetime.date(2026, 11, 26), TaskKind.ACTION_ITEM, org.rep_a),
        ("安排技术交流", datetime.date(2026, 12, 3), TaskKind.ACTION_ITEM, org.rep_a),
    ]
    follow_up = tasks.get(kind=TaskKind.FOLLOW_UP)
    assert (follow_up.due_on, follow_up.contact) == (datetime.date(2026, 12, 1), contact)
    org.cust_a.refresh_from_db()
    assert (org.cust_a.status, org.cust_a.lifecycle_stage, org.cust_a.version) == ("target", "growth", 2)


@time_machine.travel(NOW, tick=False)
def test_given_untouched_archive_fields_when_logging_then_customer_is_not_rewritten(org, login):
    response = login(org.rep_a).post(
        f"/customers/{org.cust_a.pk}/interactions/new/", interaction_form(org.cust_a)
    )

    assert response.status_code == 302
    org.cust_a.refresh_from_db()
    assert org.cust_a.version == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"topic": ""}, "topic", "这个字段是必填项。"),
        ({"item1_title": "发送报价单"}, "item1_due", None),
        ({"item2_due": "2026-11-30"}, "item2_title", None),
        ({"next_contact_on": "2026-11-01"}, "next_contact_on", None),
        ({"occurred_at": "2026-12-24T09:30"}, "occurred_at", None),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_given_bad_interaction_when_logging_then_error_at_the_field_and_nothing_saved(
    org, login, overrides, field, message
):
    response = login(org.rep_a).post(
        f"/customers/{org.cust_a.pk}/interactions/new/", interaction_form(org.cust_a, **overrides)
    )

    block = field_block(response.content.decode(), f"id_{field}")
    assert response.status_code == 200
    assert 'class="error"' in block
    if message:
        assert message in block
    assert not Interaction.all_objects.exists()
    assert not Task.all_objects.exists()


def test_given_contact_of_another_customer_when_logging_then_refused(org, login):
    stranger = ContactFactory(customer=org.cust_c)

    response = login(org.director).post(
        f"/customers/{org.cust_a.pk}/interactions/new/", interaction_form(org.cust_a, contacts=[stranger.pk])
    )

    assert response.status_code == 200
    assert not Interaction.all_objects.exists()


@pytest.fixture
def my_tasks(org):
    return {
        "overdue": TaskFactory(
            owner=org.rep_a, customer=org.cust_a, title="逾期回访", due_on=TODAY - datetime.timedelta(days=2)
        ),
        "today": TaskFactory(owner=org.rep_a, customer=org.cust_a, title="今天发报价", due_on=TODAY),
        "later": TaskFactory(owner=org.rep_a, title="下周拜访", due_on=TODAY + datetime.timedelta(days=5)),
        "done": TaskFactory(owner=org.rep_a, title="已完成的事", due_on=TODAY, status=TaskStatus.DONE),
    }


def section(html: str, key: str) -> str:
    start = html.index(f'class="task-group task-group-{key}"')
    end = html.find('<section class="task-group', start + 1)
    return html[start:] if end == -1 else html[start:end]


@time_machine.travel(NOW, tick=False)
def test_given_open_tasks_when_opening_my_tasks_then_grouped_by_urgency(org, login, my_tasks):
    html = login(org.rep_a).get("/tasks/").content.decode()

    assert "逾期回访" in section(html, "overdue")
    assert "今天发报价" in section(html, "today")
    assert "下周拜访" in section(html, "later")
    assert "已完成的事" not in html
    assert '<span id="nav-task-count" class="badge" title=' in html
    assert ">3</span>" in html


@time_machine.travel(NOW, tick=False)
def test_given_task_when_completed_with_result_then_done(org, login, my_tasks):
    task = my_tasks["today"]

    response = login(org.rep_a).post(f"/tasks/{task.pk}/complete/", {"result": "报价已发出", "version": 1})

    assert response.status_code == 302
    assert response["Location"] == "/tasks/"
    task.refresh_from_db()
    assert (task.status, task.result, task.version) == (TaskStatus.DONE, "报价已发出", 2)


@time_machine.travel(NOW, tick=False)
def test_given_htmx_complete_then_groups_fragment_with_updated_badge(org, login, my_tasks):
    task = my_tasks["today"]

    response = login(org.rep_a).post(
        f"/tasks/{task.pk}/complete/",
        {"result": "", "version": 1},
        headers={"HX-Request": "true", "HX-Target": "task-groups"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "今天发报价" not in section(html, "today")
    assert '<span id="nav-task-count" class="badge" hx-swap-oob="true"' in html
    assert ">2</span>" in html


@time_machine.travel(NOW, tick=False)
def test_given_task_when_snoozed_then_due_later_and_in_later_group(org, login, my_tasks):
    task = my_tasks["overdue"]
    client = login(org.rep_a)

    response = client.post(f"/tasks/{task.pk}/snooze/", {"until": "2026-11-28", "version": 1})

    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.due_on) == (TaskStatus.SNOOZED, datetime.date(2026, 11, 28))
    assert "逾期回访" in section(client.get("/tasks/").content.decode(), "later")


@time_machine.travel(NOW, tick=False)
def test_given_snooze_to_today_or_stale_version_then_refused_with_message(org, login, my_tasks):
    task = my_tasks["overdue"]
    client = login(org.rep_a)

    past = client.post(f"/tasks/{task.pk}/snooze/", {"until": "2026-11-24", "version": 1}, follow=True)
    stale = client.post(f"/tasks/{task.pk}/complete/", {"result": "x", "version": 7}, follow=True)

    assert 'class="message message-error"' in past.content.decode()
    assert 'class="message message-error"' in stale.content.decode()
    task.refresh_from_db()
    assert (task.status, task.due_on, task.version) == (
        TaskStatus.OPEN,
        TODAY - datetime.timedelta(days=2),
        1,
    )
