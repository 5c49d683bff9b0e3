"""Reads of products and orders. Orders are customer data: always through the visibility scope."""

import datetime
from typing import Any

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound
from guanxi.core.validators import to_halfwidth
from guanxi.governance.scope import visible

from .models import Order, OrderLine, Product


def orders_visible(user: Any) -> QuerySet[Order]:
    """Return the live orders of live customers ``user`` may see."""
    return visible(Order.objects.filter(customer__deleted_at__isnull=True), user, via="customer")


def order_list(
    *,
    user: Any,
    customer_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Order]:
    """Return visible orders, newest first, with customer and lines loaded (a fixed number of queries)."""
    qs = orders_visible(user)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if date_from is not None:
        qs = qs.filter(ordered_on__gte=date_from)
    if date_to is not None:
        qs = qs.filter(ordered_on__lte=date_to)
    lines = Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("id"))
    return qs.select_related("customer").prefetch_related(lines).order_by("-ordered_on", "-id")


def order_get_for_user(*, user: Any, pk: Any) -> Order:
    """Return an order of a customer the user may see, or raise NotFound (hidden and missing look alike)."""
    try:
        return orders_visible(user).select_related("customer").get(pk=int(pk))
    except (Order.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Order not found.")) from exc


def customer_purchase_summary(*, user: Any, customer_id: int) -> dict[str, Any]:
    """Return a customer's order count, total, first and last order date (one query)."""
    summary = (
        orders_visible(user)
        .filter(customer_id=customer_id)
        .aggregate(orders=Count("id"), total=Sum("amount"), first=Min("ordered_on"), last=Max("ordered_on"))
    )
    return summary


def product_list(*, q: str = "", category: str = "") -> QuerySet[Product]:
    """Return live products matching a code or name fragment. The catalogue is not customer data."""
    qs = Product.objects.all()
    text = to_halfwidth(q).strip()[:60]
    if text:
        qs = qs.filter(Q(code__icontains=text) | Q(name__contains=text))
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("code")


def product_get(*, pk: Any) -> Product:
    try:
        return Product.objects.get(pk=int(pk))
    except (Product.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Product not found.")) from exc
