"""Customer events in real Chromium: invite through the htmx search, record attendance, on desktop and phone."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from guanxi.engagement.events import event_create
from guanxi.engagement.models import Interaction

from ..factories import ContactFactory, CustomerFactory
from .conftest import PHONE, add_member, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def held_event(sales_department):
    rep = add_member(sales_department.east, "rep1", "陈晓明")
    customer = CustomerFactory(name="华威精密机械有限公司", owner=rep)
    ContactFactory(customer=customer, name="王建国", title="总经理")
    ContactFactory(customer=customer, name="王丽", title="采购主管")
    other = CustomerFactory(name="东方电气配件厂", owner=rep)
    ContactFactory(customer=other, name="王强", title="技术部经理")
    starts = timezone.now() - datetime.timedelta(days=2)
    event_create(
        actor=rep,
        data={
            "title": "智能制造技术研讨会",
            "kind": "seminar",
            "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=3),
            "place": "上海浦东嘉里大酒店",
            "description": "邀请重点客户技术负责人，分享行业落地案例。",
        },
    )
    future = timezone.now() + datetime.timedelta(days=10)
    event_create(
        actor=rep,
        data={"title": "春季新品发布会", "kind": "product_launch", "starts_at": future, "ends_at": future},
    )
    return customer


def test_invite_by_search_and_record_attendance(live_server, held_event, page, screenshot):
    sign_in(page, live_server, "rep1")

    page.click("nav.mainnav >> text=活动")
    page.wait_for_url(re.compile(r"/events/$"))
    expect(page.locator(".ev-table")).to_contain_text("春季新品发布会")
    screenshot(page, "events-list-desktop")
    page.click("text=过往")
    page.click("text=智能制造技术研讨会")
    page.wait_for_url(re.compile(r"/events/\d+/$"))

    page.fill("#invite-q", "王")  # htmx searches as one types
    expect(page.locator("#invite-results input[name=contacts]")).to_have_count(3)
    page.check("#invite-results input[name=contacts] >> nth=0")
    page.check("#invite-results input[name=contacts] >> nth=1")
    page.check("#invite-results input[name=contacts] >> nth=2")
    page.click("text=邀请所选联系人")
    expect(page.locator(".ev-invitees tbody tr")).to_have_count(3)

    for box in page.locator("input[name=attended]").all():
        box.check()
    page.click("text=保存出席情况")
    expect(page.locator(".messages")).to_contain_text("出席情况已保存")
    assert Interaction.objects.filter(event__isnull=False).count() == 2
    screenshot(page, "events-detail-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "events-detail-phone")
    page.goto(f"{live_server.url}/customers/{held_event.pk}/")
    expect(page.locator("#events")).to_contain_text("智能制造技术研讨会")
    page.goto(f"{live_server.url}/events/new/")
    screenshot(page, "events-form-phone")
    assert page.problems == []
