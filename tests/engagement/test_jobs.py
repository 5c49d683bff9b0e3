"""The relationship jobs together: registered once, idempotent for a day."""

import datetime

import time_machine
from django.core import mail
from django.core.management import call_command

from guanxi.core.jobs import schedule
from guanxi.core.models import JobRun
from guanxi.engagement.cadences import cadence_enrol
from guanxi.engagement.models import Cadence, DigestSent, Notification, Task

from ..factories import ContactFactory, CustomerFactory, InteractionFactory

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
DAY = datetime.date(2026, 9, 22)


def test_the_schedule_runs_the_rules_before_the_morning_email():
    ours = ["contact_policy_check", "care_reminders", "cadence_steps", "daily_digest"]
    jobs = {job.name: job for job in schedule()}

    assert [name for name in jobs if name in ours] == ours
    assert max(jobs[name].at for name in ours[:3]) < jobs["daily_digest"].at


@time_machine.travel(datetime.datetime(2026, 9, 22, 8, 0, tzinfo=SHANGHAI), tick=False)
def test_given_a_busy_day_when_every_job_runs_twice_then_nothing_is_duplicated(org):
    forgotten = CustomerFactory(
        owner=org.rep_a, grade="A", created_at=datetime.datetime(2026, 1, 5, tzinfo=SHANGHAI)
    )
    InteractionFactory(customer=forgotten, occurred_at=datetime.datetime(2026, 8, 1, tzinfo=SHANGHAI))
    birthday = ContactFactory(
        customer=forgotten, birthday_calendar="lunar", birthday_month=8, birthday_day=15
    )
    founded = CustomerFactory(owner=org.rep_c, grade="C", founded_on=datetime.date(2010, 9, 28))
    enrollment = cadence_enrol(
        actor=org.rep_a,
        contact=ContactFactory(customer=org.cust_a),
        cadence=Cadence.objects.get(name="三次触达"),
        intent="high",
        start_on=DAY,
    )

    call_command("jobs", "run", "--today", DAY.isoformat())
    first = {
        "tasks": sorted(Task.objects.values_list("dedupe_key", "owner__username")),
        "notifications": Notification.objects.count(),
        "digests": DigestSent.objects.count(),
        "mails": len(mail.outbox),
    }
    call_command("jobs", "run", "--today", DAY.isoformat())

    assert sorted(Task.objects.values_list("dedupe_key", "owner__username")) == first["tasks"]
    assert (Notification.objects.count(), DigestSent.objects.count(), len(mail.outbox)) == (
        first["notifications"],
        first["digests"],
        first["mails"],
    )
    assert first["tasks"] == sorted(
        [
            (f"cadence:{enrollment.pk}:1", "rep_a"),
            (f"care:birthday:{birthday.pk}:2026-09-25", "rep_a"),
            (f"care:anniversary:{founded.pk}:2026-09-28", "rep_c"),
            (f"care:mid_autumn_festival:2026:{forgotten.pk}", "rep_a"),
            (f"care:mid_autumn_festival:2026:{org.cust_a.pk}", "rep_a"),
            (f"care:mid_autumn_festival:2026:{org.cust_c.pk}", "rep_c"),
            (f"policy:escalate:{forgotten.pk}:2026-08-01", "mgr_1"),
            (f"policy:overdue:{forgotten.pk}:2026-08-01", "rep_a"),
        ]
    )
    assert first["mails"] == 3  # rep_a, rep_c and mgr_1 (the escalation) have something due
    assert set(JobRun.objects.values_list("status", flat=True)) == {"done"}
