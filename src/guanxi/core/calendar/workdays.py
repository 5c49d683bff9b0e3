"""The Chinese working-day calendar, for SLA clocks and deadlines.

A working day is Monday to Friday, except statutory holidays, plus the Saturdays and Sundays that the
State Council turns into make-up working days (调休). Both lists come from ``chinese-calendar``, which
knows only the years whose schedule has been published (see ``holiday_data_years``). For other years
every function raises ``HolidayDataMissing`` unless called with ``beyond_data="weekends"``, which counts
Monday to Friday as working days; a result computed that way is an estimate, and the caller can tell
with ``has_holiday_data(first, last)`` whether a span was computed from real data.

Datetimes must be timezone-aware; they are converted to Asia/Shanghai and results are in Asia/Shanghai.
Days are Shanghai calendar days.

Deadline rules:

- ``add_working_days(start, n)``: the same wall-clock time on the n-th working day after the start's
  day. A start on a non-working day first moves to 00:00 of the next working day, so a complaint
  received on Saturday with one working day is due Tuesday 00:00, i.e. at the end of Monday.
- ``add_working_hours(start, hours)``: only time inside the daily window [day_start, day_end) of
  working days counts. A start outside the window moves to the next window's opening; a deadline that
  uses up a window exactly is that window's closing time, not the next morning.
"""

from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Literal

import chinese_calendar

from .clock import SHANGHAI, as_shanghai, local_date
from .errors import HolidayDataMissing

type BeyondData = Literal["raise", "weekends"]

DAY_START = time(9, 0)
DAY_END = time(18, 0)
_ONE_DAY = timedelta(days=1)


@cache
def holiday_data_years() -> range:
    """Return the years for which the installed ``chinese-calendar`` has the official schedule."""
    years = {day.year for day in chinese_calendar.holidays}
    return range(min(years), max(years) + 1)


def has_holiday_data(first: date, last: date | None = None) -> bool:
    """Return whether every day of [first, last] (or ``first`` alone) lies in a year with holiday data."""
    known = holiday_data_years()
    last = first if last is None else last
    return local_date(first).year in known and local_date(last).year in known


def is_working_day(day: date, *, beyond_data: BeyondData = "raise") -> bool:
    """Return whether ``day`` (a date, or an aware datetime's Shanghai date) is a working day in China.

    Raise ``HolidayDataMissing`` for a year without holiday data, unless ``beyond_data="weekends"``.
    """
    day = local_date(day)
    if day.year not in holiday_data_years():
        if beyond_data == "weekends":
            return day.weekday() < 5
        raise HolidayDataMissing(day.year, holiday_data_years())
    return bool(chinese_calendar.is_workday(day))


def next_working_day(day: date, *, beyond_data: BeyondData = "raise") -> date:
    """Return the first working day strictly after ``day``."""
    day = local_date(day) + _ONE_DAY
    while not is_working_day(day, beyond_data=beyond_data):
        day += _ONE_DAY
    return day


def add_working_days(start: datetime, n: int, *, beyond_data: BeyondData = "raise") -> datetime:
    """Return the deadline ``n`` working days after ``start`` (module rules); ``n`` = 0 returns ``start``.

    Raise ``ValueError`` for a naive ``start`` or a negative ``n``.
    """
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    local = as_shanghai(start)
    if n == 0:
        return local
    day, clock = local.date(), local.timetz()
    if not is_working_day(day, beyond_data=beyond_data):
        day, clock = next_working_day(day, beyond_data=beyond_data), time(0, tzinfo=SHANGHAI)
    for _ in range(n):
        day = next_working_day(day, beyond_data=beyond_data)
    return datetime.combine(day, clock)


def working_days_between(a: date, b: date, *, beyond_data: BeyondData = "raise") -> int:
    """Return the number of working days after ``a`` up to and including ``b``; negative if b < a.

    So ``working_days_between(d, add_working_days(t, n).date()) == n`` for a moment ``t`` on working
    day ``d``. Datetimes count by their Shanghai date.
    """
    first, last = local_date(a), local_date(b)
    if last < first:
        return -working_days_between(last, first, beyond_data=beyond_data)
    total = 0
    day = first + _ONE_DAY
    while day <= last:
        total += is_working_day(day, beyond_data=beyond_data)
        day += _ONE_DAY
    return total


def add_working_hours(
    start: datetime,
    hours: float,
    day_start: time = DAY_START,
    day_end: time = DAY_END,
    *,
    beyond_data: BeyondData = "raise",
) -> datetime:
    """Return the moment when ``hours`` of working time have passed since ``start`` (module rules).

    ``hours`` = 0 returns ``start`` unchanged (in Shanghai time). Raise ``ValueError`` for a naive
    ``start``, negative ``hours`` or an empty window.
    """
    _check_window(day_start, day_end)
    if hours < 0:
        raise ValueError(f"hours must not be negative, got {hours}")
    remaining = timedelta(hours=hours)
    cursor = as_shanghai(start)
    if not remaining:
        return cursor
    day = cursor.date()
    while True:
        if is_working_day(day, beyond_data=beyond_data):
            opens, closes = _window(day, day_start, day_end)
            begin = max(cursor, opens)
            if begin < closes:
                if remaining <= closes - begin:
                    return begin + remaining
                remaining -= closes - begin
        day += _ONE_DAY
        cursor = datetime.combine(day, time(0), tzinfo=SHANGHAI)


def working_time_between(
    a: datetime,
    b: datetime,
    day_start: time = DAY_START,
    day_end: time = DAY_END,
    *,
    beyond_data: BeyondData = "raise",
) -> timedelta:
    """Return the working time between two moments (inside the daily window); negative if b < a.

    The inverse of ``add_working_hours``: how much of an SLA's working time has elapsed.
    """
    _check_window(day_start, day_end)
    first, last = as_shanghai(a), as_shanghai(b)
    if last < first:
        return -working_time_between(last, first, day_start, day_end, beyond_data=beyond_data)
    total = timedelta()
    day = first.date()
    while day <= last.date():
        if is_working_day(day, beyond_data=beyond_data):
            opens, closes = _window(day, day_start, day_end)
            overlap = min(closes, last) - max(opens, first)
            if overlap > timedelta():
                total += overlap
        day += _ONE_DAY
    return total


def _window(day: date, day_start: time, day_end: time) -> tuple[datetime, datetime]:
    return (
        datetime.combine(day, day_start, tzinfo=SHANGHAI),
        datetime.combine(day, day_end, tzinfo=SHANGHAI),
    )


def _check_window(day_start: time, day_end: time) -> None:
    if day_start.tzinfo is not None or day_end.tzinfo is not None:
        raise ValueError("day_start and day_end are Shanghai wall-clock times: pass them without tzinfo")
    if not day_start < day_end:
        raise ValueError(f"the working window {day_start}–{day_end} is empty")
