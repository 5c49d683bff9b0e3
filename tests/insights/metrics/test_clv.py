"""CLV: the documented sum over months, checked by hand. No database."""

import numpy as np
import pytest

from guanxi.insights.metrics import bgnbd, clv, gamma_gamma
from guanxi.insights.metrics.bgnbd import BGNBDParams
from guanxi.insights.metrics.gamma_gamma import GammaGammaParams

PURCHASES = BGNBDParams(r=0.243, alpha=4.414 * 7, a=0.793, b=2.426)  # CDNOW, converted to days
SPEND = GammaGammaParams(p=6.25, q=3.74, gamma=15.44)
CUSTOMERS = {"frequency": [0, 2, 10], "recency": [0, 213.0, 350.0], "T": [100.0, 272.0, 365.0]}


def test_clv_is_the_discounted_sum_of_monthly_purchases_times_the_expected_order_value():
    result = clv.customer_lifetime_value(
        PURCHASES, SPEND, **CUSTOMERS, monetary_value=[0, 22.35, 40.0], monthly_discount_rate=0.02, margin=0.3
    )

    month = 365.25 / 12
    by_hand = np.zeros(3)
    for m in range(1, 13):
        within = bgnbd.conditional_expected_purchases(PURCHASES, m * month, **CUSTOMERS)
        before = bgnbd.conditional_expected_purchases(PURCHASES, (m - 1) * month, **CUSTOMERS)
        by_hand += (within - before) / 1.02**m
    value = gamma_gamma.conditional_expected_average_profit(SPEND, CUSTOMERS["frequency"], [0, 22.35, 40.0])
    np.testing.assert_allclose(result.clv, by_hand * value * 0.3, rtol=1e-12)
    np.testing.assert_allclose(result.expected_order_value, value, rtol=1e-12)
    assert result.expected_purchases_by_month.shape == (3, 12)
    assert result.discount_factors[0] == pytest.approx(1 / 1.02)


def test_monthly_purchases_add_up_to_the_twelve_month_expectation():
    by_month = clv.expected_purchases_by_month(PURCHASES, **CUSTOMERS)

    whole_year = bgnbd.conditional_expected_purchases(PURCHASES, 365.25, **CUSTOMERS)
    np.testing.assert_allclose(by_month.sum(axis=1), whole_year, rtol=1e-12)
    assert np.all(by_month > 0)


def test_without_discount_clv_is_expected_purchases_times_value():
    result = clv.customer_lifetime_value(
        PURCHASES, SPEND, **CUSTOMERS, monetary_value=[0, 20.0, 20.0], monthly_discount_rate=0.0
    )

    np.testing.assert_allclose(
        result.clv, result.expected_purchases_by_month.sum(axis=1) * result.expected_order_value, rtol=1e-12
    )


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"monthly_discount_rate": -0.01}, "discount"),
        ({"margin": -1.0}, "margin"),
        ({"months": 0}, "months"),
        ({"time_units_per_month": 0.0}, "time_units_per_month"),
    ],
)
def test_invalid_options_are_refused(option, message):
    with pytest.raises(ValueError, match=message):
        clv.customer_lifetime_value(PURCHASES, SPEND, **CUSTOMERS, monetary_value=[0, 1.0, 1.0], **option)
