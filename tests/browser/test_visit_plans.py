"""A month of visits through real Chromium: rep2 plans three visits and submits; manager1 returns the plan
with a comment; rep2 fixes it and submits again; manager1 approves; rep2 reports one visit (achieved
partly) and the face-to-face interaction shows on the customer's timeline; rep6 of another team gets 404.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from guanxi.customers.services import contact_create, customer_create
from guanxi.visits.models import PlanStatus, VisitPlan

from .conftest import DESKTOP, PHONE, add_member, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPANY = "华鼎汽车零部件有限公司"


@pytest.fixture
def demo_people(sales_department):
    """rep2 in manager1's team with a customer and two contacts; rep6 in manager2's team."""
    dept = sales_department
    rep2 = add_member(dept.east, "rep2", "王磊")
    rep6 = add_member(dept.south, "rep6", "郑丽")
    customer = customer_create(actor=rep2, data={"name": COMPANY})
    contact_create(actor=rep2, customer=customer, data={"name": "刘总", "title": "采购总监"})
    contact_create(actor=rep2, customer=customer, data={"name": "孙工", "title": "技术经理"})
    return {"rep2": rep2, "rep6": rep6, "manager1": dept.manager1, "customer": customer}


def add_visit(page, day: datetime.date, purpose: str, objective: str, contact: str, shot=None) -> None:
    page.click(".card-head a[href$='/visits/new/']")
    page.wait_for_url(re.compile(r"/visits/new/$"))
    page.select_option("select[name=customer]", label=COMPANY)
    # htmx swaps in the chosen customer's contacts
    page.get_by_label(contact).check()
    page.fill("input[name=planned_date]", day.isoformat())
    page.select_option("select[name=purpose]", purpose)
    page.select_option("select[name=target_type]", "existing")
    page.fill("textarea[name=objective]", objective)
    page.fill("textarea[name=materials]", "产品样册、报价单")
    page.fill("input[name=expense_estimate]", "300")
    if shot is not None:
        shot(page, "visits-00-item-form")
        page.set_viewport_size(PHONE)
        shot(page, "visits-00-item-form-phone")
        page.set_viewport_size(DESKTOP)
    page.click("#visit-item-form button.btn-primary")
    page.wait_for_url(re.compile(r"/visits/\d+/$"))


def test_visit_plan_month_from_draft_to_report(live_server, demo_people, page, screenshot):
    base = live_server.url
    today = timezone.localdate()
    month_end = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(
        days=1
    )
    days = [
        today,
        min(today + datetime.timedelta(days=2), month_end),
        min(today + datetime.timedelta(days=4), month_end),
    ]

    # rep2 starts this month's plan
    sign_in(page, live_server, "rep2")
    page.click(".mainnav a[href='/visits/']")
    expect(page.locator("h1")).to_have_text("我的拜访计划")
    page.select_option("select[name=month]", today.strftime("%Y-%m"))
    page.click("form.vp-create button")
    page.wait_for_url(re.compile(r"/visits/\d+/$"))
    plan = VisitPlan.objects.get(owner=demo_people["rep2"])

    # three visits
    add_visit(page, days[0], "push_volume", "确认下季度订货量", "刘总", shot=screenshot)
    screenshot(page, "visits-01-add-visit-done")
    add_visit(page, days[1], "competitors", "了解竞品报价", "孙工")
    add_visit(page, days[2], "collect_payment", "结清十月货款", "刘总")
    expect(page.locator(".vp-item")).to_have_count(3)
    page.click("text=提交给主管")
    expect(page.locator(".page-head .vp-status")).to_have_text("已提交")
    screenshot(page, "visits-02-submitted")
    sign_out(page)

    # manager1 returns it with a comment
    sign_in(page, live_server, "manager1")
    page.goto(f"{base}/visits/queue/")
    page.click(f"a[href='/visits/{plan.pk}/']")
    comment = page.locator(".vp-decide textarea[name=comment]").nth(1)
    expect(comment).to_have_attribute("required", "")  # returning without a comment is refused
    comment.fill("请把收款拜访提前，并写明要见的财务负责人")
    screenshot(page, "visits-03-manager-decides")
    page.click("text=退回并附意见")
    page.wait_for_url(re.compile(r"/visits/queue/$"))
    sign_out(page)

    # rep2 sees the comment, fixes the plan and submits again
    sign_in(page, live_server, "rep2")
    page.goto(f"{base}/visits/{plan.pk}/")
    expect(page.locator(".vp-returned")).to_contain_text("财务负责人")
    screenshot(page, "visits-04-returned")
    page.locator(".vp-item").nth(2).locator("text=编辑").click()
    page.fill("textarea[name=objective]", "结清十月货款，约见财务负责人")
    page.click("#visit-item-form button.btn-primary")
    page.wait_for_url(re.compile(r"/visits/\d+/$"))
    page.click("text=重新提交")
    expect(page.locator(".page-head .vp-status")).to_have_text("已提交")
    sign_out(page)

    # manager1 approves
    sign_in(page, live_server, "manager1")
    page.goto(f"{base}/visits/{plan.pk}/")
    page.click("text=批准计划")
    page.wait_for_url(re.compile(r"/visits/queue/$"))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    sign_out(page)

    # rep2 files the report of the first visit: achieved partly
    sign_in(page, live_server, "rep2")
    page.goto(f"{base}/visits/{plan.pk}/")
    page.locator(".vp-item").first.locator("text=填写报告").click()
    expect(page.locator(".vp-plan-side")).to_contain_text("确认下季度订货量")
    page.fill("textarea[name=result]", "刘总同意先下一半订单，另一半等预算")
    page.check("input[name=achieved][value=partly]")
    page.fill("textarea[name=why_not]", "年度预算尚未批复")
    page.fill("textarea[name=commitments]", "三天内寄送样品")
    screenshot(page, "visits-05-report-form")
    page.click("form.form-card button.btn-primary")
    page.wait_for_url(re.compile(r"/visits/\d+/$"))
    expect(page.locator(".page-head .vp-status")).to_have_text("执行中")
    expect(page.locator(".vp-item").first).to_contain_text("部分")
    screenshot(page, "visits-06-in-progress")

    # the face-to-face interaction is on the customer's timeline, the visit in the panel
    page.goto(f"{base}/customers/{demo_people['customer'].pk}/")
    timeline = page.locator(".timeline").first
    expect(timeline).to_contain_text("刘总同意先下一半订单")
    expect(timeline).to_contain_text("面谈")
    expect(page.locator(".vp-panel")).to_contain_text("部分")
    screenshot(page, "visits-07-customer-timeline")

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/visits/{plan.pk}/")
    screenshot(page, "visits-08-plan-phone")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/visits/")
    screenshot(page, "visits-09-my-plans")
    sign_out(page)

    # manager1's compliance view counts the report
    sign_in(page, live_server, "manager1")
    page.goto(f"{base}/visits/compliance/")
    row = page.locator("tbody tr", has_text="王磊")
    expect(row.locator("td.num").nth(0)).to_have_text("3")
    expect(row.locator("td.num").nth(2)).to_have_text("1")
    screenshot(page, "visits-10-compliance")
    page.set_viewport_size(PHONE)
    screenshot(page, "visits-11-compliance-phone")
    page.set_viewport_size(DESKTOP)
    sign_out(page)

    # rep6 of another team cannot see the plan
    sign_in(page, live_server, "rep6")
    response = page.goto(f"{base}/visits/{plan.pk}/")
    assert response.status == 404
    assert page.problems == []
