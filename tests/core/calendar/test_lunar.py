"""Lunar conversion and recurring dates. Expected dates were checked against zhdate, lunar-python and
borax (Hong Kong Observatory tables) when the tests were written."""

from datetime import date

import pytest

from guanxi.core.calendar import (
    DateOutOfRange,
    InvalidDate,
    LunarDate,
    leap_month_of,
    lunar_month_length,
    lunar_to_solar,
    next_occurrence,
    occurrences_between,
    solar_to_lunar,
)


@pytest.mark.parametrize(
    ("lunar", "solar"),
    [
        ((2026, 8, 15, False), date(2026, 9, 25)),
        ((2027, 8, 15, False), date(2027, 9, 15)),
        ((2028, 8, 15, False), date(2028, 10, 3)),
        ((2026, 1, 1, False), date(2026, 2, 17)),
        ((2025, 6, 10, True), date(2025, 8, 3)),  # 闰六月初十
        ((2025, 6, 10, False), date(2025, 7, 4)),
        ((2023, 2, 10, True), date(2023, 3, 31)),  # 闰二月初十
        ((2023, 2, 10, False), date(2023, 3, 1)),
        ((1900, 1, 1, False), date(1900, 1, 31)),  # first day of the tables
        ((2100, 12, 29, False), date(2101, 1, 28)),  # last day of the tables
    ],
)
def test_lunar_and_solar_dates_convert_both_ways(lunar, solar):
    assert lunar_to_solar(*lunar) == solar
    if solar.year <= 2100:
        assert solar_to_lunar(solar) == LunarDate(*lunar)


def test_conversion_round_trips_every_day_of_2024_to_2028():
    day = date(2024, 1, 1)
    while day.year <= 2028:
        assert lunar_to_solar(*solar_to_lunar(day)) == day
        day = date.fromordinal(day.toordinal() + 1)


@pytest.mark.parametrize(
    ("solar", "lunar"),
    [
        # Months on which lunardate 0.3.0's table differs from the Hong Kong Observatory's; the reason
        # zhdate was chosen. Contacts born in 1978 are customers' decision makers today.
        (date(1978, 9, 2), LunarDate(1978, 7, 30, False)),
        (date(1978, 9, 17), LunarDate(1978, 8, 15, False)),
        (date(1954, 11, 25), LunarDate(1954, 11, 1, False)),
        (date(1933, 7, 22), LunarDate(1933, 5, 30, True)),
    ],
)
def test_solar_to_lunar_matches_the_hong_kong_observatory_tables(solar, lunar):
    assert solar_to_lunar(solar) == lunar


def test_leap_months_and_month_lengths():
    assert [leap_month_of(year) for year in (2023, 2024, 2025, 2026, 2027, 2028)] == [
        2,
        None,
        6,
        None,
        None,
        5,
    ]
    assert lunar_month_length(2025, 6) == 30
    assert lunar_month_length(2025, 6, is_leap_month=True) == 29
    assert lunar_month_length(2024, 1) == 29


@pytest.mark.parametrize(
    "lunar",
    [
        (2024, 1, 30, False),  # 正月 of 2024 has 29 days
        (2025, 6, 30, True),  # 闰六月 of 2025 has 29 days
        (2026, 6, 1, True),  # 2026 has no leap month
        (2025, 5, 1, True),  # 2025's leap month is the 6th
        (2026, 13, 1, False),
        (2026, 1, 31, False),
        (2026, 1, 0, False),
    ],
)
def test_lunar_to_solar_refuses_dates_that_do_not_exist(lunar):
    with pytest.raises(InvalidDate):
        lunar_to_solar(*lunar)


def test_dates_outside_the_tables_are_refused():
    with pytest.raises(DateOutOfRange):
        lunar_to_solar(1899, 12, 1)
    with pytest.raises(DateOutOfRange):
        lunar_to_solar(2101, 1, 1)
    with pytest.raises(DateOutOfRange):
        solar_to_lunar(date(1900, 1, 30))
    with pytest.raises(DateOutOfRange):
        solar_to_lunar(date(2101, 1, 1))
    with pytest.raises(DateOutOfRange):
        next_occurrence("lunar", 8, 15, False, date(2101, 1, 1))


class TestNextOccurrence:
    def test_mid_autumn_birthday_in_2026_2027_2028(self):
        # given a contact born on 八月十五; when we look for the next birthday from New Year's Day
        found = [next_occurrence("lunar", 8, 15, False, date(year, 1, 1)) for year in (2026, 2027, 2028)]
        # then it is Mid-Autumn Festival each year
        assert found == [date(2026, 9, 25), date(2027, 9, 15), date(2028, 10, 3)]
        assert found == [lunar_to_solar(year, 8, 15) for year in (2026, 2027, 2028)]

    def test_the_day_itself_counts_and_the_day_after_moves_to_next_year(self):
        assert next_occurrence("lunar", 8, 15, False, date(2026, 9, 25)) == date(2026, 9, 25)
        assert next_occurrence("lunar", 8, 15, False, date(2026, 9, 26)) == date(2027, 9, 15)
        assert next_occurrence("solar", 5, 20, False, date(2026, 5, 20)) == date(2026, 5, 20)
        assert next_occurrence("solar", 5, 20, False, date(2026, 5, 21)) == date(2027, 5, 20)

    def test_a_late_lunar_month_in_january_belongs_to_the_previous_lunar_year(self):
        # 腊月十五 of lunar 2025 is in January 2026
        assert next_occurrence("lunar", 12, 15, False, date(2026, 1, 1)) == date(2026, 2, 2)
        assert solar_to_lunar(date(2026, 2, 2)) == LunarDate(2025, 12, 15, False)

    def test_leap_month_date_falls_in_the_leap_month_when_the_year_has_it(self):
        # given a birthday on 闰六月初十; 2025 has a leap 6th month
        assert next_occurrence("lunar", 6, 10, True, date(2025, 1, 1)) == date(2025, 8, 3)

    def test_leap_month_date_falls_in_the_ordinary_month_in_other_years(self):
        assert next_occurrence("lunar", 6, 10, True, date(2025, 8, 4)) == date(2026, 7, 23)
        assert lunar_to_solar(2026, 6, 10) == date(2026, 7, 23)
        assert next_occurrence("lunar", 2, 10, True, date(2023, 1, 1)) == date(2023, 3, 31)
        assert next_occurrence("lunar", 2, 10, True, date(2023, 4, 1)) == date(2024, 3, 19)

    def test_ordinary_month_date_happens_once_in_a_year_that_repeats_the_month(self):
        assert occurrences_between("lunar", 6, 10, False, date(2025, 1, 1), date(2025, 12, 31)) == [
            date(2025, 7, 4)
        ]
        assert occurrences_between("lunar", 6, 10, True, date(2025, 1, 1), date(2025, 12, 31)) == [
            date(2025, 8, 3)
        ]

    def test_lunar_day_30_falls_on_day_29_of_a_short_month(self):
        # 正月 has 29 days in 2024 and 30 in 2025
        assert next_occurrence("lunar", 1, 30, False, date(2024, 1, 1)) == date(2024, 3, 9)
        assert lunar_to_solar(2024, 1, 29) == date(2024, 3, 9)
        assert next_occurrence("lunar", 1, 30, False, date(2025, 1, 1)) == date(2025, 2, 27)
        assert lunar_to_solar(2025, 1, 30) == date(2025, 2, 27)

    def test_both_fallbacks_chain_for_a_leap_month_day_30(self):
        # 闰六月三十: 2025's leap 6th month has 29 days; 2026 has no leap month and a 30-day 六月;
        # 2027 has no leap month and a 29-day 六月
        found = occurrences_between("lunar", 6, 30, True, date(2025, 1, 1), date(2027, 12, 31))
        assert found == [date(2025, 8, 22), date(2026, 8, 12), date(2027, 8, 1)]
        assert found == [
            lunar_to_solar(2025, 6, 29, True),
            lunar_to_solar(2026, 6, 30),
            lunar_to_solar(2027, 6, 29),
        ]

    def test_new_years_eve_birthday_follows_the_last_day_of_the_twelfth_month(self):
        # 腊月三十: the 12th month of lunar 2026 has 29 days, so the birthday is 除夕 2027-02-05
        assert next_occurrence("lunar", 12, 30, False, date(2027, 1, 1)) == date(2027, 2, 5)

    def test_solar_february_29_falls_on_february_28_in_common_years(self):
        assert next_occurrence("solar", 2, 29, False, date(2026, 1, 1)) == date(2026, 2, 28)
        assert next_occurrence("solar", 2, 29, False, date(2026, 3, 1)) == date(2027, 2, 28)
        assert next_occurrence("solar", 2, 29, False, date(2027, 3, 1)) == date(2028, 2, 29)

    @pytest.mark.parametrize(
        ("calendar", "month", "day", "is_leap_month"),
        [
            ("solar", 2, 30, False),
            ("solar", 4, 31, False),
            ("solar", 13, 1, False),
            ("solar", 6, 1, True),
            ("lunar", 13, 1, False),
            ("lunar", 1, 31, False),
        ],
    )
    def test_dates_that_never_exist_are_refused(self, calendar, month, day, is_leap_month):
        with pytest.raises(InvalidDate):
            next_occurrence(calendar, month, day, is_leap_month, date(2026, 1, 1))

    def test_an_unknown_calendar_is_refused(self):
        with pytest.raises(ValueError, match="gregorian"):
            next_occurrence("gregorian", 1, 1, False, date(2026, 1, 1))
