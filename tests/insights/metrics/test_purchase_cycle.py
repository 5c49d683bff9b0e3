"""Purchase cycle: median inter-order intervals and the BG/NBD next-purchase window. No database."""

import numpy as np
import pytest

from guanxi.insights.metrics import purchase_cycle
from guanxi.insights.metrics.bgnbd import BGNBDParams

PARAMS = BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426)


def test_median_intervals_per_customer_in_any_input_order():
    # customer 0: days 0, 10, 30, 60 → gaps 10, 20, 30 → 20
    # customer 1: days 5, 5, 12 → same-day orders count once → gap 7
    # customer 2: one order → NaN; customer 3: days 0, 4, 10, 22, 24 → gaps 4, 6, 12, 2 → (4+6)/2
    customers = np.array([0, 1, 3, 0, 2, 1, 3, 0, 3, 1, 3, 0, 3])
    days = np.array([60, 5, 0, 0, 7, 12, 4, 30, 10, 5, 22, 10, 24], dtype=float)

    medians = purchase_cycle.median_interorder_intervals(customers, days, n_customers=5)

    np.testing.assert_array_equal(medians[[0, 1, 3]], [20.0, 7.0, 5.0])
    assert np.isnan(medians[2])
    assert np.isnan(medians[4])  # customer 4 has no orders at all
    shuffled = np.random.default_rng(7).permutation(len(days))
    np.testing.assert_array_equal(
        purchase_cycle.median_interorder_intervals(customers[shuffled], days[shuffled], n_customers=5)[
            [0, 1, 3]
        ],
        medians[[0, 1, 3]],
    )


def test_no_orders_give_all_nan():
    assert np.isnan(
        purchase_cycle.median_interorder_intervals(np.array([], dtype=int), [], n_customers=2)
    ).all()


def test_window_quantiles_have_the_documented_survival():
    window = purchase_cycle.next_purchase_window(PARAMS, [4, 0], [30.0, 0.0], [38.0, 20.0], coverage=0.5)

    for customer, (x, T) in enumerate([(4, 38.0), (0, 20.0)]):

        def survival(w, x=x, T=T):
            return ((PARAMS.alpha + T) / (PARAMS.alpha + T + w)) ** (PARAMS.r + x)

        assert survival(window.start[customer]) == pytest.approx(0.75, rel=1e-12)
        assert survival(window.median[customer]) == pytest.approx(0.5, rel=1e-12)
        assert survival(window.end[customer]) == pytest.approx(0.25, rel=1e-12)
    assert window.p_alive[1] == 1.0
    assert window.probability_in_window[0] == pytest.approx(window.p_alive[0] * 0.5)
    # More purchases in the same time make the model surer: a narrower window.
    assert window.end[0] - window.start[0] < window.end[1] - window.start[1]


def test_probability_of_a_purchase_within_a_horizon():
    x, tx, T = [4], [30.0], [38.0]

    probability = purchase_cycle.probability_of_purchase_within(PARAMS, [0.0, 10.0, 1e9], x, tx, T)
    window = purchase_cycle.next_purchase_window(PARAMS, x, tx, T)

    assert probability[0] == 0.0
    assert probability[2] == pytest.approx(window.p_alive[0], rel=1e-6)
    at_median = purchase_cycle.probability_of_purchase_within(PARAMS, window.median, x, tx, T)
    assert at_median[0] == pytest.approx(window.p_alive[0] / 2, rel=1e-12)


def test_coverage_must_be_a_proper_fraction():
    with pytest.raises(ValueError, match="coverage"):
        purchase_cycle.next_purchase_window(PARAMS, [1], [1.0], [2.0], coverage=1.0)
