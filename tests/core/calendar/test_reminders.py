from dataclasses import dataclass
from datetime import date

import pytest

from guanxi.core.calendar import (
    CalendarSystem,
    InvalidDate,
    RecurringDate,
    Reminder,
    festival_date,
    lunar_to_solar,
    upcoming,
)


@dataclass(frozen=True)
class ContactBirthday:
    """A caller's own spec: any object with the RecurringSpec attributes."""

    contact_id: int
    calendar: str
    month: int
    day: int
    is_leap_month: bool = False
    lead_days: int = 3


def test_mid_autumn_lunar_birthday_is_reminded_on_the_right_solar_dates_in_2026_2027_2028():
    # given a contact whose lunar birthday is 八月十五, reminded 3 days ahead
    birthday = ContactBirthday(contact_id=7, calendar="lunar", month=8, day=15)
    # when we look three years ahead from 1 January 2026
    reminders = upcoming([birthday], today=date(2026, 1, 1), days_ahead=3 * 366)
    # then the birthday falls on Mid-Autumn Festival each year and the reminder 3 days earlier
    assert [reminder.occurs_on for reminder in reminders] == [
        date(2026, 9, 25),
        date(2027, 9, 15),
        date(2028, 10, 3),
    ]
    assert [reminder.occurs_on for reminder in reminders] == [
        lunar_to_solar(y, 8, 15) for y in (2026, 2027, 2028)
    ]
    assert [reminder.due_date for reminder in reminders] == [
        date(2026, 9, 22),
        date(2027, 9, 12),
        date(2028, 9, 30),
    ]
    assert all(reminder.spec is birthday for reminder in reminders)


def test_spring_festival_reminders_n_days_before():
    spring_festival = RecurringDate(CalendarSystem.LUNAR, 1, 1, lead_days=10)
    reminders = upcoming([spring_festival], today=date(2026, 1, 1), days_ahead=365 * 3)
    assert reminders == [
        Reminder(date(2026, 2, 7), date(2026, 2, 17), spring_festival),
        Reminder(date(2027, 1, 27), date(2027, 2, 6), spring_festival),
        Reminder(date(2028, 1, 16), date(2028, 1, 26), spring_festival),
    ]
    assert [reminder.occurs_on for reminder in reminders] == [
        festival_date("spring_festival", year) for year in (2026, 2027, 2028)
    ]


def test_window_includes_today_and_the_last_day():
    spec = RecurringDate("solar", 5, 20, lead_days=0)
    assert [r.occurs_on for r in upcoming([spec], today=date(2026, 5, 20), days_ahead=0)] == [
        date(2026, 5, 20)
    ]
    assert upcoming([spec], today=date(2026, 5, 10), days_ahead=9) == []
    assert [r.occurs_on for r in upcoming([spec], today=date(2026, 5, 10), days_ahead=10)] == [
        date(2026, 5, 20)
    ]


def test_a_due_date_before_today_is_returned_as_is():
    spec = RecurringDate("solar", 5, 20, lead_days=7)
    assert upcoming([spec], today=date(2026, 5, 18), days_ahead=5) == [
        Reminder(date(2026, 5, 13), date(2026, 5, 20), spec)
    ]


def test_reminders_are_sorted_by_due_date_then_occurrence():
    # given three specs whose reminders are due in a different order than they occur
    national_day = RecurringDate("solar", 10, 1, lead_days=1)  # due 30 Sep
    mid_autumn = RecurringDate("lunar", 8, 15, lead_days=7)  # occurs 25 Sep, due 18 Sep
    leap_birthday = RecurringDate("solar", 2, 29, lead_days=0)  # not in the window
    reminders = upcoming([national_day, leap_birthday, mid_autumn], today=date(2026, 9, 1), days_ahead=30)
    assert reminders == [
        Reminder(date(2026, 9, 18), date(2026, 9, 25), mid_autumn),
        Reminder(date(2026, 9, 30), date(2026, 10, 1), national_day),
    ]


def test_leap_month_and_february_29_rules_apply_to_reminders():
    leap_sixth = RecurringDate("lunar", 6, 10, is_leap_month=True)
    february_29 = RecurringDate("solar", 2, 29)
    reminders = upcoming([leap_sixth, february_29], today=date(2025, 1, 1), days_ahead=730)
    assert [(r.occurs_on, r.spec) for r in reminders] == [
        (date(2025, 2, 28), february_29),
        (date(2025, 8, 3), leap_sixth),  # 闰六月初十
        (date(2026, 2, 28), february_29),
        (date(2026, 7, 23), leap_sixth),  # no leap month in 2026: 六月初十
    ]


def test_recurring_dates_are_validated():
    assert RecurringDate("lunar", 8, 15).calendar is CalendarSystem.LUNAR
    with pytest.raises(InvalidDate):
        RecurringDate("solar", 2, 30)
    with pytest.raises(InvalidDate):
        RecurringDate("solar", 6, 1, is_leap_month=True)
    with pytest.raises(ValueError, match="lead_days"):
        RecurringDate("solar", 6, 1, lead_days=-1)
    with pytest.raises(ValueError, match="days_ahead"):
        upcoming([], today=date(2026, 1, 1), days_ahead=-1)
