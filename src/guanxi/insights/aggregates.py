"""Order history summarised in SQL and streamed into numpy arrays (never one Python object per order).

A refresh reads two things, both as plain numbers (days as ``date.toordinal()`` integers, money as
floats) so that no per-value conversion runs in Python:

* the live customers and the fields the scores need (one row per customer);
* **one GROUP BY query** over the live orders up to ``as_of``: orders and amount per customer and day,
  in customer order, streamed in chunks (a server-side cursor on PostgreSQL; the covering index
  ``order_customer_day`` lets SQLite answer it from the index alone). Each chunk, cut at a customer
  boundary, is reduced with numpy to the per-customer figures: first and last order day, orders, days
  with orders, total, amount and orders in the RFM window and in the window before, the first day's
  amount (to average the repeat purchases for Gamma-Gamma) and the median gap between order days.

Memory grows with the number of customers (a few dozen numbers each), not with the number of orders.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from django.db import connection

from guanxi.customers.models import Customer
from guanxi.insights.metrics.purchase_cycle import median_interorder_intervals
from guanxi.sales.models import Order

from .compute import NO_DAY, CustomerAggregates

CHUNK = 50_000
RATING_FIELDS = (
    "score_purchasing_power",
    "score_cooperation_potential",
    "score_industry_influence",
    "score_cooperation_history",
    "score_loyalty",
)


def _ordinal(column: str) -> str:
    """SQL for ``date.toordinal()`` of a date column."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '0001-01-01' + 1)"
    return f"CAST(julianday({column}) - 1721424.5 AS INTEGER)"


def _real(expression: str) -> str:
    kind = "DOUBLE PRECISION" if connection.vendor == "postgresql" else "REAL"
    return f"CAST({expression} AS {kind})"


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {"customer": quote(Customer._meta.db_table), "order": quote(Order._meta.db_table)}


def fetch_chunks(sql: str, params: Sequence[Any]) -> Iterator[list[tuple[Any, ...]]]:
    """Yield the result in chunks of rows; a server-side cursor on PostgreSQL keeps memory flat."""
    cursor = connection.chunked_cursor() if connection.vendor == "postgresql" else connection.cursor()
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield rows
    finally:
        cursor.close()


def _customers() -> dict[str, np.ndarray]:
    ratings = ", ".join(f"c.{name}" for name in RATING_FIELDS)
    sql = (
        f"SELECT c.id, c.owner_id, c.lifecycle_stage, c.lifecycle_stage_locked, {ratings} "  # noqa: S608
        "FROM {customer} c WHERE c.deleted_at IS NULL ORDER BY c.id"
    ).format(**_tables())
    columns: list[list[Any]] = [[] for _ in range(4 + len(RATING_FIELDS))]
    for rows in fetch_chunks(sql, []):
        for column, values in zip(columns, zip(*rows, strict=True), strict=True):
            column.extend(values)
    ids, owners, stages, locked, *ratings_columns = columns
    rated = [[np.nan if v is None else v for v in column] for column in ratings_columns]
    return {
        "ids": np.array(ids, dtype=np.int64),
        "owner_ids": np.array([v or 0 for v in owners], dtype=np.int64),
        "lifecycle_stage": np.array(stages, dtype=object),
        "lifecycle_locked": np.array([bool(v) for v in locked], dtype=bool),
        "ratings": np.array(rated, dtype=np.float64).T.reshape(len(ids), len(RATING_FIELDS)),
    }


class _Totals:
    """Per-customer accumulators filled chunk by chunk from the day stream."""

    def __init__(self, n: int) -> None:
        self.first_day = np.full(n, NO_DAY, dtype=np.int64)
        self.last_day = np.full(n, NO_DAY, dtype=np.int64)
        self.orders = np.zeros(n, dtype=np.int64)
        self.purchase_days = np.zeros(n, dtype=np.int64)
        self.total = np.zeros(n)
        self.window_amount = np.zeros(n)
        self.window_orders = np.zeros(n, dtype=np.int64)
        self.previous_amount = np.zeros(n)
        self.first_day_amount = np.zeros(n)
        self.median_interval_days = np.full(n, np.nan)

    def add(self, block: np.ndarray, ids: np.ndarray, window_start: int, previous_start: int) -> None:
        """Reduce rows (customer, day, orders, amount) that hold every day of their customers."""
        position = np.searchsorted(ids, block[:, 0].astype(np.int64))
        known = position < len(ids)
        known[known] = ids[position[known]] == block[known, 0]
        block, position = block[known], position[known]  # orders of deleted customers drop out here
        if not len(block):
            return
        day, count, amount = block[:, 1], block[:, 2], block[:, 3]
        starts = np.flatnonzero(np.r_[True, position[1:] != position[:-1]])
        ends = np.r_[starts[1:], len(block)]
        at = position[starts]
        in_window = day > window_start
        before = (day > previous_start) & ~in_window
        self.first_day[at] = day[starts]
        self.last_day[at] = day[ends - 1]
        self.orders[at] = np.add.reduceat(count, starts).astype(np.int64)
        self.purchase_days[at] = ends - starts
        self.total[at] = np.add.reduceat(amount, starts)
        self.window_amount[at] = np.add.reduceat(np.where(in_window, amount, 0.0), starts)
        self.window_orders[at] = np.add.reduceat(np.where(in_window, count, 0.0), starts).astype(np.int64)
        self.previous_amount[at] = np.add.reduceat(np.where(before, amount, 0.0), starts)
        self.first_day_amount[at] = amount[starts]
        codes = np.repeat(np.arange(len(starts)), ends - starts)
        self.median_interval_days[at] = median_interorder_intervals(codes, day, n_customers=len(starts))


def customer_aggregates(*, as_of: datetime.date, window_days: int) -> CustomerAggregates:
    """Summarise every live customer's orders up to ``as_of`` (see the module docstring)."""
    customers = _customers()
    ids = customers["ids"]
    totals = _Totals(len(ids))
    window_start = (as_of - datetime.timedelta(days=window_days)).toordinal()
    previous_start = window_start - window_days
    sql = f"""
        SELECT o.customer_id, {_ordinal("o.ordered_on")}, COUNT(*), {_real("SUM(o.amount)")}
        FROM {{order}} o
        WHERE o.deleted_at IS NULL AND o.ordered_on <= %s
        GROUP BY o.customer_id, o.ordered_on
        ORDER BY o.customer_id, o.ordered_on
    """.format(**_tables())  # noqa: S608
    carry = np.empty((0, 4))
    for rows in fetch_chunks(sql, [as_of]):
        block = np.vstack([carry, np.array(rows, dtype=np.float64)])
        # The last customer of the chunk may continue in the next one: hold their rows back.
        cut = int(np.searchsorted(block[:, 0], block[-1, 0]))
        totals.add(block[:cut], ids, window_start, previous_start)
        carry = block[cut:]
    totals.add(carry, ids, window_start, previous_start)
    return CustomerAggregates(
        ids=ids,
        owner_ids=customers["owner_ids"],
        lifecycle_stage=customers["lifecycle_stage"],
        lifecycle_locked=customers["lifecycle_locked"],
        ratings=customers["ratings"],
        first_day=totals.first_day,
        last_day=totals.last_day,
        orders=totals.orders,
        purchase_days=totals.purchase_days,
        total=totals.total,
        window_amount=totals.window_amount,
        window_orders=totals.window_orders,
        previous_amount=totals.previous_amount,
        median_interval_days=totals.median_interval_days,
        first_day_amount=totals.first_day_amount,
    )


def holdout_repeat_days(*, after: datetime.date, until: datetime.date, ids: np.ndarray) -> np.ndarray:
    """Return, per customer in ``ids`` (sorted), the number of distinct order days in (after, until]."""
    counts = np.zeros(len(ids), dtype=np.int64)
    sql = """
        SELECT o.customer_id, COUNT(DISTINCT o.ordered_on)
        FROM {order} o
        WHERE o.deleted_at IS NULL AND o.ordered_on > %s AND o.ordered_on <= %s
        GROUP BY o.customer_id
    """.format(**_tables())  # noqa: S608
    for rows in fetch_chunks(sql, [after, until]):
        block = np.array(rows, dtype=np.int64).reshape(-1, 2)
        position = np.searchsorted(ids, block[:, 0])
        inside = position < len(ids)
        inside[inside] = ids[position[inside]] == block[inside, 0]
        counts[position[inside]] = block[inside, 1]
    return counts
