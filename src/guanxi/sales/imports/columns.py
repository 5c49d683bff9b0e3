"""The columns of an order file: header names in Chinese and English, and the readers of their cells."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from guanxi.core.spreadsheets import CellError, clean_text, normalise_header, parse_date, parse_decimal

EARLIEST_ORDER_DATE = datetime.date(1990, 1, 1)
MAX_AMOUNT = Decimal("999999999999.99")

# Header texts (compared normalised: half-width, lower case, no spaces, marks or bracketed units).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": ("客户编号", "客户id", "客户代码", "customerid", "customerno", "customernumber"),
    "customer_name": ("客户名称", "客户名", "客户全称", "公司名称", "单位名称", "customername"),
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码", "creditcode"),
    "customer": ("客户", "customer", "购买方", "采购方"),
    "date": (
        "日期", "下单日期", "订单日期", "采购日期", "购买日期", "成交日期", "销售日期",
        "date", "orderdate", "orderedon",
    ),
    "amount": ("金额", "订单金额", "总金额", "采购金额", "销售金额", "合计", "金额合计", "amount", "total"),
    "quantity": ("数量", "quantity", "qty"),
    "product": (
        "产品", "产品编号", "产品编码", "产品代码", "产品名称", "商品", "商品编码", "商品名称", "物料编码",
        "product", "productcode", "sku",
    ),
    "unit_price": ("单价", "unitprice", "price"),
    "external_ref": (
        "单号", "订单号", "订单编号", "销售单号", "外部单号", "erp单号",
        "externalref", "orderno", "ordernumber", "reference",
    ),
}  # fmt: skip
ALIASES = {normalise_header(alias): name for name, texts in COLUMN_ALIASES.items() for alias in texts}
CUSTOMER_COLUMNS = ("customer_id", "customer_name", "credit_code", "customer")
# At least one column of each group: a customer reference, a date, an amount (or a unit price).
REQUIRED = (CUSTOMER_COLUMNS, ("date",), ("amount", "unit_price"))


def cell(cells: list[Any], index: int | None) -> Any:
    """Return the value at ``index``, None for a missing or blank cell; strings come stripped."""
    if index is None or index >= len(cells):
        return None
    value = cells[index]
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class CellReaders:
    """Read one column's cell into its value, or raise CellError with a code and a message."""

    def __init__(self, today: datetime.date) -> None:
        self.today = today  # read once: the date check runs on every row
        self.dates: dict[Any, datetime.date | CellError] = {}  # a file holds few distinct dates

    def date(self, value: Any) -> datetime.date:
        known = self.dates.get(value) if isinstance(value, str) else None
        if known is None:
            try:
                known = self._date(value)
            except CellError as error:
                known = error
            if isinstance(value, str) and len(self.dates) < 100_000:
                self.dates[value] = known
        if isinstance(known, CellError):
            raise known
        return known

    def _date(self, value: Any) -> datetime.date:
        day = parse_date(value)
        if not EARLIEST_ORDER_DATE <= day <= self.today:
            raise CellError(
                "date_out_of_range",
                _("%(day)s is outside the plausible range (1990 to today).") % {"day": day.isoformat()},
            )
        return day

    @staticmethod
    def amount(value: Any) -> Decimal:
        amount = parse_decimal(value, places=2)
        if amount < 0:
            raise CellError("negative_amount", _("An order amount cannot be negative."))
        if amount > MAX_AMOUNT:
            raise CellError("invalid_number", _("The number is too large."))
        return amount

    @staticmethod
    def quantity(value: Any) -> Decimal:
        quantity = parse_decimal(value, places=3)
        if quantity <= 0 or quantity > MAX_AMOUNT:
            raise CellError("invalid_quantity", _("The quantity must be above 0."))
        return quantity

    @staticmethod
    def unit_price(value: Any) -> Decimal:
        price = parse_decimal(value, places=2)
        if price < 0 or price > MAX_AMOUNT:
            raise CellError("invalid_number", _("A price cannot be negative."))
        return price

    @staticmethod
    def product(value: Any) -> str:
        return clean_text(value, max_length=120)

    @staticmethod
    def external_ref(value: Any) -> str:
        return clean_text(value, max_length=64)
