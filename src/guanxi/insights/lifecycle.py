"""Infer the lifecycle stage (seed 003's five stages) from order history and P(alive). Pure numpy.

The rule, checked in this order — the first that holds decides:

1. no order yet → 获取期 acquisition (we are still winning the customer);
2. 离开期 exit — the customer has most likely stopped buying: P(alive) below ``exit_p_alive`` (0.1), or
   a single purchase day longer ago than ``single_purchase_exit_days`` (365), or no usable model and
   nothing bought for ``single_purchase_exit_days``;
3. 衰退期 decline — buying less: P(alive) below ``decline_p_alive`` (0.5), or nothing bought in the
   window (365 days), or the window's amount below ``decline_ratio`` (50 %) of the window before, or a
   single purchase day longer ago than ``single_purchase_decline_days`` (180);
4. 获取期 acquisition — the first order is at most ``new_customer_days`` (90) old;
5. 提升期 growth — within the first year, or the window's amount at least ``growth_ratio`` (120 %) of
   the window before (a customer buying again after an empty window counts as growing);
6. 成熟期 maturity — everyone else: established, alive and buying at a steady level.

P(alive) of a customer with a single purchase day is 1 by construction in BG/NBD (dropout only happens
after a repeat purchase), which is why rules 2 and 3 look at recency for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

ACQUISITION = "acquisition"
GROWTH = "growth"
MATURITY = "maturity"
DECLINE = "decline"
EXIT = "exit"
STAGES = (ACQUISITION, GROWTH, MATURITY, DECLINE, EXIT)


@dataclass(frozen=True)
class LifecycleRule:
    exit_p_alive: float = 0.1
    decline_p_alive: float = 0.5
    single_purchase_exit_days: int = 365
    single_purchase_decline_days: int = 180
    new_customer_days: int = 90
    decline_ratio: float = 0.5
    growth_ratio: float = 1.2
    first_year_days: int = 365


def infer_stages(
    *,
    has_orders: NDArray[np.bool_],
    purchase_days: NDArray[np.int64],
    tenure_days: NDArray[np.float64],
    recency_days: NDArray[np.float64],
    p_alive: NDArray[np.float64],
    window_amount: NDArray[np.float64],
    previous_amount: NDArray[np.float64],
    rule: LifecycleRule | None = None,
) -> NDArray[np.str_]:
    """Return one stage per customer following the module's rule.

    ``tenure_days`` is the time since the first order, ``recency_days`` since the last one (both
    ignored without orders); ``p_alive`` is NaN when no purchase model could be fitted.
    """
    r = rule or LifecycleRule()
    single = purchase_days <= 1
    no_model = np.isnan(p_alive)
    with np.errstate(invalid="ignore"):
        exit_ = has_orders & (
            (p_alive < r.exit_p_alive)
            | (single & (recency_days > r.single_purchase_exit_days))
            | (no_model & (recency_days > r.single_purchase_exit_days))
        )
        decline = has_orders & (
            (p_alive < r.decline_p_alive)
            | (window_amount <= 0)
            | ((previous_amount > 0) & (window_amount < r.decline_ratio * previous_amount))
            | (single & (recency_days > r.single_purchase_decline_days))
        )
        new = has_orders & (tenure_days <= r.new_customer_days)
        growth = has_orders & (
            (tenure_days <= r.first_year_days)
            | ((previous_amount > 0) & (window_amount >= r.growth_ratio * previous_amount))
            | ((previous_amount <= 0) & (window_amount > 0))
        )
    return np.select(
        [~has_orders, exit_, decline, new, growth],
        [ACQUISITION, EXIT, DECLINE, ACQUISITION, GROWTH],
        default=MATURITY,
    ).astype(str)
