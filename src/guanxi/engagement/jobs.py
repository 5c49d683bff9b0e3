"""The periodic jobs of relationship maintenance, registered in ``guanxi.config.schedule``.

Each is ``job(*, day) -> dict`` and idempotent for a day: the rules key their tasks, the digest keys
its sends.
"""

import datetime

from .cadences import cadence_steps_generate
from .care import care_tasks_generate
from .digest import daily_digest_send
from .policies import overdue_tasks_generate


def contact_policy_check(*, day: datetime.date) -> dict:
    """Overdue follow-ups for owners and escalations for their managers."""
    return overdue_tasks_generate(day=day)


def care_reminders(*, day: datetime.date) -> dict:
    """Care tasks for birthdays, important dates, company anniversaries and festivals ahead."""
    return care_tasks_generate(day=day)


def cadence_steps(*, day: datetime.date) -> dict:
    """Tasks of cadence steps whose day has come."""
    return cadence_steps_generate(day=day)


def daily_digest(*, day: datetime.date) -> dict:
    """Each user's morning e-mail, once a day."""
    return daily_digest_send(day=day)
