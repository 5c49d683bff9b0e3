"""Value alerts reach the owner's inbox as well as their task list, once."""

import datetime

import pytest

from guanxi.engagement.models import Notification, NotificationKind, Task
from guanxi.insights.compute import InsightsConfig
from guanxi.insights.refresh import refresh_insights

from .conftest import AS_OF

NO_CHURN_ALERTS = InsightsConfig(churn_threshold=0.0)
pytestmark = pytest.mark.usefixtures("frozen")


def test_given_a_slipping_customer_when_refreshing_twice_then_one_inbox_message_per_alert(org, slipping):
    refresh_insights(as_of=datetime.date(2025, 6, 30), config=NO_CHURN_ALERTS)
    assert Notification.objects.count() == 0

    refresh_insights(as_of=AS_OF, config=NO_CHURN_ALERTS)
    refresh_insights(as_of=AS_OF, config=NO_CHURN_ALERTS)

    messages = Notification.objects.order_by("dedupe_key")
    tasks = Task.objects.order_by("dedupe_key")
    assert tasks.count() == 2
    assert [(m.user, m.kind, m.dedupe_key, m.task) for m in messages] == [
        (org.rep_a, NotificationKind.VALUE_ALERT, t.dedupe_key, t) for t in tasks
    ]
    assert [m.title for m in messages] == [t.title for t in tasks]
    assert {m.link_url for m in messages} == {f"/customers/{org.cust_a.pk}/"}


def test_given_an_inactive_owner_when_alerting_then_task_but_no_message(org, slipping):
    org.rep_a.is_active = False
    org.rep_a.save()
    refresh_insights(as_of=datetime.date(2025, 6, 30), config=NO_CHURN_ALERTS)
    refresh_insights(as_of=AS_OF, config=NO_CHURN_ALERTS)

    assert Task.objects.count() == 2
    assert Notification.objects.count() == 0
