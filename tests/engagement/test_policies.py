"""The contact-frequency policy: overdue follow-ups, escalations, the policy's settings, team counts."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.engagement.jobs import contact_policy_check
from guanxi.engagement.models import Notification, RelationshipPolicy, Task
from guanxi.engagement.policies import (
    days_without_contact,
    overdue_counts_by_owner,
    overdue_counts_by_team,
    overdue_customers,
    relationship_policy,
    relationship_policy_update,
)
from guanxi.engagement.services import interaction_log
from guanxi.governance.models import AuditEvent

from ..factories import CustomerFactory, InteractionFactory, UserFactory

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
DAY = datetime.date(2026, 11, 24)
NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


def at(days_ago: int, hour: int = 15) -> datetime.datetime:
    """A moment ``days_ago`` calendar days before DAY, Shanghai time."""
    return datetime.datetime.combine(
        DAY - datetime.timedelta(days=days_ago), datetime.time(hour), tzinfo=SHANGHAI
    )


def customer(owner, grade="A", created_days_ago=400, **fields):
    return CustomerFactory(owner=owner, grade=grade, created_at=at(created_days_ago), **fields)


def contacted(cust, days_ago: int, *, non_sales: bool = False, hour: int = 15):
    return InteractionFactory(
        customer=cust, occurred_at=at(days_ago, hour), is_non_sales=non_sales, created_by=cust.owner
    )


def policy_tasks(prefix: str) -> list[tuple[str, int, datetime.date]]:
    return sorted(
        Task.objects.filter(dedupe_key__startswith=prefix).values_list(
            "owner__username", "customer_id", "due_on"
        )
    )


@pytest.mark.parametrize(
    ("grade", "days_ago", "is_overdue", "is_escalated"),
    [
        ("A", 14, False, False),
        ("A", 15, True, False),
        ("A", 28, True, False),
        ("A", 29, True, True),
        ("B", 30, False, False),
        ("B", 31, True, False),
        ("C", 90, False, False),
        ("C", 91, True, False),
        ("C", 181, True, True),
        ("", 400, False, False),  # ungraded without an override: not tracked
    ],
)
@time_machine.travel(NOW, tick=False)
def test_given_last_contact_days_ago_then_overdue_and_escalated_by_the_grade_interval(
    org, grade, days_ago, is_overdue, is_escalated
):
    given = customer(org.rep_a, grade=grade)
    contacted(given, days_ago, hour=23)  # late in the evening still counts as that calendar day

    rows = list(overdue_customers(user=org.rep_a, day=DAY))

    assert [(c.pk, c.is_escalated) for c in rows] == ([(given.pk, is_escalated)] if is_overdue else [])
    if rows:
        assert days_without_contact(rows[0].clock_from, DAY) == days_ago


@time_machine.travel(NOW, tick=False)
def test_given_overdue_customers_when_the_job_runs_then_owner_gets_a_follow_up_and_manager_an_escalation(org):
    overdue = customer(org.rep_a, grade="A", name="宁波港务")
    contacted(overdue, 20)
    slipping = customer(org.rep_a, grade="B", name="杭州钢铁")
    contacted(slipping, 61)
    fine = customer(org.rep_a, grade="A")
    contacted(fine, 3)

    result = contact_policy_check(day=DAY)

    assert result == {
        "overdue": 2,
        "escalated": 1,
        "tasks_created": 2,
        "escalations_created": 1,
        "tasks_closed": 0,
    }
    assert policy_tasks("policy:overdue") == sorted([("rep_a", overdue.pk, DAY), ("rep_a", slipping.pk, DAY)])
    assert policy_tasks("policy:escalate") == [("mgr_1", slipping.pk, DAY)]
    follow_up = Task.objects.get(dedupe_key__startswith="policy:overdue", customer=overdue)
    assert (follow_up.kind, follow_up.title, follow_up.dedupe_key) == (
        "follow_up",
        "跟进宁波港务：已 20 天未联系（每 14 天联系一次）",
        f"policy:overdue:{overdue.pk}:2026-11-04",
    )
    assert sorted(Notification.objects.values_list("user__username", "kind", "title")) == [
        ("mgr_1", "escalation", "团队中有 1 位客户已超出联系周期两倍以上"),
        ("rep_a", "new_follow_ups", "2 位客户已超出联系周期"),
    ]
    assert Notification.objects.get(user=org.rep_a).link_url == reverse("web:task_list")
    audit = AuditEvent.objects.get(action="generate", object_id="contact_policy:2026-11-24")
    assert dict(audit.changes.values_list("field", "new_value"))["tasks_created"] == "2"


@time_machine.travel(NOW, tick=False)
def test_given_the_job_ran_when_it_runs_again_on_later_days_then_one_task_per_lapse(org):
    given = customer(org.rep_a, grade="A")
    contacted(given, 20)

    contact_policy_check(day=DAY)
    contact_policy_check(day=DAY)
    contact_policy_check(day=DAY + datetime.timedelta(days=1))

    assert Task.objects.filter(dedupe_key__startswith="policy:").count() == 1
    assert Notification.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_given_an_overdue_task_when_a_contact_is_logged_then_the_next_run_closes_it_and_adds_none(org):
    given = customer(org.rep_a, grade="A")
    contacted(given, 20)
    contact_policy_check(day=DAY)

    interaction_log(actor=org.rep_a, customer=given, data={"channel": "phone", "topic": "季度回访"})
    result = contact_policy_check(day=DAY)

    task = Task.objects.get(dedupe_key__startswith="policy:overdue")
    assert (task.status, task.result, task.version) == (
        "done",
        "已自动关闭：该客户已不再超出联系周期。",
        2,
    )
    assert (result["overdue"], result["tasks_created"], result["tasks_closed"]) == (0, 0, 1)


@pytest.mark.parametrize(("greetings_count", "is_overdue"), [(True, False), (False, True)])
@time_machine.travel(NOW, tick=False)
def test_given_a_recent_greeting_then_it_resets_the_clock_only_when_the_policy_counts_greetings(
    org, greetings_count, is_overdue
):
    given = customer(org.rep_a, grade="A")
    contacted(given, 20)
    contacted(given, 2, non_sales=True)
    relationship_policy_update(
        actor=org.director, data={"non_sales_counts": greetings_count}, expected_version=None
    )

    rows = list(overdue_customers(user=org.rep_a, day=DAY))

    assert [c.pk for c in rows] == ([given.pk] if is_overdue else [])
    if is_overdue:
        assert days_without_contact(rows[0].clock_from, DAY) == 20


@time_machine.travel(NOW, tick=False)
def test_given_a_per_customer_interval_then_it_overrides_the_grade(org):
    tighter = customer(org.rep_a, grade="C", contact_interval_days=7)
    contacted(tighter, 8)
    looser = customer(org.rep_a, grade="A", contact_interval_days=60)
    contacted(looser, 40)
    ungraded = customer(org.rep_a, grade="", contact_interval_days=10)
    contacted(ungraded, 21)

    rows = {c.pk: (c.interval_days, c.is_escalated) for c in overdue_customers(user=org.rep_a, day=DAY)}

    assert rows == {tighter.pk: (7, False), ungraded.pk: (10, True)}


@time_machine.travel(NOW, tick=False)
def test_given_a_customer_never_contacted_then_the_clock_runs_from_its_creation(org):
    new = customer(org.rep_a, grade="A", created_days_ago=15)
    newer = customer(org.rep_a, grade="A", created_days_ago=14)

    assert [c.pk for c in overdue_customers(user=org.rep_a, day=DAY)] == [new.pk]
    assert newer.pk not in [c.pk for c in overdue_customers(user=org.rep_a, day=DAY)]


@time_machine.travel(NOW, tick=False)
def test_given_churned_customers_or_inactive_owners_then_no_tasks(org):
    churned = customer(org.rep_a, grade="A", status="churned")
    contacted(churned, 100)
    gone = UserFactory(username="gone", team=org.team_1, is_active=False)
    orphan = customer(gone, grade="A")
    contacted(orphan, 100)

    result = contact_policy_check(day=DAY)

    assert (result["overdue"], Task.objects.count()) == (0, 0)


@time_machine.travel(NOW, tick=False)
def test_given_a_manager_owns_the_customer_then_the_escalation_goes_up_to_the_parent_team_manager(org):
    root = org.team_1.parent
    root.manager = org.director
    root.save()
    own = customer(org.mgr_1, grade="A")
    contacted(own, 40)

    contact_policy_check(day=DAY)

    assert policy_tasks("policy:escalate") == [("director", own.pk, DAY)]


# --- the policy's settings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("rep_a", False), ("archivist", False), ("mgr_1", True), ("director", True), ("sysadmin", True)],
)
def test_policy_changes_are_for_managers_and_administrators(org, role, allowed):
    actor = org.user(role)
    before = relationship_policy()

    if allowed:
        changed = relationship_policy_update(
            actor=actor, data={"interval_a_days": 10, "festival_grades": "a"}, expected_version=1
        )
        assert (changed.interval_a_days, changed.festival_grades, changed.version) == (10, "A", 2)
    else:
        with pytest.raises(PermissionDenied):
            relationship_policy_update(actor=actor, data={"interval_a_days": 10}, expected_version=1)
        after = RelationshipPolicy.objects.get()
        assert (after.interval_a_days, after.version) == (before.interval_a_days, 1)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"interval_b_days": 0}, "interval_b_days"),
        ({"birthday_lead_days": 61}, "birthday_lead_days"),
        ({"festival_grades": "ABD"}, "festival_grades"),
        ({"owner": 1}, "owner"),
    ],
)
def test_given_bad_policy_values_then_refused_and_unchanged(org, data, field):
    with pytest.raises(ValidationFailed) as caught:
        relationship_policy_update(actor=org.mgr_1, data=data, expected_version=None)

    assert field in caught.value.details
    policy = relationship_policy()
    assert (policy.interval_b_days, policy.birthday_lead_days, policy.festival_grades, policy.version) == (
        30,
        3,
        "AB",
        1,
    )


# --- team follow-up selectors ------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_team_counts_per_rep_and_team_follow_the_visibility_scope(org):
    for days in (20, 40):
        contacted(customer(org.rep_a, grade="A"), days)
    contacted(customer(org.rep_b, grade="A"), 16)
    contacted(customer(org.rep_c, grade="A"), 50)

    by_owner = {
        name: [
            (r["owner__username"], r["overdue"], r["escalated"])
            for r in overdue_counts_by_owner(user=org.user(name), day=DAY)
        ]
        for name in ("rep_a", "rep_b", "mgr_1", "mgr_2", "director", "sysadmin")
    }
    by_team = [
        (r["team_name"], r["overdue"], r["escalated"])
        for r in overdue_counts_by_team(user=org.director, day=DAY)
    ]

    assert by_owner == {
        "rep_a": [("rep_a", 2, 1)],
        "rep_b": [("rep_b", 1, 0)],
        "mgr_1": [("rep_a", 2, 1), ("rep_b", 1, 0)],
        "mgr_2": [("rep_c", 1, 1)],
        "director": [("rep_a", 2, 1), ("rep_b", 1, 0), ("rep_c", 1, 1)],
        "sysadmin": [],
    }
    assert by_team == [("华东组", 3, 1), ("华南组", 1, 1)]
    assert list(overdue_customers(user=org.rep_b, day=DAY, owner_id=org.rep_a.pk)) == []


@pytest.mark.parametrize("size", [5, 50])
@time_machine.travel(NOW, tick=False)
def test_team_selectors_run_a_fixed_number_of_queries_whatever_the_data(
    org, size, django_assert_max_num_queries
):
    relationship_policy()
    for index in range(size):
        owner = org.rep_a if index % 2 else org.rep_b
        cust = customer(owner, grade="AB"[index % 2])
        contacted(cust, 40)
        contacted(cust, 35, non_sales=True)

    with django_assert_max_num_queries(3):
        by_owner = overdue_counts_by_owner(user=org.mgr_1, day=DAY)
    with django_assert_max_num_queries(3):
        by_team = overdue_counts_by_team(user=org.mgr_1, day=DAY)
    with django_assert_max_num_queries(3):
        rows = [(c.owner.username, c.is_escalated) for c in overdue_customers(user=org.mgr_1, day=DAY)]

    assert sum(r["overdue"] for r in by_owner) == size
    assert by_team[0]["overdue"] == size
    assert len(rows) == size


@time_machine.travel(NOW + datetime.timedelta(days=10), tick=False)
def test_given_a_run_for_a_past_day_then_later_contacts_do_not_count(org):
    given = customer(org.rep_a, grade="A")
    contacted(given, 20)
    contacted(given, -5)  # five days after DAY

    assert [c.pk for c in overdue_customers(user=org.rep_a, day=DAY)] == [given.pk]
    assert list(overdue_customers(user=org.rep_a, day=DAY + datetime.timedelta(days=10))) == []
