"""The rep's day: whom to contact today and why, and the care dates coming up (SPEC §4.2)."""

import datetime
from typing import Any

from django.db.models import Q, QuerySet

from .models import Task, TaskKind, TaskStatus
from .selectors import tasks_visible

OPEN = (TaskStatus.OPEN, TaskStatus.SNOOZED)


def today_list(*, user: Any, day: datetime.date) -> QuerySet[Task]:
    """Return the user's open tasks due by ``day`` plus the care tasks already announced for later.

    Care tasks are created their lead time ahead and are due on the occasion itself, so "birthday in
    three days" is on today's list; each task's title says why.
    """
    return (
        tasks_visible(user)
        .filter(owner_id=getattr(user, "pk", None), status__in=OPEN)
        .filter(Q(due_on__lte=day) | Q(kind=TaskKind.CARE))
        .select_related("customer", "contact")
        .order_by("due_on", "id")
    )


def care_upcoming(*, user: Any, day: datetime.date, days: int = 7, mine: bool = True) -> QuerySet[Task]:
    """Return the open care tasks due from ``day`` to ``day + days`` that the user may see (own only by
    default; a manager passes ``mine=False`` for the team's)."""
    qs = tasks_visible(user).filter(
        kind=TaskKind.CARE, status__in=OPEN, due_on__gte=day, due_on__lte=day + datetime.timedelta(days=days)
    )
    if mine:
        qs = qs.filter(owner_id=getattr(user, "pk", None))
    return qs.select_related("customer", "contact", "owner").order_by("due_on", "id")
