"""Two years of demo orders, so that every value figure and chart has something to show.

A product catalogue (software, hardware and services, two of them launched within the last year so
that product ABC has growth), then per customer an order rhythm that fits its status and grade:
current A customers buy about monthly, B every other month, C a few times a year; a few current
customers have quietly stopped (the churn-risk list); dormant and churned customers stopped half a
year or more ago; some targets placed a first order recently. Finally the value figures are
computed twice — three months ago and yesterday — so that segment flows and value alerts exist.
Everything is drawn from the seeded ``rng``: the same seed gives the same orders.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from guanxi.customers import choices as c
from guanxi.insights.refresh import refresh_insights
from guanxi.sales.models import Order, OrderLine, OrderSource, Product

from .base import Plan
from .organisation import Organisation

HISTORY_DAYS = 730
NEW_PRODUCT_DAYS = 330  # the two newest products exist for this many days
# (code, name, category, unit price, unit cost, is new)
CATALOGUE: tuple[tuple[str, str, str, int, int, bool], ...] = (
    ("SW-OA", "协同办公平台", "软件", 48_000, 12_000, False),
    ("SW-BI", "数据分析平台", "软件", 86_000, 30_000, False),
    ("SW-SCM", "供应链协同模块", "软件", 65_000, 26_000, False),
    ("SW-SIGN", "电子签章系统", "软件", 18_000, 5_000, False),
    ("HW-PAD", "智能会议平板", "硬件", 22_000, 16_000, False),
    ("HW-CLOUD", "私有云一体机", "硬件", 160_000, 118_000, False),
    ("SV-OPS", "年度运维服务", "服务", 30_000, 14_000, False),
    ("SW-POS", "门店智能收银系统", "软件", 6_800, 2_400, False),
    ("SW-MINI", "会员小程序", "软件", 3_600, 900, False),
    ("SW-FLOW", "移动审批套件", "软件", 9_800, 2_600, False),
    ("SV-TRAIN", "数字化培训课程", "服务", 12_000, 4_000, True),
    ("SW-AI", "智能客服模块", "软件", 28_000, 8_000, True),
)
SHOP_CODES = ("SW-POS", "SW-MINI", "SV-OPS")
# Mean days between orders of a current customer, by grade.
INTERVAL = {"A": 32, "B": 62, "C": 120, "": 150}
SIZE = {"A": 2.5, "B": 1.4, "C": 0.8, "": 0.6}
# Days before today of the last order, for customers who stopped buying.
STOPPED: dict[str, tuple[int, int]] = {
    c.CustomerStatus.DORMANT: (190, 360),
    c.CustomerStatus.CHURNED: (420, 700),
}
SLIPPING_SHARE = 0.12  # current customers who quietly stopped buying
FIRST_ORDER_SHARE = 0.3  # targets with a recent first order
FLOW_DAYS = 91  # the earlier refresh, for segment flows


class OrderBuilder:
    def __init__(self, *, rng: random.Random, org: Organisation, now: datetime.datetime):
        self.rng = rng
        self.org = org
        self.today = timezone.localdate(now)

    def build(self, plans: Sequence[Plan]) -> int:
        """Create the catalogue and the orders, then compute the value figures; return the orders made."""
        products = self._catalogue()
        count = self._orders(plans, products)
        yesterday = self.today - datetime.timedelta(days=1)
        refresh_insights(as_of=yesterday - datetime.timedelta(days=FLOW_DAYS), alerts=False)
        refresh_insights(as_of=yesterday)
        return count

    def _catalogue(self) -> list[Product]:
        products = [
            Product(
                code=code,
                name=name,
                category=category,
                unit_price=Decimal(price),
                unit_cost=Decimal(cost),
                created_by=self.org.admin,
                updated_by=self.org.admin,
            )
            for code, name, category, price, cost, _new in CATALOGUE
        ]
        return Product.objects.bulk_create(products)

    def _days(self, customer_status: str, grade: str) -> list[datetime.date]:
        """The order days of one customer, oldest first."""
        rng = self.rng
        if customer_status == c.CustomerStatus.CURRENT:
            first = rng.randint(200, HISTORY_DAYS)
            last = rng.randint(120, 220) if rng.random() < SLIPPING_SHARE else rng.randint(1, INTERVAL[grade])
        elif customer_status in STOPPED:
            low, high = STOPPED[customer_status]
            last = rng.randint(low, high)
            first = rng.randint(last + 90, HISTORY_DAYS + 200) if last + 90 < HISTORY_DAYS else last
            first = min(first, HISTORY_DAYS)
        elif customer_status == c.CustomerStatus.TARGET and rng.random() < FIRST_ORDER_SHARE:
            return [self.today - datetime.timedelta(days=rng.randint(5, 80))]
        else:
            return []
        days, ago = [], first
        while ago >= last:
            days.append(self.today - datetime.timedelta(days=ago))
            ago -= max(3, int(rng.expovariate(1 / INTERVAL[grade])))
        if not days or days[-1] != self.today - datetime.timedelta(days=last):
            days.append(self.today - datetime.timedelta(days=last))
        return days

    def _orders(self, plans: Sequence[Plan], products: list[Product]) -> int:
        rng = self.rng
        by_code = {p.code: p for p in products}
        new_codes = {code for code, *_rest, new in CATALOGUE if new}
        orders: list[Order] = []
        lines: list[list[OrderLine]] = []
        for plan in plans:
            customer = plan.customer
            pool = [by_code[code] for code in SHOP_CODES] if plan.is_shop else products
            favourites = rng.sample(pool, k=min(len(pool), rng.randint(2, 4)))
            for day in self._days(customer.status, customer.grade):
                recent = (self.today - day).days <= NEW_PRODUCT_DAYS
                offer = [p for p in favourites if recent or p.code not in new_codes]
                if recent and not plan.is_shop and rng.random() < 0.35:
                    offer.append(by_code[rng.choice(sorted(new_codes))])
                if not offer:
                    offer = [p for p in pool if p.code not in new_codes]
                chosen = rng.sample(offer, k=min(len(offer), rng.choice((1, 1, 1, 2, 2, 3))))
                order_lines = []
                for product in chosen:
                    quantity = max(1, round(rng.expovariate(1 / SIZE[customer.grade]) + 0.5))
                    discount = Decimal(rng.choice((100, 95, 92, 90, 85))) / 100
                    order_lines.append(
                        OrderLine(
                            product=product,
                            quantity=Decimal(quantity),
                            unit_price=(product.unit_price * discount).quantize(Decimal("1.00")),
                        )
                    )
                amount = sum((line.quantity * line.unit_price for line in order_lines), Decimal("0"))
                orders.append(
                    Order(
                        customer=customer,
                        ordered_on=day,
                        amount=amount.quantize(Decimal("1.00")),
                        source=OrderSource.ERP,
                        external_ref=f"SO{day:%Y%m%d}{len(orders):05d}",
                        created_by=customer.owner,
                        updated_by=customer.owner,
                    )
                )
                lines.append(order_lines)
        Order.objects.bulk_create(orders, batch_size=500)
        for order, order_lines in zip(orders, lines, strict=True):
            for line in order_lines:
                line.order = order
        OrderLine.objects.bulk_create([line for group in lines for line in group], batch_size=1000)
        return len(orders)
