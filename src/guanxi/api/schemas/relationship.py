"""Relationship maintenance: the contact policy, the inbox, cadences, the key-person map, the calendar feed."""

import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from guanxi.customers.choices import Closeness
from guanxi.engagement.models import EnrollmentStatus, IntentLevel, StopReason

from .common import OneOf, QuerySchema, UserRef, WriteSchema
from .people import MeOut as PeopleMeOut

# --- the contact-frequency policy --------------------------------------------------------------------

IntervalDays = Annotated[int, Field(ge=1, le=3650)]
LeadDays = Annotated[int, Field(ge=0, le=60)]


class PolicyIn(WriteSchema):
    """Every setting of the policy (PUT replaces them all)."""

    interval_a_days: IntervalDays = Field(description="contact grade A customers every … days")
    interval_b_days: IntervalDays
    interval_c_days: IntervalDays
    non_sales_counts: bool = Field(description="greetings and care reset the contact clock")
    birthday_lead_days: LeadDays = Field(description="remind of birthdays … days ahead")
    important_date_lead_days: LeadDays
    anniversary_lead_days: LeadDays
    festival_lead_days: LeadDays
    festival_grades: str = Field(
        max_length=10, description='grades greeted at festivals, e.g. "AB"; "" for none'
    )


class PolicyOut(Schema):
    version: int
    interval_a_days: int
    interval_b_days: int
    interval_c_days: int
    non_sales_counts: bool
    birthday_lead_days: int
    important_date_lead_days: int
    anniversary_lead_days: int
    festival_lead_days: int
    festival_grades: str
    updated_at: datetime.datetime
    may_manage: bool = Field(description="whether you may change the policy")


# --- the day's list and care dates -------------------------------------------------------------------


class CareUpcomingQuery(QuerySchema):
    days: int = Field(7, ge=0, le=60, description="how many days ahead, from today")
    mine: bool = Field(True, description="only your own (false: also those of the customers you can see)")


# --- the inbox ---------------------------------------------------------------------------------------


class NotificationListQuery(QuerySchema):
    unread: bool = Field(False, description="only unread messages")


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link_url: str
    task_id: int | None
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class UnreadCountOut(Schema):
    unread: int


class MarkedCountOut(Schema):
    marked: int = Field(description="how many messages were marked read")


# --- cadences ----------------------------------------------------------------------------------------


class CadenceStepOut(Schema):
    position: int
    purpose: str
    channel: str
    title: str
    template: str
    wait_days_high_intent: int
    wait_days_observing: int


class CadenceOut(Schema):
    id: int
    name: str
    description: str
    steps: list[CadenceStepOut]

    @staticmethod
    def resolve_steps(obj: Any) -> list[Any]:
        return list(obj.steps.all())


class EnrollmentListQuery(QuerySchema):
    contact_id: int | None = None
    status: Annotated[str, OneOf(EnrollmentStatus, blank=True)] = Field(
        EnrollmentStatus.ACTIVE.value, description="active, stopped, finished; empty: all"
    )


class EnrollmentIn(WriteSchema):
    cadence_id: int
    contact_id: int = Field(description="a contact you can see")
    intent: Annotated[str, OneOf(IntentLevel)] = Field(description="sets the wait between steps")
    start_on: datetime.date | None = Field(None, description="the first step's day; left out: today")


class EnrollmentStopIn(WriteSchema):
    reason: Annotated[str, OneOf(StopReason)] = StopReason.MANUAL.value
    note: str = Field("", max_length=200)


class EnrollmentOut(Schema):
    id: int
    version: int
    cadence_id: int
    contact_id: int
    customer_id: int
    owner: UserRef
    intent: str
    current_step: int
    next_due_on: datetime.date
    current_task_id: int | None
    status: str
    stop_reason: str
    stop_note: str
    ended_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_customer_id(obj: Any) -> int:
        return int(obj.contact.customer_id)


# --- the key-person map ------------------------------------------------------------------------------


class CounterpartIn(WriteSchema):
    closeness: Annotated[str, OneOf(Closeness)]


class CounterpartOut(Schema):
    contact_id: int
    user_id: int
    closeness: str


class MapCounterpartOut(Schema):
    contact_id: int
    user_id: int
    name: str
    position: str
    closeness: str
    closeness_label: str
    is_active: bool


class MapNodeOut(Schema):
    id: int
    name: str
    title: str
    department: str
    decision_role: str
    decision_role_label: str
    decision_weight: int | None
    relationship_status: str
    relationship_status_label: str
    concerns: str
    reports_to_id: int | None
    parent_id: int | None
    counterparts: list[MapCounterpartOut]


class MapEdgeOut(Schema):
    source: int = Field(description="the manager")
    target: int = Field(description="who reports to them")


class LegendEntryOut(Schema):
    status: str
    label: str
    fill: str
    stroke: str
    text: str
    symbol: str
    is_dashed: bool


class RelationshipMapOut(Schema):
    customer_id: int
    customer_name: str
    nodes: list[MapNodeOut]
    edges: list[MapEdgeOut]
    counterparts: list[MapCounterpartOut]
    roots: list[int]
    ignored_links: list[int] = Field(
        description="contacts whose recorded reports-to was left out of the tree"
    )
    legend: list[LegendEntryOut]


# --- the calendar feed -------------------------------------------------------------------------------


class CalendarFeedOut(Schema):
    url: str = Field(description="the secret feed URL; GET /me shows it again while it is live")
    created_at: datetime.datetime


class MeOut(PeopleMeOut):
    calendar_feed_url: str | None = Field(
        None,
        description=(
            "the secret URL of your calendar feed (absolute); null when you have no live feed. The token is "
            "derived from the server's secret key, so the database holds no usable token"
        ),
    )
