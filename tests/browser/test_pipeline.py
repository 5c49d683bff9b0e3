"""The opportunity board in real Chromium: a card moved by keyboard and by drag and drop, lost needs a
reason; forecast and contract pages on desktop and phone."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from guanxi.sales.models import Opportunity, PaymentPlanItem
from guanxi.sales.pipeline import opportunity_create

from ..factories import CustomerFactory
from ..sales.factories import ContractFactory
from .conftest import PHONE, add_member, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pipeline(sales_department):
    rep = add_member(sales_department.east, "rep1", "陈晓明")
    customer = CustomerFactory(name="华威精密机械有限公司", short_name="华威精密", owner=rep)
    other = CustomerFactory(name="东方电气配件厂", owner=rep)
    today = timezone.localdate()
    made = {}
    for key, customer_, title, stage, amount in [
        ("lead", customer, "车队保养服务外包", "lead", "80000"),
        ("negotiation", customer, "年度润滑油框架采购", "negotiation", "360000"),
        ("proposal", other, "新厂区设备用油", "proposal", "150000"),
        ("discovery", other, "液压油年度集采", "discovery", "90000"),
    ]:
        made[key] = opportunity_create(
            actor=rep,
            customer=customer_,
            data={
                "title": title,
                "stage": stage,
                "amount": Decimal(amount),
                "expected_close_on": today + datetime.timedelta(days=20 + len(made) * 25),
                "competitors": "壳牌、美孚",
                "next_step": "提交正式报价",
            },
        )
    contract = ContractFactory(
        customer=customer,
        owner=rep,
        number="HT-2026-0007",
        title="华威精密年度供货合同",
        starts_on=today - datetime.timedelta(days=300),
        ends_on=today + datetime.timedelta(days=45),
        amount=Decimal("400000"),
    )
    for days, amount in ((-240, "100000"), (-150, "100000"), (-40, "100000"), (30, "100000")):
        PaymentPlanItem.objects.create(
            contract=contract,
            due_on=today + datetime.timedelta(days=days),
            amount=Decimal(amount),
            note="季度款",
        )
    contract.payments.create(
        received_on=today - datetime.timedelta(days=230), amount=Decimal("100000"), reference="BK1"
    )
    contract.payments.create(
        received_on=today - datetime.timedelta(days=140), amount=Decimal("100000"), reference="BK2"
    )
    return {"customer": customer, "contract": contract, **made}


def _column(page, stage):
    return page.locator(f"section.board-col[data-stage={stage}]")


def test_move_cards_by_keyboard_and_by_drag_and_drop(live_server, pipeline, page, screenshot):
    sign_in(page, live_server, "rep1")
    page.click("nav.mainnav >> text=销售")
    page.wait_for_url(re.compile(r"/pipeline/$"))
    lead = pipeline["lead"]
    expect(_column(page, "lead").locator(f"#opp-{lead.pk}")).to_be_visible()
    screenshot(page, "pipeline-board")

    # Keyboard: focus the card's "move to" list (first choice: discovery), Tab to the button, Enter.
    page.focus(f"#move-{lead.pk}")
    expect(page.locator(f"#move-{lead.pk}")).to_have_value("discovery")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(_column(page, "discovery").locator(f"#opp-{lead.pk}")).to_be_visible()
    expect(page.locator(".message-success")).to_contain_text("需求挖掘")
    lead.refresh_from_db()
    assert lead.stage == "discovery"

    # Drag and drop: negotiation → won.
    deal = pipeline["negotiation"]
    page.drag_and_drop(f"#opp-{deal.pk}", "section.board-col[data-stage=won]")
    expect(_column(page, "won").locator(f"#opp-{deal.pk}")).to_be_visible()
    deal.refresh_from_db()
    assert (deal.stage, deal.probability) == ("won", Decimal("100.00"))

    # Dropping on lost asks for the reason first, then the move goes through.
    proposal = pipeline["proposal"]
    page.drag_and_drop(f"#opp-{proposal.pk}", "section.board-col[data-stage=lost]")
    reason = page.locator(f"#lost-{proposal.pk}")
    expect(reason).to_be_visible()
    expect(reason).to_be_focused()
    expect(page.locator("#board-status")).to_contain_text("输单原因")
    proposal.refresh_from_db()
    assert proposal.stage == "proposal"
    reason.fill("价格高于竞品约 8%")
    page.keyboard.press("Enter")
    expect(_column(page, "lost").locator(f"#opp-{proposal.pk}")).to_be_visible()
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.lost_reason) == ("lost", "价格高于竞品约 8%")

    # Lost without a reason through the keyboard: refused with the message, nothing moves.
    other = pipeline["discovery"]
    page.select_option(f"#move-{other.pk}", "lost")
    page.locator(f"#opp-{other.pk} button[type=submit]").click()
    expect(page.locator("p.error")).to_contain_text("请填写输单原因")
    assert Opportunity.objects.get(pk=other.pk).stage == "discovery"
    screenshot(page, "pipeline-lost-refused")

    page.goto(f"{live_server.url}/opportunities/{deal.pk}/")
    expect(page.locator("table")).to_contain_text("赢单")
    screenshot(page, "pipeline-opportunity")
    assert page.problems == []


def test_forecast_and_contract_pages_on_desktop_and_phone(live_server, pipeline, page, screenshot):
    sign_in(page, live_server, "manager1")
    page.goto(f"{live_server.url}/pipeline/forecast/")
    expect(page.locator("svg.chart")).to_be_visible()
    expect(page.locator(".forecast-table").first).to_contain_text("陈晓明")
    screenshot(page, "pipeline-forecast")
    page.goto(f"{live_server.url}/contracts/")
    expect(page.locator(".contract-table")).to_contain_text("HT-2026-0007")
    screenshot(page, "contracts-list")
    page.goto(f"{live_server.url}/contracts/{pipeline['contract'].pk}/")
    expect(page.locator(".chip-bad")).to_have_count(1)
    screenshot(page, "contract-detail")
    page.goto(f"{live_server.url}/customers/{pipeline['customer'].pk}/")
    expect(page.locator("#sales-panel")).to_contain_text("HT-2026-0007")
    page.locator("#sales-panel").scroll_into_view_if_needed()
    screenshot(page, "customer-sales-panel")
    page.set_viewport_size(PHONE)
    for url, name in [
        ("/pipeline/", "pipeline-board-phone"),
        ("/pipeline/forecast/", "pipeline-forecast-phone"),
        (f"/contracts/{pipeline['contract'].pk}/", "contract-detail-phone"),
    ]:
        page.goto(live_server.url + url)
        screenshot(page, name)
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 380 && !e.closest('.table-wrap'))"
            ".slice(0, 3).map(e => e.tagName + '.' + e.className)"
        )
        assert width <= PHONE["width"] + 1, f"{url} scrolls sideways ({width}px): {wide}"
    assert page.problems == []
