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
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound
from guanxi.customers.models import Customer
from guanxi.governance.scope import visible
from guanxi.sales.models import OrderLine

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


def snapshots_visible(user: Any, as_of: datetime.date | None) -> QuerySet[CustomerSnapshot]:
    """Return one day's snapshots of the live customers ``user`` may see (none before any refresh)."""
    if as_of is None:
        return CustomerSnapshot.objects.none()
    qs = CustomerSnapshot.objects.filter(as_of=as_of, customer__deleted_at__isnull=True)
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


def segment_sizes(*, user: Any, as_of: datetime.date | None = None) -> list[dict[str, Any]]:
    """Return, per segment, the visible customers, their window revenue and 12-month CLV (one query)."""
    day = _day(as_of)
    rows = (
        snapshots_visible(user, day)
        .values("segment", "value_group")
        .annotate(customers=Count("id"), revenue=Sum("monetary"), clv=Sum("clv_12_months"))
        .order_by("segment", "value_group")
    )
    segment_labels, group_labels = dict(Segment.choices), dict(ValueGroup.choices)
    return [
        {
            "segment": row["segment"],
            "label": segment_labels.get(row["segment"], row["segment"]),
            "value_group": row["value_group"],
            "group_label": group_labels.get(row["value_group"], row["value_group"]),
            "customers": row["customers"],
            "revenue": _float(row["revenue"]),
            "clv_12_months": _float(row["clv"]),
        }
        for row in rows
    ]


def segment_flows(*, user: Any, from_as_of: datetime.date, to_as_of: datetime.date) -> list[dict[str, Any]]:
    """Return segment × segment counts of visible customers between two snapshot days (one query).

    Customers without a snapshot on ``from_as_of`` (new since) come from the segment "" .
    """
    before = CustomerSnapshot.objects.filter(customer=OuterRef("customer"), as_of=from_as_of).values(
        "segment"
    )[:1]
    rows = (
        snapshots_visible(user, to_as_of)
        .annotate(previous=Subquery(before))
        .values("previous", "segment")
        .annotate(customers=Count("id"))
        .order_by("previous", "segment")
    )
    return [
        {"from": row["previous"] or "", "to": row["segment"], "customers": row["customers"]} for row in rows
    ]


def churn_risk_list(
    *, user: Any, as_of: datetime.date | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Return the valuable visible customers (high-value group or revenue class A) least likely to still be
    active, lowest P(alive) first (one query)."""
    day = _day(as_of)
    rows = (
        snapshots_visible(user, day)
        .filter(Q(value_group__in=VALUABLE_GROUPS) | Q(revenue_class="A"), p_alive__isnull=False)
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
        }
        for s in rows
    ]


def revenue_by(*, user: Any, dimension: str, as_of: datetime.date | None = None) -> list[dict[str, Any]]:
    """Return window revenue, total revenue and customers of the visible customers by grade, industry or
    region (one query); an empty key means "not set"."""
    if dimension not in REVENUE_DIMENSIONS:
        raise ValueError(f"dimension must be one of {sorted(REVENUE_DIMENSIONS)}")
    day = _day(as_of)
    rows = (
        snapshots_visible(user, day)
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


def value_distribution(*, user: Any, as_of: datetime.date | None = None) -> dict[str, list[dict[str, Any]]]:
    """Return the visible customers by value group, by revenue class and by suggested grade, each with
    customers, window revenue and 12-month CLV (three queries)."""
    visible_snapshots = snapshots_visible(user, _day(as_of))
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
    *, user: Any, as_of: datetime.date | None = None, window_days: int = 365
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
