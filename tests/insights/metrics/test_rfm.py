"""RFM scores and segments: deterministic ties, one segment per customer, customers without orders."""

from dataclasses import replace

import numpy as np
import pytest

from guanxi.insights.metrics import rfm
from guanxi.insights.metrics.segment_map import (
    DEFAULT_SEGMENT_MAP,
    NO_ORDERS,
    SEGMENT_LABELS,
    SegmentMapError,
    segment_table,
)


def test_distinct_values_fill_the_five_scores_equally():
    scores = rfm.quintile_scores(np.arange(10.0), np.arange(10), ties="first")

    np.testing.assert_array_equal(scores, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    np.testing.assert_array_equal(rfm.quintile_scores(np.arange(10.0), np.arange(10), ties="shared"), scores)


def test_recency_scores_recent_customers_highest():
    days = [400.0, 3.0, 60.0, 15.0, 200.0]

    scores = rfm.quintile_scores(days, [1, 2, 3, 4, 5], higher_is_better=False)

    np.testing.assert_array_equal(scores, [1, 5, 3, 4, 2])


def test_first_breaks_ties_by_customer_id_whatever_the_input_order():
    ids = np.array([5, 3, 9, 1, 7])

    scores = rfm.quintile_scores(np.ones(5), ids, ties="first")

    np.testing.assert_array_equal(scores, [3, 2, 5, 1, 4])  # id 1 lowest ... id 9 highest
    order = np.array([4, 2, 0, 3, 1])
    np.testing.assert_array_equal(rfm.quintile_scores(np.ones(5), ids[order], ties="first"), scores[order])


def test_shared_gives_tied_customers_the_score_of_their_middle_position():
    frequency = [1, 1, 1, 1, 1, 1, 2, 2, 3, 5]

    scores = rfm.quintile_scores(frequency, np.arange(10, 0, -1), ties="shared")

    # The six 1s sit at positions 0–5 (middle 2.5 → 1 + floor(5·2.5/10) = 2); the 2s at 6–7 (→ 4).
    np.testing.assert_array_equal(scores, [2, 2, 2, 2, 2, 2, 4, 4, 5, 5])


def test_all_equal_values_score_three_when_shared():
    np.testing.assert_array_equal(rfm.quintile_scores(np.full(7, 4.0), np.arange(7)), np.full(7, 3))


def test_threshold_scores_give_a_value_on_an_edge_the_better_score():
    recency = rfm.threshold_scores([0, 30, 31, 90, 91, 365, 366], [30, 90, 180, 365], higher_is_better=False)
    frequency = rfm.threshold_scores([0, 1, 2, 3, 4, 16, 100], [2, 4, 8, 16])

    np.testing.assert_array_equal(recency, [5, 5, 4, 4, 3, 2, 1])
    np.testing.assert_array_equal(frequency, [1, 1, 2, 2, 3, 5, 5])
    with pytest.raises(ValueError, match="ascending"):
        rfm.threshold_scores([1], [1, 1, 2, 3])


def test_customers_without_orders_are_not_scored_and_get_their_own_segment():
    ids = [10, 11, 12, 13, 14, 15, 16]
    recency = [np.nan, 5.0, 40.0, 400.0, np.nan, 100.0, 10.0]
    frequency = [0, 6, 3, 0, 0, 1, 2]
    monetary = [0, 9000.0, 2000.0, 0, 0, 300.0, 800.0]

    scores = rfm.rfm_scores(ids, recency, frequency, monetary)
    segments = rfm.assign_segments(scores)

    np.testing.assert_array_equal(scores.has_orders, [False, True, True, True, False, True, True])
    np.testing.assert_array_equal(scores.r[[0, 4]], [0, 0])
    assert segments.segment[0] == segments.segment[4] == NO_ORDERS
    assert segments.group[0] == NO_ORDERS
    # The five customers with orders are scored among themselves only.
    alone = rfm.rfm_scores(
        ids[1:4] + ids[5:],
        recency[1:4] + recency[5:],
        frequency[1:4] + frequency[5:],
        monetary[1:4] + monetary[5:],
    )
    np.testing.assert_array_equal(scores.r[scores.has_orders], alone.r)
    np.testing.assert_array_equal(scores.fm[scores.has_orders], alone.fm)


def test_a_hand_made_population_gets_the_expected_segments():
    ids = [1, 2, 3, 4, 5]
    recency = [2.0, 20.0, 90.0, 200.0, 700.0]  # R: 5, 4, 3, 2, 1
    frequency = [12, 1, 6, 9, 2]  # F: 5, 1, 3, 4, 2
    monetary = [50_000.0, 800.0, 9_000.0, 30_000.0, 500.0]  # M: 5, 2, 3, 4, 1

    scores = rfm.rfm_scores(ids, recency, frequency, monetary)
    segments = rfm.assign_segments(scores)

    np.testing.assert_array_equal(scores.r, [5, 4, 3, 2, 1])
    np.testing.assert_array_equal(scores.fm, [5, 2, 3, 4, 2])  # half up: (1+2)/2 → 2, (2+1)/2 → 2
    assert list(segments.segment) == [
        "champions",
        "potential_loyalist",
        "need_attention",
        "at_risk",
        "hibernating",
    ]
    assert list(segments.group) == ["high_value", "potential", "potential", "sleeping", "sleeping"]


def test_every_customer_gets_exactly_one_known_segment(rng):
    n = 2000
    ids = rng.permutation(10 * n)[:n]
    recency = np.where(rng.random(n) < 0.1, np.nan, rng.integers(0, 720, n).astype(float))
    frequency = rng.poisson(1.5, n)
    monetary = np.round(frequency * rng.gamma(2.0, 500.0, n), -2)

    scores = rfm.rfm_scores(ids, recency, frequency, monetary)
    segments = rfm.assign_segments(scores)

    assert segments.segment.shape == (n,)
    assert set(segments.segment) <= set(SEGMENT_LABELS)
    names, table = segment_table(DEFAULT_SEGMENT_MAP)
    scored = scores.has_orders
    np.testing.assert_array_equal(
        segments.segment[scored], np.asarray(names)[table[scores.r[scored] - 1, scores.fm[scored] - 1]]
    )
    assert np.all((segments.segment == NO_ORDERS) == ~scored)
    # Same data in another order: same scores per customer.
    order = rng.permutation(n)
    again = rfm.rfm_scores(ids[order], recency[order], frequency[order], monetary[order])
    np.testing.assert_array_equal(again.r, scores.r[order])
    np.testing.assert_array_equal(again.fm, scores.fm[order])


def test_an_invalid_map_is_refused_before_assigning():
    scores = rfm.rfm_scores([1, 2], [1.0, 2.0], [1, 2], [10.0, 20.0])
    broken = replace(DEFAULT_SEGMENT_MAP, rules=DEFAULT_SEGMENT_MAP.rules[1:])

    with pytest.raises(SegmentMapError):
        rfm.assign_segments(scores, broken)


@pytest.mark.parametrize(
    ("ids", "recency", "frequency", "monetary", "message"),
    [
        ([1, 1], [1.0, 2.0], [1, 1], [1.0, 1.0], "unique"),
        ([1, 2], [-1.0, 2.0], [1, 1], [1.0, 1.0], "recency_days"),
        ([1, 2], [1.0, 2.0], [-1, 1], [1.0, 1.0], "frequency"),
        ([1, 2], [1.0, 2.0], [1, 1], [np.inf, 1.0], "monetary"),
    ],
)
def test_invalid_inputs_are_refused(ids, recency, frequency, monetary, message):
    with pytest.raises(ValueError, match=message):
        rfm.rfm_scores(ids, recency, frequency, monetary)
