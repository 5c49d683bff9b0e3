"""Purchase cycle: the observed inter-order interval and the model's next-purchase window.

The median interval is what a rep can check by hand ("orders about every 45 days"); the window comes
from BG/NBD and accounts for how sure the model is about this customer's rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from . import bgnbd
from ._common import FloatArray, as_float_array, check_same_length


def median_interorder_intervals(
    customer_index: ArrayLike, order_times: ArrayLike, *, n_customers: int | None = None
) -> FloatArray:
    """Return, per customer, the median gap between consecutive distinct order times.

    ``customer_index`` holds each order's customer as an integer 0..n-1 and ``order_times`` its time
    (days, say); the orders may come in any sequence. Orders at the same time count once. A customer with
    fewer than two distinct order times gets NaN. With an even number of gaps the median is the mean of
    the two middle gaps.
    """
    codes = np.asarray(customer_index)
    times = as_float_array(order_times, "order_times")
    if codes.ndim != 1 or (len(codes) and not np.issubdtype(codes.dtype, np.integer)):
        raise ValueError("customer_index must be a one-dimensional integer array")
    check_same_length(customer_index=codes, order_times=times)
    if len(codes) and codes.min() < 0:
        raise ValueError("customer_index must be >= 0")
    size = int(codes.max()) + 1 if len(codes) else 0
    size = max(size, n_customers or 0)
    result = np.full(size, np.nan)
    if len(codes) == 0:
        return result

    order = np.lexsort((times, codes))
    codes, times = codes[order], times[order]
    distinct = np.ones(len(codes), dtype=bool)
    distinct[1:] = (codes[1:] != codes[:-1]) | (times[1:] != times[:-1])
    codes, times = codes[distinct], times[distinct]

    same_customer = codes[1:] == codes[:-1]
    gaps = (times[1:] - times[:-1])[same_customer]
    gap_codes = codes[1:][same_customer]
    by_customer = np.lexsort((gaps, gap_codes))
    gaps = gaps[by_customer]
    counts = np.bincount(gap_codes, minlength=size)
    starts = np.cumsum(counts) - counts
    has_gap = counts > 0
    lower = starts[has_gap] + (counts[has_gap] - 1) // 2
    upper = starts[has_gap] + counts[has_gap] // 2
    result[has_gap] = (gaps[lower] + gaps[upper]) / 2.0
    return result


@dataclass(frozen=True, slots=True)
class NextPurchaseWindow:
    """Times from the end of observation (now), per customer, and the probability behind them."""

    start: FloatArray
    median: FloatArray
    end: FloatArray
    p_alive: FloatArray
    probability_in_window: FloatArray


def _waiting_time_quantile(
    params: bgnbd.BGNBDParams, level: float, x: FloatArray, age: FloatArray
) -> FloatArray:
    # Lomax quantile: S(w) = ((α+T)/(α+T+w))^(r+x) = 1 - level.
    return (params.alpha + age) * np.expm1(-np.log1p(-level) / (params.r + x))


def next_purchase_window(
    params: bgnbd.BGNBDParams,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    coverage: float = 0.5,
) -> NextPurchaseWindow:
    """Return the central ``coverage`` interval of the time until the next purchase, if still alive.

    In BG/NBD a customer who is alive now buys next after an exponential time with their rate λ, and
    given the history λ ~ Gamma(r+x, α+T); so the waiting time w has survival ((α+T)/(α+T+w))^(r+x)
    (a Lomax law). The window runs from its (1-coverage)/2 to its (1+coverage)/2 quantile, with the
    median in between, all measured from now (the end of the observation, T). The chance that the next
    purchase actually falls in the window is P(alive) · coverage, returned beside it: a customer who has
    probably left gets a window but a low probability. With few purchases the window is wide — that is
    the model saying it does not know yet.
    """
    if not 0.0 < coverage < 1.0:
        raise ValueError("coverage must lie strictly between 0 and 1")
    x, tx, age = bgnbd.summary_arrays(frequency, recency, T)
    alive = bgnbd.p_alive(params, x, tx, age)
    return NextPurchaseWindow(
        start=_waiting_time_quantile(params, (1.0 - coverage) / 2.0, x, age),
        median=_waiting_time_quantile(params, 0.5, x, age),
        end=_waiting_time_quantile(params, (1.0 + coverage) / 2.0, x, age),
        p_alive=alive,
        probability_in_window=alive * coverage,
    )


def probability_of_purchase_within(
    params: bgnbd.BGNBDParams, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> FloatArray:
    """Return P(at least one purchase in the next ``t``) = P(alive) · (1 - ((α+T)/(α+T+t))^(r+x))."""
    x, tx, age = bgnbd.summary_arrays(frequency, recency, T)
    horizon = np.asarray(t, dtype=np.float64)
    if np.any(horizon < 0):
        raise ValueError("the horizon t must be >= 0")
    survival = np.exp((params.r + x) * (np.log(params.alpha + age) - np.log(params.alpha + age + horizon)))
    return np.asarray(bgnbd.p_alive(params, x, tx, age) * (1.0 - survival), dtype=np.float64)
