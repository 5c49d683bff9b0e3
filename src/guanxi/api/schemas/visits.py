"""Visit plans (拜访计划), their planned visits and visit reports."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from guanxi.visits.models import Achieved, ItemStatus, PlanStatus, Purpose, TargetType

from .common import AwareDatetime, IdList, OneOf, QuerySchema, UserRef, WriteSchema


class PlanCreateIn(WriteSchema):
    month: datetime.date = Field(description="any day of the month to plan; this month or later")


class PlanDecisionIn(WriteSchema):
    comment: str = Field("", max_length=2000, description="required to return a plan")


class VisitPlanListQuery(QuerySchema):
    month: datetime.date | None = Field(None, description="any day of the month")
    owner_id: int | None = None
    status: Annotated[str, OneOf(PlanStatus, blank=True)] = ""


class ItemIn(WriteSchema):
    customer_id: int = Field(description="a customer you can see")
    contact_ids: IdList = Field(default_factory=list, description="contacts of this customer to meet")
    planned_date: datetime.date
    purpose: Annotated[str, OneOf(Purpose)]
    target_type: Annotated[str, OneOf(TargetType)]
    objective: str = Field(min_length=1, max_length=2000)
    materials: str = Field("", max_length=2000)
    expense_estimate: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)


class ItemPatchIn(WriteSchema):
    """The fields to change; anything left out stays as it is."""

    customer_id: int | None = None
    contact_ids: IdList | None = None
    planned_date: datetime.date | None = None
    purpose: Annotated[str, OneOf(Purpose)] | None = None
    target_type: Annotated[str, OneOf(TargetType)] | None = None
    objective: str | None = Field(None, min_length=1, max_length=2000)
    materials: str | None = Field(None, max_length=2000)
    expense_estimate: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)


class CommitmentIn(WriteSchema):
    title: str = Field(min_length=1, max_length=200)
    due_on: datetime.date


class ReportIn(WriteSchema):
    visited_at: AwareDatetime
    result: str = Field(min_length=1, max_length=4000)
    achieved: Annotated[str, OneOf(Achieved)]
    why_not: str = Field("", max_length=2000, description="required unless achieved is yes")
    commitments: list[CommitmentIn] = Field(default_factory=list, max_length=10)
    next_steps: str = Field("", max_length=2000)


class ReportOut(Schema):
    item_id: int
    visited_at: datetime.datetime
    result: str
    achieved: str
    why_not: str
    commitments: str
    next_steps: str
    filed_at: datetime.datetime
    on_time: bool
    interaction_id: int | None


class ItemOut(Schema):
    id: int
    version: int
    plan_id: int
    customer_id: int
    contact_ids: list[int]
    planned_date: datetime.date
    purpose: str
    target_type: str
    objective: str
    materials: str
    expense_estimate: Decimal | None
    status: Annotated[str, OneOf(ItemStatus)]
    reported: bool

    @staticmethod
    def resolve_contact_ids(obj: Any) -> list[Any]:
        if isinstance(obj, dict):
            return obj["contact_ids"]
        return [contact.pk for contact in obj.contacts.all()]

    @staticmethod
    def resolve_reported(obj: Any) -> bool:
        if isinstance(obj, dict):
            return bool(obj["reported"])
        return obj.status == ItemStatus.DONE


class PlanEventOut(Schema):
    action: str
    actor_id: int | None
    comment: str
    at: datetime.datetime


class PlanOut(Schema):
    id: int
    version: int
    owner: UserRef
    month: datetime.date
    status: str
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    decided_by_id: int | None
    closed_at: datetime.datetime | None
    item_count: int

    @staticmethod
    def resolve_item_count(obj: Any) -> int:
        if isinstance(obj, dict):
            return int(obj["item_count"])
        count = getattr(obj, "item_count", None)
        return count if count is not None else obj.items.count()


class PlanDetailOut(PlanOut):
    items: list[ItemOut]
    events: list[PlanEventOut]

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        if isinstance(obj, dict):
            return obj["items"]
        from guanxi.visits.selectors import plan_items

        return list(plan_items(obj))

    @staticmethod
    def resolve_events(obj: Any) -> list[Any]:
        if isinstance(obj, dict):
            return obj["events"]
        return list(obj.events.all())


class ComplianceQuery(QuerySchema):
    month: datetime.date | None = Field(None, description="any day of the month; left out: this month")


class ComplianceRowOut(Schema):
    rep: UserRef
    plan_id: int | None
    plan_status: str
    planned: int
    done: int
    reported_on_time: int
    reported_late: int
    missing: int = Field(description="visits over 24 hours past without a report")


class ComplianceOut(Schema):
    month: datetime.date
    rows: list[ComplianceRowOut]
    late_item_ids: list[int]
