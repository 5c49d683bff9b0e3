"""Which recurring dates (birthdays, anniversaries, festivals) come up soon, and when to remind.

Pure and deterministic: "today" is an argument. A spec is anything with the attributes of
``RecurringSpec`` (a ``RecurringDate``, a model instance, a festival wrapper); ``upcoming`` hands it back
untouched in each ``Reminder`` so the caller knows which contact or customer it was for.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple, Protocol

from .lunar import CalendarSystem, occurrences_between, validate_recurring_date


class RecurringSpec(Protocol):
    """A date that recurs every year, and how many days ahead to remind of it."""

    @property
    def calendar(self) -> CalendarSystem | str: ...

    @property
    def month(self) -> int: ...

    @property
    def day(self) -> int: ...

    @property
    def is_leap_month(self) -> bool: ...

    @property
    def lead_days(self) -> int: ...


@dataclass(frozen=True, slots=True)
class RecurringDate:
    """A recurring solar or lunar date; validated on creation (``InvalidDate``)."""

    calendar: CalendarSystem | str
    month: int
    day: int
    is_leap_month: bool = False
    lead_days: int = 0

    def __post_init__(self) -> None:
        system = validate_recurring_date(self.calendar, self.month, self.day, self.is_leap_month)
        object.__setattr__(self, "calendar", system)  # "lunar" → CalendarSystem.LUNAR
        if self.lead_days < 0:
            raise ValueError(f"lead_days must not be negative, got {self.lead_days}")


class Reminder[S: RecurringSpec](NamedTuple):
    due_date: date  # occurs_on - lead_days: the day the reminder task is due
    occurs_on: date
    spec: S


def upcoming[S: RecurringSpec](specs: Iterable[S], today: date, days_ahead: int) -> list[Reminder[S]]:
    """Return the occurrences of ``specs`` in [today, today + days_ahead], with their reminder dates.

    The due date is ``occurs_on - lead_days`` and may be before ``today`` when the occurrence is closer
    than its lead (a reminder created late is due at once: the caller decides). A window longer than a
    year yields several occurrences of the same spec. Sorted by due date, then occurrence, then input
    order.
    """
    if days_ahead < 0:
        raise ValueError(f"days_ahead must not be negative, got {days_ahead}")
    until = today + timedelta(days=days_ahead)
    found = [
        Reminder(occurs_on - timedelta(days=spec.lead_days), occurs_on, spec)
        for spec in specs
        for occurs_on in occurrences_between(
            spec.calendar, spec.month, spec.day, spec.is_leap_month, today, until
        )
    ]
    return sorted(found, key=lambda reminder: (reminder.due_date, reminder.occurs_on))
