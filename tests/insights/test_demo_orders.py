"""The demo's order history gives every value figure something to show, the same way every time."""

import datetime

import pytest
import time_machine

from guanxi.demo import demo_load
from guanxi.engagement.models import Notification, NotificationKind
from guanxi.insights import selectors
from guanxi.insights.models import CustomerSnapshot, InsightsRun, ValueAlert
from guanxi.people.models import User
from guanxi.sales.models import Order, OrderLine

NOW = datetime.datetime(2026, 11, 24, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def demo(db):
    with time_machine.travel(NOW, tick=False):
        demo_load(password="a long demo password 2026")
        yield


def test_given_the_demo_then_every_dashboard_figure_has_data(demo):
    director = User.objects.get(role="director")
    days = selectors.snapshot_days()
    assert len(days) == 2 and days[0] == datetime.date(2026, 11, 23)
    assert Order.objects.count() > 1000 and OrderLine.objects.count() >= Order.objects.count()

    segments = {r["segment"] for r in selectors.segment_sizes(user=director)}
    assert {"champions", "loyal", "at_risk", "lost", "no_orders"} <= segments
    grades = {r["key"] for r in selectors.value_distribution(user=director)["grades"]}
    assert grades >= {"A", "B", "C"}
    assert len(selectors.churn_risk_list(user=director, limit=10)) == 10
    products = selectors.product_abc(user=director, as_of=days[0])
    assert len(products) == 12 and {p["potential_class"] for p in products} >= {"A", "C"}
    flows = selectors.segment_flows(user=director, from_as_of=days[1], to_as_of=days[0])
    assert any(f["from"] != f["to"] for f in flows)
    assert len({r["key"] for r in selectors.lifecycle_counts(user=director)}) >= 4
    assert InsightsRun.objects.get(as_of=days[0]).bgnbd.get("converged") is True
    latest = CustomerSnapshot.objects.filter(as_of=days[0], order_count__gt=0)
    assert latest.filter(expected_purchases_90__isnull=True).count() == 0
    assert latest.filter(purchase_days__gt=1, clv_12_months__isnull=True).count() == 0


def test_given_the_demo_then_value_alerts_reach_the_owners_inbox(demo):
    alerts = ValueAlert.objects.count()
    assert alerts > 0
    assert (
        Notification.objects.filter(kind=NotificationKind.VALUE_ALERT).count()
        == ValueAlert.objects.filter(task__isnull=False).count()
    )
