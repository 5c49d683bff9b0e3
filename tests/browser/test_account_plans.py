"""An account plan through real Chromium: the rep drafts it and submits it, the director approves it, the
rep finds it locked, the director adjusts it (a new version) and both versions are compared side by side."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from guanxi.customers.models import Contact, Counterpart, Customer
from guanxi.keyaccounts.models import IntelReport, Referral
from guanxi.people.models import Role
from guanxi.sales.models import Order

from .conftest import DESKTOP, PHONE, add_member, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(sales_department):
    dept = sales_department
    rep1 = add_member(dept.east, "rep1", "陈晓明")
    rep5 = add_member(dept.south, "rep5", "林芳")
    director = add_member(dept.sales, "director", "王部长", role=Role.DIRECTOR)
    customer = Customer.objects.create(name="华威精密机械有限公司", grade="A", owner=rep1)
    boss = Contact.objects.create(
        customer=customer, name="赵总", title="总经理", decision_role="decision_maker", decision_weight=5
    )
    Counterpart.objects.create(contact=boss, user=rep1, closeness="close")
    referred = Customer.objects.create(name="宏远物流有限公司", owner=rep1)
    Order.objects.create(customer=referred, ordered_on=datetime.date(2026, 3, 1), amount=Decimal("88000"))
    Referral.objects.create(referrer=customer, referrer_contact=boss, referred=referred, note="赵总推荐")
    IntelReport.objects.create(
        customer=customer,
        title="招标评分标准变更",
        content="技术分权重提高",
        source_level=4,
        importance="major",
        reported_by=rep1,
    )
    return {"rep1": rep1, "rep5": rep5, "director": director, "customer": customer}


def test_plan_draft_review_approve_adjust_compare(page, live_server, people, screenshot):
    base = live_server.url
    customer = people["customer"]

    # the rep starts a plan from the navigation and fills it in
    sign_in(page, live_server, "rep1")
    page.click(".mainnav a[href='/key-accounts/']")
    page.wait_for_url(re.compile(r"/key-accounts/$"))
    page.click("a[href='/key-accounts/plans/new/']")
    page.select_option("select[name=customer]", str(customer.pk))
    page.fill("input[name=year]", "2026")
    page.click("form.form-card button[type=submit]")
    page.wait_for_url(re.compile(r"/key-accounts/plans/\d+/edit/$"))
    plan_url = page.url.removesuffix("edit/")
    expect(page.locator(".ka-people")).to_contain_text("赵总")
    page.fill("textarea[name=summary]", "把华威做成华东标杆客户")
    page.fill("textarea[name=goals]", "全年合同额 500 万元")
    page.locator("input[name=swot_strengths]").first.fill("交付速度快")
    page.locator("input[name=swot_threats]").first.fill("竞品低价进入")
    page.locator("input[name=action_what]").first.fill("安排高层互访")
    page.locator("select[name=action_owner]").first.select_option(str(people["rep1"].pk))
    page.locator("input[name=action_due_on]").first.fill("2026-03-15")
    page.click(".ka-swot-threats [data-add-row]")
    expect(page.locator("input[name=swot_threats]")).to_have_count(3)
    screenshot(page, "account-plan-editor")
    page.set_viewport_size(PHONE)
    screenshot(page, "account-plan-editor-phone")
    page.set_viewport_size(DESKTOP)
    page.click(".ka-editor .form-actions button[type=submit]")
    page.wait_for_url(plan_url)
    expect(page.locator(".ka-swot-strengths")).to_contain_text("交付速度快")
    page.click("form[action$='/submit/'] button")
    expect(page.locator(".page-head .ka-status")).to_have_class(re.compile("ka-status-in_review"))
    sign_out(page)

    # the director approves it from the pending list
    sign_in(page, live_server, "director")
    page.goto(f"{base}/key-accounts/?scope=pending")
    screenshot(page, "account-plans-pending")
    page.set_viewport_size(PHONE)
    screenshot(page, "account-plans-pending-phone")
    page.set_viewport_size(DESKTOP)
    page.click(f"a[href='{plan_url.removeprefix(base)}']")
    page.click("form[action$='/approve/'] button")
    expect(page.locator(".page-head .ka-status")).to_have_class(re.compile("ka-status-approved"))
    screenshot(page, "account-plan-approved")
    sign_out(page)

    # the owner finds it locked, with the reason
    sign_in(page, live_server, "rep1")
    page.goto(f"{plan_url}edit/")
    page.wait_for_url(plan_url)
    expect(page.locator(".ka-locked")).to_contain_text("此计划已批准，现在只有市场部部长可以修改")
    expect(page.locator(".ka-actions a[href$='/edit/']")).to_have_count(0)
    screenshot(page, "account-plan-locked-for-owner")
    sign_out(page)

    # the director adjusts it: a new version, compared side by side with the approved one
    sign_in(page, live_server, "director")
    page.goto(plan_url)
    page.click(".ka-actions a[href$='/edit/']")
    expect(page.locator(".ka-note")).to_be_visible()
    page.fill("textarea[name=strategy]", "高层互访 + 新基地试点")
    page.locator("input[name=swot_threats]").nth(1).fill("客户高层变动")
    page.click(".ka-editor .form-actions button[type=submit]")
    page.wait_for_url(plan_url)
    expect(page.locator("#versions-title .count")).to_have_text("3")
    page.click("a[href$='/compare/']")
    page.wait_for_url(re.compile(r"/compare/$"))
    changed = page.locator(".ka-block-changed")
    expect(changed.first).to_be_visible()
    expect(page.locator(".ka-cmp")).to_contain_text("高层互访 + 新基地试点")
    assert changed.count() >= 2  # the strategy and the threats
    screenshot(page, "account-plan-compare")
    page.set_viewport_size(PHONE)
    screenshot(page, "account-plan-compare-phone")
    page.set_viewport_size(DESKTOP)
    sign_out(page)

    # the intel list, the referrals report and the customer page's panel
    sign_in(page, live_server, "director")
    page.goto(f"{base}/key-accounts/intel/")
    expect(page.locator("table")).to_contain_text("招标评分标准变更")
    screenshot(page, "intel-list")
    page.goto(f"{base}/key-accounts/referrals/")
    expect(page.locator("table").first).to_contain_text("华威精密机械有限公司")
    screenshot(page, "referrals")
    page.set_viewport_size(PHONE)
    screenshot(page, "referrals-phone")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/customers/{customer.pk}/")
    expect(page.locator(".ka-panel")).to_contain_text("招标评分标准变更")
    page.locator(".ka-panel").screenshot(
        path=str(screenshot(page, "customer-page").with_name("customer-key-account-panel.png"))
    )
    sign_out(page)

    # another team's rep cannot see it
    sign_in(page, live_server, "rep5")
    response = page.goto(plan_url)
    assert response.status == 404
    assert page.problems == []
