"""Customer lifetime value over a fixed horizon from BG/NBD and Gamma-Gamma.

For customer i and month m = 1..M (M = 12 by default):

    purchases(i, m) = E[Y(m·L) | x, t_x, T] - E[Y((m-1)·L) | x, t_x, T]      (BG/NBD, L = units per month)
    CLV(i) = Σ_m purchases(i, m) · value(i) · margin / (1 + d)^m

where value(i) is the Gamma-Gamma expected order value given the customer's repeat purchases, d the
monthly discount rate and ``margin`` the share of revenue kept as profit (1.0 gives revenue CLV). Month
m is discounted for m whole months, as if its purchases were paid at the month's end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from . import bgnbd, gamma_gamma
from ._common import FloatArray

DAYS_PER_MONTH = 365.25 / 12
WEEKS_PER_MONTH = DAYS_PER_MONTH / 7


@dataclass(frozen=True, slots=True)
class CLVResult:
    """Per customer: the CLV, its inputs by month and the expected order value behind it."""

    clv: FloatArray
    expected_purchases_by_month: FloatArray  # customers × months
    expected_order_value: FloatArray
    discount_factors: FloatArray  # 1 / (1+d)^m for m = 1..months


def expected_purchases_by_month(
    params: bgnbd.BGNBDParams,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    months: int = 12,
    time_units_per_month: float = DAYS_PER_MONTH,
) -> FloatArray:
    """Return a (customers × months) matrix of the BG/NBD expected purchases in each coming month."""
    if months < 1:
        raise ValueError("months must be >= 1")
    if time_units_per_month <= 0:
        raise ValueError("time_units_per_month must be > 0")
    boundaries = time_units_per_month * np.arange(months + 1, dtype=np.float64)
    cumulative = bgnbd.cumulative_expected_purchases(params, boundaries, frequency, recency, T)
    return np.diff(cumulative, axis=1)


def customer_lifetime_value(
    purchase_params: bgnbd.BGNBDParams,
    spend_params: gamma_gamma.GammaGammaParams,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary_value: ArrayLike,
    *,
    months: int = 12,
    time_units_per_month: float = DAYS_PER_MONTH,
    monthly_discount_rate: float = 0.01,
    margin: float = 1.0,
) -> CLVResult:
    """Return the discounted expected value of each customer's purchases over the next ``months``.

    ``monetary_value`` is the average value of the customer's repeat purchases (ignored when x = 0,
    where the Gamma-Gamma population mean is used). Raise ``ValueError`` on a negative discount rate or
    margin, or when the spend model has q <= 1 (no finite mean order value).
    """
    if monthly_discount_rate < 0:
        raise ValueError("monthly_discount_rate must be >= 0")
    if margin < 0:
        raise ValueError("margin must be >= 0")
    by_month = expected_purchases_by_month(
        purchase_params, frequency, recency, T, months=months, time_units_per_month=time_units_per_month
    )
    order_value = gamma_gamma.conditional_expected_average_profit(spend_params, frequency, monetary_value)
    discount = (1.0 + monthly_discount_rate) ** -np.arange(1, months + 1, dtype=np.float64)
    clv = (by_month @ discount) * order_value * margin
    return CLVResult(
        clv=clv,
        expected_purchases_by_month=by_month,
        expected_order_value=order_value,
        discount_factors=discount,
    )
