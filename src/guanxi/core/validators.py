"""Validators and normalisers for Chinese business identifiers (pure, no ORM)."""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 18 characters from this 31-letter alphabet, the last one a mod-31 check character.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def to_halfwidth(value: str) -> str:
    """Turn full-width digits, letters and spaces into their ASCII forms."""
    return unicodedata.normalize("NFKC", value)


def credit_code_check_character(first17: str) -> str:
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return to_halfwidth(value).strip().upper().replace(" ", "")


def validate_credit_code(value: str) -> None:
    """Refuse a unified social credit code with the wrong shape or check character."""
    code = normalize_credit_code(value)
    if not _CREDIT_CODE_SHAPE.match(code):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters: digits and capital letters (no I, O, S, V, Z)."
            ),
            code="credit_code_shape",
        )
    if credit_code_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("This unified social credit code has a wrong check character; please check it again."),
            code="credit_code_checksum",
        )


def normalize_phone(value: str) -> str:
    """Return a phone number in a canonical form, or raise ValidationError.

    Chinese numbers keep their national form (13812345678, 01062345678); others get E.164 (+1415…).
    """
    raw = to_halfwidth(value).strip()
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number."), code="phone", params={"value": value}
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number."), code="phone", params={"value": value}
        )
    if number.country_code == 86:
        national = phonenumbers.national_significant_number(number)
        is_mobile = phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
        return national if is_mobile else "0" + national
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    normalize_phone(value)


def mask_phone(value: str) -> str:
    """138****5678: keep the first three and last four digits."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


_WECHAT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{5,19}$")


def validate_wechat_id(value: str) -> None:
    """A WeChat ID has 6–20 letters, digits, underscores or hyphens and starts with a letter."""
    if not _WECHAT_ID.match(value):
        raise ValidationError(
            _("A WeChat ID has 6–20 letters, digits, _ or -, and starts with a letter."), code="wechat"
        )
