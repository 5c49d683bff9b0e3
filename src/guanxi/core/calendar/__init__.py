"""The business calendar: lunar dates, festivals, Chinese working days, recurring-date reminders.

Pure computation with no Django import; the rules are documented in each module.
"""

from .clock import SHANGHAI, as_shanghai, local_date
from .errors import CalendarError, DateOutOfRange, HolidayDataMissing, InvalidDate
from .festivals import Festival, festival_date, festivals_between
from .lunar import (
    CalendarSystem,
    LunarDate,
    leap_month_of,
    lunar_anniversary,
    lunar_month_length,
    lunar_to_solar,
    next_occurrence,
    occurrences_between,
    solar_anniversary,
    solar_to_lunar,
    validate_recurring_date,
)
from .reminders import RecurringDate, RecurringSpec, Reminder, upcoming
from .workdays import (
    add_working_days,
    add_working_hours,
    has_holiday_data,
    holiday_data_years,
    is_working_day,
    next_working_day,
    working_days_between,
    working_time_between,
)

__all__ = [
    "SHANGHAI",
    "CalendarError",
    "CalendarSystem",
    "DateOutOfRange",
    "Festival",
    "HolidayDataMissing",
    "InvalidDate",
    "LunarDate",
    "RecurringDate",
    "RecurringSpec",
    "Reminder",
    "add_working_days",
    "add_working_hours",
    "as_shanghai",
    "festival_date",
    "festivals_between",
    "has_holiday_data",
    "holiday_data_years",
    "is_working_day",
    "leap_month_of",
    "local_date",
    "lunar_anniversary",
    "lunar_month_length",
    "lunar_to_solar",
    "next_occurrence",
    "next_working_day",
    "occurrences_between",
    "solar_anniversary",
    "solar_to_lunar",
    "upcoming",
    "validate_recurring_date",
    "working_days_between",
    "working_time_between",
]
