"""Estimate how wide text runs and cut it to fit, without a font at hand.

The estimate is deliberately generous (CJK and ambiguous-width characters count a full em), so text it
lets through never overflows a card in a browser, in librsvg or in the PDF.
"""

import unicodedata
from collections.abc import Sequence

ELLIPSIS = "…"


def char_width(char: str) -> float:
    """Estimate a character's advance in em; generous, so that estimated text never overflows."""
    if unicodedata.east_asian_width(char) in ("W", "F", "A"):
        return 1.0
    if char == " ":
        return 0.3
    if char.isdigit():
        return 0.56
    if char.isupper():
        return 0.68
    if char.isalpha():
        return 0.56 if char not in "ilj" else 0.3
    return 0.4


def text_width(text: str, size: float) -> float:
    return sum(char_width(c) for c in text) * size


def clean(text: str) -> str:
    """Collapse whitespace and drop control characters, which XML cannot carry and cards cannot show."""
    visible = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)
    return " ".join(visible.split())


def truncate(text: str, size: float, width: float) -> str:
    """Cut ``text`` to fit ``width``, ending with an ellipsis when anything was cut."""
    text = clean(text)
    if text_width(text, size) <= width:
        return text
    room = width - text_width(ELLIPSIS, size)
    used = 0.0
    kept = []
    for char in text:
        used += char_width(char) * size
        if used > room:
            break
        kept.append(char)
    return "".join(kept).rstrip() + ELLIPSIS


def wrap_items(
    items: Sequence[str], *, prefix: str, separator: str, more: str, size: float, width: float, lines: int
) -> list[str]:
    """Fill at most ``lines`` lines with ``items``; say how many did not fit with ``more``."""
    result: list[str] = []
    current = prefix
    on_line = 0
    index = 0
    while index < len(items) and len(result) < lines:
        piece = (separator if on_line else "") + clean(items[index])
        if text_width(current + piece, size) <= width:
            current += piece
            on_line += 1
            index += 1
        elif on_line == 0:
            result.append(truncate(current + piece, size, width))
            current, on_line = "", 0
            index += 1
        else:
            result.append(current)
            current, on_line = "", 0
    if on_line and len(result) < lines:
        result.append(current)
    left = len(items) - index
    if left and result:
        suffix = " " + more % {"count": left}
        result[-1] = truncate(result[-1], size, width - text_width(suffix, size)) + suffix
    return result
