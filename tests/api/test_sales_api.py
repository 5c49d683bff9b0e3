"""Sales in the API: products, orders with lines, opportunities with stage moves and the forecast,
contracts with payment plans and payments."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.sales.models import Contract, Opportunity, Order, PaymentPlanItem, StageChange

from ..factories import CustomerFactory
from ..sales.factories import ContractFactory, OpportunityFactory, ProductFactory
from .support import API, if_match, token_client

NOW = datetime.datetime(2026, 11, 24, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def send(client, method, url, body, **headers):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", headers=headers)


def test_given_manager_then_products_created_once_per_key_and_patched_with_if_match(org):
    client = token_client(org.mgr_1)
    key = str(uuid.uuid4())
    body = {
        "code": "P-9",
        "name": "全合成机油",
        "category": "润滑油",
        "unit_price": "320.00",
        "unit_cost": "200",
    }
    first = send(client, "post", f"{API}/products", body, **{"Idempotency-Key": key})
    again = send(client, "post", f"{API}/products", body, **{"Idempotency-Key": key})
    assert first.status_code == 201 and again.json() == first.json()
    url = f"{API}/products/{first.json()['id']}"
    assert send(client, "patch", url, {"name": "机油"}).status_code == 428
    patched = send(client, "patch", url, {"name": "机油"}, **if_match(1))
    assert (patched.status_code, patched.json()["name"], patched["ETag"]) == (200, "机油", '"v2"')
    assert send(token_client(org.rep_a), "post", f"{API}/products", {**body, "code": "X"}).status_code == 403
    assert send(client, "post", f"{API}/products", {**body, "extra": 1}).status_code == 400


def test_given_order_with_lines_then_amount_is_their_sum_and_external_ref_unique_per_source(org):
    product = ProductFactory(unit_price=Decimal("50"))
    client = token_client(org.rep_a)
    body = {
        "customer_id": org.cust_a.pk,
        "ordered_on": "2026-11-20",
        "external_ref": "ERP-100",
        "lines": [{"product_id": product.pk, "quantity": "2"}, {"quantity": "1", "unit_price": "7.5"}],
    }
    created = send(client, "post", f"{API}/orders", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["amount"], len(data["lines"]), data["source"]) == ("107.50", 2, "api")
    duplicate = send(client, "post", f"{API}/orders", body)
    assert duplicate.status_code == 422
    assert Order.objects.count() == 1
    patched = send(
        client,
        "patch",
        f"{API}/orders/{data['id']}",
        {"amount": None, "lines": [{"quantity": "3", "unit_price": "10"}]},
        **if_match(1),
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["amount"], len(patched.json()["lines"])) == ("30.00", 1)
    assert (
        send(token_client(org.rep_c), "post", f"{API}/orders", {**body, "external_ref": "E2"}).status_code
        == 422
    )
    assert token_client(org.rep_c).get(f"{API}/orders/{data['id']}").status_code == 404


def test_given_opportunity_then_created_moved_and_history_listed(org):
    client = token_client(org.rep_a)
    created = send(
        client,
        "post",
        f"{API}/opportunities",
        {"customer_id": org.cust_a.pk, "title": "年框", "amount": "1000"},
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["stage"], data["probability"], data["owner"]["id"]) == ("lead", "10.00", org.rep_a.pk)
    url = f"{API}/opportunities/{data['id']}"
    moved = send(client, "post", f"{url}/move", {"stage": "discovery"}, **if_match(1))
    assert (moved.status_code, moved.json()["stage"], moved.json()["probability"]) == (
        200,
        "discovery",
        "25.00",
    )
    stale = send(client, "post", f"{url}/move", {"stage": "proposal"}, **if_match(1))
    assert stale.status_code == 412
    history = client.get(f"{url}/history").json()
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [("", "lead"), ("lead", "discovery")]
    stage_in_patch = send(client, "patch", url, {"stage": "won"}, **if_match(2))
    assert stage_in_patch.status_code == 400  # not a writable field


def test_given_lost_without_reason_then_400_with_message_in_chinese(org):
    opp = OpportunityFactory(customer=org.cust_a, stage="negotiation", probability=75)
    response = send(token_client(org.rep_a), "post", f"{API}/opportunities/{opp.pk}/move", {"stage": "lost"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "lost_reason_required"
    assert "输单原因" in body["message"]
    assert "lost_reason" in body["details"]
    opp.refresh_from_db()
    assert opp.stage == "negotiation"
    ok = send(
        token_client(org.rep_a),
        "post",
        f"{API}/opportunities/{opp.pk}/move",
        {"stage": "lost", "lost_reason": "预算取消"},
    )
    assert ok.json()["lost_reason"] == "预算取消"


def test_given_move_not_in_stage_table_then_400(org):
    opp = OpportunityFactory(customer=org.cust_a)
    response = send(token_client(org.rep_a), "post", f"{API}/opportunities/{opp.pk}/move", {"stage": "won"})
    assert (response.status_code, response.json()["code"]) == (400, "stage_not_allowed")
    assert not StageChange.objects.exists()


@pytest.mark.parametrize("role", ["rep_c", "mgr_2", "rep_b"])
def test_given_other_team_then_opportunity_and_contract_are_404(org, role):
    opp = OpportunityFactory(customer=org.cust_a)
    contract = ContractFactory(customer=org.cust_a)
    client = token_client(org.user(role))
    assert client.get(f"{API}/opportunities/{opp.pk}").status_code == 404
    assert (
        send(client, "post", f"{API}/opportunities/{opp.pk}/move", {"stage": "discovery"}).status_code == 404
    )
    assert client.get(f"{API}/contracts/{contract.pk}").status_code == 404
    assert client.get(f"{API}/contracts/{contract.pk}/payments").status_code == 404
    assert (
        send(
            client,
            "post",
            f"{API}/contracts/{contract.pk}/payments",
            {"received_on": "2026-11-01", "amount": "1"},
        ).status_code
        == 404
    )
    assert client.get(f"{API}/opportunities").json()["count"] == 0
    assert client.get(f"{API}/contracts").json()["count"] == 0


def test_given_pipeline_then_forecast_endpoint_weights_by_month_and_owner(org):
    OpportunityFactory(
        customer=org.cust_a,
        stage="proposal",
        amount=Decimal("10000"),
        probability=50,
        expected_close_on=datetime.date(2026, 12, 5),
    )
    OpportunityFactory(
        customer=org.cust_a,
        stage="won",
        amount=Decimal("300"),
        probability=100,
        closed_on=datetime.date(2026, 11, 2),
    )
    data = token_client(org.mgr_1).get(f"{API}/forecast?start=2026-11-01&months=2").json()
    assert data["months"] == ["2026-11-01", "2026-12-01"]
    (row,) = data["rows"]
    assert row["owner"]["id"] == org.rep_a.pk
    assert [(c["weighted"], c["won"]) for c in row["cells"]] == [("0.00", "300.00"), ("5000.00", "0.00")]
    assert data["teams"][0]["team_id"] == org.team_1.pk
    assert token_client(org.mgr_2).get(f"{API}/forecast?start=2026-11-01&months=2").json()["rows"] == []


def test_given_contract_then_plan_payments_and_overdue_via_api(org):
    client = token_client(org.rep_a)
    body = {
        "customer_id": org.cust_a.pk,
        "number": "HT-API-1",
        "title": "年度供货",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "amount": "300",
        "plan_items": [{"due_on": "2026-06-01", "amount": "100"}, {"due_on": "2026-12-01", "amount": "200"}],
    }
    created = send(client, "post", f"{API}/contracts", body, **{"Idempotency-Key": str(uuid.uuid4())})
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["planned_total"], data["received_total"], data["owner"]["id"]) == (
        "300.00",
        "0.00",
        org.rep_a.pk,
    )
    assert send(client, "post", f"{API}/contracts", body).status_code == 422  # number in use
    url = f"{API}/contracts/{data['id']}"
    overdue = client.get(f"{API}/overdue-payments").json()
    assert [(o["contract_number"], o["outstanding"]) for o in overdue] == [("HT-API-1", "100.00")]
    paid = send(
        client, "post", f"{url}/payments", {"received_on": "2026-11-20", "amount": "120", "reference": "B1"}
    )
    assert paid.status_code == 201, paid.content
    items = client.get(f"{url}/plan-items").json()
    assert [(i["paid"], i["overdue"]) for i in items] == [("100.00", False), ("20.00", False)]
    assert client.get(f"{API}/overdue-payments").json() == []
    future = send(client, "post", f"{url}/payments", {"received_on": "2027-01-01", "amount": "1"})
    assert future.status_code == 422
    patched = send(client, "patch", url, {"status": "terminated"}, **if_match(data["version"]))
    assert (patched.status_code, patched.json()["status"]) == (200, "terminated")
    assert send(client, "patch", url, {"status": "active"}).status_code == 428


def test_given_contract_for_hidden_customer_then_refused(org):
    body = {
        "customer_id": org.cust_c.pk,
        "number": "X",
        "title": "x",
        "starts_on": "2026-01-01",
        "ends_on": "2026-02-01",
    }
    response = send(token_client(org.rep_a), "post", f"{API}/contracts", body)
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["customer_id"]
    assert not Contract.objects.exists()


def test_given_stage_table_endpoint_then_lists_moves(org):
    data = token_client(org.rep_a).get(f"{API}/opportunity-stages").json()
    assert [s["code"] for s in data] == ["lead", "discovery", "proposal", "negotiation", "won", "lost"]
    assert data[3]["moves_to"] == ["proposal", "won", "lost"]


def _rows(org, n):
    customers = [CustomerFactory(owner=org.rep_a) for _ in range(3)]
    for i in range(n):
        OpportunityFactory(customer=customers[i % 3], expected_close_on=datetime.date(2026, 12, 1))
        contract = ContractFactory(customer=customers[i % 3])
        PaymentPlanItem.objects.create(
            contract=contract, due_on=datetime.date(2026, 1, 1), amount=Decimal("5")
        )


@pytest.mark.parametrize(
    "url", ["/opportunities?page_size=100", "/forecast", "/contracts?page_size=100", "/overdue-payments"]
)
def test_given_more_rows_then_api_queries_do_not_grow(org, url):
    client = token_client(org.mgr_1)
    _rows(org, 5)
    client.get(API + url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(API + url).status_code == 200
    _rows(org, 45)
    with CaptureQueriesContext(connection) as large:
        assert client.get(API + url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert Opportunity.objects.count() == 50


def test_given_contract_then_instalment_and_payment_deleted_only_under_their_contract(org):
    contract = ContractFactory(customer=org.cust_a)
    other = ContractFactory(customer=org.cust_a)
    item = PaymentPlanItem.objects.create(
        contract=contract, due_on=datetime.date(2026, 10, 1), amount=Decimal("9")
    )
    payment = contract.payments.create(received_on=datetime.date(2026, 10, 2), amount=Decimal("4"))
    client = token_client(org.rep_a)
    assert client.delete(f"{API}/contracts/{other.pk}/plan-items/{item.pk}").status_code == 404
    assert client.delete(f"{API}/contracts/{other.pk}/payments/{payment.pk}").status_code == 404
    assert (
        token_client(org.rep_c).delete(f"{API}/contracts/{contract.pk}/payments/{payment.pk}").status_code
        == 404
    )
    assert (contract.plan_items.count(), contract.payments.count()) == (1, 1)
    assert client.delete(f"{API}/contracts/{contract.pk}/plan-items/{item.pk}").status_code == 204
    assert client.delete(f"{API}/contracts/{contract.pk}/payments/{payment.pk}").status_code == 204
    assert (contract.plan_items.count(), contract.payments.count()) == (0, 0)
