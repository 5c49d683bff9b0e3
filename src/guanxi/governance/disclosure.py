"""How much of a contact's personal data a role may read (SECURITY AZ-04, DP-01).

Managers, the director and the archive administrator read the full archive. Reps see phones, WeChat
and e-mail masked and never see birthdays or family notes; they may still write new values, which replace
the saved ones without showing them. The web and the API both apply these rules.
"""

from typing import Any

from guanxi.core.validators import mask_phone
from guanxi.people.models import Role

MASKED_FIELDS = ("mobile", "office_phone", "home_phone", "email", "wechat")
PRIVATE_FIELDS = ("birthday_year", "birthday_month", "birthday_day", "birthday_leap_month", "family_notes")
FULL_ARCHIVE_ROLES = (Role.MANAGER, Role.DIRECTOR, Role.ARCHIVIST)


def sees_full_archive(user: Any) -> bool:
    return getattr(user, "role", None) in FULL_ARCHIVE_ROLES


def mask_value(value: str) -> str:
    """Mask a phone, e-mail or WeChat ID so it can be recognised but not used."""
    if not value:
        return ""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = value.lstrip("+")
    if digits.isdigit():
        return mask_phone(value)
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]
