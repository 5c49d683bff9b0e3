import datetime
from decimal import Decimal

import pytest
import time_machine

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.governance.models import AuditEvent, FieldChange
from guanxi.sales.models import Order, OrderLine, Product
from guanxi.sales.selectors import order_get_for_user, order_list
from guanxi.sales.services import LineIn, order_create, product_create, product_update

from .factories import OrderFactory, ProductFactory

NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("rep_a", False), ("mgr_1", True), ("director", True), ("archivist", True), ("sysadmin", False)],
)
def test_given_role_when_creating_product_then_only_catalogue_maintainers_may(org, role, allowed):
    data = {
        "code": "Ｐ００１",
        "name": "全合成机油",
        "unit_price": Decimal("320.00"),
        "unit_cost": Decimal("200"),
    }
    if allowed:
        product = product_create(actor=org.user(role), data=data)
        assert (product.code, product.name, product.version) == ("P001", "全合成机油", 1)
        assert (
            AuditEvent.objects.filter(
                object_type="product", object_id=str(product.pk), action="create"
            ).count()
            == 1
        )
    else:
        with pytest.raises(PermissionDenied):
            product_create(actor=org.user(role), data=data)
        assert Product.objects.count() == 0


def test_given_code_in_use_when_creating_product_then_refused(org):
    ProductFactory(code="P001")
    with pytest.raises(ValidationFailed):
        product_create(actor=org.mgr_1, data={"code": "P001", "name": "重复"})
    assert Product.objects.count() == 1


def test_given_product_when_updating_price_then_versioned_and_audited(org):
    product = ProductFactory(code="P001", unit_price=Decimal("100.00"))
    product_update(
        actor=org.director, product=product, data={"unit_price": Decimal("120.00")}, expected_version=1
    )
    product.refresh_from_db()
    assert (product.unit_price, product.version) == (Decimal("120.00"), 2)
    change = FieldChange.objects.get(event__object_type="product", field="unit_price")
    assert (change.old_value, change.new_value) == ("100.00", "120.00")


@time_machine.travel(NOW, tick=False)
def test_given_lines_without_amount_when_creating_order_then_amount_is_their_sum_and_audited(org):
    oil = ProductFactory(code="P001", unit_price=Decimal("320.00"))
    order = order_create(
        actor=org.rep_a,
        customer=org.cust_a,
        data={"ordered_on": datetime.date(2026, 11, 20), "external_ref": " SO-1 "},
        lines=[
            LineIn(quantity=Decimal("2"), product=oil),
            {"quantity": Decimal("1.5"), "unit_price": Decimal("10")},
        ],
    )
    assert (order.amount, order.source, order.external_ref, order.created_by) == (
        Decimal("655.00"),
        "manual",
        "SO-1",
        org.rep_a,
    )
    assert sorted(OrderLine.objects.filter(order=order).values_list("quantity", "unit_price")) == [
        (Decimal("1.500"), Decimal("10.00")),
        (Decimal("2.000"), Decimal("320.00")),
    ]
    events = AuditEvent.objects.filter(object_type="order", object_id=str(order.pk)).order_by("id")
    assert [e.action for e in events] == ["create", "update"]
    assert FieldChange.objects.get(event=events[1], field="lines").new_value == (
        "P001 × 2.000 @ 320.00; - × 1.500 @ 10.00"
    )


@time_machine.travel(NOW, tick=False)
def test_given_other_teams_customer_when_rep_creates_order_then_not_found_and_nothing_written(org):
    with pytest.raises(NotFound):
        order_create(
            actor=org.rep_a,
            customer=org.cust_c,
            data={"ordered_on": datetime.date(2026, 11, 20), "amount": Decimal("10")},
        )
    assert Order.objects.count() == 0


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "data",
    [
        {"ordered_on": datetime.date(2026, 11, 25), "amount": Decimal("10")},
        {"ordered_on": datetime.date(2026, 11, 20), "amount": Decimal("-1")},
    ],
    ids=["future date", "negative amount"],
)
def test_given_invalid_order_when_creating_then_refused(org, data):
    with pytest.raises(ValidationFailed):
        order_create(actor=org.rep_a, customer=org.cust_a, data=data)
    assert Order.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_given_external_ref_used_by_same_source_when_creating_then_refused(org):
    OrderFactory(customer=org.cust_a, source="erp", external_ref="SO-1")
    with pytest.raises(ValidationFailed):
        order_create(
            actor=org.rep_a,
            customer=org.cust_a,
            data={
                "ordered_on": datetime.date(2026, 11, 20),
                "amount": Decimal("1"),
                "source": "erp",
                "external_ref": "SO-1",
            },
        )
    order_create(
        actor=org.rep_a,
        customer=org.cust_a,
        data={
            "ordered_on": datetime.date(2026, 11, 20),
            "amount": Decimal("1"),
            "source": "shop",
            "external_ref": "SO-1",
        },
    )
    assert Order.objects.filter(external_ref="SO-1").count() == 2


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("rep_a", True),
        ("rep_b", False),
        ("rep_c", False),
        ("mgr_1", True),
        ("mgr_2", False),
        ("director", True),
        ("sysadmin", False),
    ],
)
def test_given_order_of_cust_a_when_reading_then_scope_decides(org, role, sees):
    order = OrderFactory(customer=org.cust_a)
    assert [o.pk for o in order_list(user=org.user(role))] == ([order.pk] if sees else [])
    if sees:
        assert order_get_for_user(user=org.user(role), pk=order.pk) == order
    else:
        with pytest.raises(NotFound):
            order_get_for_user(user=org.user(role), pk=order.pk)


def test_given_more_orders_when_listing_then_query_count_stays_the_same(org, django_assert_num_queries):
    def list_all():
        return [
            (o.customer.name, [line.product.code for line in o.lines.all()])
            for o in order_list(user=org.mgr_1)
        ]

    OrderFactory(customer=org.cust_a)
    with django_assert_num_queries(3):  # manager's teams, orders with customers, lines with products
        assert len(list_all()) == 1
    for _ in range(5):
        order = OrderFactory(customer=org.cust_a)
        order.lines.create(product=ProductFactory(), quantity=1, unit_price=1)
    with django_assert_num_queries(3):
        assert len(list_all()) == 6
