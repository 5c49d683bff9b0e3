"""The customer value pages in real Chromium: dashboards and the customer panel, desktop and phone."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from guanxi.insights.refresh import refresh_insights

from ..factories import CustomerFactory
from ..sales.factories import ProductFactory, buy
from .conftest import PHONE, add_member, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def valued_book(sales_department):
    reps = [
        add_member(sales_department.east, f"rep{i}", name)
        for i, name in enumerate(("陈晓明", "林小雨"), start=1)
    ]
    products = [ProductFactory(name=name) for name in ("协同办公平台", "数据分析平台", "年度运维服务")]
    today = datetime.date.today()
    customers = []
    for i in range(24):
        customer = CustomerFactory(
            name=f"华威精密机械{i}号有限公司", owner=reps[i % 2], industry=("制造", "零售", "医疗")[i % 3]
        )
        gap = 20 + 15 * (i % 6)
        stop = 5 + (i % 5) * 70
        days = [today - datetime.timedelta(days=stop + gap * k) for k in range(1 + i % 7)]
        buy(customer, *days, amount=f"{(i % 8 + 1) * 1500}.00", product=products[i % 3])
        customers.append(customer)
    refresh_insights(as_of=today - datetime.timedelta(days=60), alerts=False)
    refresh_insights(as_of=today - datetime.timedelta(days=1), alerts=False)
    return customers


def test_the_dashboard_and_the_customer_panel_render(live_server, valued_book, page, screenshot):
    sign_in(page, live_server, "manager1")
    page.click("nav.mainnav >> text=客户价值")
    page.wait_for_url(re.compile(r"/value/$"))
    expect(page.locator("svg.chart").first).to_be_visible()
    assert page.locator("svg.chart").count() >= 7
    screenshot(page, "insights-dashboard-desktop")

    page.locator(".flow-matrix a").first.click()
    page.wait_for_url(re.compile(r"/value/customers/"))
    expect(page.locator("table.table tbody tr").first).to_be_visible()

    page.goto(f"{live_server.url}/customers/{valued_book[0].pk}/")
    expect(page.locator(".value-customer")).to_be_visible()
    expect(page.locator(".value-facts")).to_contain_text("仍活跃概率")
    screenshot(page, "insights-customer-desktop")

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/value/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "insights-dashboard-phone")
    page.goto(f"{live_server.url}/customers/{valued_book[0].pk}/")
    expect(page.locator(".value-customer")).to_be_visible()
    screenshot(page, "insights-customer-phone")
    assert page.problems == []
