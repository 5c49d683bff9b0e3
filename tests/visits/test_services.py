import datetime
import zoneinfo

import pytest
import time_machine

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from guanxi.engagement.models import (
    Channel,
    Interaction,
    Notification,
    NotificationKind,
    Task,
    TaskKind,
    TaskStatus,
)
from guanxi.visits import jobs, selectors, services
from guanxi.visits.models import Achieved, ItemStatus, PlanEvent, PlanStatus, VisitReport
from tests.factories import ContactFactory

from .factories import approved_plan, build_plan, item_data, items

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
APRIL = datetime.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def march(db):
    with time_machine.travel(datetime.datetime(2026, 3, 20, 10, 0, tzinfo=TZ), tick=False) as traveller:
        yield traveller


def report_data(visited_at, **extra):
    data = {"visited_at": visited_at, "result": "客户同意试用", "achieved": Achieved.YES}
    data.update(extra)
    return data


# --- state machine ------------------------------------------------------------------------------------


def test_full_flow_draft_submit_return_resubmit_approve(org):
    plan = build_plan(org.rep_a, org.cust_a, APRIL, days=(3, 10, 17))
    assert plan.status == PlanStatus.DRAFT
    plan = services.plan_submit(actor=org.rep_a, plan=plan)
    assert plan.status == PlanStatus.SUBMITTED and plan.submitted_at
    note = Notification.objects.get(user=org.mgr_1, kind=NotificationKind.VISIT_PLAN)
    assert "rep_a" in note.title or str(org.rep_a) in note.title

    plan = services.plan_return(actor=org.mgr_1, plan=plan, comment="17号改去拜访采购部")
    assert plan.status == PlanStatus.RETURNED
    assert Notification.objects.filter(user=org.rep_a, kind=NotificationKind.VISIT_PLAN).count() == 1
    assert plan.events.filter(action=PlanEvent.Action.RETURNED, comment="17号改去拜访采购部").exists()

    first = items(plan)[0]
    services.item_update(
        actor=org.rep_a, item=first, data={"objective": "了解竞品价格"}, expected_version=first.version
    )
    plan = services.plan_submit(actor=org.rep_a, plan=plan)
    plan = services.plan_approve(actor=org.mgr_1, plan=plan)
    assert plan.status == PlanStatus.APPROVED and plan.decided_by == org.mgr_1
    visit_tasks = Task.objects.filter(owner=org.rep_a, kind=TaskKind.VISIT)
    assert sorted(t.due_on.day for t in visit_tasks) == [3, 10, 17]
    assert all(t.customer_id == org.cust_a.pk for t in visit_tasks)
    assert [e.action for e in plan.events.all()] == [
        "created",
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]


def test_return_needs_a_comment(org):
    plan = services.plan_submit(actor=org.rep_a, plan=build_plan(org.rep_a, org.cust_a, APRIL))
    with pytest.raises(ValidationFailed) as caught:
        services.plan_return(actor=org.mgr_1, plan=plan, comment="   ")
    assert "comment" in caught.value.details
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_submit_needs_an_item(org):
    plan = services.plan_create(actor=org.rep_a, month=APRIL)
    with pytest.raises(ValidationFailed) as caught:
        services.plan_submit(actor=org.rep_a, plan=plan)
    assert caught.value.code == "plan_empty"


@pytest.mark.parametrize("decider", ["rep_a", "rep_b", "mgr_2"])
def test_only_the_reps_manager_or_director_decides(org, decider):
    plan = services.plan_submit(actor=org.rep_a, plan=build_plan(org.rep_a, org.cust_a, APRIL))
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=org.user(decider), plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_return(actor=org.user(decider), plan=plan, comment="x")


def test_director_may_approve(org):
    plan = services.plan_submit(actor=org.rep_a, plan=build_plan(org.rep_a, org.cust_a, APRIL))
    assert services.plan_approve(actor=org.director, plan=plan).status == PlanStatus.APPROVED


def test_refused_transitions(org):
    plan = build_plan(org.rep_a, org.cust_a, APRIL)
    with pytest.raises(ValidationFailed):  # a draft cannot be approved
        services.plan_approve(actor=org.mgr_1, plan=plan)
    plan = services.plan_submit(actor=org.rep_a, plan=plan)
    with pytest.raises(ValidationFailed):  # submitted twice
        services.plan_submit(actor=org.rep_a, plan=plan)
    with pytest.raises(ValidationFailed):  # no edits while with the manager
        services.item_add(
            actor=org.rep_a, plan=plan, customer=org.cust_a, data=item_data(APRIL.replace(day=9))
        )
    plan = services.plan_approve(actor=org.mgr_1, plan=plan)
    with pytest.raises(ValidationFailed):
        services.plan_return(actor=org.mgr_1, plan=plan, comment="太晚了")
    item = items(plan)[0]
    with pytest.raises(ValidationFailed):
        services.item_update(
            actor=org.rep_a, item=item, data={"objective": "x"}, expected_version=item.version
        )
    with pytest.raises(ValidationFailed):
        services.item_remove(actor=org.rep_a, item=item, expected_version=item.version)
    plan = services.plan_close(actor=org.mgr_1, plan=plan)
    assert plan.status == PlanStatus.CLOSED
    with pytest.raises(ValidationFailed):
        services.plan_close(actor=org.mgr_1, plan=plan)


def test_stale_item_edit_is_refused(org):
    plan = build_plan(org.rep_a, org.cust_a, APRIL)
    item = items(plan)[0]
    services.item_update(
        actor=org.rep_a, item=item, data={"objective": "第一次"}, expected_version=item.version
    )
    with pytest.raises(VersionConflict):
        services.item_update(actor=org.rep_a, item=item, data={"objective": "第二次"}, expected_version=1)


def test_one_plan_per_month_and_no_past_month(org):
    services.plan_create(actor=org.rep_a, month=APRIL)
    with pytest.raises(ValidationFailed) as caught:
        services.plan_create(actor=org.rep_a, month=APRIL.replace(day=15))
    assert caught.value.code == "plan_exists"
    with pytest.raises(ValidationFailed):
        services.plan_create(actor=org.rep_a, month=datetime.date(2026, 2, 1))
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=org.archivist, month=APRIL)


def test_items_only_for_visible_customers_contacts_and_dates_in_month(org):
    plan = services.plan_create(actor=org.rep_a, month=APRIL)
    with pytest.raises(ValidationFailed) as caught:
        services.item_add(actor=org.rep_a, plan=plan, customer=org.cust_c, data=item_data(APRIL))
    assert "customer" in caught.value.details
    stranger = ContactFactory(customer=org.cust_c)
    with pytest.raises(ValidationFailed) as caught:
        services.item_add(
            actor=org.rep_a, plan=plan, customer=org.cust_a, data=item_data(APRIL), contacts=[stranger]
        )
    assert "contacts" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:
        services.item_add(
            actor=org.rep_a, plan=plan, customer=org.cust_a, data=item_data(datetime.date(2026, 5, 2))
        )
    assert "planned_date" in caught.value.details
    with pytest.raises(PermissionDenied):
        services.item_add(actor=org.rep_b, plan=plan, customer=org.cust_a, data=item_data(APRIL))


# --- visibility ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "sees"),
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
def test_plan_visibility(org, viewer, sees):
    plan = build_plan(org.rep_a, org.cust_a, APRIL)
    user = org.user(viewer)
    assert selectors.plan_list(user=user).filter(pk=plan.pk).exists() is sees
    if sees:
        assert selectors.plan_get(user=user, plan_id=plan.pk) == plan
    else:
        with pytest.raises(NotFound):
            selectors.plan_get(user=user, plan_id=plan.pk)


def test_queue_lists_submitted_plans_of_the_team(org):
    mine = services.plan_submit(actor=org.rep_a, plan=build_plan(org.rep_a, org.cust_a, APRIL))
    services.plan_submit(actor=org.rep_c, plan=build_plan(org.rep_c, org.cust_c, APRIL))
    assert list(selectors.plans_to_decide(user=org.mgr_1)) == [mine]
    assert selectors.plans_to_decide(user=org.director).count() == 2
    assert not selectors.plans_to_decide(user=org.rep_a).exists()


# --- reports -------------------------------------------------------------------------------------------


def test_report_logs_interaction_tasks_once_and_completes_visit(org, march):
    contact = ContactFactory(customer=org.cust_a)
    plan = approved_plan(org.rep_a, org.mgr_1, org.cust_a, APRIL, days=(3, 10), contacts=[contact])
    item = items(plan)[0]
    march.move_to(datetime.datetime(2026, 4, 3, 18, 0, tzinfo=TZ))
    visited = datetime.datetime(2026, 4, 3, 15, 0, tzinfo=TZ)
    report = services.report_file(
        actor=org.rep_a,
        item=item,
        data=report_data(visited, achieved=Achieved.PARTLY, why_not="决策人出差"),
        commitments=[services.Commitment("寄送报价单", datetime.date(2026, 4, 6))],
    )
    assert report.on_time is True
    interaction = report.interaction
    assert interaction.channel == Channel.FACE_TO_FACE and interaction.customer_id == org.cust_a.pk
    assert list(interaction.contacts.all()) == [contact]
    assert interaction.content == "客户同意试用"
    assert Interaction.objects.filter(customer=org.cust_a).count() == 1
    commitment = Task.objects.get(kind=TaskKind.COMMITMENT)
    assert commitment.title == "寄送报价单" and commitment.owner == org.rep_a
    visit_task = Task.objects.get(dedupe_key=f"visit:{item.pk}")
    assert visit_task.status == TaskStatus.DONE
    item.refresh_from_db()
    plan.refresh_from_db()
    assert item.status == ItemStatus.DONE and plan.status == PlanStatus.IN_PROGRESS
    with pytest.raises(ValidationFailed):
        services.report_file(actor=org.rep_a, item=item, data=report_data(visited))
    assert Interaction.objects.count() == 1 and Task.objects.filter(kind=TaskKind.COMMITMENT).count() == 1
    assert VisitReport.objects.count() == 1


def test_report_after_24_hours_is_late(org, march):
    plan = approved_plan(org.rep_a, org.mgr_1, org.cust_a, APRIL)
    march.move_to(datetime.datetime(2026, 4, 6, 16, 0, tzinfo=TZ))
    visited = datetime.datetime(2026, 4, 5, 15, 0, tzinfo=TZ)
    report = services.report_file(actor=org.rep_a, item=items(plan)[0], data=report_data(visited))
    assert report.on_time is False
    counts = selectors.visit_counts_by_owner(start=APRIL, end=datetime.date(2026, 4, 30))
    assert counts[org.rep_a.pk] == selectors.VisitCounts(
        planned=1, done=1, reported_on_time=0, reported_late=1
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"result": ""}, "result"),
        ({"achieved": "maybe"}, "achieved"),
        ({"achieved": Achieved.NO, "why_not": ""}, "why_not"),
        ({"visited_at": None}, "visited_at"),
        ({"visited_at": datetime.datetime(2026, 4, 9, 9, 0, tzinfo=TZ)}, "visited_at"),
    ],
)
def test_report_bad_input(org, march, data, field):
    plan = approved_plan(org.rep_a, org.mgr_1, org.cust_a, APRIL)
    march.move_to(datetime.datetime(2026, 4, 5, 18, 0, tzinfo=TZ))
    base = report_data(datetime.datetime(2026, 4, 5, 15, 0, tzinfo=TZ))
    base.update(data)
    with pytest.raises(ValidationFailed) as caught:
        services.report_file(actor=org.rep_a, item=items(plan)[0], data=base)
    assert field in caught.value.details
    assert not Interaction.objects.exists()


def test_only_owner_reports_and_only_approved_plans(org, march):
    draft = build_plan(org.rep_a, org.cust_a, APRIL)
    march.move_to(datetime.datetime(2026, 4, 5, 18, 0, tzinfo=TZ))
    visited = datetime.datetime(2026, 4, 5, 15, 0, tzinfo=TZ)
    with pytest.raises(ValidationFailed):
        services.report_file(actor=org.rep_a, item=items(draft)[0], data=report_data(visited))
    with pytest.raises(PermissionDenied):
        services.report_file(actor=org.mgr_1, item=items(draft)[0], data=report_data(visited))


def test_visit_counts_by_owner(org):
    approved_plan(org.rep_a, org.mgr_1, org.cust_a, APRIL, days=(3, 10, 17))
    build_plan(org.rep_c, org.cust_c, APRIL, days=(4,))  # a draft does not count
    counts = selectors.visit_counts_by_owner(start=APRIL, end=datetime.date(2026, 4, 10))
    assert counts == {
        org.rep_a.pk: selectors.VisitCounts(planned=2, done=0, reported_on_time=0, reported_late=0)
    }
    narrowed = selectors.visit_counts_by_owner(
        start=APRIL, end=datetime.date(2026, 4, 10), owner_ids=[org.rep_b.pk, org.rep_c.pk]
    )
    assert narrowed == {}


# --- jobs -----------------------------------------------------------------------------------------------


def test_plan_reminders_from_the_25th_once(org, march):
    assert jobs.visit_plan_reminders(day=datetime.date(2026, 3, 20)) == {"reminded": 0}
    services.plan_submit(actor=org.rep_a, plan=build_plan(org.rep_a, org.cust_a, APRIL))
    first = jobs.visit_plan_reminders(day=datetime.date(2026, 3, 25))
    second = jobs.visit_plan_reminders(day=datetime.date(2026, 3, 26))
    assert first == {"reminded": 2} and second == {"reminded": 0}  # rep_b and rep_c
    reminded = set(
        Notification.objects.filter(kind=NotificationKind.VISIT_PLAN, user__role="rep")
        .exclude(user=org.rep_a)
        .values_list("user__username", flat=True)
    )
    assert reminded == {"rep_b", "rep_c"}


def test_late_reports_flagged_once(org, march):
    plan = approved_plan(org.rep_a, org.mgr_1, org.cust_a, APRIL, days=(3, 20))
    assert jobs.visit_reports_late(day=datetime.date(2026, 4, 4)) == {"flagged": 0}  # within the day after
    assert jobs.visit_reports_late(day=datetime.date(2026, 4, 5)) == {"flagged": 1}
    assert jobs.visit_reports_late(day=datetime.date(2026, 4, 5)) == {"flagged": 0}
    assert Notification.objects.filter(user=org.rep_a, kind=NotificationKind.VISIT_REPORT).count() == 1
    now = datetime.datetime(2026, 4, 5, 9, 0, tzinfo=TZ)
    late = selectors.late_items(user=org.mgr_1, month=APRIL, now=now)
    assert [i.pk for i in late] == [items(plan)[0].pk]
    assert not selectors.late_items(user=org.mgr_2, month=APRIL, now=now).exists()
    rows = {r.rep.username: r for r in selectors.compliance(user=org.mgr_1, month=APRIL, now=now)}
    assert set(rows) == {"rep_a", "rep_b"} and rows["rep_a"].missing == 1 and rows["rep_a"].planned == 2


def test_finished_plans_close(org, march):
    plan = approved_plan(org.rep_a, org.mgr_1, org.cust_a, APRIL)
    assert jobs.visit_plans_close(day=datetime.date(2026, 5, 3)) == {"closed": 0}
    assert jobs.visit_plans_close(day=datetime.date(2026, 5, 9)) == {"closed": 1}
    assert jobs.visit_plans_close(day=datetime.date(2026, 5, 9)) == {"closed": 0}
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    assert Task.objects.get(kind=TaskKind.VISIT).status == TaskStatus.CANCELLED
