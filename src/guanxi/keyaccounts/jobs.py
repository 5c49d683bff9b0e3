"""The periodic jobs of key-account work, registered in ``guanxi.config.schedule``."""

import datetime

from .services import intel_reminders_generate


def intel_monthly_reminder(*, day: datetime.date) -> dict:
    """On the first Monday of each month, remind every rep to file their intel report (once a month)."""
    return intel_reminders_generate(day=day)
