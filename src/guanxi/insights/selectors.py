"""Reads for the customer page and the dashboards, always through the visibility scope.

Every selector returns plain data (dicts, lists, numbers) and runs a fixed number of queries whatever
the size of the archive: aggregates are GROUP BY queries, lists are one query with their joins.
``as_of`` defaults to the latest finished refresh; with no refresh yet, aggregates are empty.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

import numpy as np
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound
from guanxi.customers.models import Customer
from guanxi.governance.scope import visible
from guanxi.sales.models import Order, OrderLine

from .metrics import abc_analysis
from .models import (
    CustomerSnapshot,
    InsightsRun,
    PlaybookRule,
    ProductAffinity,
    Segment,
    ValueAlert,
    ValueGroup,
)
from .playbook import CustomerFacts, recommend

VALUABLE_GROUPS = (ValueGroup.HIGH_VALUE,)
VALUABLE_Q = Q(value_group__in=VALUABLE_GROUPS) | Q(revenue_class="A")
REVENUE_DIMENSIONS = {
    "grade": "customer__grade",
    "industry": "customer__industry",
    "region": "customer__region",
}


def latest_as_of() -> datetime.date | None:
    """Return the day of the latest finished refresh, or None before the first one."""
    return (
        InsightsRun.objects.filter(finished_at__isnull=False)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )


def snapshots_visible(
    user: Any, as_of: datetime.date | None, owner_id: int | None = None
) -> QuerySet[CustomerSnapshot]:
    """Return one day's snapshots of the live customers ``user`` may see (none before any refresh),
    optionally only those owned by ``owner_id`` (a narrowing inside the scope, never a widening)."""
    if as_of is None:
        return CustomerSnapshot.objects.none()
    qs = CustomerSnapshot.objects.filter(as_of=as_of, customer__deleted_at__isnull=True)
    if owner_id is not None:
        qs = qs.filter(customer__owner_id=owner_id)
    return visible(qs, user, via="customer")


def _day(as_of: datetime.date | None) -> datetime.date | None:
    return as_of or latest_as_of()


def _float(value: Any) -> float:
    return float(value) if value is not None else 0.0


# --- one customer --------------------------------------------------------------------------------------


def _customer_or_404(user: Any, customer_id: Any) -> Customer:
    try:
        return visible(Customer.objects.all(), user).select_related("owner").get(pk=int(customer_id))
    except (Customer.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Customer not found.")) from exc


def customer_insights(*, user: Any, customer_id: Any) -> dict[str, Any] | None:
    """Return the latest snapshot of a visible customer as plain data (None before the first refresh),
    with the segment and group labels and the inputs that explain each figure."""
    customer = _customer_or_404(user, customer_id)
    snapshot = CustomerSnapshot.objects.filter(customer=customer).order_by("-as_of").first()
    if snapshot is None:
        return None
    data = {field.name: getattr(snapshot, field.attname) for field in CustomerSnapshot._meta.concrete_fields}
    data["segment_label"] = snapshot.get_segment_display()
    data["value_group_label"] = snapshot.get_value_group_display()
    data["lifecycle_stage_label"] = snapshot.get_lifecycle_stage_display()
    data["customer_lifecycle_stage"] = customer.lifecycle_stage
    data["lifecycle_stage_locked"] = customer.lifecycle_stage_locked
    data["grade"] = customer.grade
    data["grade_reason"] = customer.grade_reason
    return data


def _days_since(moment: datetime.datetime | None, today: datetime.date) -> int | None:
    if moment is None:
        return None
    return (today - timezone.localdate(moment)).days


def next_best_action(*, user: Any, customer_id: Any) -> dict[str, Any]:
    """Recommend the playbook's action for a visible customer, with the facts and the reasons.

    Facts: segment, value group and lifecycle stage from the latest snapshot (no orders and no snapshot
    count as the "no orders" group), the customer's grade and relationship level, days since the last
    contact; open complaints are always False until complaints exist. Three queries.
    """
    customer = _customer_or_404(user, customer_id)
    snapshot = (
        CustomerSnapshot.objects.filter(customer=customer)
        .order_by("-as_of")
        .values("segment", "value_group", "lifecycle_stage", "as_of")
        .first()
    )
    facts = CustomerFacts(
        segment=snapshot["segment"] if snapshot else Segment.NO_ORDERS,
        value_group=snapshot["value_group"] if snapshot else ValueGroup.NO_ORDERS,
        lifecycle_stage=customer.lifecycle_stage or (snapshot["lifecycle_stage"] if snapshot else ""),
        grade=customer.grade,
        relationship_level=customer.relationship_level,
        has_open_complaints=False,
        days_since_last_contact=_days_since(customer.last_contact_at, timezone.localdate()),
    )
    found, reason = recommend(facts, list(PlaybookRule.objects.filter(is_active=True)))
    rule = cast(PlaybookRule | None, found)
    return {
        "customer_id": customer.pk,
        "as_of": snapshot["as_of"] if snapshot else None,
        "facts": facts.__dict__,
        "rule_id": rule.pk if rule else None,
        "rule_name": rule.name if rule else "",
        "action": rule.action if rule else "",
        "channel": rule.channel if rule else "",
        "channel_label": rule.get_channel_display() if rule else "",
        "cadence": rule.cadence if rule else "",
        "reason": reason,
    }


def cross_sell_for(*, user: Any, customer_id: Any, limit: int = 5) -> list[dict[str, Any]]:
    """Return up to ``limit`` products customers like this one also bought, best first.

    "Like this one": customers who bought the same products (the affinities of the last refresh). A
    candidate scores its best lift with any product the customer bought; products the customer already
    bought are left out. Each suggestion names the product that suggests it. Three queries.
    """
    customer = _customer_or_404(user, customer_id)
    bought = set(
        OrderLine.objects.filter(
            order__customer=customer, order__deleted_at__isnull=True, product__isnull=False
        ).values_list("product_id", flat=True)
    )
    if not bought:
        return []
    pairs = (
        ProductAffinity.objects.filter(product_id__in=bought, other__deleted_at__isnull=True)
        .exclude(other_id__in=bought)
        .select_related("product", "other")
        .order_by("-lift", "-customers", "other_id")
    )
    suggestions: dict[int, dict[str, Any]] = {}
    for pair in pairs[: max(limit, 1) * 20]:
        if pair.other_id in suggestions:
            continue
        suggestions[pair.other_id] = {
            "product_id": pair.other_id,
            "code": pair.other.code,
            "name": pair.other.name,
            "category": pair.other.category,
            "because_of": {
                "product_id": pair.product_id,
                "code": pair.product.code,
                "name": pair.product.name,
            },
            "customers_bought_both": pair.customers,
            "lift": round(pair.lift, 3),
        }
        if len(suggestions) >= limit:
            break
    return list(suggestions.values())


# --- dashboards ----------------------------------------------------------------------------------------


def segment_sizes(
    *, user: Any, as_of: datetime.date | None = None, owner_id: int | None = None
) -> list[dict[str, Any]]:
    """Return, per segment, the visible customers, their window revenue and 12-month CLV (one query)."""
    day = _day(as_of)
    rows = (
        snapshots_visible(user, day, owner_id)
        .values("segment", "value_group")
        .annotate(customers=Count("id"), revenue=Sum("monetary"), clv=Sum("clv_12_months"))
        .order_by("segment", "value_group")
    )
    segment_labels, group_labels = dict(Segment.choices), dict(ValueGroup.choices)
    return [
        {
            "segment": row["segment"],
            "label": str(segment_labels.get(row["segment"], row["segment"])),
            "value_group": row["value_group"],
            "group_label": str(group_labels.get(row["value_group"], row["value_group"])),
            "customers": row["customers"],
            "revenue": _float(row["revenue"]),
            "clv_12_months": _float(row["clv"]),
        }
        for row in rows
    ]


def segment_flows(
    *, user: Any, from_as_of: datetime.date, to_as_of: datetime.date, owner_id: int | None = None
) -> list[dict[str, Any]]:
    """Return segment × segment counts of visible customers between two snapshot days (one query).

    Customers without a snapshot on ``from_as_of`` (new since) come from the segment "" .
    """
    before = CustomerSnapshot.objects.filter(customer=OuterRef("customer"), as_of=from_as_of).values(
        "segment"
    )[:1]
    rows = (
        snapshots_visible(user, to_as_of, owner_id)
        .annotate(previous=Subquery(before))
        .values("previous", "segment")
        .annotate(customers=Count("id"))
        .order_by("previous", "segment")
    )
    return [
        {"from": row["previous"] or "", "to": row["segment"], "customers": row["customers"]} for row in rows
    ]


def churn_risk_list(
    *, user: Any, as_of: datetime.date | None = None, limit: int = 50, owner_id: int | None = None
) -> list[dict[str, Any]]:
    """Return the valuable visible customers (high-value group or revenue class A) least likely to still be
    active, lowest P(alive) first (one query)."""
    day = _day(as_of)
    rows = (
        snapshots_visible(user, day, owner_id)
        .filter(VALUABLE_Q, p_alive__isnull=False)
        .select_related("customer", "customer__owner")
        .order_by("p_alive", "-monetary", "customer_id")[:limit]
    )
    return [
        {
            "customer_id": s.customer_id,
            "name": s.customer.name,
            "owner": str(s.customer.owner) if s.customer.owner else "",
            "owner_id": s.customer.owner_id,
            "segment": s.segment,
            "segment_label": s.get_segment_display(),
            "p_alive": s.p_alive,
            "last_order_on": s.last_order_on,
            "monetary": float(s.monetary),
            "clv_12_months": float(s.clv_12_months) if s.clv_12_months is not None else None,
            "median_interval_days": s.median_interval_days,
            "frequency": s.frequency,
            "recency_days": s.recency_days,
            "order_count": s.order_count,
            "purchase_days": s.purchase_days,
            "first_order_on": s.first_order_on,
            "value_group": s.value_group,
            "revenue_class": s.revenue_class,
        }
        for s in rows
    ]


def revenue_by(
    *, user: Any, dimension: str, as_of: datetime.date | None = None, owner_id: int | None = None
) -> list[dict[str, Any]]:
    """Return window revenue, total revenue and customers of the visible customers by grade, industry or
    region (one query); an empty key means "not set"."""
    if dimension not in REVENUE_DIMENSIONS:
        raise ValueError(f"dimension must be one of {sorted(REVENUE_DIMENSIONS)}")
    day = _day(as_of)
    rows = (
        snapshots_visible(user, day, owner_id)
        .values(key=F(REVENUE_DIMENSIONS[dimension]))
        .annotate(customers=Count("id"), revenue=Sum("monetary"), total=Sum("total_amount"))
        .order_by("-revenue", "key")
    )
    return [
        {
            "key": row["key"] or "",
            "customers": row["customers"],
            "revenue": _float(row["revenue"]),
            "total": _float(row["total"]),
        }
        for row in rows
    ]


def value_distribution(
    *, user: Any, as_of: datetime.date | None = None, owner_id: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Return the visible customers by value group, by revenue class and by suggested grade, each with
    customers, window revenue and 12-month CLV (three queries)."""
    visible_snapshots = snapshots_visible(user, _day(as_of), owner_id)
    result: dict[str, list[dict[str, Any]]] = {}
    for key, field in (
        ("value_groups", "value_group"),
        ("revenue_classes", "revenue_class"),
        ("grades", "grade_suggestion"),
    ):
        rows = (
            visible_snapshots.values(field)
            .annotate(customers=Count("id"), revenue=Sum("monetary"), clv=Sum("clv_12_months"))
            .order_by(field)
        )
        result[key] = [
            {
                "key": row[field],
                "customers": row["customers"],
                "revenue": _float(row["revenue"]),
                "clv_12_months": _float(row["clv"]),
            }
            for row in rows
        ]
    return result


def product_abc(
    *, user: Any, as_of: datetime.date | None = None, window_days: int = 365, owner_id: int | None = None
) -> list[dict[str, Any]]:
    """Classify products A/B/C three ways over the visible customers' order lines (seed 002): volume
    (quantity), profit (revenue − cost at the product's unit cost) and potential (revenue growth over the
    window before). One GROUP BY query; the classes come from ``metrics.abc_analysis``."""
    day = as_of or timezone.localdate()
    start = day - datetime.timedelta(days=window_days)
    previous_start = start - datetime.timedelta(days=window_days)
    lines = visible(
        OrderLine.objects.filter(
            product__isnull=False,
            order__deleted_at__isnull=True,
            order__customer__deleted_at__isnull=True,
            order__ordered_on__gt=previous_start,
            order__ordered_on__lte=day,
        ),
        user,
        via="order__customer",
    )
    if owner_id is not None:
        lines = lines.filter(order__customer__owner_id=owner_id)
    current = Q(order__ordered_on__gt=start)
    before = Q(order__ordered_on__lte=start)
    value = F("quantity") * F("unit_price")
    rows = list(
        lines.values("product_id", "product__code", "product__name", "product__unit_cost")
        .annotate(
            sold=Sum("quantity", filter=current),
            revenue=Sum(value, filter=current),
            previous=Sum(value, filter=before),
        )
        .order_by("product_id")
    )
    if not rows:
        return []
    ids = np.array([row["product_id"] for row in rows])
    quantity = np.array([_float(row["sold"]) for row in rows])
    revenue = np.array([_float(row["revenue"]) for row in rows])
    cost = quantity * np.array([_float(row["product__unit_cost"]) for row in rows])
    previous = np.array([_float(row["previous"]) for row in rows])
    result = abc_analysis.product_abc(ids, quantity, revenue, cost, previous)
    return [
        {
            "product_id": row["product_id"],
            "code": row["product__code"],
            "name": row["product__name"],
            "quantity": float(quantity[i]),
            "revenue": float(revenue[i]),
            "margin": float(revenue[i] - cost[i]),
            "previous_revenue": float(previous[i]),
            "growth_rate": None if np.isnan(result.growth_rate[i]) else float(result.growth_rate[i]),
            "volume_class": str(result.volume.classes[i]),
            "profit_class": str(result.profit.classes[i]),
            "potential_class": str(result.potential.classes[i]),
        }
        for i, row in enumerate(rows)
    ]


def value_alerts(*, user: Any, as_of: datetime.date | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Return the value alerts of one refresh day for visible customers, newest kinds first (one query)."""
    day = as_of or ValueAlert.objects.aggregate(day=Max("as_of"))["day"]
    rows = (
        visible(ValueAlert.objects.filter(as_of=day, customer__deleted_at__isnull=True), user, via="customer")
        .select_related("customer")
        .order_by("kind", "customer_id")[:limit]
    )
    return [
        {
            "customer_id": a.customer_id,
            "name": a.customer.name,
            "kind": a.kind,
            "kind_label": a.get_kind_display(),
            "previous_value": a.previous_value,
            "current_value": a.current_value,
            "task_id": a.task_id,
            "as_of": a.as_of,
        }
        for a in rows
    ]


# --- the customers behind a number ---------------------------------------------------------------------

SCORE_BUCKETS = 10  # the value-score histogram: 0–10, 10–20, … 90–100 (the last includes 100)
NO_SCORE = "none"


def snapshot_days(limit: int = 24) -> list[datetime.date]:
    """Return the finished refresh days, newest first (one query) — the choices for "as of" and flows."""
    return list(
        InsightsRun.objects.filter(finished_at__isnull=False)
        .order_by("-as_of")
        .values_list("as_of", flat=True)[:limit]
    )


def value_score_histogram(
    *, user: Any, as_of: datetime.date | None = None, owner_id: int | None = None
) -> list[dict[str, Any]]:
    """Return the visible customers per value-score bucket of ten points, then those without a score
    (nobody rated them). Bucket keys are the lower bounds "0" … "90" and "none". One query."""
    width = 100 // SCORE_BUCKETS
    counts: dict[str, Any] = {
        str(low): Count("id", filter=score_bucket_q(str(low))) for low in range(0, 100, width)
    }
    counts[NO_SCORE] = Count("id", filter=score_bucket_q(NO_SCORE))
    row = snapshots_visible(user, _day(as_of), owner_id).aggregate(**counts)
    return [{"key": key, "customers": row[key] or 0} for key in counts]


def score_bucket_q(bucket: str) -> Q:
    """Return the condition of one value-score bucket (see ``value_score_histogram``)."""
    if bucket == NO_SCORE:
        return Q(value_score__isnull=True)
    low = int(bucket)
    width = 100 // SCORE_BUCKETS
    if low + width >= 100:
        return Q(value_score__gte=low)
    return Q(value_score__gte=low, value_score__lt=low + width)


def lifecycle_counts(
    *, user: Any, as_of: datetime.date | None = None, owner_id: int | None = None
) -> list[dict[str, Any]]:
    """Return the visible customers per lifecycle stage as the archive holds it today (inferred by the
    refresh unless chosen by hand), with their window revenue. One query."""
    rows = (
        snapshots_visible(user, _day(as_of), owner_id)
        .values(key=F("customer__lifecycle_stage"))
        .annotate(customers=Count("id"), revenue=Sum("monetary"))
        .order_by("key")
    )
    return [
        {"key": row["key"] or "", "customers": row["customers"], "revenue": _float(row["revenue"])}
        for row in rows
    ]


FILTER_FIELDS = {
    "segment": "segment",
    "group": "value_group",
    "revenue_class": "revenue_class",
    "suggested": "grade_suggestion",
    "grade": "customer__grade",
    "industry": "customer__industry",
    "region": "customer__region",
    "lifecycle": "customer__lifecycle_stage",
}


def snapshot_filter_q(filters: dict[str, str], *, as_of: datetime.date, window_days: int = 365) -> Q:
    """Turn the insights list filters into one condition on a day's snapshots.

    Keys: ``segment``, ``group``, ``revenue_class``, ``suggested`` (grade suggestion), ``grade``,
    ``industry``, ``region``, ``lifecycle`` (exact values; "" means "not set"), ``score`` (a histogram
    bucket), ``churn`` ("1": the churn-risk population — valuable customers with a P(alive)),
    ``flow_from`` + ``from_as_of`` (the segment on an earlier day; "" = no snapshot then) and
    ``product`` (bought that product in the window before ``as_of``), ``month`` ("YYYY-MM": ordered in
    that calendar month). Unknown keys are ignored.
    The dashboards' figures are counts over exactly these conditions, so a link shows the customers
    behind its number.
    """
    condition = Q()
    for key, field in FILTER_FIELDS.items():
        if key in filters:
            condition &= Q(**{field: filters[key]})
    if "score" in filters:
        condition &= score_bucket_q(filters["score"])
    if filters.get("churn") == "1":
        condition &= VALUABLE_Q & Q(p_alive__isnull=False)
    if "flow_from" in filters and filters.get("from_as_of"):
        earlier = CustomerSnapshot.objects.filter(as_of=filters["from_as_of"])
        if filters["flow_from"]:
            condition &= Q(customer_id__in=earlier.filter(segment=filters["flow_from"]).values("customer_id"))
        else:
            condition &= ~Q(customer_id__in=earlier.values("customer_id"))
    if "month" in filters:
        condition &= month_buyers_q(filters["month"])
    if filters.get("product", "").isdigit():
        start = as_of - datetime.timedelta(days=window_days)
        buyers = OrderLine.objects.filter(
            product_id=int(filters["product"]),
            order__deleted_at__isnull=True,
            order__ordered_on__gt=start,
            order__ordered_on__lte=as_of,
        ).values("order__customer_id")
        condition &= Q(customer_id__in=buyers)
    return condition


def snapshot_customer_list(
    *, user: Any, filters: dict[str, str], as_of: datetime.date | None = None, owner_id: int | None = None
) -> QuerySet[CustomerSnapshot]:
    """Return the visible customers' snapshots of one day matching ``filters`` (see
    ``snapshot_filter_q``), with customer and owner joined, most valuable first. One query per page."""
    day = _day(as_of)
    if day is None:
        return CustomerSnapshot.objects.none()
    return (
        snapshots_visible(user, day, owner_id)
        .filter(snapshot_filter_q(filters, as_of=day))
        .select_related("customer", "customer__owner")
        .order_by("-monetary", "customer_id")
    )


def revenue_by_month(
    *, user: Any, as_of: datetime.date | None = None, months: int = 24, owner_id: int | None = None
) -> list[dict[str, Any]]:
    """Return order revenue and buying customers per calendar month of the ``months`` up to ``as_of``
    for the visible customers, oldest first; months without orders are included with zeros. One query."""
    day = as_of or timezone.localdate()
    first = _month_start(day, months - 1)
    orders = visible(
        Order.objects.filter(
            deleted_at__isnull=True,
            customer__deleted_at__isnull=True,
            ordered_on__gte=first,
            ordered_on__lte=day,
        ),
        user,
        via="customer",
    )
    if owner_id is not None:
        orders = orders.filter(customer__owner_id=owner_id)
    rows = (
        orders.annotate(month=TruncMonth("ordered_on"))
        .values("month")
        .annotate(revenue=Sum("amount"), customers=Count("customer_id", distinct=True))
        .order_by("month")
    )
    found = {_as_date(row["month"]): row for row in rows}
    result = []
    for index in range(months):
        start = _month_start(day, months - 1 - index)
        row = found.get(start)
        result.append(
            {
                "month": start.strftime("%Y-%m"),
                "revenue": _float(row["revenue"]) if row else 0.0,
                "customers": row["customers"] if row else 0,
            }
        )
    return result


def _as_date(value: Any) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _month_start(day: datetime.date, months_back: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_buyers_q(month: str) -> Q:
    """Return the condition "ordered in this calendar month" ("YYYY-MM") on snapshots; never matches on a
    malformed month."""
    try:
        start = datetime.date.fromisoformat(f"{month}-01")
    except ValueError:
        return Q(pk__in=[])
    end = _month_start(start, -1)
    buyers = Order.objects.filter(deleted_at__isnull=True, ordered_on__gte=start, ordered_on__lt=end).values(
        "customer_id"
    )
    return Q(customer_id__in=buyers)
