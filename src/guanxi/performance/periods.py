"""Reporting periods for KPIs: a month, a quarter, a year or a custom range (pure, no database)."""

import calendar
import datetime
from dataclasses import dataclass

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
CUSTOM = "custom"
KINDS = (MONTH, QUARTER, YEAR, CUSTOM)
LONGEST_CUSTOM_DAYS = 366 * 3


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_containing(kind: str, day: datetime.date) -> Period:
    """Return the month, quarter or year that contains ``day``."""
    if kind == MONTH:
        return Period(kind, day.replace(day=1), _month_end(day.year, day.month))
    if kind == QUARTER:
        first_month = 3 * ((day.month - 1) // 3) + 1
        return Period(kind, datetime.date(day.year, first_month, 1), _month_end(day.year, first_month + 2))
    if kind == YEAR:
        return Period(kind, datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))
    raise ValueError(kind)


def custom_period(start: datetime.date, end: datetime.date) -> Period:
    """Return the custom range [start, end]; raise ValueError when it is reversed or longer than three years."""
    if end < start:
        raise ValueError("end before start")
    if (end - start).days > LONGEST_CUSTOM_DAYS:
        raise ValueError("too long")
    return Period(CUSTOM, start, end)
