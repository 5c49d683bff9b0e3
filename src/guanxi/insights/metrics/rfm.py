"""RFM scores (1–5) and segments.

Per customer: R = days since the last order, F = orders in the window, M = amount in the window (the
window is the caller's, 365 days by default in the app). Each is scored 1–5 so that 5 is best: the most
recent, the most frequent, the largest. Scores come from quintiles of the scored customers (default) or
from fixed, editable thresholds. FM, the mean of F and M rounded half up, feeds the default (R, FM)
segment map.

Customers without any order (R is NaN) are left out of the quintiles, get 0 for every score and the
segment and group ``NO_ORDERS``. Customers whose orders all fall before the window have F = M = 0 and are
scored like everyone else (their old R places them at the bottom).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._common import FloatArray, IntArray, as_float_array, check_same_length
from .segment_map import DEFAULT_SEGMENT_MAP, NO_ORDERS, SCORES, SegmentMap, segment_table

Ties = Literal["shared", "first"]
LEVELS = len(SCORES)


def quintile_scores(
    values: ArrayLike, customer_ids: ArrayLike, *, higher_is_better: bool = True, ties: Ties = "shared"
) -> IntArray:
    """Return 1–5 quintile scores, 5 for the best fifth.

    Customers are ordered from worst to best; the customer at position i (0-based) of n scores
    1 + floor(5·i/n), so with distinct values the five scores hold n/5 customers each (sizes differ by at
    most one). Ties:

    - ``"shared"`` (default): tied customers all take the score of the middle position of their run,
      so equal behaviour always gets an equal score and bins may be unequal;
    - ``"first"``: ties are broken by customer id, the smaller id taking the lower position (equal-size
      bins, as pandas' ``rank(method="first")`` then ``qcut``).

    Both are deterministic and independent of the input order.
    """
    scores_of = as_float_array(values, "values")
    ids = np.asarray(customer_ids)
    check_same_length(values=scores_of, customer_ids=ids)
    if not np.all(np.isfinite(scores_of)):
        raise ValueError("values must be finite")
    if ties not in ("shared", "first"):
        raise ValueError(f"ties must be 'shared' or 'first', got {ties!r}")
    n = len(scores_of)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    key = scores_of if higher_is_better else -scores_of
    order = np.lexsort((ids, key))
    position = np.empty(n, dtype=np.float64)
    position[order] = np.arange(n, dtype=np.float64)
    if ties == "shared":
        sorted_key = key[order]
        run_start = np.searchsorted(sorted_key, sorted_key, side="left")
        run_end = np.searchsorted(sorted_key, sorted_key, side="right") - 1
        position[order] = (run_start + run_end) / 2.0
    return (1 + np.floor(LEVELS * position / n)).astype(np.int64)


def threshold_scores(values: ArrayLike, edges: ArrayLike, *, higher_is_better: bool = True) -> IntArray:
    """Return 1–5 scores from four ascending cut points; a value on an edge gets the better score.

    For "higher is better" (F, M): below edges[0] scores 1, from edges[3] up scores 5. For "lower is
    better" (R in days): up to edges[0] scores 5, above edges[3] scores 1. E.g. R edges (30, 90, 180, 365):
    an order 30 days ago scores 5, 31 days ago 4.
    """
    cut = as_float_array(edges, "edges")
    if len(cut) != LEVELS - 1 or np.any(np.diff(cut) <= 0):
        raise ValueError(f"edges must be {LEVELS - 1} strictly ascending numbers")
    array = as_float_array(values, "values")
    if higher_is_better:
        return (1 + np.searchsorted(cut, array, side="right")).astype(np.int64)
    return (LEVELS - np.searchsorted(cut, array, side="left")).astype(np.int64)


@dataclass(frozen=True, slots=True)
class RFMScores:
    """Scores per customer, in the input order; 0 everywhere for customers without orders."""

    customer_ids: NDArray[np.generic]
    r: IntArray
    f: IntArray
    m: IntArray
    fm: IntArray
    has_orders: NDArray[np.bool_]

    def axis(self, name: str) -> IntArray:
        """Return the scores on a segment-map axis ("r", "f", "m" or "fm")."""
        scores: IntArray = getattr(self, name)
        return scores


def _score(
    values: FloatArray,
    ids: NDArray[np.generic],
    edges: ArrayLike | None,
    *,
    higher_is_better: bool,
    ties: Ties,
) -> IntArray:
    if edges is not None:
        return threshold_scores(values, edges, higher_is_better=higher_is_better)
    return quintile_scores(values, ids, higher_is_better=higher_is_better, ties=ties)


def rfm_scores(
    customer_ids: ArrayLike,
    recency_days: ArrayLike,
    frequency: ArrayLike,
    monetary: ArrayLike,
    *,
    ties: Ties = "shared",
    recency_edges: ArrayLike | None = None,
    frequency_edges: ArrayLike | None = None,
    monetary_edges: ArrayLike | None = None,
) -> RFMScores:
    """Score R, F and M 1–5 and derive FM = ceil((F + M) / 2).

    ``recency_days`` is NaN for customers who never ordered. Each dimension is scored by quintiles unless
    its edges are given (see ``threshold_scores``). Customer ids must be unique. Raise ``ValueError`` on
    negative recency or frequency, non-finite F or M, or duplicate ids.
    """
    ids = np.asarray(customer_ids)
    recency = as_float_array(recency_days, "recency_days")
    count = as_float_array(frequency, "frequency")
    amount = as_float_array(monetary, "monetary")
    n = check_same_length(customer_ids=ids, recency_days=recency, frequency=count, monetary=amount)
    if len(np.unique(ids)) != n:
        raise ValueError("customer_ids must be unique")
    if np.any(recency < 0) or np.any(np.isinf(recency)):
        raise ValueError("recency_days must be >= 0 (NaN for customers without orders)")
    if not (np.all(np.isfinite(count)) and np.all(np.isfinite(amount))) or np.any(count < 0):
        raise ValueError("frequency must be finite and >= 0; monetary must be finite")

    has_orders = ~np.isnan(recency)
    scored_ids = ids[has_orders]
    scores = {name: np.zeros(n, dtype=np.int64) for name in ("r", "f", "m")}
    if has_orders.any():
        scores["r"][has_orders] = _score(
            recency[has_orders], scored_ids, recency_edges, higher_is_better=False, ties=ties
        )
        scores["f"][has_orders] = _score(
            count[has_orders], scored_ids, frequency_edges, higher_is_better=True, ties=ties
        )
        scores["m"][has_orders] = _score(
            amount[has_orders], scored_ids, monetary_edges, higher_is_better=True, ties=ties
        )
    fm = (scores["f"] + scores["m"] + 1) // 2
    return RFMScores(
        customer_ids=ids,
        r=scores["r"],
        f=scores["f"],
        m=scores["m"],
        fm=fm,
        has_orders=has_orders,
    )


@dataclass(frozen=True, slots=True)
class RFMSegments:
    """One segment and one value group per customer, in the input order."""

    segment: NDArray[np.str_]
    group: NDArray[np.str_]


def assign_segments(scores: RFMScores, segment_map: SegmentMap = DEFAULT_SEGMENT_MAP) -> RFMSegments:
    """Look up each scored customer's cell in ``segment_map``; customers without orders get NO_ORDERS.

    Raise ``SegmentMapError`` if the map does not cover every cell exactly once (see
    ``validate_segment_map``), so an assignment never leaves a customer without a segment or with two.
    """
    names, table = segment_table(segment_map)
    segment_names = np.asarray([*names, NO_ORDERS])
    group_names = np.asarray([*(segment_map.groups[name] for name in names), NO_ORDERS])
    index = np.full(len(scores.has_orders), len(names), dtype=np.int64)
    scored = scores.has_orders
    if scored.any():
        cell = tuple(scores.axis(axis)[scored] - 1 for axis in segment_map.axes)
        index[scored] = table[cell]
    return RFMSegments(segment=segment_names[index], group=group_names[index])
