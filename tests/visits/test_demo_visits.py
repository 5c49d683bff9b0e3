import datetime
import random
import zoneinfo

import time_machine

from guanxi.demo.organisation import organisation_create
from guanxi.demo.visits import VisitsBuilder
from guanxi.visits.models import PlanEvent, PlanStatus, VisitReport
from tests.factories import ContactFactory, CustomerFactory

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_demo_builds_plans_in_every_state(db):
    now = datetime.datetime(2026, 6, 18, 10, 0, tzinfo=TZ)
    with time_machine.travel(now, tick=False):
        org = organisation_create(password="demo passphrase for tests")
        for rep in org.reps:
            for _ in range(4):
                ContactFactory(customer=CustomerFactory(owner=rep))
        plans = VisitsBuilder(rng=random.Random(7), org=org, now=now).build()
    statuses = {p.status for p in plans}
    assert statuses == set(PlanStatus.values)
    reports = VisitReport.objects.all()
    assert reports.filter(on_time=True).exists() and reports.filter(on_time=False).exists()
    assert PlanEvent.objects.filter(action=PlanEvent.Action.RETURNED).exclude(comment="").exists()
