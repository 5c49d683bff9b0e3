"""The six festivals of the care calendar (SPEC §4.2) and their dates in any year.

Codes are stable identifiers; labels and greetings belong to the caller. The lunar festivals of lunar
year Y always fall in solar year Y (Spring Festival is between 21 January and 20 February), so
``festival_date(festival, Y)`` is the festival of solar year Y. Lunar festivals are in ordinary months:
a year with a leap fifth month still has 端午 on 五月初五, not 闰五月初五.
"""

from datetime import date
from enum import StrEnum
from typing import NamedTuple

from .lunar import CalendarSystem, lunar_anniversary, occurrences_between, solar_anniversary


class Festival(StrEnum):
    NEW_YEARS_DAY = "new_years_day"  # 元旦, 1 January
    SPRING_FESTIVAL = "spring_festival"  # 春节, lunar 1/1
    LANTERN_FESTIVAL = "lantern_festival"  # 元宵节, lunar 1/15
    DRAGON_BOAT_FESTIVAL = "dragon_boat_festival"  # 端午节, lunar 5/5
    MID_AUTUMN_FESTIVAL = "mid_autumn_festival"  # 中秋节, lunar 8/15
    NATIONAL_DAY = "national_day"  # 国庆节, 1 October


class FestivalRule(NamedTuple):
    calendar: CalendarSystem
    month: int
    day: int


FESTIVAL_RULES: dict[Festival, FestivalRule] = {
    Festival.NEW_YEARS_DAY: FestivalRule(CalendarSystem.SOLAR, 1, 1),
    Festival.SPRING_FESTIVAL: FestivalRule(CalendarSystem.LUNAR, 1, 1),
    Festival.LANTERN_FESTIVAL: FestivalRule(CalendarSystem.LUNAR, 1, 15),
    Festival.DRAGON_BOAT_FESTIVAL: FestivalRule(CalendarSystem.LUNAR, 5, 5),
    Festival.MID_AUTUMN_FESTIVAL: FestivalRule(CalendarSystem.LUNAR, 8, 15),
    Festival.NATIONAL_DAY: FestivalRule(CalendarSystem.SOLAR, 10, 1),
}


def festival_date(festival: Festival | str, year: int) -> date:
    """Return the date of ``festival`` in solar ``year``; raise ``DateOutOfRange`` past the lunar tables."""
    rule = FESTIVAL_RULES[Festival(festival)]
    if rule.calendar is CalendarSystem.SOLAR:
        return solar_anniversary(year, rule.month, rule.day)
    return lunar_anniversary(year, rule.month, rule.day)


def festivals_between(start: date, end: date) -> list[tuple[date, Festival]]:
    """Return every (date, festival) in [start, end], by date, then in ``Festival`` order."""
    found = [
        (day, festival)
        for festival, rule in FESTIVAL_RULES.items()
        for day in occurrences_between(rule.calendar, rule.month, rule.day, False, start, end)
    ]
    order = list(Festival)
    return sorted(found, key=lambda pair: (pair[0], order.index(pair[1])))
