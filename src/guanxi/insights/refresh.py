"""The insights refresh: aggregate in SQL, compute vectorised, write snapshots, stages, alerts, affinities.

``refresh_insights(as_of=day)`` is idempotent per day. Its promises:

* **One transaction per customer-day.** Snapshots are upserted (insert, or update on the unique
  (customer, as_of)) in chunks of ``WRITE_CHUNK`` customers, one transaction per chunk. A reader sees,
  for every customer, either the previous computation of that day or the new one — never none, never a
  mix of fields. A run killed half-way leaves some customers recomputed and the rest as before; the
  next run (the worker retries an unfinished job) finishes them. The run record is written last.
* **Bounded memory.** Orders are never loaded as objects: SQL aggregates one row per customer and
  streams one row per customer-day; memory grows with the number of customers (a few dozen numbers
  each), not with orders.
* **Lifecycle stages** are written to customers whose stage was not set by hand
  (``lifecycle_stage_locked``), as a derived field: no version bump, no per-customer audit rows — the
  run record counts the changes.
* **Alerts** compare with the previous refreshed day and create one review task per (customer, kind,
  day) for the owner, deduplicated by ``value-alert:<customer>:<kind>:<as_of>``; a rerun adds nothing.
* **Cross-sell affinities** are recomputed from order lines in one SQL statement.
"""

from __future__ import annotations

import datetime
import math
import time
from collections import defaultdict
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from scipy import sparse

from guanxi.customers.models import Customer
from guanxi.engagement.models import Notification, NotificationKind, Task, TaskKind
from guanxi.engagement.notifications import link_to
from guanxi.governance.audit import audit_record
from guanxi.people.models import User
from guanxi.sales.models import Order, OrderLine

from . import alerts as value_alerts
from .aggregates import customer_aggregates, fetch_chunks
from .compute import CustomerAggregates, FitReport, InsightsConfig, SnapshotColumns, compute_snapshots
from .models import CustomerSnapshot, InsightsRun, ProductAffinity, Segment, ValueAlert

WRITE_CHUNK = 2000
KEY_CHUNK = 900
MIN_PAIR_CUSTOMERS = 2
PARTNERS_KEPT = 30
SNAPSHOT_DAYS_KEPT = 90


def refresh_insights(
    *, as_of: datetime.date, config: InsightsConfig | None = None, alerts: bool = True
) -> InsightsRun:
    """Recompute every customer's snapshot for ``as_of`` (orders up to and including that day).

    Also updates inferred lifecycle stages, raises value alerts against the previous refreshed day
    (unless ``alerts`` is False, e.g. when back-filling history) and recomputes product affinities.
    Return the run record with the fits, counts and timings.
    """
    config = config or InsightsConfig()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    started = timezone.now()
    aggregates = customer_aggregates(as_of=as_of, window_days=config.window_days)
    lap("aggregate")
    previous = (
        InsightsRun.objects.filter(as_of__lt=as_of, finished_at__isnull=False).order_by("-as_of").first()
    )
    fit = FitReport(bgnbd=previous.bgnbd, gamma_gamma=previous.gamma_gamma) if previous else None
    columns = compute_snapshots(aggregates, as_of, config, fit)
    lap("compute")
    write_snapshots(aggregates, columns, as_of)
    lap("write_snapshots")
    stage_changes = apply_lifecycle_stages(as_of)
    lap("lifecycle")
    alert_counts = (
        raise_value_alerts(aggregates, columns, as_of, previous, config) if alerts and previous else {}
    )
    lap("alerts")
    pairs = refresh_product_affinity(as_of, aggregates.ids)
    lap("affinity")
    counts = {
        "lifecycle_updates": stage_changes,
        "alerts": alert_counts,
        "affinity_pairs": pairs,
        "seconds": timings,
    }
    run, _created = InsightsRun.objects.update_or_create(
        as_of=as_of,
        defaults={
            "started_at": started,
            "finished_at": timezone.now(),
            "customers": len(aggregates),
            "customers_with_orders": int(aggregates.has_orders.sum()),
            "window_days": config.window_days,
            "time_unit": "weeks",
            "bgnbd": columns.fit.bgnbd,
            "gamma_gamma": columns.fit.gamma_gamma,
            "counts": counts,
        },
    )
    InsightsRun.objects.filter(pk=run.pk).update(runs=run.runs + 1)
    run.runs += 1
    return run


def _numbers(values: np.ndarray) -> list[float | None]:
    """Floats with NaN and infinities as None (stored as "unknown")."""
    return [v if math.isfinite(v) else None for v in values.tolist()]


def _money(values: np.ndarray) -> list[float | None]:
    return [round(v, 2) if math.isfinite(v) and abs(v) < 1e13 else None for v in values.tolist()]


def _days(values: np.ndarray) -> list[datetime.date | None]:
    return [datetime.date.fromordinal(v) if v > 0 else None for v in values.tolist()]


def _snapshot_columns(
    agg: CustomerAggregates, col: SnapshotColumns, as_of: datetime.date, start: int, end: int
) -> dict[str, list[Any]]:
    """Return the values of rows ``start:end``, column by column, ready for the database driver."""
    part = slice(start, end)
    has = agg.first_day[part] > 0
    recency = np.where(has, col.recency_days[part], np.nan)
    return {
        "customer_id": agg.ids[part].tolist(),
        "as_of": [as_of] * (end - start),
        "first_order_on": _days(agg.first_day[part]),
        "last_order_on": _days(agg.last_day[part]),
        "order_count": agg.orders[part].tolist(),
        "purchase_days": agg.purchase_days[part].tolist(),
        "total_amount": _money(agg.total[part]),
        "recency_days": [None if v is None else int(v) for v in _numbers(recency)],
        "frequency": agg.window_orders[part].tolist(),
        "monetary": _money(agg.window_amount[part]),
        "previous_monetary": _money(agg.previous_amount[part]),
        "r_score": col.r[part].tolist(),
        "f_score": col.f[part].tolist(),
        "m_score": col.m[part].tolist(),
        "fm_score": col.fm[part].tolist(),
        "segment": col.segment[part].tolist(),
        "value_group": col.group[part].tolist(),
        "revenue_class": col.revenue_class[part].tolist(),
        "value_score": _numbers(col.value_score[part]),
        "grade_suggestion": col.grade[part].tolist(),
        "grade_reasons": col.grade_reasons[part],
        "lifecycle_stage": col.lifecycle_stage[part].tolist(),
        "p_alive": _numbers(col.p_alive[part]),
        "expected_purchases_30": _numbers(col.expected_purchases[30][part]),
        "expected_purchases_90": _numbers(col.expected_purchases[90][part]),
        "expected_purchases_365": _numbers(col.expected_purchases[365][part]),
        "next_purchase_from_days": _numbers(col.next_purchase_from[part]),
        "next_purchase_median_days": _numbers(col.next_purchase_median[part]),
        "next_purchase_to_days": _numbers(col.next_purchase_to[part]),
        "next_purchase_probability": _numbers(col.next_purchase_probability[part]),
        "expected_order_value": _money(col.expected_order_value[part]),
        "clv_12_months": _money(col.clv[part]),
        "median_interval_days": _numbers(agg.median_interval_days[part]),
    }


def _upsert_sql(columns: list[str], source: str | None = None) -> str:
    """INSERT … ON CONFLICT (customer, as_of) DO UPDATE, from parameters or from a staging table."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(n) for n in columns)
    updates = ", ".join(
        f"{quote(name)} = excluded.{quote(name)}" for name in columns if name not in ("customer_id", "as_of")
    )
    # Identifiers come from model metadata; values are parameters or the staging table.
    rows = f"SELECT {names} FROM {source}" if source else f"VALUES ({', '.join('%s' for _ in columns)})"  # noqa: S608
    return (
        f"INSERT INTO {quote(CustomerSnapshot._meta.db_table)} ({names}) {rows} "
        f"ON CONFLICT (customer_id, as_of) DO UPDATE SET {updates}"
    )


def _write_chunk_postgresql(names: list[str], rows: list[tuple[Any, ...]]) -> None:
    """COPY the rows into a temporary table, then upsert them in one statement."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(n) for n in names)
    table = quote(CustomerSnapshot._meta.db_table)
    with connection.cursor() as cursor:
        staging = f"CREATE TEMPORARY TABLE snapshot_staging ON COMMIT DROP AS SELECT {columns} FROM {table}"  # noqa: S608
        # Inside an outer transaction (tests, a caller's atomic block) ON COMMIT has not come yet.
        cursor.execute("DROP TABLE IF EXISTS snapshot_staging")
        cursor.execute(f"{staging} WITH NO DATA")
        with cursor.cursor.copy(f"COPY snapshot_staging ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(_upsert_sql(names, source="snapshot_staging"))


def write_snapshots(agg: CustomerAggregates, columns: SnapshotColumns, as_of: datetime.date) -> None:
    """Upsert the snapshots, one transaction per chunk; drop the day's snapshots of deleted customers.

    Through the driver, not ``bulk_create``: Django spends about half a millisecond per row compiling 33
    columns, which alone would take dataset M past its budget. PostgreSQL gets COPY into a staging table
    and one upsert per chunk; SQLite gets ``executemany`` of the upsert (in-process, no round trips).
    """
    names: list[str] = []
    chunk = WRITE_CHUNK * (5 if connection.vendor == "postgresql" else 1)
    for start in range(0, len(agg), chunk):
        values = _snapshot_columns(agg, columns, as_of, start, min(start + chunk, len(agg)))
        names = names or list(values)
        rows = list(zip(*(values[name] for name in names), strict=True))
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _write_chunk_postgresql(names, rows)
            else:
                with connection.cursor() as cursor:
                    cursor.executemany(_upsert_sql(names), rows)
    CustomerSnapshot.objects.filter(as_of=as_of, customer__deleted_at__isnull=False).delete()


def apply_lifecycle_stages(as_of: datetime.date) -> int:
    """Copy the inferred stage of ``as_of`` to the customers whose stage differs and was not set by hand
    (one UPDATE)."""
    snapshot = CustomerSnapshot.objects.filter(customer=OuterRef("pk"), as_of=as_of)
    differs = snapshot.exclude(lifecycle_stage=OuterRef("lifecycle_stage"))
    return (
        Customer.objects.filter(lifecycle_stage_locked=False)
        .filter(Exists(differs))
        .update(lifecycle_stage=Subquery(snapshot.values("lifecycle_stage")[:1]))
    )


def _previous_values(agg: CustomerAggregates, previous_as_of: datetime.date) -> dict[str, np.ndarray]:
    """Return the previous day's segment, group, P(alive) and revenue class, aligned with ``agg.ids``."""
    n = len(agg)
    values = {
        "had_previous": np.zeros(n, dtype=bool),
        "previous_segment": np.full(n, "", dtype=object),
        "previous_group": np.full(n, "", dtype=object),
        "previous_p_alive": np.full(n, np.nan),
        "previous_class": np.full(n, "", dtype=object),
    }
    rows = list(
        CustomerSnapshot.objects.filter(as_of=previous_as_of)
        .values_list("customer_id", "segment", "value_group", "p_alive", "revenue_class")
        .iterator(chunk_size=WRITE_CHUNK * 10)
    )
    if not rows:
        return values
    customer, segment, group, alive, klass = (list(column) for column in zip(*rows, strict=True))
    ids = np.array(customer, dtype=np.int64)
    position = np.searchsorted(agg.ids, ids)
    known = position < n
    known[known] = agg.ids[position[known]] == ids[known]
    at = position[known]
    values["had_previous"][at] = True
    values["previous_segment"][at] = np.array(segment, dtype=object)[known]
    values["previous_group"][at] = np.array(group, dtype=object)[known]
    values["previous_p_alive"][at] = np.array([np.nan if v is None else v for v in alive])[known]
    values["previous_class"][at] = np.array(klass, dtype=object)[known]
    return values


def _alert_title(kind: str, before: str, after: str) -> str:
    labels = dict(Segment.choices)
    if kind == value_alerts.SEGMENT_DROP:
        return _("Customer value dropped: %(before)s → %(after)s") % {
            "before": labels.get(before, before),
            "after": labels.get(after, after),
        }
    if kind == value_alerts.CHURN_RISK:
        return _("Customer may stop buying: chance still active %(after)s (was %(before)s)") % {
            "before": before,
            "after": after,
        }
    return _("Revenue class dropped: %(before)s → %(after)s") % {"before": before, "after": after}


def raise_value_alerts(
    agg: CustomerAggregates,
    columns: SnapshotColumns,
    as_of: datetime.date,
    previous: InsightsRun,
    config: InsightsConfig,
) -> dict[str, int]:
    """Compare with the previous refreshed day; record alerts and create the owners' review tasks."""
    comparison = value_alerts.Comparison(
        **_previous_values(agg, previous.as_of),
        segment=columns.segment.astype(object),
        group=columns.group.astype(object),
        p_alive=columns.p_alive,
        revenue_class=columns.revenue_class.astype(object),
    )
    masks = value_alerts.value_drops(comparison, churn_threshold=config.churn_threshold)
    existing = set(ValueAlert.objects.filter(as_of=as_of).values_list("customer_id", "kind"))
    wanted: list[tuple[int, str, str, str, int]] = []  # customer, kind, before, after, owner
    for kind, mask in masks.items():
        for i in np.flatnonzero(mask):
            customer_id = int(agg.ids[i])
            if (customer_id, kind) in existing:
                continue
            if kind == value_alerts.SEGMENT_DROP:
                before, after = str(comparison.previous_segment[i]), str(comparison.segment[i])
            elif kind == value_alerts.CHURN_RISK:
                before, after = f"{comparison.previous_p_alive[i]:.0%}", f"{comparison.p_alive[i]:.0%}"
            else:
                before, after = str(comparison.previous_class[i]), str(comparison.revenue_class[i])
            wanted.append((customer_id, kind, before, after, int(agg.owner_ids[i])))
    counts = {kind: int(mask.sum()) for kind, mask in masks.items()}
    counts["new_alerts"] = len(wanted)
    counts["new_tasks"] = _create_alerts(wanted, as_of, previous.as_of)
    audit_record(
        actor=None,
        action="generate",
        object_type="job",
        object_id=f"value-alerts:{as_of.isoformat()}",
        after={name: str(value) for name, value in counts.items()},
    )
    return counts


def alert_key(customer_id: int, kind: str, as_of: datetime.date) -> str:
    return f"value-alert:{customer_id}:{kind}:{as_of.isoformat()}"


def _create_alerts(
    wanted: list[tuple[int, str, str, str, int]], as_of: datetime.date, previous_as_of: datetime.date
) -> int:
    """Bulk-create tasks (deduplicated by key) and the alerts pointing at them, per owner language."""
    if not wanted:
        return 0
    due = max(as_of, timezone.localdate())
    owners = {owner for *_rest, owner in wanted if owner}
    owner_rows = User.objects.filter(pk__in=owners).values_list("pk", "language", "is_active")
    languages = {pk: language for pk, language, _active in owner_rows}
    active = {pk for pk, _language, is_active in owner_rows if is_active}
    by_language: dict[str, list[tuple[int, str, str, str, int]]] = defaultdict(list)
    for item in wanted:
        by_language[languages.get(item[4]) or "zh-hans"].append(item)
    created_tasks = 0
    for language, items in by_language.items():
        for start in range(0, len(items), KEY_CHUNK):
            chunk = items[start : start + KEY_CHUNK]
            keys = [alert_key(c, k, as_of) for c, k, *_rest in chunk]
            with translation.override(language), transaction.atomic():
                used = set(Task.all_objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
                tasks = [
                    Task(
                        title=_alert_title(kind, before, after)[:200],
                        due_on=due,
                        owner_id=owner,
                        customer_id=customer_id,
                        kind=TaskKind.REVIEW,
                        dedupe_key=key,
                    )
                    for (customer_id, kind, before, after, owner), key in zip(chunk, keys, strict=True)
                    if owner and key not in used
                ]
                Task.objects.bulk_create(tasks, ignore_conflicts=True)
                created_tasks += len(tasks)
                task_ids = dict(Task.all_objects.filter(dedupe_key__in=keys).values_list("dedupe_key", "pk"))
                _notify_owners(chunk, keys, task_ids, active)
                ValueAlert.objects.bulk_create(
                    [
                        ValueAlert(
                            customer_id=customer_id,
                            as_of=as_of,
                            previous_as_of=previous_as_of,
                            kind=kind,
                            previous_value=before[:40],
                            current_value=after[:40],
                            task_id=task_ids.get(key),
                        )
                        for (customer_id, kind, before, after, _owner), key in zip(chunk, keys, strict=True)
                    ],
                    ignore_conflicts=True,
                )
    return created_tasks


def _notify_owners(
    chunk: list[tuple[int, str, str, str, int]], keys: list[str], task_ids: dict[str, int], active: set[int]
) -> None:
    """Put each alert in its (active) owner's inbox too, once: the same key as the task dedupes a rerun.

    This is ``notifications.notify`` in bulk — one query per chunk rather than two per alert.
    """
    used = set(Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=owner,
                kind=NotificationKind.VALUE_ALERT,
                title=_alert_title(kind, before, after)[:200],
                link_url=link_to("web:customer_detail", customer_id)[:300],
                task_id=task_ids.get(key),
                dedupe_key=key,
            )
            for (customer_id, kind, before, after, owner), key in zip(chunk, keys, strict=True)
            if owner in active and key not in used
        ],
        ignore_conflicts=True,
    )


def refresh_product_affinity(as_of: datetime.date, customer_ids: np.ndarray) -> int:
    """Replace the products bought by the same customers, keeping each product's best partners.

    SQL gives the distinct (customer, product) pairs of live order lines up to ``as_of``; the customer ×
    product incidence matrix X then gives every co-purchase count at once as XᵀX (scipy.sparse), which
    is far cheaper than the self-join of the pairs in SQL. Lift = both × customers / (buyers of one ×
    buyers of the other). Pairs bought together by fewer than ``MIN_PAIR_CUSTOMERS`` customers are
    dropped; each product keeps its ``PARTNERS_KEPT`` best partners (by lift, then customers).
    """
    quote = connection.ops.quote_name
    sql = (
        f"SELECT DISTINCT o.customer_id, l.product_id FROM {quote(OrderLine._meta.db_table)} l JOIN {quote(Order._meta.db_table)} o ON o.id = l.order_id "  # noqa: S608
        "WHERE l.product_id IS NOT NULL AND o.deleted_at IS NULL AND o.ordered_on <= %s"
    )
    blocks = [np.array(rows, dtype=np.int64).reshape(-1, 2) for rows in fetch_chunks(sql, [as_of])]
    pairs = np.vstack(blocks) if blocks else np.empty((0, 2), dtype=np.int64)
    position = np.searchsorted(customer_ids, pairs[:, 0])
    live = position < len(customer_ids)
    live[live] = customer_ids[position[live]] == pairs[live, 0]
    products, product_index = np.unique(pairs[live, 1], return_inverse=True)
    customers, customer_index = np.unique(position[live], return_inverse=True)
    rows: list[ProductAffinity] = []
    if len(products) > 1:
        incidence = sparse.csr_matrix(
            (np.ones(len(product_index)), (customer_index, product_index)),
            shape=(len(customers), len(products)),
        )
        both = (incidence.T @ incidence).tocoo()
        buyers = np.asarray(incidence.sum(axis=0)).ravel()
        keep = (both.row != both.col) & (both.data >= MIN_PAIR_CUSTOMERS)
        first, second, count = both.row[keep], both.col[keep], both.data[keep]
        lift = count * len(customers) / (buyers[first] * buyers[second])
        order = np.lexsort((-count, -lift, first))
        first, second, count, lift = first[order], second[order], count[order], lift[order]
        rank = np.arange(len(first)) - np.searchsorted(first, first)
        best = rank < PARTNERS_KEPT
        rows = [
            ProductAffinity(product_id=int(a), other_id=int(b), customers=int(c), lift=float(v), as_of=as_of)
            for a, b, c, v in zip(
                products[first[best]], products[second[best]], count[best], lift[best], strict=True
            )
        ]
    with transaction.atomic():
        ProductAffinity.objects.all().delete()
        ProductAffinity.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def forget_old_snapshots(*, today: datetime.date, keep_days: int = SNAPSHOT_DAYS_KEPT) -> int:
    """Delete daily snapshots older than ``keep_days``, except each month's last refreshed day (kept for
    segment flows over time). Return how many rows went.

    Daily snapshots of 100 000 customers are 36 million rows a year; month ends are 1.2 million.
    """
    cutoff = today - datetime.timedelta(days=keep_days)
    days = InsightsRun.objects.filter(as_of__lt=cutoff).values_list("as_of", flat=True)
    month_ends: dict[tuple[int, int], datetime.date] = {}
    for day in days:
        key = (day.year, day.month)
        month_ends[key] = max(day, month_ends.get(key, day))
    deleted, _counts = (
        CustomerSnapshot.objects.filter(as_of__lt=cutoff)
        .exclude(as_of__in=list(month_ends.values()))
        .delete()
    )
    return deleted
