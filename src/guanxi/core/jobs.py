"""Periodic jobs: the schedule lives in ``guanxi.config.schedule``; this module runs it.

A job is a function ``job(*, day: date) -> dict`` that must be idempotent for a given day (rules create
their tasks with dedupe keys). ``run_job`` records a ``JobRun`` per (job, day); the worker's scheduler runs
every job whose time of day has come and whose run for today is not done yet — including one a killed
worker left half-way.
"""

import datetime
import logging
import traceback
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import JobRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: str  # dotted path, imported when run so the schedule has no import-time dependencies
    at: datetime.time = datetime.time(6, 0)  # local time from which the day's run is due
    description: str = ""


def schedule() -> list[PeriodicJob]:
    return list(import_string(settings.GUANXI_SCHEDULE))


def job_named(name: str) -> PeriodicJob:
    for job in schedule():
        if job.name == name:
            return job
    raise KeyError(name)


def run_job(job: PeriodicJob, day: datetime.date) -> JobRun:
    """Run one job for one day and record the outcome; a failure is recorded and re-raised."""
    with transaction.atomic():
        run, _ = JobRun.objects.get_or_create(name=job.name, day=day)
        JobRun.objects.filter(pk=run.pk).update(
            status=JobRun.Status.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now(), error=""
        )
    try:
        result: Any = import_string(job.func)(day=day) or {}
    except Exception:
        JobRun.objects.filter(pk=run.pk).update(
            status=JobRun.Status.FAILED, finished_at=timezone.now(), error=traceback.format_exc()[-4000:]
        )
        raise
    JobRun.objects.filter(pk=run.pk).update(
        status=JobRun.Status.DONE, finished_at=timezone.now(), result=result
    )
    run.refresh_from_db()
    return run


def due_jobs(now: datetime.datetime) -> list[tuple[PeriodicJob, datetime.date]]:
    """Return the jobs whose run for today has come and is not done (never run, unfinished or failed)."""
    local = timezone.localtime(now)
    today = local.date()
    done = set(JobRun.objects.filter(day=today, status=JobRun.Status.DONE).values_list("name", flat=True))
    return [(job, today) for job in schedule() if job.at <= local.time() and job.name not in done]


def scheduler_tick(now: datetime.datetime | None = None) -> list[JobRun]:
    """Run every due job once; a failing job is logged and retried on a later tick."""
    runs = []
    for job, day in due_jobs(now or timezone.now()):
        try:
            runs.append(run_job(job, day))
        except Exception:
            logger.exception("periodic job %s failed for %s", job.name, day)
    return runs
