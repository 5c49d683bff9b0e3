"""Errors of the business calendar.

They subclass ``ValueError`` so that form and schema validation can treat them as bad input, and they
carry no HTTP status: the calling layer decides whether a missing holiday year is a user error or an
operational one (an outdated ``chinese-calendar``).
"""


class CalendarError(ValueError):
    """A date computation could not be done."""


class InvalidDate(CalendarError):
    """The date does not exist, e.g. lunar 2024-01-30 (正月 of 2024 has 29 days) or solar February 30."""


class DateOutOfRange(CalendarError):
    """The lunar tables cover lunar years 1900–2100 (solar 1900-01-31 to 2100-12-31 for conversion)."""


class HolidayDataMissing(CalendarError):
    """``chinese-calendar`` has no statutory-holiday schedule for the year.

    China's State Council publishes each year's schedule (放假安排, with its 调休 make-up working days)
    around November of the year before, and ``chinese-calendar`` ships it in a new release soon after.
    Upgrade the package, or pass ``beyond_data="weekends"`` to count weekends only and treat the result
    as an estimate.
    """

    def __init__(self, year: int, known: range) -> None:
        self.year = year
        self.known = known
        super().__init__(
            f"no statutory-holiday data for {year}: the installed chinese-calendar knows "
            f"{known.start}–{known.stop - 1}; upgrade it or count weekends only (beyond_data='weekends')"
        )
