"""Business time zone: every wall-clock computation of the calendar happens in China Standard Time."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def as_shanghai(moment: datetime) -> datetime:
    """Return ``moment`` converted to Asia/Shanghai; refuse naive datetimes, whose instant is unknown."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: pass a timezone-aware datetime")
    return moment.astimezone(SHANGHAI)


def local_date(value: date) -> date:
    """Return the Shanghai calendar date of a date or of an aware datetime."""
    if isinstance(value, datetime):
        return as_shanghai(value).date()
    return value
