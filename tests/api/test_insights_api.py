"""The customer value endpoints: visibility like the web, numbers equal to the selectors."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.insights import selectors
from guanxi.insights.refresh import refresh_insights

from ..factories import CustomerFactory
from ..sales.factories import ProductFactory, buy

NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)
AS_OF = datetime.date(2026, 11, 23)
EARLIER = datetime.date(2026, 5, 31)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _book(org, count: int) -> None:
    product = ProductFactory()
    for i in range(count):
        for owner in (org.rep_a, org.rep_b, org.rep_c):
            customer = CustomerFactory(owner=owner, industry=f"行业{i % 2}")
            buy(
                customer,
                *(datetime.date(2026, m, 2) for m in range(1 + i % 6, 12, 2)),
                amount=f"{100 + i}.00",
                product=product,
            )


@pytest.fixture
def refreshed(org):
    _book(org, 4)
    buy(org.cust_a, datetime.date(2025, 4, 1), datetime.date(2026, 1, 10), amount="8000.00")
    refresh_insights(as_of=EARLIER, alerts=False)
    refresh_insights(as_of=AS_OF, alerts=False)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anon", 401),
        ("rep_a", 200),
        ("rep_b", 404),
        ("rep_c", 404),
        ("mgr_1", 200),
        ("mgr_2", 404),
        ("director", 200),
    ],
)
def test_customer_insights_visibility(org, as_role, refreshed, role, status):
    response = as_role(role).get(f"/api/v1/customers/{org.cust_a.pk}/insights")
    assert response.status_code == status
    if status == 404:
        assert response.json()["code"] == "not_found"


def test_customer_insights_figures_match_the_snapshot(org, as_role, refreshed):
    body = as_role("rep_a").get(f"/api/v1/customers/{org.cust_a.pk}/insights").json()

    facts = selectors.customer_insights(user=org.rep_a, customer_id=org.cust_a.pk)
    assert body["as_of"] == "2026-11-23"
    assert body["figures"]["segment"] == facts["segment"]
    assert body["figures"]["p_alive"] == pytest.approx(facts["p_alive"])
    assert body["figures"]["monetary"] == pytest.approx(float(facts["monetary"]))
    assert body["figures"]["grade_reasons"][0]["code"] == "revenue_share"
    assert body["next_action"]["action"]
    assert body["next_action"]["reason"]["code"] == "matched"


def test_customer_without_refresh_has_no_figures(org, as_role):
    body = as_role("rep_a").get(f"/api/v1/customers/{org.cust_a.pk}/insights").json()
    assert body["figures"] is None and body["as_of"] is None


@pytest.mark.parametrize("role", ["rep_a", "mgr_1", "director"])
def test_aggregates_equal_the_selectors_of_the_callers_scope(org, as_role, refreshed, role):
    user = org.user(role)
    client = as_role(role)

    segments = client.get("/api/v1/insights/segments").json()
    assert {r["segment"]: r["customers"] for r in segments} == {
        r["segment"]: r["customers"] for r in selectors.segment_sizes(user=user)
    }
    summary = client.get("/api/v1/insights/summary").json()
    assert sum(r["customers"] for r in summary["grades"]) == selectors.snapshots_visible(user, AS_OF).count()
    assert [r["customers"] for r in summary["value_scores"]] == [
        r["customers"] for r in selectors.value_score_histogram(user=user)
    ]
    revenue = client.get("/api/v1/insights/revenue?dimension=industry").json()
    assert revenue == [
        {**r, "revenue": pytest.approx(r["revenue"]), "total": pytest.approx(r["total"])}
        for r in selectors.revenue_by(user=user, dimension="industry")
    ]
    churn = client.get("/api/v1/insights/churn-risk?limit=10").json()
    assert [r["customer_id"] for r in churn] == [
        r["customer_id"] for r in selectors.churn_risk_list(user=user, limit=10)
    ]
    products = client.get("/api/v1/insights/products").json()
    assert [(p["product_id"], p["volume_class"]) for p in products] == [
        (p["product_id"], p["volume_class"]) for p in selectors.product_abc(user=user, as_of=AS_OF)
    ]
    months = client.get("/api/v1/insights/revenue-by-month").json()
    assert [m["customers"] for m in months] == [
        m["customers"] for m in selectors.revenue_by_month(user=user, as_of=AS_OF)
    ]
    flows = client.get("/api/v1/insights/segment-flows?from_as_of=2026-05-31").json()
    assert sum(r["customers"] for r in flows) == selectors.snapshots_visible(user, AS_OF).count()


def test_rep_aggregates_never_count_another_book(org, as_role, refreshed):
    from guanxi.customers.models import Customer

    segments = as_role("rep_c").get("/api/v1/insights/segments").json()
    assert sum(r["customers"] for r in segments) == Customer.objects.filter(owner=org.rep_c).count()


def test_owner_filter_cannot_widen_the_scope(org, as_role, refreshed):
    body = as_role("mgr_1").get(f"/api/v1/insights/segments?owner_id={org.rep_c.pk}").json()
    assert body == []


def test_unknown_dimension_is_refused(org, as_role, refreshed):
    response = as_role("director").get("/api/v1/insights/revenue?dimension=owner")
    assert response.status_code == 422


def test_summary_query_count_does_not_grow(org, as_role):
    _book(org, 2)
    refresh_insights(as_of=AS_OF, alerts=False)
    client = as_role("mgr_1")
    client.get("/api/v1/insights/summary")  # the first call also records the token's use
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/insights/summary")
    _book(org, 10)
    refresh_insights(as_of=AS_OF, alerts=False)
    with CaptureQueriesContext(connection) as large:
        client.get("/api/v1/insights/summary")
    assert len(large) == len(small)
