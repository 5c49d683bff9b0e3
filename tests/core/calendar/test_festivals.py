from datetime import date

import pytest

from guanxi.core.calendar import Festival, festival_date, festivals_between, lunar_to_solar


@pytest.mark.parametrize(
    ("year", "spring_festival", "lantern", "dragon_boat", "mid_autumn"),
    [
        (2026, date(2026, 2, 17), date(2026, 3, 3), date(2026, 6, 19), date(2026, 9, 25)),
        (2027, date(2027, 2, 6), date(2027, 2, 20), date(2027, 6, 9), date(2027, 9, 15)),
        (2028, date(2028, 1, 26), date(2028, 2, 9), date(2028, 5, 28), date(2028, 10, 3)),
    ],
)
def test_lunar_festival_dates(year, spring_festival, lantern, dragon_boat, mid_autumn):
    assert festival_date(Festival.SPRING_FESTIVAL, year) == spring_festival == lunar_to_solar(year, 1, 1)
    assert festival_date(Festival.LANTERN_FESTIVAL, year) == lantern == lunar_to_solar(year, 1, 15)
    assert festival_date(Festival.DRAGON_BOAT_FESTIVAL, year) == dragon_boat == lunar_to_solar(year, 5, 5)
    assert festival_date(Festival.MID_AUTUMN_FESTIVAL, year) == mid_autumn == lunar_to_solar(year, 8, 15)


def test_dragon_boat_festival_is_in_the_ordinary_fifth_month_of_a_year_with_a_leap_fifth_month():
    # 2028 has 闰五月 (2028-06-27 is 闰五月初五); 端午 stays on 五月初五
    assert festival_date("dragon_boat_festival", 2028) == date(2028, 5, 28)


def test_solar_festival_dates():
    assert festival_date(Festival.NEW_YEARS_DAY, 2027) == date(2027, 1, 1)
    assert festival_date(Festival.NATIONAL_DAY, 2027) == date(2027, 10, 1)


def test_festivals_of_a_year_in_order_with_stable_codes():
    assert festivals_between(date(2026, 1, 1), date(2026, 12, 31)) == [
        (date(2026, 1, 1), "new_years_day"),
        (date(2026, 2, 17), "spring_festival"),
        (date(2026, 3, 3), "lantern_festival"),
        (date(2026, 6, 19), "dragon_boat_festival"),
        (date(2026, 9, 25), "mid_autumn_festival"),
        (date(2026, 10, 1), "national_day"),
    ]


def test_festivals_across_a_year_boundary_include_both_ends():
    assert festivals_between(date(2026, 12, 1), date(2027, 2, 20)) == [
        (date(2027, 1, 1), Festival.NEW_YEARS_DAY),
        (date(2027, 2, 6), Festival.SPRING_FESTIVAL),
        (date(2027, 2, 20), Festival.LANTERN_FESTIVAL),
    ]


def test_mid_autumn_and_national_day_on_the_same_day():
    assert festivals_between(date(2020, 10, 1), date(2020, 10, 1)) == [
        (date(2020, 10, 1), Festival.MID_AUTUMN_FESTIVAL),
        (date(2020, 10, 1), Festival.NATIONAL_DAY),
    ]


def test_an_empty_range_has_no_festivals():
    assert festivals_between(date(2026, 10, 2), date(2026, 10, 1)) == []
