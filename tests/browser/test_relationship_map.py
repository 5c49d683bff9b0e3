"""The relationship map page in real Chromium: it renders under the CSP, on a desktop and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from guanxi.customers.models import Counterpart

from ..factories import ContactFactory, CustomerFactory
from .conftest import PHONE, add_member, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mapped_customer(sales_department):
    manager = sales_department.manager1
    rep = add_member(sales_department.east, "rep1", "陈晓明")
    customer = CustomerFactory(name="华威精密机械有限公司", owner=rep)
    boss = ContactFactory(
        customer=customer,
        name="王总",
        title="总经理",
        decision_role="decision_maker",
        decision_weight=5,
        relationship_status="positive",
    )
    ContactFactory(
        customer=customer, name="李工", title="技术部经理", reports_to=boss, relationship_status="neutral"
    )
    ContactFactory(
        customer=customer, name="赵采购", title="采购主管", reports_to=boss, relationship_status="negative"
    )
    ContactFactory(customer=customer, name="孙秘书", title="总经理秘书", reports_to=boss)
    Counterpart.objects.create(contact=boss, user=manager, closeness="close")
    return customer


def test_the_map_renders_and_a_counterpart_is_added(live_server, mapped_customer, page, screenshot):
    sign_in(page, live_server, "rep1")

    page.goto(f"{live_server.url}/customers/{mapped_customer.pk}/")
    page.click("text=关系图")
    page.wait_for_url(re.compile(r"/map/$"))
    expect(page.locator(".map-scroll svg")).to_be_visible()
    expect(page.locator(".map-legend li")).to_have_count(4)
    screenshot(page, "relationship-map-desktop")

    page.select_option("#id_contact", label="李工")
    page.select_option("#id_user", label="陈晓明")
    page.click(".counterpart-form button[type=submit]")
    expect(page.locator("#person-" + str(mapped_customer.contacts.get(name="李工").pk))).to_contain_text(
        "陈晓明"
    )

    page.set_viewport_size(PHONE)
    page.reload()
    scroller = page.locator(".map-scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")  # the map scrolls, the page does not
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "relationship-map-phone")
    assert page.problems == []
