"""ABC analysis by cumulative share, for customers and for products.

Items are ranked by value, largest first; ties are ranked by id, smallest first, so the result never
depends on the input order. Walking down the ranking, an item is

- A while the share of the items ranked ahead of it is below ``a_share`` (80 %): A is the smallest top
  group reaching 80 %, the item that crosses the line included;
- B while the share ahead of it is below ``b_share`` (95 %);
- C otherwise. Items worth 0 or less (no revenue, a loss, a decline) are always C and count 0 in the
  shares.

A share ahead exactly equal to a threshold (within 1e-12, for float sums) starts the next class: with
values 50, 30, 15, 5 the classes are A, A, B, C.

Product ABC (seed: 走量 / 获利 / 潜力 products) applies the same rule to quantity sold (volume), gross
margin (profit) and growth between two periods (potential).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._common import FloatArray, IntArray, as_float_array, check_same_length

_SHARE_TOLERANCE = 1e-12


@dataclass(frozen=True, slots=True)
class ABCThresholds:
    """Cumulative-share limits of classes A and B; C takes the rest."""

    a_share: float = 0.80
    b_share: float = 0.95

    def __post_init__(self) -> None:
        if not 0.0 < self.a_share <= self.b_share <= 1.0:
            raise ValueError("thresholds need 0 < a_share <= b_share <= 1")


@dataclass(frozen=True, slots=True)
class ABCResult:
    """Per item, in the input order: the class and the numbers that explain it."""

    ids: NDArray[np.generic]
    value: FloatArray  # the value ranked, negatives counted as 0
    classes: NDArray[np.str_]  # "A", "B" or "C"
    rank: IntArray  # 1 = largest
    share: FloatArray  # value / total
    share_ahead: FloatArray  # cumulative share of the items ranked ahead
    cumulative_share: FloatArray  # share_ahead + share


def abc_classify(ids: ArrayLike, values: ArrayLike, *, thresholds: ABCThresholds | None = None) -> ABCResult:
    """Classify items A/B/C by cumulative share of ``values`` (see the module docstring for the rule).

    Raise ``ValueError`` on non-finite values, duplicate ids or arrays of different lengths.
    """
    limits = thresholds or ABCThresholds()
    keys = np.asarray(ids)
    raw = as_float_array(values, "values")
    n = check_same_length(ids=keys, values=raw)
    if not np.all(np.isfinite(raw)):
        raise ValueError("values must be finite")
    if len(np.unique(keys)) != n:
        raise ValueError("ids must be unique")
    value = np.clip(raw, 0.0, None)
    total = float(value.sum())

    order = np.lexsort((keys, -value))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(1, n + 1)
    share = value / total if total > 0 else np.zeros(n)
    share_ahead = np.empty(n)
    share_ahead[order] = np.cumsum(share[order]) - share[order]

    classes = np.full(n, "C")
    positive = value > 0
    classes[positive & (share_ahead < limits.b_share - _SHARE_TOLERANCE)] = "B"
    classes[positive & (share_ahead < limits.a_share - _SHARE_TOLERANCE)] = "A"
    return ABCResult(
        ids=keys,
        value=value,
        classes=classes,
        rank=rank,
        share=share,
        share_ahead=share_ahead,
        cumulative_share=share_ahead + share,
    )


def volume_abc(ids: ArrayLike, quantity: ArrayLike, *, thresholds: ABCThresholds | None = None) -> ABCResult:
    """Classify products by quantity sold (走量产品 are the A class)."""
    return abc_classify(ids, quantity, thresholds=thresholds)


def profit_abc(
    ids: ArrayLike, revenue: ArrayLike, cost: ArrayLike, *, thresholds: ABCThresholds | None = None
) -> ABCResult:
    """Classify products by gross margin, revenue - cost (获利产品 are the A class; losses are C)."""
    income = as_float_array(revenue, "revenue")
    spent = as_float_array(cost, "cost")
    check_same_length(revenue=income, cost=spent)
    return abc_classify(ids, income - spent, thresholds=thresholds)


def potential_abc(
    ids: ArrayLike, current: ArrayLike, previous: ArrayLike, *, thresholds: ABCThresholds | None = None
) -> ABCResult:
    """Classify products by growth, current - previous period (潜力产品 are the A class).

    Absolute growth is ranked rather than the growth rate, so a tiny product doubling from 1 to 2 does not
    outrank a large one adding 10 000; see ``growth_rate`` for the rate to show beside it. Flat or
    shrinking products are C.
    """
    now = as_float_array(current, "current")
    before = as_float_array(previous, "previous")
    check_same_length(current=now, previous=before)
    return abc_classify(ids, now - before, thresholds=thresholds)


def growth_rate(current: ArrayLike, previous: ArrayLike) -> FloatArray:
    """Return (current - previous) / previous, NaN where the previous period was 0 or less."""
    now = as_float_array(current, "current")
    before = as_float_array(previous, "previous")
    check_same_length(current=now, previous=before)
    rate = np.full(len(now), np.nan)
    positive = before > 0
    rate[positive] = (now[positive] - before[positive]) / before[positive]
    return rate


@dataclass(frozen=True, slots=True)
class ProductABC:
    """The three product classifications of the methodology, over the same products."""

    volume: ABCResult
    profit: ABCResult
    potential: ABCResult
    growth_rate: FloatArray


def product_abc(
    ids: ArrayLike,
    quantity: ArrayLike,
    revenue: ArrayLike,
    cost: ArrayLike,
    previous_revenue: ArrayLike,
    *,
    thresholds: ABCThresholds | None = None,
) -> ProductABC:
    """Return volume (by quantity), profit (by margin) and potential (by revenue growth) ABC."""
    return ProductABC(
        volume=volume_abc(ids, quantity, thresholds=thresholds),
        profit=profit_abc(ids, revenue, cost, thresholds=thresholds),
        potential=potential_abc(ids, revenue, previous_revenue, thresholds=thresholds),
        growth_rate=growth_rate(revenue, previous_revenue),
    )
