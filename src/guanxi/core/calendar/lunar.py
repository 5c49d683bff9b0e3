"""Chinese lunar calendar (农历) conversions and recurring solar or lunar dates.

Conversion uses ``zhdate`` (lunar years 1900–2100). Checked day by day against lunar-python (computed
from astronomy) and borax (Hong Kong Observatory tables), it differs only on 2057's eighth month, whose
new moon falls minutes from midnight and which sources still dispute.

A recurring date (a birthday, an anniversary) is a month and a day, plus a leap-month flag for lunar
dates. It falls on one solar date per year, by these rules:

- **Lunar leap month** (闰月): a date recorded in a leap month falls in that leap month in the years that
  have the same leap month, and on the same day of the ordinary month in all other years. A date in an
  ordinary month always falls in the ordinary month, even in a year that repeats the month.
- **Lunar day 30**: a month has 29 or 30 days; day 30 of a 29-day month falls on day 29.
- **Solar February 29** falls on February 28 in common years.

The two fallbacks chain: 闰六月三十 in a year whose only 六月 has 29 days falls on 六月廿九.
"""

import calendar as gregorian
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from itertools import count
from typing import NamedTuple

from zhdate import ZhDate

from .errors import DateOutOfRange, InvalidDate

FIRST_LUNAR_YEAR = 1900
LAST_LUNAR_YEAR = 2100
FIRST_SOLAR_DATE = date(1900, 1, 31)  # lunar 1900-01-01
# zhdate converts solar dates only up to the end of solar 2100 (lunar 2100-12-01); the last 28 days of
# lunar 2100 fall in January 2101 and convert from lunar to solar only.
LAST_SOLAR_DATE = date(2100, 12, 31)


class CalendarSystem(StrEnum):
    """Which calendar a recurring date follows; the values are stable and stored by callers."""

    SOLAR = "solar"
    LUNAR = "lunar"


class LunarDate(NamedTuple):
    year: int
    month: int
    day: int
    is_leap_month: bool


def lunar_to_solar(year: int, month: int, day: int, is_leap_month: bool = False) -> date:
    """Return the solar date of an existing lunar date.

    Raise ``DateOutOfRange`` outside lunar years 1900–2100 and ``InvalidDate`` when the date does not
    exist (no such leap month that year, or day 30 of a 29-day month). Recurring dates that must fall
    somewhere every year use ``lunar_anniversary`` instead.
    """
    _check_lunar_year(year)
    if not 1 <= month <= 12:
        raise InvalidDate(f"lunar month {month} is not between 1 and 12")
    if not 1 <= day <= 30:
        raise InvalidDate(f"lunar day {day} is not between 1 and 30")
    if is_leap_month and leap_month_of(year) != month:
        raise InvalidDate(
            f"lunar year {year} has no leap month {month} (its leap month: {leap_month_of(year)})"
        )
    length = lunar_month_length(year, month, is_leap_month)
    if day > length:
        leap = "leap " if is_leap_month else ""
        raise InvalidDate(f"{leap}month {month} of lunar year {year} has {length} days, not {day}")
    result: datetime = ZhDate(year, month, day, is_leap_month).to_datetime()
    return result.date()


def solar_to_lunar(day: date) -> LunarDate:
    """Return the lunar date (year, month, day, is_leap_month) of a solar date.

    Raise ``DateOutOfRange`` outside 1900-01-31 .. 2100-12-31.
    """
    _check_within_tables(day)
    lunar = ZhDate.from_datetime(datetime(day.year, day.month, day.day))
    return LunarDate(lunar.lunar_year, lunar.lunar_month, lunar.lunar_day, bool(lunar.leap_month))


@cache
def leap_month_of(year: int) -> int | None:
    """Return the month that lunar ``year`` repeats (e.g. 6 for 2025's 闰六月), or None."""
    _check_lunar_year(year)
    for month in range(1, 13):
        if ZhDate.validate(year, month, 1, True):
            return month
    return None


@cache
def lunar_month_length(year: int, month: int, is_leap_month: bool = False) -> int:
    """Return 29 or 30, the number of days of a lunar month; raise ``InvalidDate`` if it does not exist."""
    _check_lunar_year(year)
    if not ZhDate.validate(year, month, 1, is_leap_month):
        raise InvalidDate(f"lunar year {year} has no {'leap ' if is_leap_month else ''}month {month}")
    return 30 if ZhDate.validate(year, month, 30, is_leap_month) else 29


def lunar_anniversary(year: int, month: int, day: int, is_leap_month: bool = False) -> date:
    """Return the solar date on which a recurring lunar date falls in lunar ``year`` (module rules)."""
    _check_lunar_month_day(month, day)
    in_leap_month = is_leap_month and leap_month_of(year) == month
    length = lunar_month_length(year, month, in_leap_month)
    return lunar_to_solar(year, month, min(day, length), in_leap_month)


def solar_anniversary(year: int, month: int, day: int) -> date:
    """Return the date on which a recurring solar date falls in ``year``; February 29 → 28 in common years."""
    _check_solar_month_day(month, day)
    if month == 2 and day == 29 and not gregorian.isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


def next_occurrence(
    calendar: CalendarSystem | str,
    month: int,
    day: int,
    is_leap_month: bool,
    on_or_after: date,
) -> date:
    """Return the first solar date on or after ``on_or_after`` on which a recurring date falls.

    ``calendar`` is "solar" or "lunar"; ``is_leap_month`` must be False for solar dates. Raise
    ``InvalidDate`` for a month and day that exist in no year (solar 2/30, lunar 13/1, lunar day 31) and
    ``DateOutOfRange`` past the lunar tables.
    """
    system = validate_recurring_date(calendar, month, day, is_leap_month)
    if system is CalendarSystem.SOLAR:
        this_year = solar_anniversary(on_or_after.year, month, day)
        return this_year if this_year >= on_or_after else solar_anniversary(on_or_after.year + 1, month, day)
    _check_within_tables(on_or_after)
    # Lunar year Y starts in solar Y (21 Jan – 20 Feb), so the occurrence on or after a solar date is in
    # lunar year Y-1 (its 11th and 12th months reach into solar Y), Y or Y+1. Past lunar 2100 the tables
    # end and lunar_anniversary raises DateOutOfRange, which ends the loop.
    for year in count(max(FIRST_LUNAR_YEAR, on_or_after.year - 1)):
        occurrence = lunar_anniversary(year, month, day, is_leap_month)
        if occurrence >= on_or_after:
            return occurrence
    raise AssertionError("unreachable")  # pragma: no cover


def occurrences_between(
    calendar: CalendarSystem | str,
    month: int,
    day: int,
    is_leap_month: bool,
    start: date,
    end: date,
) -> list[date]:
    """Return, in order, the solar dates in [start, end] on which a recurring date falls."""
    system = validate_recurring_date(calendar, month, day, is_leap_month)
    if end < start:
        return []
    found: list[date] = []
    if system is CalendarSystem.SOLAR:
        years = range(start.year, end.year + 1)
        candidates = (solar_anniversary(year, month, day) for year in years)
    else:
        _check_within_tables(start)
        years = range(max(FIRST_LUNAR_YEAR, start.year - 1), end.year + 1)
        candidates = (lunar_anniversary(year, month, day, is_leap_month) for year in years)
    for occurrence in candidates:
        if start <= occurrence <= end:
            found.append(occurrence)
    return found


def validate_recurring_date(
    calendar: CalendarSystem | str, month: int, day: int, is_leap_month: bool
) -> CalendarSystem:
    """Return the calendar system of a recurring date; raise ``InvalidDate`` if it falls in no year.

    Solar: a day of the month in a leap year (February 29 allowed). Lunar: month 1–12, day 1–30.
    Leap months are lunar only. An unknown ``calendar`` raises ``ValueError``.
    """
    system = CalendarSystem(calendar)
    if system is CalendarSystem.SOLAR:
        if is_leap_month:
            raise InvalidDate("only lunar dates can be in a leap month")
        _check_solar_month_day(month, day)
    else:
        _check_lunar_month_day(month, day)
    return system


def _check_solar_month_day(month: int, day: int) -> None:
    if not 1 <= month <= 12:
        raise InvalidDate(f"month {month} is not between 1 and 12")
    longest = gregorian.monthrange(2000, month)[1]  # 2000 is a leap year: February 29 is allowed
    if not 1 <= day <= longest:
        raise InvalidDate(f"solar month {month} has no day {day}")


def _check_lunar_month_day(month: int, day: int) -> None:
    if not 1 <= month <= 12:
        raise InvalidDate(f"lunar month {month} is not between 1 and 12")
    if not 1 <= day <= 30:
        raise InvalidDate(f"lunar day {day} is not between 1 and 30")


def _check_within_tables(day: date) -> None:
    if not FIRST_SOLAR_DATE <= day <= LAST_SOLAR_DATE:
        raise DateOutOfRange(
            f"{day.isoformat()} is outside the lunar tables "
            f"({FIRST_SOLAR_DATE.isoformat()} .. {LAST_SOLAR_DATE.isoformat()})"
        )


def _check_lunar_year(year: int) -> None:
    if not FIRST_LUNAR_YEAR <= year <= LAST_LUNAR_YEAR:
        raise DateOutOfRange(
            f"lunar year {year} is outside the lunar tables ({FIRST_LUNAR_YEAR}–{LAST_LUNAR_YEAR})"
        )
