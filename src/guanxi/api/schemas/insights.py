"""Customer value (SPEC §3): one customer's figures and the aggregates behind the dashboards."""

import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from .common import QuerySchema


class ScopeQuery(QuerySchema):
    as_of: datetime.date | None = Field(None, description="a refreshed day; default the latest")
    owner_id: int | None = Field(None, description="only this owner's customers (within what you see)")


class FlowQuery(QuerySchema):
    from_as_of: datetime.date = Field(description="the earlier refreshed day")
    to_as_of: datetime.date | None = Field(None, description="the later refreshed day; default the latest")
    owner_id: int | None = None


class RevenueQuery(ScopeQuery):
    dimension: str = Field("grade", pattern="^(grade|industry|region)$")


class ChurnQuery(ScopeQuery):
    limit: int = Field(50, ge=1, le=200)


class NextActionOut(Schema):
    rule_id: int | None
    rule_name: str
    action: str
    channel: str
    channel_label: str
    cadence: str
    facts: dict[str, Any]
    reason: dict[str, Any]


class CrossSellOut(Schema):
    product_id: int
    code: str
    name: str
    category: str
    because_of: dict[str, Any]
    customers_bought_both: int
    lift: float


class CustomerInsightsOut(Schema):
    customer_id: int
    as_of: datetime.date | None = Field(description="the refresh day of the figures; null before any refresh")
    grade: str
    grade_reason: str
    lifecycle_stage: str
    lifecycle_stage_locked: bool
    figures: dict[str, Any] | None = Field(
        description="the snapshot: RFM values and scores, segment, value group, revenue class, value score, "
        "grade suggestion with reasons, P(alive), expected purchases, next-purchase window, CLV"
    )
    next_action: NextActionOut
    cross_sell: list[CrossSellOut]


class CountRow(Schema):
    key: str
    label: str = ""
    customers: int
    revenue: float = 0.0
    clv_12_months: float = 0.0


class SegmentRow(Schema):
    segment: str
    label: str
    value_group: str
    group_label: str
    customers: int
    revenue: float
    clv_12_months: float


class FlowRow(Schema):
    from_segment: str = Field(alias="from")
    to_segment: str = Field(alias="to")
    customers: int


class ChurnRow(Schema):
    customer_id: int
    name: str
    owner_id: int | None
    segment: str
    p_alive: float | None
    frequency: int
    recency_days: int | None
    purchase_days: int
    first_order_on: datetime.date | None
    last_order_on: datetime.date | None
    monetary: float
    clv_12_months: float | None
    median_interval_days: float | None


class RevenueRow(Schema):
    key: str
    customers: int
    revenue: float
    total: float


class ValueSummaryOut(Schema):
    as_of: datetime.date | None
    value_groups: list[CountRow]
    revenue_classes: list[CountRow]
    grades: list[CountRow]
    value_scores: list[CountRow]
    lifecycle_stages: list[CountRow]


class ProductRow(Schema):
    product_id: int
    code: str
    name: str
    quantity: float
    revenue: float
    margin: float
    previous_revenue: float
    growth_rate: float | None
    volume_class: str
    profit_class: str
    potential_class: str


class MonthRow(Schema):
    month: str = Field(description="YYYY-MM")
    revenue: float
    customers: int
