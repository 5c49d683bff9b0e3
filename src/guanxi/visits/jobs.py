"""The periodic jobs of visit plans, registered in ``guanxi.config.schedule``; each idempotent for a day."""

import datetime

from .services import late_reports_flag, plan_reminders_send, plans_close_finished


def visit_plan_reminders(*, day: datetime.date) -> dict:
    """From the 25th: a reminder to each rep who has not submitted next month's visit plan (once a month)."""
    return plan_reminders_send(day=day)


def visit_reports_late(*, day: datetime.date) -> dict:
    """Visits more than 24 hours past without a report: flagged for the manager, the rep told once."""
    return late_reports_flag(day=day)


def visit_plans_close(*, day: datetime.date) -> dict:
    """Approved plans of months that ended over a week ago are closed."""
    return plans_close_finished(day=day)
