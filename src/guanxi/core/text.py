"""Search keys for Chinese names: full pinyin and initials, so "hw" and "huawei" find 华为."""

import re

from pypinyin import Style, lazy_pinyin

_NON_WORD = re.compile(r"[^0-9a-z]+")


def pinyin_key(text: str) -> str:
    """Return "<full pinyin> <initials>" in lower case, e.g. 华为技术 → "huaweijishu hwjs"."""
    if not text:
        return ""
    full = "".join(lazy_pinyin(text, errors="default")).lower()
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()
    return f"{_NON_WORD.sub('', full)} {_NON_WORD.sub('', initials)}"


def looks_like_phone_fragment(query: str) -> bool:
    digits = re.sub(r"[\s\-+]", "", query)
    return len(digits) >= 4 and digits.isdigit()
