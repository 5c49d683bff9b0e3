import datetime

from .models import JobRun


def purge_job_history(*, day: datetime.date) -> dict:
    """Delete job bookkeeping older than 90 days (idempotent: a second run finds nothing to delete)."""
    deleted, _ = JobRun.objects.filter(day__lt=day - datetime.timedelta(days=90)).delete()
    return {"deleted": deleted}
