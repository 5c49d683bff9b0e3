"""The sales pages: board, stage moves, forecast, contracts, orders and the customer panel."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.sales.models import Contract, Opportunity, Order, PaymentPlanItem, StageChange

from ..factories import CustomerFactory
from ..sales.factories import ContractFactory, OpportunityFactory, ProductFactory
from .conftest import inline_code

NOW = datetime.datetime(2026, 11, 24, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


PAGES = [
    "/pipeline/",
    "/pipeline/forecast/",
    "/opportunities/new/",
    "/opportunities/{opp}/",
    "/opportunities/{opp}/edit/",
    "/opportunities/{opp}/move/?stage=lost",
    "/contracts/",
    "/contracts/overdue/",
    "/contracts/new/?customer={customer}",
    "/contracts/{contract}/",
    "/contracts/{contract}/edit/",
    "/customers/{customer}/sales-panel/",
    "/products/",
    "/orders/",
    "/orders/new/?customer={customer}",
]


@pytest.mark.parametrize("page", PAGES)
def test_given_rep_when_opening_sales_pages_then_they_render_without_inline_code(org, login, page):
    opp = OpportunityFactory(customer=org.cust_a, title="年度润滑油框架")
    contract = ContractFactory(customer=org.cust_a, number="HT-9")
    url = page.format(opp=opp.pk, contract=contract.pk, customer=org.cust_a.pk)
    response = login(org.rep_a).get(url)
    assert response.status_code == 200
    assert inline_code(response.content.decode()) == []


@pytest.mark.parametrize(
    "page",
    [
        "/opportunities/{opp}/",
        "/opportunities/{opp}/edit/",
        "/opportunities/{opp}/move/",
        "/contracts/{contract}/",
        "/contracts/{contract}/edit/",
        "/customers/{customer}/sales-panel/",
    ],
)
@pytest.mark.parametrize("role", ["rep_c", "mgr_2", "rep_b"])
def test_given_other_team_when_opening_records_then_404(org, login, page, role):
    opp = OpportunityFactory(customer=org.cust_a)
    contract = ContractFactory(customer=org.cust_a)
    url = page.format(opp=opp.pk, contract=contract.pk, customer=org.cust_a.pk)
    assert login(org.user(role)).get(url).status_code == 404


def test_given_other_team_when_posting_move_then_404_and_unchanged(org, login):
    opp = OpportunityFactory(customer=org.cust_a)
    response = login(org.rep_c).post(f"/opportunities/{opp.pk}/move/", {"stage": "discovery", "version": 1})
    assert response.status_code == 404
    opp.refresh_from_db()
    assert opp.stage == "lead"


def test_given_board_then_cards_sit_in_their_stage_with_move_forms(org, login):
    OpportunityFactory(customer=org.cust_a, title="甲商机", stage="proposal", probability=50)
    OpportunityFactory(customer=org.cust_c, title="丙商机")
    html = login(org.rep_a).get("/pipeline/").content.decode()
    assert "甲商机" in html
    assert "丙商机" not in html
    proposal = html.split('data-stage="proposal"', 1)[1].split("board-col board-col-negotiation", 1)[0]
    assert "甲商机" in proposal
    assert 'value="negotiation"' in proposal and 'value="won"' not in proposal


def test_given_manager_when_filtering_board_by_owner_then_only_that_owner(org, login):
    cust_b = CustomerFactory(owner=org.rep_b)
    OpportunityFactory(customer=org.cust_a, title="甲的")
    OpportunityFactory(customer=cust_b, title="乙的")
    html = login(org.mgr_1).get(f"/pipeline/?owner={org.rep_b.pk}").content.decode()
    assert "乙的" in html and "甲的" not in html


def test_given_move_from_board_then_stage_changes_and_back_to_board(org, login):
    opp = OpportunityFactory(customer=org.cust_a)
    response = login(org.rep_a).post(
        f"/opportunities/{opp.pk}/move/", {"stage": "discovery", "version": 1, "next": "/pipeline/?owner="}
    )
    assert response.status_code == 302
    assert response["Location"] == "/pipeline/?owner="
    opp.refresh_from_db()
    assert (opp.stage, opp.probability) == ("discovery", Decimal("25.00"))
    assert StageChange.objects.filter(opportunity=opp, to_stage="discovery", by=org.rep_a).count() == 1


def test_given_move_with_unsafe_next_then_goes_to_detail(org, login):
    opp = OpportunityFactory(customer=org.cust_a)
    response = login(org.rep_a).post(
        f"/opportunities/{opp.pk}/move/",
        {"stage": "discovery", "version": 1, "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/opportunities/{opp.pk}/"


def test_given_lost_without_reason_then_refused_with_chinese_message_and_form_kept(org, login):
    opp = OpportunityFactory(customer=org.cust_a, stage="negotiation", probability=75)
    response = login(org.rep_a).post(
        f"/opportunities/{opp.pk}/move/",
        {"stage": "lost", "lost_reason": "  ", "version": 1, "next": "/pipeline/"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "请填写输单原因" in html
    assert 'value="/pipeline/"' in html
    opp.refresh_from_db()
    assert opp.stage == "negotiation"


def test_given_lost_without_reason_in_english_then_english_message(org, login):
    org.rep_a.language = "en"
    org.rep_a.save()
    opp = OpportunityFactory(customer=org.cust_a, stage="negotiation", probability=75)
    client = login(org.rep_a)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"/opportunities/{opp.pk}/move/", {"stage": "lost", "version": 1}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Say why the opportunity was lost" in response.content.decode()


def test_given_lost_with_reason_then_moved(org, login):
    opp = OpportunityFactory(customer=org.cust_a, stage="negotiation", probability=75)
    login(org.rep_a).post(
        f"/opportunities/{opp.pk}/move/", {"stage": "lost", "lost_reason": "价格", "version": 1}
    )
    opp.refresh_from_db()
    assert (opp.stage, opp.lost_reason) == ("lost", "价格")


def test_given_stale_version_when_moving_then_refused(org, login):
    opp = OpportunityFactory(customer=org.cust_a, version=3)
    response = login(org.rep_a).post(
        f"/opportunities/{opp.pk}/move/", {"stage": "discovery", "version": 2}, follow=True
    )
    assert response.redirect_chain == [(f"/opportunities/{opp.pk}/", 302)]
    assert "有人修改了这条记录" in response.content.decode()
    opp.refresh_from_db()
    assert (opp.stage, opp.version) == ("lead", 3)
    assert not StageChange.objects.filter(opportunity=opp).exists()


def test_given_create_form_then_opportunity_created_with_default_probability(org, login):
    response = login(org.rep_a).post(
        "/opportunities/new/",
        {
            "customer": org.cust_a.pk,
            "title": "新项目",
            "stage": "proposal",
            "amount": "12000",
            "owner": org.rep_a.pk,
        },
    )
    assert response.status_code == 302
    opp = Opportunity.objects.get(title="新项目")
    assert (opp.probability, opp.customer, opp.created_by) == (Decimal("50.00"), org.cust_a, org.rep_a)


def test_given_create_form_for_hidden_customer_then_refused(org, login):
    response = login(org.rep_a).post(
        "/opportunities/new/", {"customer": org.cust_c.pk, "title": "x", "stage": "lead"}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("customer")
    assert not Opportunity.objects.exists()


def test_given_forecast_then_weighted_amounts_show_per_rep(org, login):
    OpportunityFactory(
        customer=org.cust_a,
        stage="proposal",
        amount=Decimal("10000"),
        probability=50,
        expected_close_on=datetime.date(2026, 12, 10),
    )
    html = login(org.mgr_1).get("/pipeline/forecast/?start=2026-11&months=3").content.decode()
    assert re.search(r"<td class=\"num\">¥5,?000</td>", html)
    assert "<svg" in html


def test_given_contract_detail_then_overdue_instalment_shown_and_payment_recorded(org, login):
    contract = ContractFactory(customer=org.cust_a, number="HT-77")
    PaymentPlanItem.objects.create(
        contract=contract, due_on=datetime.date(2026, 10, 1), amount=Decimal("500")
    )
    client = login(org.rep_a)
    assert "chip-bad" in client.get(f"/contracts/{contract.pk}/").content.decode()
    assert "HT-77" in client.get("/contracts/overdue/").content.decode()
    response = client.post(
        f"/contracts/{contract.pk}/payments/",
        {
            "pay-received_on": "2026-11-20",
            "pay-amount": "500",
            "pay-method": "transfer",
            "pay-reference": "X1",
        },
    )
    assert response.status_code == 302
    assert "HT-77" not in client.get("/contracts/overdue/").content.decode()


def test_given_future_payment_then_refused_with_values_kept(org, login):
    contract = ContractFactory(customer=org.cust_a)
    response = login(org.rep_a).post(
        f"/contracts/{contract.pk}/payments/",
        {"pay-received_on": "2027-11-20", "pay-amount": "321", "pay-method": "transfer"},
    )
    assert response.status_code == 422
    assert 'value="321"' in response.content.decode()
    assert not contract.payments.exists()


def test_given_contract_form_then_created_and_duplicate_number_refused(org, login):
    client = login(org.rep_a)
    data = {
        "customer": org.cust_a.pk,
        "number": "HT-1",
        "title": "供货",
        "status": "active",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "amount": "1000",
    }
    assert client.post("/contracts/new/", data).status_code == 302
    response = client.post("/contracts/new/", data)
    assert response.status_code == 200
    assert "已有合同使用此编号" in response.content.decode()
    assert Contract.objects.count() == 1


def test_given_customer_panel_then_lists_open_opportunities_contracts_and_overdue(org, login):
    OpportunityFactory(customer=org.cust_a, title="开放商机")
    OpportunityFactory(customer=org.cust_a, title="已输", stage="lost", lost_reason="x", probability=0)
    contract = ContractFactory(customer=org.cust_a, number="HT-P")
    PaymentPlanItem.objects.create(contract=contract, due_on=datetime.date(2026, 9, 1), amount=Decimal("100"))
    html = login(org.rep_a).get(f"/customers/{org.cust_a.pk}/sales-panel/").content.decode()
    assert "开放商机" in html and "已输" not in html
    assert html.count("HT-P") == 2


def test_given_manager_then_product_created_and_rep_refused(org, login):
    data = {"code": "P-1", "name": "机油", "category": "润滑油", "unit_price": "100", "unit_cost": "60"}
    assert login(org.rep_a).post("/products/new/", data).status_code == 403
    assert login(org.mgr_1).post("/products/new/", data).status_code == 302


def test_given_order_form_then_total_comes_from_lines(org, login):
    product = ProductFactory(unit_price=Decimal("30"))
    response = login(org.rep_a).post(
        f"/orders/new/?customer={org.cust_a.pk}",
        {
            "ordered_on": "2026-11-20",
            "amount": "",
            "external_ref": "ERP-1",
            "line1_product": product.pk,
            "line1_quantity": "3",
            "line1_price": "",
            "line2_product": product.pk,
            "line2_quantity": "1",
            "line2_price": "10",
        },
    )
    assert response.status_code == 302
    order = Order.objects.get(external_ref="ERP-1")
    assert (order.amount, order.lines.count(), order.customer) == (Decimal("100.00"), 2, org.cust_a)


def test_given_order_of_other_team_then_404(org, login):
    assert login(org.rep_a).get(f"/orders/new/?customer={org.cust_c.pk}").status_code == 404


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _pipeline(org, n: int) -> None:
    customers = [CustomerFactory(owner=org.rep_a if i % 2 else org.rep_b) for i in range(5)]
    stages_cycle = ["lead", "discovery", "proposal", "negotiation", "won"]
    for i in range(n):
        stage = stages_cycle[i % 5]
        OpportunityFactory(
            customer=customers[i % 5],
            stage=stage,
            closed_on=datetime.date(2026, 11, 20) if stage == "won" else None,
            expected_close_on=datetime.date(2026, 11 + i % 2, 10),
        )
        contract = ContractFactory(customer=customers[i % 5])
        PaymentPlanItem.objects.create(
            contract=contract, due_on=datetime.date(2026, 10, 1), amount=Decimal("10")
        )


@pytest.mark.parametrize("url", ["/pipeline/", "/pipeline/forecast/", "/contracts/", "/contracts/overdue/"])
def test_given_more_rows_then_query_count_does_not_grow(org, login, url):
    client = login(org.mgr_1)
    _pipeline(org, 5)
    client.get(url)  # the first request of a session does its own bookkeeping
    small = _count_queries(client, url)
    _pipeline(org, 45)
    large = _count_queries(client, url)
    assert large == small


def test_given_order_edit_then_lines_replaced_and_total_recomputed(org, login):
    product = ProductFactory(unit_price=Decimal("30"))
    client = login(org.rep_a)
    client.post(
        f"/orders/new/?customer={org.cust_a.pk}",
        {
            "ordered_on": "2026-11-20",
            "external_ref": "ERP-2",
            "line1_product": product.pk,
            "line1_quantity": "1",
        },
    )
    order = Order.objects.get(external_ref="ERP-2")
    page = client.get(f"/orders/{order.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in page
    response = client.post(
        f"/orders/{order.pk}/edit/",
        {
            "version": "1",
            "ordered_on": "2026-11-21",
            "external_ref": "ERP-2",
            "line1_product": product.pk,
            "line1_quantity": "4",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.amount, order.version, order.lines.get().quantity) == (
        Decimal("120.00"),
        2,
        Decimal("4.000"),
    )
    stale = client.post(
        f"/orders/{order.pk}/edit/",
        {"version": "1", "ordered_on": "2026-11-21", "line1_product": product.pk, "line1_quantity": "9"},
    )
    assert stale.status_code == 302
    order.refresh_from_db()
    assert order.lines.get().quantity == Decimal("4.000")


def test_given_stale_opportunity_edit_then_409_with_both_versions(org, login):
    opp = OpportunityFactory(customer=org.cust_a, title="旧标题", version=2)
    response = login(org.rep_a).post(
        f"/opportunities/{opp.pk}/edit/",
        {"version": "1", "title": "新标题", "amount": "1000", "owner": org.rep_a.pk},
    )
    assert response.status_code == 409
    assert "旧标题" in response.content.decode() and "新标题" in response.content.decode()
    opp.refresh_from_db()
    assert opp.title == "旧标题"


def test_given_contract_page_then_instalment_and_payment_removed_but_not_through_another_contract(org, login):
    contract = ContractFactory(customer=org.cust_a)
    other = ContractFactory(customer=org.cust_a)
    item = PaymentPlanItem.objects.create(
        contract=contract, due_on=datetime.date(2026, 10, 1), amount=Decimal("9")
    )
    payment = contract.payments.create(received_on=datetime.date(2026, 10, 2), amount=Decimal("4"))
    client = login(org.rep_a)
    assert client.post(f"/contracts/{other.pk}/plan/{item.pk}/delete/").status_code == 404
    assert client.post(f"/contracts/{other.pk}/payments/{payment.pk}/delete/").status_code == 404
    assert login(org.rep_c).post(f"/contracts/{contract.pk}/plan/{item.pk}/delete/").status_code == 404
    assert (contract.plan_items.count(), contract.payments.count()) == (1, 1)
    response = client.post(f"/contracts/{contract.pk}/plan/{item.pk}/delete/")
    assert response["Location"] == f"/contracts/{contract.pk}/"
    client.post(f"/contracts/{contract.pk}/payments/{payment.pk}/delete/")
    assert (contract.plan_items.count(), contract.payments.count()) == (0, 0)
