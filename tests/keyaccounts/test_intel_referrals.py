"""Intel reports (major ones reach the directors), the monthly reminder, referrals and their value."""

import datetime
from decimal import Decimal

import pytest

from guanxi.core.errors import ValidationFailed
from guanxi.engagement.models import Notification, NotificationKind, Task, TaskKind
from guanxi.keyaccounts.jobs import intel_monthly_reminder
from guanxi.keyaccounts.selectors import intel_report_list, referral_list, referrer_report
from guanxi.keyaccounts.services import intel_report_create, intel_report_update, referral_create
from guanxi.people.models import Role
from guanxi.sales.models import Order
from tests.factories import ContactFactory, CustomerFactory, UserFactory

from .factories import make_intel, make_referral

pytestmark = pytest.mark.django_db


def _intel(org, **extra):
    data = {
        "customer": org.cust_a,
        "title": "对方换了采购总监",
        "content": "新总监偏好国产",
        "source_level": 3,
    }
    return intel_report_create(actor=org.rep_a, data={**data, **extra})


def test_major_intel_notifies_every_active_director_once(org):
    second = UserFactory(username="director2", role=Role.DIRECTOR)
    UserFactory(username="retired", role=Role.DIRECTOR, is_active=False)
    report = _intel(org, importance="major")
    notes = Notification.objects.filter(kind=NotificationKind.INTEL_REPORT)
    assert sorted(notes.values_list("user__username", flat=True)) == ["director", "director2"]
    intel_report_update(
        actor=org.rep_a, report=report, data={"title": "更正"}, expected_version=report.version
    )
    assert notes.count() == 2
    assert second.notifications.count() == 1


def test_normal_intel_notifies_nobody_until_raised_to_major(org):
    report = _intel(org, importance="important")
    assert not Notification.objects.filter(kind=NotificationKind.INTEL_REPORT).exists()
    intel_report_update(
        actor=org.rep_a, report=report, data={"importance": "major"}, expected_version=report.version
    )
    assert Notification.objects.filter(kind=NotificationKind.INTEL_REPORT, user=org.director).count() == 1


def test_intel_needs_a_customer_or_a_market(org):
    with pytest.raises(ValidationFailed, match="market"):
        intel_report_create(actor=org.rep_a, data={"title": "t", "content": "c", "source_level": 1})
    report = intel_report_create(
        actor=org.rep_a, data={"market": "新能源汽车", "title": "t", "content": "c", "source_level": 1}
    )
    assert report.customer is None


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("rep_a", {"a", "market"}),
        ("rep_c", {"c", "market"}),
        ("mgr_1", {"a", "market"}),
        ("director", {"a", "c", "market"}),
        ("archivist", {"a", "c", "market"}),
        ("sysadmin", set()),
    ],
)
def test_intel_visibility_follows_the_customer(org, who, expected):
    make_intel(reporter=org.rep_a, customer=org.cust_a, title="a")
    make_intel(reporter=org.rep_c, customer=org.cust_c, title="c")
    make_intel(reporter=org.rep_c, market="医疗", title="market")
    titles = set(intel_report_list(user=org.user(who)).values_list("title", flat=True))
    assert titles == expected


def test_intel_filters(org):
    make_intel(reporter=org.rep_a, customer=org.cust_a, level=4, importance="major", title="x")
    make_intel(reporter=org.rep_a, customer=org.cust_a, level=1, title="y")
    assert [r.title for r in intel_report_list(user=org.director, source_level=4)] == ["x"]
    assert [r.title for r in intel_report_list(user=org.director, importance="normal")] == ["y"]
    assert intel_report_list(user=org.director, customer_id=org.cust_c.pk).count() == 0


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2026, 3, 9),
        datetime.date(2026, 3, 3),
        datetime.date(2026, 3, 1),
        datetime.date(2026, 2, 9),
    ],
)
def test_reminder_does_nothing_except_on_the_first_monday(org, day):
    assert intel_monthly_reminder(day=day) == {"created": 0}
    assert not Task.objects.filter(kind=TaskKind.INTEL).exists()


def test_reminder_on_the_first_monday_once_per_rep_and_month(org):
    first_monday = datetime.date(2026, 3, 2)
    assert intel_monthly_reminder(day=first_monday) == {"created": 3}
    assert intel_monthly_reminder(day=first_monday) == {"created": 0}
    tasks = Task.objects.filter(kind=TaskKind.INTEL)
    assert sorted(tasks.values_list("owner__username", flat=True)) == ["rep_a", "rep_b", "rep_c"]
    assert set(tasks.values_list("due_on", flat=True)) == {first_monday}
    assert intel_monthly_reminder(day=datetime.date(2026, 4, 6)) == {"created": 3}
    assert tasks.count() == 6


def test_referral_rules(org):
    contact = ContactFactory(customer=org.cust_c, name="张三")
    with pytest.raises(ValidationFailed, match="itself"):
        referral_create(actor=org.director, data={"referrer": org.cust_a, "referred": org.cust_a})
    with pytest.raises(ValidationFailed, match="contact"):
        referral_create(
            actor=org.director,
            data={"referrer": org.cust_a, "referred": org.cust_c, "referrer_contact": contact},
        )
    referral_create(
        actor=org.director, data={"referrer": org.cust_c, "referred": org.cust_a, "referrer_contact": contact}
    )
    with pytest.raises(ValidationFailed, match="already"):
        referral_create(actor=org.director, data={"referrer": org.cust_c, "referred": org.cust_a})


def _order(customer, amount, day=datetime.date(2026, 3, 1)):
    return Order.objects.create(customer=customer, ordered_on=day, amount=Decimal(amount))


def test_referrer_report_counts_and_values(org):
    referred = [CustomerFactory(name=f"客户{i}", owner=org.rep_a) for i in range(3)]
    make_referral(referrer=org.cust_a, referred=referred[0])
    make_referral(referrer=org.cust_a, referred=referred[1])
    make_referral(referrer=org.cust_c, referred=referred[2])
    _order(referred[0], "1000.00")
    _order(referred[0], "500.50")
    _order(referred[2], "20000")
    _order(org.cust_a, "99999")  # the referrer's own orders are no referral value
    rows = referrer_report(user=org.director)
    assert [(r["referrer_id"], r["count"], r["value"]) for r in rows] == [
        (org.cust_c.pk, 1, Decimal("20000")),
        (org.cust_a.pk, 2, Decimal("1500.50")),
    ]


def test_referrals_are_scoped_by_the_referred_customer(org):
    make_referral(referrer=org.cust_a, referred=org.cust_c)
    assert referral_list(user=org.rep_a).count() == 0
    assert referral_list(user=org.rep_c).count() == 1
    assert referrer_report(user=org.rep_a) == []


def test_reminder_is_a_scheduled_job_run_twice_on_the_day_it_creates_once(org):
    from guanxi.core.jobs import job_named, run_job

    job = job_named("intel_monthly_reminder")
    first = run_job(job, datetime.date(2026, 6, 1))
    second = run_job(job, datetime.date(2026, 6, 1))
    assert first.result == {"created": 3} and second.result == {"created": 0}
    assert Task.objects.filter(kind=TaskKind.INTEL, due_on=datetime.date(2026, 6, 1)).count() == 3


def test_inactive_reps_get_no_reminder(org):
    org.rep_b.is_active = False
    org.rep_b.save()
    intel_monthly_reminder(day=datetime.date(2026, 3, 2))
    assert sorted(Task.objects.filter(kind=TaskKind.INTEL).values_list("owner__username", flat=True)) == [
        "rep_a",
        "rep_c",
    ]


def test_referrer_report_shows_won_deals_beside_orders(org):
    from guanxi.sales import stages
    from guanxi.sales.models import Opportunity

    referred = CustomerFactory(name="新客户", owner=org.rep_a)
    make_referral(referrer=org.cust_a, referred=referred)
    Opportunity.objects.create(
        customer=referred, title="一期", owner=org.rep_a, stage=stages.WON, amount=Decimal("300000")
    )
    Opportunity.objects.create(
        customer=referred, title="二期", owner=org.rep_a, stage=stages.NEGOTIATION, amount=Decimal("9")
    )
    (row,) = referrer_report(user=org.rep_a)
    assert (row["count"], row["value"], row["won_amount"]) == (1, Decimal("0.00"), Decimal("300000.00"))
