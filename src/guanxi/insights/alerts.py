"""Decide which customers moved down between two snapshots (seed 003: 关注客户价值的变化). Pure numpy.

Three kinds of alert, each comparing a customer's previous snapshot with the new one:

* ``segment_drop`` — the value group fell (高价值 → 潜力 or 沉睡, 潜力 → 沉睡), or the customer slid into
  a slipping segment (about to sleep, at risk, can't lose, hibernating, lost) from one that was not —
  e.g. champions → can't lose stays "high value" but is exactly the move to catch;
* ``churn_risk`` — P(alive) crossed below the threshold (0.3 by default). Only the crossing alerts, so
  a customer who stays below it is not alerted again every day;
* ``grade_drop`` — the revenue ABC class fell from A to B or C.

Customers without a previous snapshot (new in the archive, or the first refresh) raise nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .metrics.segment_map import HIGH_VALUE, NO_ORDERS, POTENTIAL, SLEEPING

SEGMENT_DROP = "segment_drop"
CHURN_RISK = "churn_risk"
GRADE_DROP = "grade_drop"
GROUP_RANK = {HIGH_VALUE: 3, POTENTIAL: 2, SLEEPING: 1, NO_ORDERS: 0}
SLIPPING_SEGMENTS = frozenset({"about_to_sleep", "at_risk", "cant_lose", "hibernating", "lost"})
DEFAULT_CHURN_THRESHOLD = 0.3


@dataclass(frozen=True)
class Comparison:
    """Per customer, aligned arrays of the previous and the new snapshot values."""

    had_previous: NDArray[np.bool_]
    previous_segment: NDArray[np.object_]
    previous_group: NDArray[np.object_]
    previous_p_alive: NDArray[np.float64]
    previous_class: NDArray[np.object_]
    segment: NDArray[np.object_]
    group: NDArray[np.object_]
    p_alive: NDArray[np.float64]
    revenue_class: NDArray[np.object_]


def _rank(groups: NDArray[np.object_]) -> NDArray[np.int64]:
    return np.fromiter((GROUP_RANK.get(g, 0) for g in groups), dtype=np.int64, count=len(groups))


def _slipping(segments: NDArray[np.object_]) -> NDArray[np.bool_]:
    return np.fromiter((s in SLIPPING_SEGMENTS for s in segments), dtype=bool, count=len(segments))


def value_drops(
    comparison: Comparison, *, churn_threshold: float = DEFAULT_CHURN_THRESHOLD
) -> dict[str, NDArray[np.bool_]]:
    """Return, per alert kind, a boolean mask of the customers that raise it."""
    c = comparison
    had = c.had_previous
    previous_rank, rank = _rank(c.previous_group), _rank(c.group)
    was_active = previous_rank > GROUP_RANK[NO_ORDERS]
    segment_drop = (
        had & was_active & ((rank < previous_rank) | (_slipping(c.segment) & ~_slipping(c.previous_segment)))
    )
    with np.errstate(invalid="ignore"):
        churn = had & (c.previous_p_alive >= churn_threshold) & (c.p_alive < churn_threshold)
    grade_drop = had & (c.previous_class == "A") & np.isin(c.revenue_class.astype(str), ["B", "C"])
    return {SEGMENT_DROP: segment_drop, CHURN_RISK: churn, GRADE_DROP: grade_drop}
