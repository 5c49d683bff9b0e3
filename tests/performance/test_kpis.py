"""KPIs per rep and team on a small built dataset; the number of queries does not grow with the reps."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.core.errors import NotFound
from guanxi.people.models import Role
from guanxi.performance import kpis, periods

from ..factories import CustomerFactory, TeamFactory, UserFactory
from . import factories as f

pytestmark = pytest.mark.django_db

MARCH = periods.period_containing(periods.MONTH, datetime.date(2026, 3, 15))


@pytest.fixture
def march(org):
    """rep_a: 2 interactions in March (1 in February), visits 4 planned / 2 done on time / 1 late, a deal of
    50 000 won on 5 March that was forecast at 75 % since February, two quiz scores (70, 90), one of two
    archives complete. rep_b: 1 interaction. rep_c (other team): 1 interaction."""
    f.interaction(org.cust_a, org.rep_a, datetime.date(2026, 3, 2))
    f.interaction(org.cust_a, org.rep_a, datetime.date(2026, 3, 31))
    f.interaction(org.cust_a, org.rep_a, datetime.date(2026, 2, 28))
    f.interaction(org.cust_a, org.rep_b, datetime.date(2026, 3, 3))
    f.interaction(org.cust_c, org.rep_c, datetime.date(2026, 3, 3))
    f.visits(
        org.rep_a, org.cust_a, datetime.date(2026, 3, 1), done_on_time=(3, 4), done_late=(10,), planned=(20,)
    )
    f.won_deal(org.cust_a, "50000.00", datetime.date(2026, 2, 10), "75", datetime.date(2026, 3, 5))
    f.finished_attempt(org.rep_a, "70", datetime.date(2026, 3, 6))
    f.finished_attempt(org.rep_a, "90", datetime.date(2026, 3, 7))
    f.finished_attempt(org.rep_a, "10", datetime.date(2026, 4, 1))
    f.complete_customer(org.rep_a)
    return org


def test_period_ranges():
    day = datetime.date(2026, 5, 20)
    assert periods.period_containing(periods.MONTH, day).start == datetime.date(2026, 5, 1)
    assert periods.period_containing(periods.MONTH, day).end == datetime.date(2026, 5, 31)
    assert periods.period_containing(periods.QUARTER, day).start == datetime.date(2026, 4, 1)
    assert periods.period_containing(periods.QUARTER, day).end == datetime.date(2026, 6, 30)
    assert periods.period_containing(periods.YEAR, day).end == datetime.date(2026, 12, 31)
    with pytest.raises(ValueError):
        periods.custom_period(day, day - datetime.timedelta(days=1))


@time_machine.travel(datetime.datetime(2026, 4, 2, 9, 0), tick=False)
def test_rep_figures_on_a_built_month(march):
    report = kpis.kpi_report(user=march.rep_a, period=MARCH)
    assert [row.user for row in report.rows] == [march.rep_a]
    figures = report.rows[0].figures
    assert figures.interactions == 2
    assert (figures.visits_planned, figures.visits_done) == (4, 3)
    assert (figures.visits_reported_on_time, figures.visits_reported_late) == (2, 1)
    assert figures.new_customers == 1
    assert figures.won_amount == Decimal("50000.00")
    assert figures.forecast_amount == Decimal("37500.00")
    assert figures.forecast_accuracy == Decimal("133.3")
    assert figures.training_attempts == 2
    assert figures.training_average == Decimal("80.0")
    assert (figures.customers, figures.customers_complete) == (2, 1)
    assert figures.archive_completeness == Decimal("50.0")
    assert figures.complaint_sla_compliance is None


@time_machine.travel(datetime.datetime(2026, 4, 2, 9, 0), tick=False)
def test_manager_sees_their_team_with_totals_and_director_sees_every_team(march):
    report = kpis.kpi_report(user=march.mgr_1, period=MARCH)
    assert {row.user.username for row in report.rows} == {"mgr_1", "rep_a", "rep_b"}
    assert report.totals.interactions == 3
    assert report.totals.won_amount == Decimal("50000.00")
    everyone = kpis.kpi_report(user=march.director, period=MARCH)
    assert {t.team.name for t in everyone.teams} == {"华东组", "华南组"}
    assert everyone.totals.interactions == 4
    by_team = {t.team.name: t.totals.interactions for t in everyone.teams}
    assert by_team == {"华东组": 3, "华南组": 1}


@time_machine.travel(datetime.datetime(2026, 4, 2, 9, 0), tick=False)
def test_team_filter_and_a_team_out_of_reach(march):
    only_south = kpis.kpi_report(user=march.director, period=MARCH, team_id=march.team_2.pk)
    assert [row.user.username for row in only_south.rows] == ["mgr_2", "rep_c"]
    with pytest.raises(NotFound):
        kpis.kpi_report(user=march.mgr_1, period=MARCH, team_id=march.team_2.pk)


def test_nothing_forecast_means_no_accuracy():
    figures = kpis.KpiFigures(won_amount=Decimal("100"))
    assert figures.forecast_accuracy is None
    assert figures.training_average is None
    assert figures.archive_completeness is None


def _team_of(n: int):
    team = TeamFactory(name=f"组{n}")
    manager = UserFactory(role=Role.MANAGER, team=team)
    team.manager = manager
    team.save()
    for i in range(n):
        rep = UserFactory(team=team)
        customer = CustomerFactory(owner=rep)
        f.interaction(customer, rep, datetime.date(2026, 3, 2 + i % 20))
        f.finished_attempt(rep, "75", datetime.date(2026, 3, 3))
        f.complete_customer(rep)
    return manager


@time_machine.travel(datetime.datetime(2026, 4, 2, 9, 0), tick=False)
def test_query_count_does_not_grow_with_the_reps(db):
    small, large = _team_of(3), _team_of(12)
    counts = []
    for manager in (small, large):
        with CaptureQueriesContext(connection) as queries:
            report = kpis.kpi_report(user=manager, period=MARCH)
        counts.append(len(queries))
        assert report.totals.interactions == len(report.rows) - 1
    assert counts[0] == counts[1]
    assert counts[0] <= 10
