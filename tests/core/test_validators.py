import pytest
from django.core.exceptions import ValidationError

from guanxi.core.text import pinyin_key
from guanxi.core.validators import (
    credit_code_check_character,
    mask_phone,
    normalize_credit_code,
    normalize_phone,
    validate_credit_code,
)

VALID_CODE = "91350100M000100Y43"


def test_given_a_published_code_when_computing_the_check_character_then_it_matches():
    assert credit_code_check_character(VALID_CODE[:17]) == "3"
    validate_credit_code(VALID_CODE)


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("91350100M000100Y4A", "credit_code_checksum"),
        ("91350100M000100Y4", "credit_code_shape"),
        ("91350100M0001O0Y43", "credit_code_shape"),  # the letter O is not in the alphabet
        ("9135010AM000100Y43", "credit_code_shape"),  # the region part must be digits
    ],
)
def test_given_a_bad_code_when_validating_then_refused_with_the_reason(code, error_code):
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(code)
    assert caught.value.code == error_code


def test_given_fullwidth_lowercase_code_when_normalising_then_ascii_uppercase():
    assert normalize_credit_code("９１３５０１００m０００１００y４３") == VALID_CODE


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("010-62345678", "01062345678"),
        ("+1 415 555 2671", "+14155552671"),
    ],
)
def test_given_phone_numbers_when_normalising_then_canonical(raw, normalised):
    assert normalize_phone(raw) == normalised


@pytest.mark.parametrize("raw", ["12345", "138-1234-567", "abc", "11111111111"])
def test_given_malformed_phone_when_normalising_then_refused(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_mask_keeps_first_three_and_last_four_digits():
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize(
    ("name", "key"),
    [("华为技术", "huaweijishu hwjs"), ("重庆银行", "chongqingyinhang cqyh"), ("ABC科技", "abckeji abckj")],
)
def test_pinyin_key_holds_full_pinyin_and_initials(name, key):
    assert pinyin_key(name) == key
