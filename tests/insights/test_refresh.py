"""The insights refresh: snapshots from order history, idempotent per day, stages, alerts, the job."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from guanxi.config.schedule import PERIODIC_JOBS
from guanxi.core.jobs import job_named, run_job
from guanxi.engagement.models import Task
from guanxi.insights.compute import InsightsConfig
from guanxi.insights.models import CustomerSnapshot, InsightsRun, ValueAlert
from guanxi.insights.refresh import forget_old_snapshots, refresh_insights
from guanxi.insights.services import customer_lifecycle_override

from .conftest import AS_OF

NO_CHURN_ALERTS = InsightsConfig(churn_threshold=0.0)
pytestmark = pytest.mark.usefixtures("frozen")


def snapshot(customer) -> CustomerSnapshot:
    return CustomerSnapshot.objects.get(customer=customer, as_of=AS_OF)


def test_given_order_history_when_refreshing_then_snapshot_holds_the_exact_figures(org, history):
    run = refresh_insights(as_of=AS_OF)
    a = snapshot(org.cust_a)
    assert (a.first_order_on, a.last_order_on, a.order_count, a.purchase_days, a.total_amount) == (
        datetime.date(2026, 1, 5),
        datetime.date(2026, 11, 5),
        6,
        6,
        Decimal("6000.00"),
    )
    assert (a.recency_days, a.frequency, a.monetary, a.previous_monetary) == (
        18,
        6,
        Decimal("6000.00"),
        Decimal("0.00"),
    )
    # Two scored customers: the better one sits at position 1 of 2, score 1 + floor(5 · 1/2) = 3.
    assert (a.r_score, a.f_score, a.m_score, a.fm_score, a.segment, a.value_group) == (
        3, 3, 3, 3, "need_attention", "potential",
    )  # fmt: skip
    assert a.median_interval_days == 61.0  # gaps 59, 61, 61, 62, 61
    assert (a.revenue_class, a.grade_suggestion) == ("A", "A")
    assert [reason["code"] for reason in a.grade_reasons] == [
        "revenue_share",
        "revenue_class",
        "no_value_score",
        "grade",
    ]
    assert a.grade_reasons[0]["params"] == {
        "amount": 6000.0,
        "rank": 1,
        "share": 1.0,
        "cumulative_share": 1.0,
    }
    assert a.p_alive is not None and a.clv_12_months is not None and a.expected_purchases_365 is not None

    c = snapshot(org.cust_c)
    assert (c.recency_days, c.frequency, c.monetary, c.segment, c.value_group, c.revenue_class) == (
        540, 0, Decimal("0.00"), "lost", "sleeping", "C",
    )  # fmt: skip
    assert (c.p_alive, c.lifecycle_stage, c.median_interval_days) == (1.0, "exit", None)

    p = snapshot(history)
    assert (p.segment, p.value_group, p.lifecycle_stage, p.p_alive, p.recency_days, p.order_count) == (
        "no_orders", "no_orders", "acquisition", None, None, 0,
    )  # fmt: skip
    assert (run.customers, run.customers_with_orders, run.time_unit) == (3, 2, "weeks")
    assert set(run.bgnbd["params"]) == {"r", "alpha", "a", "b"} and run.bgnbd["customers"] == 2


def test_given_refresh_ran_when_run_again_for_same_day_then_same_snapshots_and_one_run_record(org, history):
    refresh_insights(as_of=AS_OF)
    first = list(CustomerSnapshot.objects.order_by("customer_id").values())
    refresh_insights(as_of=AS_OF)
    second = list(CustomerSnapshot.objects.order_by("customer_id").values())
    assert [(row["customer_id"], row["segment"], row["monetary"]) for row in second] == [
        (row["customer_id"], row["segment"], row["monetary"]) for row in first
    ]
    assert [row["id"] for row in second] == [row["id"] for row in first]  # updated in place, not re-inserted
    assert second == first
    run = InsightsRun.objects.get()
    assert (run.as_of, run.runs) == (AS_OF, 2)


def test_given_deleted_customer_when_refreshing_again_then_its_snapshot_for_the_day_goes(org, history):
    refresh_insights(as_of=AS_OF)
    history.deleted_at = datetime.datetime(2026, 11, 24, tzinfo=datetime.UTC)
    history.save()
    refresh_insights(as_of=AS_OF)
    assert CustomerSnapshot.objects.filter(customer=history).count() == 0
    assert CustomerSnapshot.objects.filter(as_of=AS_OF).count() == 2


def test_given_inferred_stages_when_refreshing_then_customers_updated_unless_set_by_hand(org, history):
    customer_lifecycle_override(actor=org.rep_c, customer=org.cust_c, stage="maturity")
    refresh_insights(as_of=AS_OF)
    org.cust_c.refresh_from_db()
    history.refresh_from_db()
    assert (org.cust_c.lifecycle_stage, org.cust_c.lifecycle_stage_locked) == ("maturity", True)
    assert snapshot(org.cust_c).lifecycle_stage == "exit"
    assert (history.lifecycle_stage, history.lifecycle_stage_locked, history.version) == (
        "acquisition",
        False,
        1,
    )

    customer_lifecycle_override(actor=org.rep_c, customer=org.cust_c, stage=None)
    refresh_insights(as_of=AS_OF)
    org.cust_c.refresh_from_db()
    assert (org.cust_c.lifecycle_stage, org.cust_c.lifecycle_stage_locked) == ("exit", False)


def test_given_customer_slipping_between_two_refreshes_then_alerts_and_review_task_once(org, slipping):
    refresh_insights(as_of=datetime.date(2025, 6, 30), config=NO_CHURN_ALERTS)
    before = CustomerSnapshot.objects.get(customer=org.cust_a, as_of=datetime.date(2025, 6, 30))
    assert (before.segment, before.value_group, before.revenue_class) == ("champions", "high_value", "A")
    assert ValueAlert.objects.count() == 0  # nothing to compare with on the first refresh

    run = refresh_insights(as_of=AS_OF, config=NO_CHURN_ALERTS)
    after = snapshot(org.cust_a)
    assert (after.segment, after.value_group, after.revenue_class) == ("potential_loyalist", "potential", "C")
    alerts = {a.kind: a for a in ValueAlert.objects.filter(customer=org.cust_a)}
    assert {kind: (a.previous_value, a.current_value) for kind, a in alerts.items()} == {
        "segment_drop": ("champions", "potential_loyalist"),
        "grade_drop": ("A", "C"),
    }
    tasks = Task.objects.filter(customer=org.cust_a).order_by("dedupe_key")
    assert [(t.dedupe_key, t.kind, t.owner, t.due_on, t.created_by) for t in tasks] == [
        (
            f"value-alert:{org.cust_a.pk}:grade_drop:2026-11-23",
            "review",
            org.rep_a,
            datetime.date(2026, 11, 24),
            None,
        ),
        (
            f"value-alert:{org.cust_a.pk}:segment_drop:2026-11-23",
            "review",
            org.rep_a,
            datetime.date(2026, 11, 24),
            None,
        ),
    ]
    assert [t.title for t in tasks] == [
        "收入等级下降：A → C",
        "客户价值下降：冠军客户 → 潜在忠诚客户",
    ]
    assert {a.task for a in alerts.values()} == set(tasks)
    assert run.counts["alerts"]["new_tasks"] == Task.objects.count() == 2

    again = refresh_insights(as_of=AS_OF, config=NO_CHURN_ALERTS)
    assert (again.counts["alerts"]["new_alerts"], again.counts["alerts"]["new_tasks"]) == (0, 0)
    assert (ValueAlert.objects.count(), Task.objects.count()) == (2, 2)


def test_given_the_schedule_when_listing_jobs_then_refresh_runs_nightly_for_yesterday(org, history):
    job = job_named("insights_refresh")
    assert (job.func, job.at) == ("guanxi.insights.jobs.insights_refresh", datetime.time(2, 0))
    assert sum(j.name == "insights_refresh" for j in PERIODIC_JOBS) == 1
    record = run_job(job, datetime.date(2026, 11, 24))
    assert (record.status, record.result["as_of"], record.result["customers"]) == ("done", "2026-11-23", 3)
    assert CustomerSnapshot.objects.filter(as_of=AS_OF).count() == 3


def test_given_orders_when_running_the_commands_then_refresh_and_fit_report(org, history):
    out = StringIO()
    call_command("insights", "refresh", "--as-of", "2026-11-23", stdout=out)
    assert out.getvalue().startswith("insights as of 2026-11-23: 3 customers, 2 with orders")
    out = StringIO()
    call_command(
        "insights",
        "clv",
        "--calibration-end",
        "2026-06-30",
        "--holdout-end",
        "2026-11-23",
        "--json",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert (report["customers"], report["time_unit"], report["holdout_weeks"]) == (2, "weeks", 20.8571)
    # cust_a: first purchase 2026-01-05 and 2 more before July (calibration x = 2), 3 in the holdout;
    # cust_c: one purchase in 2025 (x = 0), none in the holdout.
    assert report["holdout"]["actual"] == 3.0
    buckets = {
        row["frequency"]: (row["customers"], row["actual"]) for row in report["holdout"]["by_frequency"]
    }
    assert buckets == {
        "0": (1, 0.0), "1": (0, 0.0), "2": (1, 3.0), "3": (0, 0.0), "4": (0, 0.0), "5": (0, 0.0), "6": (0, 0.0),
        "7+": (0, 0.0),
    }  # fmt: skip
    assert report["holdout"]["predicted"] == pytest.approx(
        sum(row["predicted"] for row in report["holdout"]["by_frequency"])
    )


def test_given_old_daily_snapshots_when_forgetting_then_month_ends_and_recent_days_stay(org, history):
    for day in (datetime.date(2025, 6, 15), datetime.date(2025, 6, 30), datetime.date(2025, 7, 10), AS_OF):
        refresh_insights(as_of=day, alerts=False)
    assert forget_old_snapshots(today=datetime.date(2026, 11, 24)) == 3  # the three customers of 2025-06-15
    kept = sorted(set(CustomerSnapshot.objects.values_list("as_of", flat=True)))
    assert kept == [datetime.date(2025, 6, 30), datetime.date(2025, 7, 10), AS_OF]


@pytest.mark.django_db
def test_given_an_empty_archive_when_refreshing_then_a_run_without_models():
    run = refresh_insights(as_of=AS_OF)
    assert (run.customers, run.customers_with_orders, CustomerSnapshot.objects.count()) == (0, 0, 0)
    assert run.bgnbd == {"customers": 0, "error": "BG/NBD needs at least one customer with a repeat purchase"}
    assert run.counts["affinity_pairs"] == 0
