"""Writes on products and orders. Each runs in one transaction with its audit rows."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.core.validators import to_halfwidth
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customer_get_for_user
from guanxi.governance.audit import audit_record
from guanxi.governance.records import record_create, record_soft_delete, record_update
from guanxi.people.models import Role, User

from .models import Order, OrderLine, OrderSource, Product

CATALOGUE_ROLES = {Role.MANAGER, Role.DIRECTOR, Role.ARCHIVIST}


def _may_maintain_catalogue(actor: User) -> None:
    if getattr(actor, "role", None) not in CATALOGUE_ROLES or not actor.is_active:
        raise PermissionDenied(_("Only managers, the director and the archive administrator edit products."))


def _prepare_product(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    for name in ("code", "name", "category"):
        if isinstance(cleaned.get(name), str):
            cleaned[name] = to_halfwidth(cleaned[name]).strip()
    return cleaned


@transaction.atomic
def product_create(*, actor: User, data: Mapping[str, Any]) -> Product:
    """Add a product to the catalogue; refuse a code already in use (ValidationFailed)."""
    _may_maintain_catalogue(actor)
    return record_create(instance=Product(**_prepare_product(data)), actor=actor)


@transaction.atomic
def product_update(
    *, actor: User, product: Product, data: Mapping[str, Any], expected_version: int | None
) -> Product:
    """Change a product; refuse a stale version (VersionConflict) or a duplicate code."""
    _may_maintain_catalogue(actor)
    return record_update(
        instance=product, actor=actor, data=_prepare_product(data), expected_version=expected_version
    )


def product_delete(*, actor: User, product: Product, expected_version: int | None) -> Product:
    """Move a product to the recycle bin; its order lines keep pointing at it."""
    _may_maintain_catalogue(actor)
    return record_soft_delete(instance=product, actor=actor, expected_version=expected_version)


@dataclass(frozen=True)
class LineIn:
    """One line of an order; ``unit_price`` defaults to the product's list price."""

    quantity: Decimal
    product: Product | None = None
    unit_price: Decimal | None = None


def _decimal(value: Any, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(_("Enter a number."), details={field: [_("Enter a number.")]}) from exc


def _prepare_lines(lines: Iterable[LineIn | Mapping[str, Any]]) -> list[OrderLine]:
    prepared = []
    for number, line in enumerate(lines, 1):
        item = line if isinstance(line, LineIn) else LineIn(**line)
        quantity = _decimal(item.quantity, "lines")
        price = item.unit_price
        if price is None:
            price = item.product.unit_price if item.product is not None else Decimal("0")
        price = _decimal(price, "lines")
        if quantity <= 0 or price < 0:
            message = _("Line %(number)s: the quantity must be above 0 and the price not below 0.") % {
                "number": number
            }
            raise ValidationFailed(message, details={"lines": [message]})
        prepared.append(
            OrderLine(
                product=item.product,
                quantity=quantity.quantize(Decimal("0.001")),
                unit_price=price.quantize(Decimal("0.01")),
            )
        )
    return prepared


@transaction.atomic
def order_create(
    *,
    actor: User,
    customer: Customer,
    data: Mapping[str, Any],
    lines: Iterable[LineIn | Mapping[str, Any]] = (),
) -> Order:
    """Record a purchase of ``customer``: date, amount, source and external reference, and its lines.

    Without an ``amount`` the order is worth the sum of its lines. Raise NotFound when the actor may not
    see the customer, ValidationFailed for a date in the future, a negative amount, a bad line or an
    external reference already used by the same source.
    """
    customer_get_for_user(user=actor, pk=customer.pk)
    prepared_lines = _prepare_lines(lines)
    fields = dict(data)
    fields.setdefault("source", OrderSource.MANUAL)
    if fields.get("amount") in (None, ""):
        fields["amount"] = sum((line.quantity * line.unit_price for line in prepared_lines), Decimal("0"))
    fields["amount"] = _decimal(fields["amount"], "amount").quantize(Decimal("0.01"))
    if isinstance(fields.get("external_ref"), str):
        fields["external_ref"] = to_halfwidth(fields["external_ref"]).strip()
    ordered_on = fields.get("ordered_on")
    if ordered_on is not None and ordered_on > timezone.localdate():
        message = _("An order date cannot be in the future.")
        raise ValidationFailed(message, details={"ordered_on": [message]})
    order = record_create(instance=Order(customer=customer, **fields), actor=actor)
    for line in prepared_lines:
        line.order = order
    OrderLine.objects.bulk_create(prepared_lines)
    if prepared_lines:
        summary = "; ".join(
            f"{line.product.code if line.product else '-'} × {line.quantity} @ {line.unit_price}"
            for line in prepared_lines
        )
        audit_record(actor=actor, action="update", obj=order, before={}, after={"lines": summary})
    return order


def order_delete(*, actor: User, order: Order, expected_version: int | None) -> Order:
    """Move an order to the recycle bin; refuse when the actor may not see its customer (NotFound)."""
    customer_get_for_user(user=actor, pk=order.customer_id)
    return record_soft_delete(instance=order, actor=actor, expected_version=expected_version)


@transaction.atomic
def order_update(
    *,
    actor: User,
    order: Order,
    data: Mapping[str, Any],
    expected_version: int | None,
    lines: Iterable[LineIn | Mapping[str, Any]] | None = None,
) -> Order:
    """Change an order; with ``lines`` its lines are replaced, and without an amount it is worth their sum.

    Raise NotFound when the actor may not see the customer, VersionConflict on a stale version,
    ValidationFailed as for :func:`order_create`.
    """
    customer_get_for_user(user=actor, pk=order.customer_id)
    fields = {k: v for k, v in data.items() if k in ("ordered_on", "amount", "external_ref", "source")}
    prepared_lines = _prepare_lines(lines) if lines is not None else None
    if "amount" in fields and fields["amount"] in (None, ""):
        prepared_lines_for_sum = list(order.lines.all()) if prepared_lines is None else prepared_lines
        fields["amount"] = sum(
            (line.quantity * line.unit_price for line in prepared_lines_for_sum), Decimal("0")
        )
    if "amount" in fields:
        fields["amount"] = _decimal(fields["amount"], "amount").quantize(Decimal("0.01"))
    if isinstance(fields.get("external_ref"), str):
        fields["external_ref"] = to_halfwidth(fields["external_ref"]).strip()
    ordered_on = fields.get("ordered_on")
    if ordered_on is not None and ordered_on > timezone.localdate():
        message = _("An order date cannot be in the future.")
        raise ValidationFailed(message, details={"ordered_on": [message]})
    source = fields.get("source", order.source)
    ref = fields.get("external_ref", order.external_ref)
    if ref and Order.objects.filter(source=source, external_ref=ref).exclude(pk=order.pk).exists():
        message = _("Another order of this source already has this external reference.")
        raise ValidationFailed(message, details={"external_ref": [message]})
    updated = record_update(instance=order, actor=actor, data=fields, expected_version=expected_version)
    if prepared_lines is not None:
        before = "; ".join(
            f"{line.product.code if line.product else '-'} × {line.quantity} @ {line.unit_price}"
            for line in order.lines.select_related("product")
        )
        order.lines.all().delete()
        for line in prepared_lines:
            line.order = updated
        OrderLine.objects.bulk_create(prepared_lines)
        after = "; ".join(
            f"{line.product.code if line.product else '-'} × {line.quantity} @ {line.unit_price}"
            for line in prepared_lines
        )
        if before != after:
            audit_record(
                actor=actor, action="update", obj=updated, before={"lines": before}, after={"lines": after}
            )
    return updated
