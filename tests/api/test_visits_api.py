"""The visit plan endpoints: build, act, report, compliance; visibility identical to the web."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.engagement.models import Channel, Interaction, Task, TaskKind
from guanxi.visits import services
from guanxi.visits.models import PlanStatus, VisitPlanItem
from tests.factories import ContactFactory, CustomerFactory, UserFactory
from tests.visits.factories import approved_plan, build_plan, items

from .support import API, if_match

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
APRIL = datetime.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def march(db):
    with time_machine.travel(datetime.datetime(2026, 3, 20, 10, 0, tzinfo=TZ), tick=False) as traveller:
        yield traveller


def item_body(org, **extra):
    body = {
        "customer_id": org.cust_a.pk,
        "planned_date": "2026-04-07",
        "purpose": "new_project",
        "target_type": "existing",
        "objective": "介绍新产品线",
        "expense_estimate": "120.50",
    }
    body.update(extra)
    return body


def test_build_submit_return_approve_through_the_api(org, as_role):
    contact = ContactFactory(customer=org.cust_a)
    rep = as_role("rep_a")
    created = rep.post(f"{API}/visit-plans", {"month": "2026-04-15"}, content_type="application/json")
    assert created.status_code == 201, created.content
    plan_id = created.json()["id"]
    assert created.json()["month"] == "2026-04-01" and created.json()["status"] == "draft"
    item = rep.post(
        f"{API}/visit-plans/{plan_id}/items",
        item_body(org, contact_ids=[contact.pk]),
        content_type="application/json",
    )
    assert item.status_code == 201, item.content
    assert item.json()["contact_ids"] == [contact.pk]
    submitted = rep.post(f"{API}/visit-plans/{plan_id}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    manager = as_role("mgr_1")
    no_comment = manager.post(
        f"{API}/visit-plans/{plan_id}/return", {"comment": ""}, content_type="application/json"
    )
    assert no_comment.status_code == 422 and "comment" in no_comment.json()["details"]
    returned = manager.post(
        f"{API}/visit-plans/{plan_id}/return", {"comment": "日期太集中"}, content_type="application/json"
    )
    assert returned.json()["status"] == "returned"
    assert returned.json()["events"][-1]["comment"] == "日期太集中"
    item_id = item.json()["id"]
    stale = rep.patch(
        f"{API}/visit-items/{item_id}",
        {"planned_date": "2026-04-14"},
        content_type="application/json",
        headers=if_match(99),
    )
    assert stale.status_code == 412
    moved = rep.patch(
        f"{API}/visit-items/{item_id}",
        {"planned_date": "2026-04-14"},
        content_type="application/json",
        headers=if_match(item.json()["version"]),
    )
    assert moved.status_code == 200 and moved.json()["planned_date"] == "2026-04-14"
    rep.post(f"{API}/visit-plans/{plan_id}/submit")
    approved = manager.post(f"{API}/visit-plans/{plan_id}/approve", {}, content_type="application/json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert (
        Task.objects.filter(kind=TaskKind.VISIT, owner=org.rep_a, due_on=datetime.date(2026, 4, 14)).count()
        == 1
    )


def test_item_needs_if_match_and_extra_fields_refused(org, as_role):
    plan = build_plan(org.rep_a, org.cust_a, APRIL)
    item = items(plan)[0]
    rep = as_role("rep_a")
    assert (
        rep.patch(
            f"{API}/visit-items/{item.pk}", {"objective": "x"}, content_type="application/json"
        ).status_code
        == 428
    )
    extra = rep.post(
        f"{API}/visit-plans/{plan.pk}/items", item_body(org, status="done"), content_type="application/json"
    )
    assert extra.status_code == 400
    bad = rep.post(
        f"{API}/visit-plans/{plan.pk}/items", item_body(org, purpose="lunch"), content_type="application/json"
    )
    assert bad.status_code == 422 and "purpose" in bad.json()["details"]
    hidden = rep.post(
        f"{API}/visit-plans/{plan.pk}/items",
        item_body(org, customer_id=org.cust_c.pk),
        content_type="application/json",
    )
    assert hidden.status_code == 422 and "customer_id" in hidden.json()["details"]
    deleted = rep.delete(f"{API}/visit-items/{item.pk}", headers=if_match(item.version))
    assert deleted.status_code == 204 and not VisitPlanItem.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("rep_a", True),
        ("rep_b", False),
        ("rep_c", False),
        ("mgr_1", True),
        ("mgr_2", False),
        ("director", True),
        ("sysadmin", False),
    ],
)
def test_visibility(org, as_role, role, sees):
    plan = build_plan(org.rep_a, org.cust_a, APRIL)
    item = items(plan)[0]
    client = as_role(role)
    assert client.get(f"{API}/visit-plans/{plan.pk}").status_code == (200 if sees else 404)
    assert client.get(f"{API}/visit-items/{item.pk}").status_code == (200 if sees else 404)
    listed = [p["id"] for p in client.get(f"{API}/visit-plans").json()["items"]]
    assert (plan.pk in listed) is sees


def test_other_team_manager_cannot_act(org, as_role):
    plan = services.plan_submit(actor=org.rep_a, plan=build_plan(org.rep_a, org.cust_a, APRIL))
    assert (
        as_role("mgr_2")
        .post(f"{API}/visit-plans/{plan.pk}/approve", {}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        as_role("rep_a")
        .post(f"{API}/visit-plans/{plan.pk}/approve", {}, content_type="application/json")
        .status_code
        == 403
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_report_through_the_api_logs_interaction_once(org, as_role, march):
    plan = approved_plan(org.rep_a, org.mgr_1, org.cust_a, APRIL)
    item = items(plan)[0]
    march.move_to(datetime.datetime(2026, 4, 5, 18, 0, tzinfo=TZ))
    rep = as_role("rep_a")
    body = {
        "visited_at": "2026-04-05T14:00:00+08:00",
        "result": "达成合作意向",
        "achieved": "no",
        "why_not": "",
        "commitments": [{"title": "发送方案", "due_on": "2026-04-08"}],
    }
    refused = rep.post(f"{API}/visit-items/{item.pk}/report", body, content_type="application/json")
    assert refused.status_code == 422 and "why_not" in refused.json()["details"]
    body["why_not"] = "对方负责人临时缺席"
    headers = {"idempotency-key": "0b8e4c43-3ad5-4f51-9b3d-7a8a2a0f0a11"}
    first = rep.post(
        f"{API}/visit-items/{item.pk}/report", body, content_type="application/json", headers=headers
    )
    again = rep.post(
        f"{API}/visit-items/{item.pk}/report", body, content_type="application/json", headers=headers
    )
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["on_time"] is True
    assert Interaction.objects.filter(channel=Channel.FACE_TO_FACE).count() == 1
    assert Task.objects.filter(kind=TaskKind.COMMITMENT).count() == 1
    assert rep.get(f"{API}/visit-items/{item.pk}/report").json()["achieved"] == "no"
    assert as_role("rep_c").get(f"{API}/visit-items/{item.pk}/report").status_code == 404
    manager_report = as_role("mgr_1").post(
        f"{API}/visit-items/{items(plan)[0].pk}/report", body, content_type="application/json"
    )
    assert manager_report.status_code == 403  # only the plan's owner reports its visits
    assert Interaction.objects.filter(channel=Channel.FACE_TO_FACE).count() == 1


def test_compliance(org, as_role, march):
    approved_plan(org.rep_a, org.mgr_1, org.cust_a, APRIL, days=(2, 3))
    march.move_to(datetime.datetime(2026, 4, 10, 9, 0, tzinfo=TZ))
    answer = as_role("mgr_1").get(f"{API}/visit-compliance?month=2026-04-01")
    assert answer.status_code == 200
    rows = {r["rep"]["username"]: r for r in answer.json()["rows"]}
    assert set(rows) == {"rep_a", "rep_b"}
    assert rows["rep_a"]["planned"] == 2 and rows["rep_a"]["missing"] == 2
    assert len(answer.json()["late_item_ids"]) == 2
    assert as_role("rep_a").get(f"{API}/visit-compliance").status_code == 403


def test_plan_list_query_count_flat(org, as_role):
    def make(n):
        for _ in range(n):
            rep = UserFactory(team=org.team_1)
            build_plan(rep, CustomerFactory(owner=rep), APRIL, days=(3, 4))

    client = as_role("mgr_1")
    make(5)
    client.get(f"{API}/visit-plans")
    with CaptureQueriesContext(connection) as few:
        client.get(f"{API}/visit-plans")
    make(20)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(f"{API}/visit-plans").json()["items"]) == 25
    assert len(many.captured_queries) == len(few.captured_queries)


def test_bad_months_are_refused_not_crashing(org, as_role):
    rep = as_role("rep_a")
    far = rep.post(f"{API}/visit-plans", {"month": "2030-01-01"}, content_type="application/json")
    assert far.status_code == 422 and "month" in far.json()["details"]
    past = rep.post(f"{API}/visit-plans", {"month": "2026-02-01"}, content_type="application/json")
    assert past.status_code == 422
    assert as_role("mgr_1").get(f"{API}/visit-compliance?month=9999-12-31").status_code == 422
    plan = approved_plan(org.rep_a, org.mgr_1, org.cust_a, APRIL)
    ancient = rep.post(
        f"{API}/visit-items/{items(plan)[0].pk}/report",
        {"visited_at": "0001-01-01T00:00:00+14:00", "result": "x", "achieved": "yes"},
        content_type="application/json",
    )
    assert ancient.status_code == 422
