"""ABC analysis: exact classes on hand-made examples, deterministic ties, product ABC. No database."""

import numpy as np
import pytest

from guanxi.insights.metrics import abc_analysis
from guanxi.insights.metrics.abc_analysis import ABCThresholds


def test_a_reaches_exactly_eighty_percent_and_b_ninety_five():
    result = abc_analysis.abc_classify(["d", "a", "c", "b"], [5.0, 50.0, 15.0, 30.0])

    # Ranked a 50, b 30, c 15, d 5: shares ahead 0, .50, .80, .95.
    assert list(result.classes) == ["C", "A", "B", "A"]
    np.testing.assert_array_equal(result.rank, [4, 1, 3, 2])
    np.testing.assert_allclose(result.share_ahead, [0.95, 0.0, 0.80, 0.50])
    np.testing.assert_allclose(result.cumulative_share, [1.0, 0.50, 0.95, 0.80])


def test_the_item_crossing_the_line_belongs_to_the_class_it_starts_in():
    result = abc_analysis.abc_classify([1, 2, 3, 4], [90.0, 4.0, 4.0, 2.0])

    # 90 % crosses 80 % (A); ahead of item 2 is 90 % < 95 % (B); ahead of item 3 is 94 % (B); then 98 %.
    assert list(result.classes) == ["A", "B", "B", "C"]


def test_ties_are_ranked_by_id_so_input_order_does_not_matter():
    ids = [7, 3, 5, 1]
    values = [25.0, 25.0, 25.0, 25.0]

    result = abc_analysis.abc_classify(ids, values)
    reversed_input = abc_analysis.abc_classify(ids[::-1], values[::-1])

    # Ranked 1, 3, 5, 7: shares ahead 0, .25, .50, .75 → A A A A; with 70 % the 4th (ahead .75) is B.
    np.testing.assert_array_equal(result.rank, [4, 2, 3, 1])
    assert list(result.classes) == ["A", "A", "A", "A"]
    np.testing.assert_array_equal(reversed_input.rank, result.rank[::-1])
    tighter = abc_analysis.abc_classify(ids, values, thresholds=ABCThresholds(a_share=0.7, b_share=0.9))
    assert list(tighter.classes) == ["B", "A", "A", "A"]


def test_zero_and_negative_values_are_always_c():
    result = abc_analysis.abc_classify([1, 2, 3], [100.0, 0.0, -20.0], thresholds=ABCThresholds(1.0, 1.0))

    assert list(result.classes) == ["A", "C", "C"]
    np.testing.assert_array_equal(result.value, [100.0, 0.0, 0.0])
    assert list(abc_analysis.abc_classify([1, 2], [0.0, 0.0]).classes) == ["C", "C"]


def test_thresholds_must_be_ordered_fractions():
    with pytest.raises(ValueError, match="a_share"):
        ABCThresholds(a_share=0.9, b_share=0.8)
    with pytest.raises(ValueError, match="unique"):
        abc_analysis.abc_classify([1, 1], [1.0, 2.0])


def test_product_abc_by_volume_margin_and_growth():
    products = ["p1", "p2", "p3", "p4"]
    quantity = [1000, 150, 40, 10]  # volume: shares ahead 0, .833, .958, .992
    revenue = [10_000.0, 12_000.0, 6_000.0, 3_000.0]
    cost = [9_000.0, 6_000.0, 2_000.0, 3_500.0]  # margins 1 000, 6 000, 4 000, -500
    previous = [12_000.0, 11_000.0, 2_000.0, 1_000.0]  # growth -2 000, 1 000, 4 000, 2 000

    result = abc_analysis.product_abc(products, quantity, revenue, cost, previous)

    assert list(result.volume.classes) == ["A", "B", "C", "C"]
    # Margins ranked p2 6 000, p3 4 000, p1 1 000: ahead 0, 6/11, 10/11 (.909 → B); p4 loses money → C.
    assert list(result.profit.classes) == ["B", "A", "A", "C"]
    # Growth ranked p3 4 000, p4 2 000, p2 1 000: ahead 0, 4/7, 6/7 (.857 → B); p1 shrank → C.
    assert list(result.potential.classes) == ["C", "B", "A", "A"]
    np.testing.assert_allclose(result.growth_rate, [-1 / 6, 1 / 11, 2.0, 2.0])


def test_growth_rate_is_undefined_without_a_previous_period():
    rate = abc_analysis.growth_rate([5.0, 0.0], [0.0, 0.0])

    assert np.isnan(rate).all()
