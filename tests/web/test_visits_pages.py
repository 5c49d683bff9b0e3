"""Visit plan pages: the rep's plans and reports, the manager's queue and compliance, visibility."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.engagement.models import Channel, Interaction
from guanxi.visits import services
from guanxi.visits.models import ItemStatus, PlanStatus, VisitPlan, VisitPlanItem
from tests.factories import ContactFactory, CustomerFactory, UserFactory
from tests.visits.factories import approved_plan, build_plan, items

from .conftest import inline_code

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
APRIL = datetime.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def march(db):
    with time_machine.travel(datetime.datetime(2026, 3, 20, 10, 0, tzinfo=TZ), tick=False) as traveller:
        yield traveller


def text(response) -> str:
    return response.content.decode()


def test_rep_creates_plan_adds_visit_and_submits(org, login):
    contact = ContactFactory(customer=org.cust_a, name="李娜")
    client = login(org.rep_a)
    page = client.get("/visits/")
    assert page.status_code == 200 and "2026-04" in text(page)
    response = client.post("/visits/new/", {"month": "2026-04"})
    plan = VisitPlan.objects.get(owner=org.rep_a)
    assert response.status_code == 302 and response["Location"] == f"/visits/{plan.pk}/"
    form = client.get(f"/visits/{plan.pk}/visits/new/?customer={org.cust_a.pk}")
    assert "李娜" in text(form)
    assert org.cust_c.name not in text(form)  # only visible customers are offered
    response = client.post(
        f"/visits/{plan.pk}/visits/new/",
        {
            "customer": org.cust_a.pk,
            "contacts": [contact.pk],
            "planned_date": "2026-04-08",
            "purpose": "collect_payment",
            "target_type": "existing",
            "objective": "收回三月货款",
            "materials": "对账单",
            "expense_estimate": "150",
        },
    )
    assert response.status_code == 302
    item = VisitPlanItem.objects.get(plan=plan)
    assert list(item.contacts.all()) == [contact] and item.purpose == "collect_payment"
    detail = client.get(f"/visits/{plan.pk}/")
    assert "收回三月货款" in text(detail)
    assert inline_code(text(detail)) == []
    client.post(f"/visits/{plan.pk}/submit/", {"version": plan.version})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_bad_item_input_is_explained_and_kept(org, login):
    plan = services.plan_create(actor=org.rep_a, month=APRIL)
    client = login(org.rep_a)
    response = client.post(
        f"/visits/{plan.pk}/visits/new/",
        {
            "customer": org.cust_a.pk,
            "planned_date": "2026-05-08",
            "purpose": "push_volume",
            "target_type": "existing",
            "objective": "保留这段目标文字",
        },
    )
    assert response.status_code == 422
    body = text(response)
    assert "保留这段目标文字" in body
    assert "2026-04" in body and "alert-error" in body
    assert not VisitPlanItem.objects.exists()


def test_other_customer_refused_on_post(org, login):
    plan = services.plan_create(actor=org.rep_a, month=APRIL)
    response = login(org.rep_a).post(
        f"/visits/{plan.pk}/visits/new/",
        {
            "customer": org.cust_c.pk,
            "planned_date": "2026-04-08",
            "purpose": "push_volume",
            "target_type": "existing",
            "objective": "x",
        },
    )
    assert response.status_code == 422 and not VisitPlanItem.objects.exists()


def test_submit_without_items_shows_message(org, login):
    plan = services.plan_create(actor=org.rep_a, month=APRIL)
    client = login(org.rep_a)
    response = client.post(f"/visits/{plan.pk}/submit/", {"version": plan.version}, follow=True)
    assert "至少" in text(response) or "at least one visit" in text(response)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_manager_returns_with_comment_then_approves(org, login):
    plan = services.plan_submit(actor=org.rep_a, plan=build_plan(org.rep_a, org.cust_a, APRIL, days=(3, 9)))
    manager = login(org.mgr_1)
    queue = manager.get("/visits/queue/")
    assert f"/visits/{plan.pk}/" in text(queue)
    empty = manager.post(f"/visits/{plan.pk}/return/", {"comment": " ", "version": plan.version})
    assert empty.status_code == 422
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    manager.post(f"/visits/{plan.pk}/return/", {"comment": "请补充拜访对象", "version": plan.version})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    rep_page = login(org.rep_a).get(f"/visits/{plan.pk}/")
    assert "请补充拜访对象" in text(rep_page)
    login(org.rep_a).post(f"/visits/{plan.pk}/submit/", {"version": plan.version})
    plan.refresh_from_db()
    manager.post(f"/visits/{plan.pk}/approve/", {"version": plan.version})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("rep_a", 200),
        ("rep_b", 404),
        ("rep_c", 404),
        ("mgr_1", 200),
        ("mgr_2", 404),
        ("director", 200),
        ("sysadmin", 404),
    ],
)
def test_plan_page_visibility(org, login, viewer, status):
    plan = build_plan(org.rep_a, org.cust_a, APRIL)
    item = items(plan)[0]
    client = login(org.user(viewer))
    assert client.get(f"/visits/{plan.pk}/").status_code == status
    assert client.get(f"/planned-visits/{item.pk}/report/").status_code == status


def test_other_rep_cannot_act_on_plan(org, login):
    plan = services.plan_submit(actor=org.rep_a, plan=build_plan(org.rep_a, org.cust_a, APRIL))
    assert login(org.rep_c).post(f"/visits/{plan.pk}/approve/", {}).status_code == 404
    assert login(org.mgr_2).post(f"/visits/{plan.pk}/return/", {"comment": "x"}).status_code == 404
    assert login(org.rep_a).post(f"/visits/{plan.pk}/approve/", {}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_report_form_files_interaction(org, login, march):
    plan = approved_plan(org.rep_a, org.mgr_1, org.cust_a, APRIL, days=(3,))
    item = items(plan)[0]
    march.move_to(datetime.datetime(2026, 4, 3, 17, 0, tzinfo=TZ))
    client = login(org.rep_a)
    form = client.get(f"/planned-visits/{item.pk}/report/")
    assert "谈下季度订货量" in text(form)  # the objective is shown next to the result
    bad = client.post(
        f"/planned-visits/{item.pk}/report/",
        {"visited_at": "2026-04-03T15:00", "result": "谈妥一半", "achieved": "partly"},
    )
    assert bad.status_code == 422 and "谈妥一半" in text(bad)
    response = client.post(
        f"/planned-visits/{item.pk}/report/",
        {
            "visited_at": "2026-04-03T15:00",
            "result": "谈妥一半",
            "achieved": "partly",
            "why_not": "预算未批",
            "commitments": "发送样品\n安排技术交流",
            "commitments_due_on": "2026-04-10",
        },
    )
    assert response.status_code == 302
    interaction = Interaction.objects.get(customer=org.cust_a)
    assert interaction.channel == Channel.FACE_TO_FACE
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE
    timeline = client.get(f"/customers/{org.cust_a.pk}/")
    assert "谈妥一半" in text(timeline)
    panel = client.get(f"/customers/{org.cust_a.pk}/visits-panel/")
    assert panel.status_code == 200 and "2026-04-03" in text(panel)


def test_customer_panel_hidden_customer_is_404(org, login):
    assert login(org.rep_a).get(f"/customers/{org.cust_c.pk}/visits-panel/").status_code == 404


def test_compliance_page(org, login, march):
    approved_plan(org.rep_a, org.mgr_1, org.cust_a, APRIL, days=(2, 20))
    march.move_to(datetime.datetime(2026, 4, 10, 9, 0, tzinfo=TZ))
    response = login(org.mgr_1).get("/visits/compliance/?month=2026-04")
    body = text(response)
    assert response.status_code == 200
    assert str(org.rep_a) in body and str(org.rep_c) not in body
    assert re.search(r"2026-04-02 · " + re.escape(org.cust_a.name), body)
    assert login(org.rep_a).get("/visits/compliance/").status_code == 403
    assert login(org.mgr_1).get("/visits/compliance/?month=garbage").status_code == 200


def _many_plans(org, count):
    reps = [UserFactory(team=org.team_1) for _ in range(count)]
    for rep in reps:
        customer = CustomerFactory(owner=rep)
        plan = services.plan_submit(actor=rep, plan=build_plan(rep, customer, APRIL, days=(3, 4)))
        if len(reps) > 1 and rep is not reps[0]:  # one waits in the queue, the rest are approved
            services.plan_approve(actor=org.mgr_1, plan=plan)


def _queries(client, url) -> int:
    client.get(url)  # warm up per-process caches (sessions, content types)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/visits/", "/visits/queue/", "/visits/compliance/?month=2026-04"])
def test_list_query_counts_flat(org, login, url):
    _many_plans(org, 5)
    client = login(org.mgr_1)
    few = _queries(client, url)
    _many_plans(org, 45)
    assert _queries(client, url) == few


def test_plan_detail_query_count_flat(org, login):
    contact = ContactFactory(customer=org.cust_a)
    plan = build_plan(org.rep_a, org.cust_a, APRIL, days=(1, 2, 3, 4, 5), contacts=[contact])
    client = login(org.rep_a)
    few = _queries(client, f"/visits/{plan.pk}/")
    for day in range(6, 28):
        services.item_add(
            actor=org.rep_a,
            plan=plan,
            customer=org.cust_a,
            data={
                "planned_date": APRIL.replace(day=day),
                "purpose": "influence",
                "target_type": "existing",
                "objective": "x",
            },
            contacts=[contact],
        )
    assert _queries(client, f"/visits/{plan.pk}/") == few


def test_pages_carry_no_inline_code(org, login, march):
    plan = approved_plan(org.rep_a, org.mgr_1, org.cust_a, APRIL, days=(3,))
    draft_item = items(build_plan(org.rep_a, org.cust_a, datetime.date(2026, 5, 1)))[0]
    march.move_to(datetime.datetime(2026, 4, 3, 17, 0, tzinfo=TZ))
    rep, manager = login(org.rep_a), login(org.mgr_1)
    pages = [
        (rep, "/visits/"),
        (rep, f"/visits/{plan.pk}/"),
        (rep, f"/visits/{draft_item.plan_id}/visits/new/"),
        (rep, f"/planned-visits/{draft_item.pk}/edit/"),
        (rep, f"/planned-visits/{items(plan)[0].pk}/report/"),
        (manager, "/visits/queue/"),
        (manager, "/visits/compliance/?month=9999-12"),
        (rep, f"/customers/{org.cust_a.pk}/visits-panel/"),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(text(response)) == [], url


def test_stale_item_edit_in_the_browser_form_keeps_input(org, login):
    plan = build_plan(org.rep_a, org.cust_a, APRIL)
    item = items(plan)[0]
    services.item_update(
        actor=org.rep_a, item=item, data={"objective": "别人先改了"}, expected_version=item.version
    )
    response = login(org.rep_a).post(
        f"/planned-visits/{item.pk}/edit/",
        {
            "customer": org.cust_a.pk,
            "planned_date": "2026-04-09",
            "purpose": "influence",
            "target_type": "existing",
            "objective": "我的新目标",
            "version": item.version,
        },
    )
    assert response.status_code == 422
    assert "我的新目标" in text(response)
    item.refresh_from_db()
    assert item.objective == "别人先改了"


def test_english_interface(org, login):
    build_plan(org.rep_a, org.cust_a, APRIL)
    client = login(org.rep_a)
    client.post("/language/", {"language": "en", "next": "/visits/"})
    english = text(client.get("/visits/"))
    assert "My visit plans" in english and "我的拜访计划" not in english
    client.post("/language/", {"language": "zh-hans", "next": "/visits/"})
    assert "我的拜访计划" in text(client.get("/visits/"))


def test_report_form_only_for_approved_plans_and_panel_offers_planning(org, login):
    plan = build_plan(org.rep_a, org.cust_a, APRIL)
    client = login(org.rep_a)
    page = text(client.get(f"/planned-visits/{items(plan)[0].pk}/report/"))
    assert 'name="result"' not in page
    panel = text(client.get(f"/customers/{org.cust_a.pk}/visits-panel/"))
    assert f"/visits/{plan.pk}/visits/new/?customer={org.cust_a.pk}" in panel
    assert "/visits/new/?customer" not in text(
        login(org.director).get(f"/customers/{org.cust_a.pk}/visits-panel/")
    )
