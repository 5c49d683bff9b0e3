"""Account plans with versions, intel reports and referrals."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from guanxi.keyaccounts.models import ActionStatus, Importance, PlanStatus

from .common import LONG_TEXT_MAX, OneOf, QuerySchema, UserRef, WriteSchema

SECTION = Field("", max_length=LONG_TEXT_MAX)
SwotList = Annotated[list[Annotated[str, Field(max_length=300)]], Field(max_length=30)]


class SwotIn(WriteSchema):
    strengths: SwotList = Field(default_factory=list)
    weaknesses: SwotList = Field(default_factory=list)
    opportunities: SwotList = Field(default_factory=list)
    threats: SwotList = Field(default_factory=list)


class PlanActionIn(WriteSchema):
    what: str = Field(min_length=1, max_length=300)
    owner_id: int | None = Field(None, description="who does it")
    due_on: datetime.date | None = None
    status: Annotated[str, OneOf(ActionStatus)] = ActionStatus.OPEN.value


class AccountPlanIn(WriteSchema):
    """The writable parts of a plan. PUT takes all of them; ``actions`` replaces the whole list."""

    summary: str = SECTION
    customer_situation: str = SECTION
    goals: str = SECTION
    our_position: str = SECTION
    competition: str = SECTION
    strategy: str = SECTION
    resources: str = SECTION
    swot: SwotIn = Field(default_factory=SwotIn)
    actions: list[PlanActionIn] = Field(default_factory=list, max_length=50)


class AccountPlanPatchIn(AccountPlanIn):
    """The parts to change; anything left out stays as it is."""

    swot: SwotIn = Field(None)  # type: ignore[assignment]
    actions: list[PlanActionIn] = Field(None, max_length=50)  # type: ignore[assignment,arg-type]


class AccountPlanCreateIn(AccountPlanIn):
    customer_id: int = Field(description="a key customer you can see; the plan belongs to its owner")
    year: int = Field(ge=2000, le=2100)


class PlanReturnIn(WriteSchema):
    comment: str = Field(min_length=1, max_length=2000, description="what needs changing")


class PlanActionOut(Schema):
    what: str
    owner_id: int | None
    due_on: datetime.date | None
    status: str


class AccountPlanSummaryOut(Schema):
    id: int
    version: int
    customer_id: int
    customer_name: str
    year: int
    owner: UserRef
    status: str
    submitted_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    updated_at: datetime.datetime

    @staticmethod
    def resolve_customer_name(obj: Any) -> str:
        return obj["customer_name"] if isinstance(obj, dict) else obj.customer.name


class AccountPlanOut(AccountPlanSummaryOut):
    summary: str
    customer_situation: str
    goals: str
    our_position: str
    competition: str
    strategy: str
    resources: str
    swot: dict[str, list[str]]
    review_comment: str
    approved_by_id: int | None
    actions: list[PlanActionOut]
    key_persons: list[dict[str, Any]] = Field(description="read live from the archive")


class PlanListQuery(QuerySchema):
    scope: Annotated[str, Field(pattern="^(mine|team|pending)$")] = Field(
        "team", description="mine: you own; team: all you can see; pending: waiting for approval"
    )
    year: int | None = Field(None, ge=2000, le=2100)
    status: Annotated[str, OneOf(PlanStatus, blank=True)] = ""


class PlanVersionSummaryOut(Schema):
    number: int
    status: str
    author_id: int | None
    created_at: datetime.datetime
    note: str


class PlanVersionOut(PlanVersionSummaryOut):
    snapshot: dict[str, Any]


# --- intel -------------------------------------------------------------------------------------------


class IntelReportIn(WriteSchema):
    customer_id: int | None = Field(None, description="a customer you can see; left out: a market report")
    market: str = Field("", max_length=100)
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=20000)
    source_level: int = Field(
        ge=1,
        le=4,
        description="1 public materials, 2 industry reports and analysts, 3 contacts and partners, "
        "4 an insider who wants us to win",
    )
    importance: Annotated[str, OneOf(Importance)] = Importance.NORMAL.value
    reported_on: datetime.date | None = Field(None, description="left out: today")


class IntelReportOut(Schema):
    id: int
    version: int
    customer_id: int | None
    market: str
    title: str
    content: str
    source_level: int
    importance: str
    reported_by: UserRef
    reported_on: datetime.date
    created_at: datetime.datetime


class IntelListQuery(QuerySchema):
    source_level: int | None = Field(None, ge=1, le=4)
    importance: Annotated[str, OneOf(Importance, blank=True)] = ""
    customer_id: int | None = None


# --- referrals ---------------------------------------------------------------------------------------


class ReferralIn(WriteSchema):
    referrer_id: int = Field(description="the referring customer (one you can see)")
    referrer_contact_id: int | None = Field(None, description="the contact of that customer who referred")
    referred_id: int = Field(description="the customer referred (one you can see)")
    referred_on: datetime.date | None = Field(None, description="left out: today")
    note: str = Field("", max_length=300)


class ReferralOut(Schema):
    id: int
    version: int
    referrer_id: int
    referrer_name: str
    referrer_contact_id: int | None
    referred_id: int
    referred_name: str
    referred_on: datetime.date
    note: str

    @staticmethod
    def resolve_referrer_name(obj: Any) -> str:
        return obj["referrer_name"] if isinstance(obj, dict) else obj.referrer.name

    @staticmethod
    def resolve_referred_name(obj: Any) -> str:
        return obj["referred_name"] if isinstance(obj, dict) else obj.referred.name


class ReferrerRowOut(Schema):
    referrer_id: int
    referrer_name: str
    count: int
    value: Decimal = Field(description="order revenue of the customers it referred")
    won_amount: Decimal = Field(description="amounts of the won opportunities of the customers it referred")


class ReferralListQuery(QuerySchema):
    customer_id: int | None = Field(None, description="referrals made or received by this customer")
