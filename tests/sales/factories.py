"""Factories for products and orders (the insights tests build order histories with them)."""

import datetime
from decimal import Decimal

import factory

from guanxi.sales.models import Contract, Opportunity, Order, OrderLine, Product

from ..factories import CustomerFactory


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"产品{n}")
    category = "润滑油"
    unit_price = Decimal("100.00")
    unit_cost = Decimal("60.00")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    customer = factory.SubFactory(CustomerFactory)
    ordered_on = datetime.date(2026, 1, 5)
    amount = Decimal("1000.00")
    source = "manual"


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = Decimal("1")
    unit_price = Decimal("100.00")


def buy(customer, *days: datetime.date, amount: str = "1000.00", product=None) -> list[Order]:
    """Give ``customer`` one order per day (with one line of ``product`` when given)."""
    orders = []
    for day in days:
        order = OrderFactory(customer=customer, ordered_on=day, amount=Decimal(amount))
        if product is not None:
            OrderLineFactory(order=order, product=product, unit_price=Decimal(amount))
        orders.append(order)
    return orders


class OpportunityFactory(factory.django.DjangoModelFactory):
    """An opportunity without history rows; use ``guanxi.sales.pipeline`` when the history matters."""

    class Meta:
        model = Opportunity

    customer = factory.SubFactory(CustomerFactory)
    owner = factory.LazyAttribute(lambda o: o.customer.owner)
    title = factory.Sequence(lambda n: f"商机{n}")
    amount = Decimal("100000.00")
    stage = "lead"
    probability = Decimal("10")
    expected_close_on = datetime.date(2026, 12, 15)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    customer = factory.SubFactory(CustomerFactory)
    owner = factory.LazyAttribute(lambda o: o.customer.owner)
    number = factory.Sequence(lambda n: f"HT-2026-{n:04d}")
    title = factory.Sequence(lambda n: f"供货合同{n}")
    signed_on = datetime.date(2026, 1, 1)
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2026, 12, 31)
    amount = Decimal("120000.00")
    status = "active"
