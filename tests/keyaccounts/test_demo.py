"""The demo data of key accounts: plans in every state, intel with a major report, referrals."""

import pytest

from guanxi.demo import demo_load
from guanxi.engagement.models import Notification, NotificationKind
from guanxi.keyaccounts.models import AccountPlan, AccountPlanVersion, IntelReport, PlanStatus, Referral
from guanxi.keyaccounts.selectors import referrer_report
from guanxi.people.models import User


@pytest.mark.django_db
def test_demo_holds_key_account_work():
    demo_load(password="demo-pass-1234")
    statuses = set(AccountPlan.objects.values_list("status", flat=True))
    assert statuses == {PlanStatus.DRAFT, PlanStatus.IN_REVIEW, PlanStatus.APPROVED}
    adjusted = [p for p in AccountPlan.objects.filter(status=PlanStatus.APPROVED) if p.versions.count() == 3]
    assert adjusted, "one approved plan was adjusted by the director after approval"
    first, second = AccountPlanVersion.objects.filter(plan=adjusted[0]).order_by("-number")[:2]
    assert first.snapshot["swot"]["threats"] != second.snapshot["swot"]["threats"]
    assert IntelReport.objects.filter(importance="major").count() == 1
    assert IntelReport.objects.filter(customer__isnull=True).exists()
    director = User.objects.get(username="director")
    assert Notification.objects.filter(user=director, kind=NotificationKind.INTEL_REPORT).count() == 1
    assert Referral.objects.exists()
    assert referrer_report(user=director)
