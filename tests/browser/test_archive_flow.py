"""A rep's day in the archive, driven through real Chromium: create, relate, log, follow up, find.

Then the visibility promise seen from the outside: another team's rep gets 404, the rep's manager reads it.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import PHONE, add_member, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPANY = "华威精密机械有限公司"


@pytest.fixture
def demo_people(sales_department):
    """rep1 in manager1's team, rep5 in manager2's team, as in the demo organisation."""
    dept = sales_department
    rep1 = add_member(dept.east, "rep1", "陈晓明")
    rep5 = add_member(dept.south, "rep5", "林芳")
    return {"manager1": dept.manager1, "manager2": dept.manager2, "rep1": rep1, "rep5": rep5}


def sign_in_to_customers(page, live_server, username: str) -> None:
    sign_in(page, live_server, username)  # a rep's day starts with whom to contact today
    page.click(".mainnav a[href='/customers/']")
    page.wait_for_url(re.compile(r"/customers/$"))


def test_rep_builds_an_archive_and_only_their_side_of_the_company_sees_it(
    live_server, demo_people, page, screenshot
):
    base = live_server.url
    today = timezone.localdate()
    action_due = (today + datetime.timedelta(days=2)).isoformat()
    next_contact = (today + datetime.timedelta(days=7)).isoformat()

    # given rep1 signs in: the interface speaks Chinese by default
    page.goto(f"{base}/login/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert "密码" in page.inner_text("form.stack")  # Django's own catalogue: Chinese whatever ours holds
    screenshot(page, "01-login")
    sign_in_to_customers(page, live_server, "rep1")
    assert page.get_attribute("html", "lang") == "zh-hans"
    page.click("details.usermenu summary")
    assert "华东一组" in page.inner_text(".usermenu-panel")
    page.click("details.usermenu summary")
    screenshot(page, "02-customer-list-empty")

    # when rep1 creates a company
    page.click("a[href='/customers/new/']")
    page.fill("#id_name", COMPANY)
    page.fill("#id_short_name", "华威精密")
    page.fill("#id_credit_code", "91350100M000100Y43")
    page.select_option("#id_industry", "制造业")
    page.select_option("#id_province", "福建")
    page.fill("#id_city", "福州")
    page.select_option("#id_grade", "A")
    page.select_option("#id_status", "target")
    page.select_option("#id_score_purchasing_power", "4")
    page.select_option("#id_score_cooperation_potential", "5")
    page.select_option("#id_score_loyalty", "3")
    page.fill("#id_tags", "重点客户，制造")
    screenshot(page, "03-customer-form")
    page.click("form.form-card button[type=submit]")
    page.wait_for_url(re.compile(r"/customers/\d+/$"))
    customer_url = page.url
    assert page.inner_text("h1") == COMPANY

    # and adds two contacts, the second reporting to the first
    page.click(".customer-actions a[href$='/contacts/new/']")
    page.fill("#id_name", "王建国")
    page.fill("#id_title", "总经理")
    page.fill("#id_mobile", "13800138000")
    page.select_option("#id_decision_role", "decision_maker")
    page.select_option("#id_relationship_status", "positive")
    screenshot(page, "04-contact-form")
    page.click("form.form-card button[type=submit]")
    page.wait_for_url(re.compile(r"/customers/\d+/#contacts$"))
    page.click(".customer-actions a[href$='/contacts/new/']")
    page.fill("#id_name", "李娜")
    page.fill("#id_title", "采购部经理")
    page.fill("#id_mobile", "13900139000")
    page.select_option("#id_decision_role", "influencer")
    page.select_option("#id_reports_to", label="王建国")
    page.click("form.form-card button[type=submit]")
    page.wait_for_url(re.compile(r"/customers/\d+/#contacts$"))
    nested = page.locator(".orgchart > li > ul > li .strong")
    assert nested.inner_text() == "李娜"
    assert page.locator(".orgchart > li > .org-person .strong").inner_text() == "王建国"

    # and logs a phone call with an action item and a next contact date
    page.click(".customer-actions a[href$='/interactions/new/']")
    assert page.input_value("#id_channel") == "phone"
    page.fill("#id_topic", "电话沟通年度采购计划")
    page.fill("#id_content", "李经理表示下季度预算已批，希望先看报价。")
    page.check("input[name=contacts] >> nth=1")
    page.select_option("#id_stance", "positive")
    page.fill("#id_item1_title", "发送报价单")
    page.fill("#id_item1_due", action_due)
    page.fill("#id_next_contact_on", next_contact)
    page.select_option("#id_next_contact_channel", "wechat")
    page.select_option("#id_archive-lifecycle_stage", "growth")
    screenshot(page, "05-interaction-form")
    page.click("form.form-card button[type=submit]")
    page.wait_for_url(re.compile(r"/customers/\d+/#timeline$"))
    assert "电话沟通年度采购计划" in page.inner_text("#timeline")
    screenshot(page, "06-customer-360")

    # then both tasks wait in "my tasks", and the badge counts them
    page.click(".mainnav a[href='/tasks/']")
    page.wait_for_url(re.compile(r"/tasks/$"))
    titles = page.locator(".task-title").all_inner_texts()
    assert len(titles) == 2
    assert "发送报价单" in titles
    assert any(COMPANY in title for title in titles if title != "发送报价单")
    assert page.inner_text("#nav-task-count") == "2"
    screenshot(page, "07-my-tasks")

    # and completing one with a result swaps the list in place (htmx) and lowers the badge
    page.fill(".task:has-text('发送报价单') input[name=result]", "报价单已通过微信发出")
    page.click(".task:has-text('发送报价单') form[action$='/complete/'] button")
    expect(page.locator(".task")).to_have_count(1)
    expect(page.locator("#nav-task-count")).to_have_text("1")
    assert page.url.endswith("/tasks/")

    # and the customer list filters without reloading the page, keeping the filter in the address
    page.click(".mainnav a[href='/customers/']")
    page.select_option("#id_grade", "C")
    page.wait_for_url(re.compile(r"grade=C"))
    expect(page.locator(".customer-table")).to_have_count(0)
    page.select_option("#id_grade", "A")
    page.wait_for_url(re.compile(r"grade=A"))
    expect(page.locator(".customer-table a.strong")).to_have_text([COMPANY])
    screenshot(page, "08-customer-list-filtered")

    # and the global search finds the company by its pinyin initials
    page.fill("#global-q", "hwjm")
    page.press("#global-q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q=hwjm$"))
    assert page.locator(".result-list a.strong").first.inner_text() == COMPANY
    screenshot(page, "09-search")
    sign_out(page)

    # when a rep of another team opens the company's address, it does not exist for them
    sign_in_to_customers(page, live_server, "rep5")
    response = page.goto(customer_url)
    assert response.status == 404
    assert COMPANY not in page.content()
    screenshot(page, "10-other-team-404")
    sign_out(page)

    # and rep1's manager reads it
    sign_in_to_customers(page, live_server, "manager1")
    response = page.goto(customer_url)
    assert response.status == 200
    assert page.inner_text("h1") == COMPANY
    assert "13900139000" in page.inner_text("#contacts")  # the full archive is manager+ (AZ-04)

    # and switching to English changes the interface language
    page.click("details.usermenu summary")
    page.click(".langswitch button[value=en]")
    page.wait_for_url(customer_url)
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text(".mainnav a[href='/tasks/']").startswith("My tasks")
    screenshot(page, "11-customer-360-manager-english")

    # and the 360 page works on a phone screen
    page.set_viewport_size(PHONE)
    page.goto(customer_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "12-customer-360-phone")

    # and no page ran into a script error or a Content-Security-Policy refusal on the way
    assert page.problems == []
