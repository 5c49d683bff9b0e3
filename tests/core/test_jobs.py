import datetime

import pytest
from django.core.management import call_command
from django.test import override_settings

from guanxi.core.jobs import PeriodicJob, due_jobs, run_job, scheduler_tick
from guanxi.core.models import JobRun

CALLS: list[datetime.date] = []


def counting_job(*, day: datetime.date) -> dict:
    CALLS.append(day)
    return {"day": day.isoformat()}


def failing_job(*, day: datetime.date) -> dict:
    raise RuntimeError("boom")


TEST_SCHEDULE = [
    PeriodicJob(name="early", func="tests.core.test_jobs.counting_job", at=datetime.time(6, 0)),
    PeriodicJob(name="late", func="tests.core.test_jobs.counting_job", at=datetime.time(20, 0)),
]


@pytest.fixture(autouse=True)
def _schedule(settings):
    settings.GUANXI_SCHEDULE = "tests.core.test_jobs.TEST_SCHEDULE"
    CALLS.clear()


def test_given_a_job_run_twice_on_one_day_then_one_record_with_two_attempts(db):
    job = TEST_SCHEDULE[0]
    run_job(job, datetime.date(2026, 11, 24))
    run = run_job(job, datetime.date(2026, 11, 24))
    assert (run.status, run.attempts, run.result) == ("done", 2, {"day": "2026-11-24"})
    assert JobRun.objects.count() == 1


def test_given_a_failing_job_then_the_failure_is_recorded_and_raised(db):
    with pytest.raises(RuntimeError):
        run_job(PeriodicJob(name="bad", func="tests.core.test_jobs.failing_job"), datetime.date(2026, 11, 24))
    run = JobRun.objects.get(name="bad")
    assert run.status == "failed"
    assert "boom" in run.error


def test_given_morning_when_ticking_then_only_jobs_whose_time_came_run_and_only_once(db):
    morning = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    assert [j.name for j, _ in due_jobs(morning)] == ["early"]
    scheduler_tick(morning)
    scheduler_tick(morning)
    assert [datetime.date(2026, 11, 24)] == CALLS
    evening = morning.replace(hour=21)
    scheduler_tick(evening)
    assert [datetime.date(2026, 11, 24)] * 2 == CALLS


def test_given_an_unfinished_run_when_ticking_then_it_runs_again(db):
    JobRun.objects.create(name="early", day=datetime.date(2026, 11, 24), status="running", attempts=1)
    morning = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    scheduler_tick(morning)
    assert JobRun.objects.get(name="early").status == "done"


def test_jobs_command_runs_one_job_for_a_given_day(db, capsys):
    call_command("jobs", "run", "early", "--today", "2026-02-17")
    assert [datetime.date(2026, 2, 17)] == CALLS
    assert "early 2026-02-17: done" in capsys.readouterr().out


@override_settings(GUANXI_SCHEDULE="guanxi.config.schedule.PERIODIC_JOBS")
def test_the_product_schedule_runs(db):
    call_command("jobs", "run", "--today", "2026-11-24")
    assert JobRun.objects.filter(status="done").count() >= 1
