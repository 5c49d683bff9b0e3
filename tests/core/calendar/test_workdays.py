"""The 2026 schedule (State Council notice, shipped by chinese-calendar): Mid-Autumn Friday 25 September;
National Day 1–7 October; make-up working days Sunday 20 September and Saturday 10 October."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from guanxi.core.calendar import (
    SHANGHAI,
    HolidayDataMissing,
    add_working_days,
    add_working_hours,
    has_holiday_data,
    holiday_data_years,
    is_working_day,
    next_working_day,
    working_days_between,
    working_time_between,
)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_2026_mid_autumn_and_national_day_holidays_with_their_make_up_working_days():
    days = [date(2026, 9, 19) + timedelta(days=offset) for offset in range(23)]  # 19 Sep .. 11 Oct
    working = {day for day in days if is_working_day(day)}
    assert sorted(working) == [
        date(2026, 9, 20),  # Sunday, 调休
        date(2026, 9, 21),
        date(2026, 9, 22),
        date(2026, 9, 23),
        date(2026, 9, 24),
        date(2026, 9, 28),
        date(2026, 9, 29),
        date(2026, 9, 30),
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),  # Saturday, 调休
    ]


def test_working_days_between_counts_days_after_a_up_to_b():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == -3
    assert working_days_between(date(2026, 10, 1), date(2026, 10, 7)) == 0
    assert working_days_between(date(2026, 6, 1), date(2026, 6, 1)) == 0
    # a week with Dragon Boat Festival (Friday 19 June 2026)
    assert working_days_between(date(2026, 6, 14), date(2026, 6, 21)) == 4


def test_next_working_day_skips_the_holiday_week():
    assert next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)
    assert next_working_day(date(2026, 9, 19)) == date(2026, 9, 20)


class TestAddWorkingDays:
    def test_deadline_of_3_working_days_from_the_eve_of_national_day(self):
        # given a complaint received on Wednesday 30 September 2026 at 15:00
        received = at(2026, 9, 30, 15)
        # when its solution is due in 3 working days
        due = add_working_days(received, 3)
        # then Oct 1–7 do not count, and the make-up Saturday does: 8, 9, 10 October
        assert due == at(2026, 10, 10, 15)
        assert due.tzinfo == SHANGHAI
        assert working_days_between(received.date(), due.date()) == 3

    def test_deadline_before_a_holiday_weekend(self):
        # Thursday before Mid-Autumn: Friday is a holiday, then the weekend
        assert add_working_days(at(2026, 9, 24, 10), 3) == at(2026, 9, 30, 10)

    def test_a_start_on_a_holiday_counts_from_the_next_working_day(self):
        assert add_working_days(at(2026, 10, 3, 10), 1) == at(2026, 10, 9)
        assert add_working_days(at(2026, 6, 6, 10), 1) == at(2026, 6, 9)  # Saturday → end of Monday

    def test_other_time_zones_are_converted_to_shanghai(self):
        received = datetime(2026, 9, 30, 7, tzinfo=UTC)  # 15:00 in Shanghai
        assert add_working_days(received, 3) == at(2026, 10, 10, 15)
        # 23:30 UTC on 30 September is already 1 October, a holiday, in Shanghai
        late = datetime(2026, 9, 30, 23, 30, tzinfo=UTC)
        assert add_working_days(late, 1) == at(2026, 10, 9)
        assert add_working_days(late, 1).utcoffset() == timedelta(hours=8)

    def test_zero_days_is_the_start_itself(self):
        assert add_working_days(at(2026, 10, 3, 10), 0) == at(2026, 10, 3, 10)

    def test_naive_datetimes_and_negative_counts_are_refused(self):
        with pytest.raises(ValueError, match="naive"):
            add_working_days(datetime(2026, 9, 30, 15), 3)  # naive on purpose
        with pytest.raises(ValueError, match="negative"):
            add_working_days(at(2026, 9, 30, 15), -1)


class TestAddWorkingHours:
    def test_hours_across_a_weekend(self):
        # Friday 5 June 2026 16:00 + 4 working hours: 2 on Friday, 2 on Monday from 09:00
        assert add_working_hours(at(2026, 6, 5, 16), 4) == at(2026, 6, 8, 11)

    def test_hours_into_a_make_up_sunday(self):
        # Saturday 19 September is off; Sunday 20 September is a 调休 working day
        assert add_working_hours(at(2026, 9, 19, 10), 2) == at(2026, 9, 20, 11)

    def test_hours_across_the_national_day_week(self):
        # 1 h on 30 Sep, 9 h on 8 Oct, 9 h on 9 Oct, 5 h on Saturday 10 Oct (调休)
        assert add_working_hours(at(2026, 9, 30, 17), 24) == at(2026, 10, 10, 14)

    def test_using_up_a_day_ends_at_closing_time(self):
        assert add_working_hours(at(2026, 6, 5, 16), 2) == at(2026, 6, 5, 18)

    def test_a_start_outside_the_window_begins_at_the_next_opening(self):
        assert add_working_hours(at(2026, 6, 8, 7, 30), 1) == at(2026, 6, 8, 10)
        assert add_working_hours(at(2026, 6, 8, 20), 1.5) == at(2026, 6, 9, 10, 30)

    def test_custom_window(self):
        assert add_working_hours(at(2026, 6, 5, 17), 2, day_start=time(8, 30), day_end=time(17, 30)) == at(
            2026, 6, 8, 10
        )

    def test_result_is_in_shanghai_time(self):
        start = datetime(2026, 6, 5, 1, tzinfo=ZoneInfo("Europe/Berlin"))  # 07:00 in Shanghai
        due = add_working_hours(start, 1)
        assert due == at(2026, 6, 5, 10)
        assert due.tzinfo == SHANGHAI

    def test_bad_arguments_are_refused(self):
        with pytest.raises(ValueError, match="empty"):
            add_working_hours(at(2026, 6, 5, 16), 1, day_start=time(18), day_end=time(9))
        with pytest.raises(ValueError, match="negative"):
            add_working_hours(at(2026, 6, 5, 16), -1)

    def test_working_time_between_is_the_inverse(self):
        start = at(2026, 9, 30, 17)
        assert working_time_between(start, at(2026, 10, 10, 14)) == timedelta(hours=24)
        assert working_time_between(at(2026, 10, 10, 14), start) == timedelta(hours=-24)
        assert working_time_between(at(2026, 10, 2, 9), at(2026, 10, 4, 18)) == timedelta()


class TestYearsWithoutHolidayData:
    def test_holiday_data_covers_2026(self):
        assert holiday_data_years().start == 2004
        assert 2026 in holiday_data_years()
        assert has_holiday_data(date(2026, 1, 1), date(2026, 12, 31))

    def test_a_year_without_data_raises_by_default(self):
        unknown_year = holiday_data_years().stop
        with pytest.raises(HolidayDataMissing, match=str(unknown_year)) as raised:
            is_working_day(date(unknown_year, 3, 2))
        assert raised.value.year == unknown_year
        with pytest.raises(HolidayDataMissing):
            add_working_days(at(unknown_year - 1, 12, 31, 10), 1)
        with pytest.raises(HolidayDataMissing):
            is_working_day(date(2003, 6, 2))

    def test_weekends_only_fallback_is_an_estimate_the_caller_can_detect(self):
        unknown_year = holiday_data_years().stop
        new_year = date(unknown_year, 1, 1)
        monday = new_year + timedelta(days=(7 - new_year.weekday()) % 7)
        assert is_working_day(monday, beyond_data="weekends") is True
        assert is_working_day(monday + timedelta(days=5), beyond_data="weekends") is False
        start = datetime.combine(monday, time(10), tzinfo=SHANGHAI)
        assert add_working_days(start, 5, beyond_data="weekends") == start + timedelta(days=7)
        assert not has_holiday_data(date(unknown_year - 1, 12, 31), date(unknown_year, 1, 4))
