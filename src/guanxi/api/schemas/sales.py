"""Products, orders (采购记录), opportunities (商机) with their stage moves and forecast, contracts (合同)
with payment plans and payments (回款)."""

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field, PlainSerializer

from guanxi.sales.models import ContractStatus, PaymentMethod

from .common import LONG_TEXT_MAX, QuerySchema, UserRef, WriteSchema

MONEY = {"max_digits": 14, "decimal_places": 2, "ge": 0}
Money = Annotated[Decimal, Field(**MONEY)]  # type: ignore[call-overload]
# Amounts and percentages always leave with two decimals, quantities with three (as stored).
MoneyOut = Annotated[Decimal, PlainSerializer(lambda v: f"{Decimal(v):.2f}", return_type=str)]
QuantityOut = Annotated[Decimal, PlainSerializer(lambda v: f"{Decimal(v):.3f}", return_type=str)]
STAGE_CODES = ["lead", "discovery", "proposal", "negotiation", "won", "lost"]

# --- products ----------------------------------------------------------------------------------------


class ProductIn(WriteSchema):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=120)
    category: str = Field("", max_length=60)
    unit_price: Money = Decimal("0")
    unit_cost: Money = Decimal("0")


class ProductPatchIn(ProductIn):
    code: str = Field(None, min_length=1, max_length=40)  # type: ignore[assignment]
    name: str = Field(None, min_length=1, max_length=120)  # type: ignore[assignment]


class ProductOut(Schema):
    id: int
    version: int
    code: str
    name: str
    category: str
    unit_price: MoneyOut
    unit_cost: MoneyOut


class ProductListQuery(QuerySchema):
    q: str = Field("", max_length=60, description="a fragment of the code or name")
    category: str = Field("", max_length=60)


# --- orders ------------------------------------------------------------------------------------------


class OrderLineIn(WriteSchema):
    product_id: int | None = None
    quantity: Decimal = Field(gt=0, max_digits=14, decimal_places=3)
    unit_price: Money | None = Field(None, description="left out: the product's list price")


class OrderIn(WriteSchema):
    ordered_on: datetime.date
    amount: Money | None = Field(None, description="left out: the sum of the lines")
    external_ref: str = Field(
        "", max_length=64, description="the order's id in its source; unique per source"
    )
    source: str = Field("api", max_length=20, pattern=r"^[a-z_]{1,20}$")
    lines: list[OrderLineIn] = Field(default_factory=list, max_length=200)


class OrderCreateIn(OrderIn):
    customer_id: int


class OrderPatchIn(WriteSchema):
    ordered_on: datetime.date | None = None
    amount: Money | None = Field(None, description="null with lines: the sum of the lines")
    external_ref: str | None = Field(None, max_length=64)
    lines: list[OrderLineIn] | None = Field(None, max_length=200, description="given: replaces all lines")


class OrderLineOut(Schema):
    id: int
    product_id: int | None
    quantity: QuantityOut
    unit_price: MoneyOut


class OrderOut(Schema):
    id: int
    version: int
    customer_id: int
    ordered_on: datetime.date
    amount: MoneyOut
    source: str
    external_ref: str
    lines: list[OrderLineOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime


class OrderListQuery(QuerySchema):
    customer_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


# --- opportunities -----------------------------------------------------------------------------------


class OpportunityIn(WriteSchema):
    title: str = Field(min_length=1, max_length=200)
    background: str = Field("", max_length=LONG_TEXT_MAX)
    owner_id: int | None = Field(None, description="left out: you (create) or unchanged (update)")
    amount: Money = Decimal("0")
    probability: Decimal | None = Field(
        None, ge=0, le=100, description="percent; left out: the stage's default"
    )
    expected_close_on: datetime.date | None = None
    competitors: str = Field("", max_length=LONG_TEXT_MAX)
    next_step: str = Field("", max_length=300)
    lost_reason: str = Field("", max_length=LONG_TEXT_MAX)


class OpportunityCreateIn(OpportunityIn):
    customer_id: int
    stage: str = Field("lead", pattern="^(" + "|".join(STAGE_CODES) + ")$")


class OpportunityPatchIn(OpportunityIn):
    title: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]


class OpportunityMoveIn(WriteSchema):
    stage: str = Field(pattern="^(" + "|".join(STAGE_CODES) + ")$")
    lost_reason: str = Field("", max_length=LONG_TEXT_MAX, description="required when moving to lost")
    probability: Decimal | None = Field(None, ge=0, le=100, description="left out: the stage's default")


class OpportunityOut(Schema):
    id: int
    version: int
    customer_id: int
    title: str
    background: str
    owner: UserRef
    amount: MoneyOut
    stage: str
    probability: MoneyOut
    weighted_amount: MoneyOut
    expected_close_on: datetime.date | None
    closed_on: datetime.date | None
    lost_reason: str
    competitors: str
    next_step: str
    stage_entered_at: datetime.datetime
    renewal_of_id: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class StageChangeOut(Schema):
    id: int
    from_stage: str
    to_stage: str
    probability: MoneyOut
    at: datetime.datetime
    by_id: int | None
    note: str
    seconds_in_stage: int


class OpportunityListQuery(QuerySchema):
    owner_id: int | None = None
    team_id: int | None = None
    customer_id: int | None = None
    stage: str = Field("", pattern="^(|" + "|".join(STAGE_CODES) + ")$")
    open: bool = Field(False, description="only lead … negotiation")


class StageOut(Schema):
    code: str
    label: str
    order: int
    probability: MoneyOut
    moves_to: list[str]
    is_open: bool


class ForecastQuery(QuerySchema):
    start: datetime.date | None = Field(None, description="a day in the first month; left out: this month")
    months: int = Field(6, ge=1, le=24)
    owner_id: int | None = None
    team_id: int | None = None


class ForecastCell(Schema):
    month: datetime.date
    weighted: MoneyOut
    won: MoneyOut
    total: MoneyOut


class ForecastRow(Schema):
    owner: UserRef
    team_id: int | None
    cells: list[ForecastCell]


class ForecastTeamRow(Schema):
    team_id: int
    team: str
    cells: list[ForecastCell]


class ForecastOut(Schema):
    months: list[datetime.date]
    rows: list[ForecastRow]
    teams: list[ForecastTeamRow]
    totals: list[ForecastCell]


# --- contracts ---------------------------------------------------------------------------------------


class PlanItemIn(WriteSchema):
    due_on: datetime.date
    amount: Money
    note: str = Field("", max_length=200)


class ContractIn(WriteSchema):
    number: str = Field(min_length=1, max_length=60)
    title: str = Field(min_length=1, max_length=200)
    opportunity_id: int | None = None
    owner_id: int | None = Field(None, description="left out: the customer's owner (create) or unchanged")
    signed_on: datetime.date | None = None
    starts_on: datetime.date
    ends_on: datetime.date
    amount: Money = Decimal("0")
    status: str = Field(ContractStatus.ACTIVE.value, pattern="^(" + "|".join(ContractStatus.values) + ")$")
    renewal_lead_days: int | None = Field(None, ge=0, le=730, description="left out: the default (60)")


class ContractCreateIn(ContractIn):
    customer_id: int
    plan_items: list[PlanItemIn] = Field(default_factory=list, max_length=120)


class ContractPatchIn(ContractIn):
    number: str = Field(None, min_length=1, max_length=60)  # type: ignore[assignment]
    title: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]
    starts_on: datetime.date = Field(None)  # type: ignore[assignment]
    ends_on: datetime.date = Field(None)  # type: ignore[assignment]


class ContractOut(Schema):
    id: int
    version: int
    number: str
    customer_id: int
    opportunity_id: int | None
    owner: UserRef
    title: str
    signed_on: datetime.date | None
    starts_on: datetime.date
    ends_on: datetime.date
    amount: MoneyOut
    status: str
    renewal_lead_days: int | None
    planned_total: MoneyOut
    received_total: MoneyOut
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ContractListQuery(QuerySchema):
    customer_id: int | None = None
    owner_id: int | None = None
    status: str = Field("", pattern="^(|" + "|".join(ContractStatus.values) + ")$")
    ending_within: int | None = Field(None, ge=0, le=730, description="days from today")


class PlanItemOut(Schema):
    id: int
    contract_id: int
    due_on: datetime.date
    amount: MoneyOut
    note: str
    paid: MoneyOut
    outstanding: MoneyOut
    overdue: bool


class PaymentIn(WriteSchema):
    received_on: datetime.date
    amount: Money
    method: str = Field(PaymentMethod.TRANSFER.value, pattern="^(" + "|".join(PaymentMethod.values) + ")$")
    reference: str = Field("", max_length=100)


class PaymentOut(Schema):
    id: int
    contract_id: int
    received_on: datetime.date
    amount: MoneyOut
    method: str
    reference: str
    recorded_by_id: int | None
    recorded_at: datetime.datetime


class OverdueOut(Schema):
    contract_id: int
    contract_number: str
    customer_id: int
    owner_id: int
    item_id: int
    due_on: datetime.date
    amount: MoneyOut
    outstanding: MoneyOut
    days_overdue: int
