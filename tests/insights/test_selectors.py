"""Dashboard and customer-page selectors: scoped, plain data, a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest

from guanxi.core.errors import NotFound
from guanxi.insights.compute import InsightsConfig
from guanxi.insights.refresh import refresh_insights
from guanxi.insights.selectors import (
    churn_risk_list,
    cross_sell_for,
    customer_insights,
    next_best_action,
    product_abc,
    revenue_by,
    segment_flows,
    segment_sizes,
    value_alerts,
    value_distribution,
)
from guanxi.insights.services import customer_lifecycle_override

from ..factories import CustomerFactory
from ..sales.factories import ProductFactory, buy
from .conftest import AS_OF

pytestmark = pytest.mark.usefixtures("frozen")
D1 = datetime.date(2025, 6, 30)


def sizes(rows):
    return {row["segment"]: row["customers"] for row in rows}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("rep_a", {"need_attention": 1, "no_orders": 1}),
        ("rep_c", {"lost": 1}),
        ("mgr_1", {"need_attention": 1, "no_orders": 1}),
        ("director", {"need_attention": 1, "lost": 1, "no_orders": 1}),
        ("sysadmin", {}),
    ],
)
def test_given_snapshots_when_counting_segments_then_only_visible_customers(org, history, role, expected):
    refresh_insights(as_of=AS_OF)
    assert sizes(segment_sizes(user=org.user(role))) == expected


def test_given_segment_sizes_when_reading_then_labels_and_money(org, history):
    refresh_insights(as_of=AS_OF)
    row = next(r for r in segment_sizes(user=org.rep_a) if r["segment"] == "need_attention")
    assert {k: row[k] for k in ("label", "value_group", "group_label", "customers", "revenue")} == {
        "label": "需关注客户",
        "value_group": "potential",
        "group_label": "潜力客户",
        "customers": 1,
        "revenue": 6000.0,
    }


def test_given_two_refreshes_when_reading_flows_then_segment_to_segment_counts(org, slipping):
    config = InsightsConfig(churn_threshold=0.0)
    refresh_insights(as_of=D1, config=config)
    refresh_insights(as_of=AS_OF, config=config)
    flows = {
        (f["from"], f["to"]): f["customers"]
        for f in segment_flows(user=org.director, from_as_of=D1, to_as_of=AS_OF)
    }
    assert flows == {
        ("champions", "potential_loyalist"): 1,
        ("hibernating", "hibernating"): 4,
        ("no_orders", "champions"): 1,
        ("no_orders", "no_orders"): 1,
    }
    mine = {
        (f["from"], f["to"]): f["customers"]
        for f in segment_flows(user=org.rep_a, from_as_of=D1, to_as_of=AS_OF)
    }
    assert mine == {("champions", "potential_loyalist"): 1}


def test_given_valuable_customers_when_listing_churn_risk_then_lowest_p_alive_first_and_scoped(org, slipping):
    refresh_insights(as_of=AS_OF)
    rows = churn_risk_list(user=org.director)
    assert [r["customer_id"] for r in rows] == [slipping.pk]  # the only high-value / class-A customer
    assert rows[0]["segment"] == "champions" and 0 <= rows[0]["p_alive"] <= 1
    assert churn_risk_list(user=org.rep_a) == []


def test_given_snapshots_when_summing_revenue_by_dimension_then_grouped_and_scoped(org, history):
    org.cust_c.industry = "信息技术"
    org.cust_c.save()
    refresh_insights(as_of=AS_OF)
    by_grade = revenue_by(user=org.director, dimension="grade")
    assert [(r["key"], r["customers"], r["revenue"], r["total"]) for r in by_grade] == [
        ("B", 2, 6000.0, 6500.0),
        ("", 1, 0.0, 0.0),
    ]
    by_industry = revenue_by(user=org.rep_a, dimension="industry")
    assert [(r["key"], r["customers"], r["revenue"]) for r in by_industry] == [("制造业", 2, 6000.0)]
    with pytest.raises(ValueError, match="dimension"):
        revenue_by(user=org.director, dimension="owner")


def test_given_snapshots_when_reading_value_distribution_then_three_breakdowns(org, history):
    refresh_insights(as_of=AS_OF)
    result = value_distribution(user=org.director)
    assert [(r["key"], r["customers"]) for r in result["value_groups"]] == [
        ("no_orders", 1),
        ("potential", 1),
        ("sleeping", 1),
    ]
    assert [(r["key"], r["customers"], r["revenue"]) for r in result["revenue_classes"]] == [
        ("A", 1, 6000.0),
        ("C", 2, 0.0),
    ]
    assert [(r["key"], r["customers"]) for r in result["grades"]] == [("A", 1), ("C", 2)]


def test_given_more_customers_when_reading_aggregates_then_query_count_stays_the_same(
    org, history, django_assert_num_queries
):
    def read_all():
        segment_sizes(user=org.mgr_1)
        revenue_by(user=org.mgr_1, dimension="region")
        value_distribution(user=org.mgr_1)
        churn_risk_list(user=org.mgr_1)
        segment_flows(user=org.mgr_1, from_as_of=AS_OF, to_as_of=AS_OF)
        product_abc(user=org.mgr_1)

    refresh_insights(as_of=AS_OF)
    # the manager's teams and the query each (value distribution: three queries), plus the latest
    # refresh day where it is not given: 3 + 3 + 5 + 3 + 2 + 2
    expected = 18
    with django_assert_num_queries(expected):
        read_all()
    product = ProductFactory()
    for n in range(10):
        buy(CustomerFactory(owner=org.rep_b), datetime.date(2026, 10, n + 1), product=product)
    refresh_insights(as_of=AS_OF)
    with django_assert_num_queries(expected):
        read_all()


def test_given_customer_when_reading_insights_then_latest_snapshot_or_404(org, history):
    assert customer_insights(user=org.rep_a, customer_id=org.cust_a.pk) is None
    refresh_insights(as_of=AS_OF)
    data = customer_insights(user=org.rep_a, customer_id=org.cust_a.pk)
    assert (data["as_of"], data["segment"], data["segment_label"], data["lifecycle_stage_locked"]) == (
        AS_OF,
        "need_attention",
        "需关注客户",
        False,
    )
    with pytest.raises(NotFound):
        customer_insights(user=org.rep_b, customer_id=org.cust_a.pk)


def test_given_customer_when_asking_next_best_action_then_rule_with_facts_and_reason(org, history):
    customer_lifecycle_override(actor=org.rep_a, customer=org.cust_a, stage="maturity")
    refresh_insights(as_of=AS_OF)
    action = next_best_action(user=org.rep_a, customer_id=org.cust_a.pk)
    assert (
        action["rule_name"],
        action["channel"],
        action["facts"]["value_group"],
        action["facts"]["days_since_last_contact"],
    ) == (
        "潜力客户日常跟进",
        "wechat",
        "potential",
        None,
    )
    assert action["reason"]["conditions"] == [
        {"condition": "value_groups", "value": "potential", "allowed": ["potential"]}
    ]
    prospect = next_best_action(user=org.rep_a, customer_id=history.pk)
    assert prospect["rule_name"] == "尚未成交的客户"
    with pytest.raises(NotFound):
        next_best_action(user=org.rep_c, customer_id=org.cust_a.pk)


def test_given_products_bought_together_when_asking_cross_sell_then_best_partners_not_owned(org):
    oil, filter_, coolant, tyre = (
        ProductFactory(code=c, name=n)
        for c, n in [("P1", "机油"), ("P2", "机滤"), ("P3", "冷却液"), ("P4", "轮胎")]
    )
    # Five customers buy oil and filters, three of them coolant too; tyres go with nothing.
    for n in range(5):
        customer = CustomerFactory(owner=org.rep_b)
        buy(customer, datetime.date(2026, 5, 1), product=oil)
        buy(customer, datetime.date(2026, 6, 1), product=filter_)
        if n < 3:
            buy(customer, datetime.date(2026, 7, 1), product=coolant)
    buy(CustomerFactory(owner=org.rep_b), datetime.date(2026, 7, 1), product=tyre)
    buy(org.cust_a, datetime.date(2026, 8, 1), product=oil)
    refresh_insights(as_of=AS_OF)
    suggestions = cross_sell_for(user=org.rep_a, customer_id=org.cust_a.pk, limit=5)
    # 7 buyers of anything: oil 6, filter 5 (all with oil), coolant 3 (all with oil and filter).
    assert [
        (s["code"], s["because_of"]["code"], s["customers_bought_both"], s["lift"]) for s in suggestions
    ] == [
        ("P2", "P1", 5, round(5 * 7 / (6 * 5), 3)),
        ("P3", "P1", 3, round(3 * 7 / (6 * 3), 3)),
    ]
    assert cross_sell_for(user=org.rep_a, customer_id=org.cust_a.pk, limit=1)[0]["code"] == "P2"
    with pytest.raises(NotFound):
        cross_sell_for(user=org.rep_c, customer_id=org.cust_a.pk)


def test_given_order_lines_when_classifying_products_then_three_abc_views_scoped(org):
    cheap, dear = (
        ProductFactory(code="P1", unit_cost=Decimal("1")),
        ProductFactory(code="P2", unit_cost=Decimal("90")),
    )
    from ..sales.factories import OrderFactory, OrderLineFactory

    order = OrderFactory(customer=org.cust_a, ordered_on=datetime.date(2026, 10, 1))
    OrderLineFactory(order=order, product=cheap, quantity=Decimal("100"), unit_price=Decimal("2"))
    OrderLineFactory(order=order, product=dear, quantity=Decimal("5"), unit_price=Decimal("100"))
    old = OrderFactory(customer=org.cust_a, ordered_on=datetime.date(2025, 10, 1))
    OrderLineFactory(order=old, product=dear, quantity=Decimal("5"), unit_price=Decimal("100"))
    rows = {r["code"]: r for r in product_abc(user=org.rep_a, as_of=AS_OF)}
    assert {
        code: (r["quantity"], r["revenue"], r["margin"], r["previous_revenue"]) for code, r in rows.items()
    } == {
        "P1": (100.0, 200.0, 100.0, 0.0),
        "P2": (5.0, 500.0, 50.0, 500.0),
    }
    assert {
        code: (r["volume_class"], r["profit_class"], r["potential_class"]) for code, r in rows.items()
    } == {
        "P1": ("A", "A", "A"),
        "P2": ("C", "A", "C"),  # 5 of 105 units come after 95 %; 50 of 150 margin after 67 %; no growth
    }
    assert product_abc(user=org.rep_c, as_of=AS_OF) == []


def test_given_alerts_when_listing_them_then_scoped(org, slipping):
    config = InsightsConfig(churn_threshold=0.0)
    refresh_insights(as_of=D1, config=config)
    refresh_insights(as_of=AS_OF, config=config)
    assert sorted(a["kind"] for a in value_alerts(user=org.rep_a)) == ["grade_drop", "segment_drop"]
    assert value_alerts(user=org.rep_c) == []
