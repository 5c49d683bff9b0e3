"""Interactions (沟通记录) and tasks (待办)."""

import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from guanxi.engagement.models import CadencePurpose, Channel, Direction, Stance, TaskKind, TaskStatus

from .common import LONG_TEXT_MAX, AwareDatetime, IdList, OneOf, QuerySchema, UserRef, WriteSchema

# --- interactions ------------------------------------------------------------------------------------


class ActionItemIn(WriteSchema):
    title: str = Field(min_length=1, max_length=200)
    due_on: datetime.date
    owner_id: int | None = Field(None, description="who does it; left out: you")


class InteractionIn(WriteSchema):
    """The fields of an interaction that can be corrected after it was logged. PUT takes all of them."""

    occurred_at: AwareDatetime
    channel: Annotated[str, OneOf(Channel)]
    direction: Annotated[str, OneOf(Direction)] = Direction.OUTBOUND.value
    topic: str = Field(min_length=1, max_length=200)
    content: str = Field("", max_length=LONG_TEXT_MAX)
    stance: Annotated[str, OneOf(Stance, blank=True)] = ""
    feedback: str = Field("", max_length=LONG_TEXT_MAX)
    agreements: str = Field("", max_length=LONG_TEXT_MAX)
    is_non_sales: bool = Field(False, description="care, greetings and events are counted apart from sales")


class InteractionPatchIn(InteractionIn):
    """The fields to change; anything left out stays as it is."""

    occurred_at: AwareDatetime = Field(None)  # type: ignore[assignment]
    channel: Annotated[str, OneOf(Channel)] = Field(None)  # type: ignore[assignment]
    topic: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]


class InteractionCreateIn(InteractionIn):
    """Log a contact with a customer; action items and the next contact plan become tasks."""

    customer_id: int = Field(description="a customer you can see")
    occurred_at: AwareDatetime | None = Field(None, description="when it happened; left out: now")  # type: ignore[assignment]
    contact_ids: IdList = Field(default_factory=list, description="contacts of this customer who took part")
    participant_ids: IdList = Field(
        default_factory=list, description="our people who took part; left out: you"
    )
    next_contact_on: datetime.date | None = Field(None, description="plan the next contact: a follow-up task")
    next_contact_channel: Annotated[str, OneOf(Channel, blank=True)] = ""
    action_items: list[ActionItemIn] = Field(default_factory=list, max_length=20)


class TaskRef(Schema):
    id: int
    title: str
    due_on: datetime.date
    owner_id: int
    kind: str
    status: str


class InteractionOut(Schema):
    id: int
    version: int
    customer_id: int
    contact_ids: list[int]
    participant_ids: list[int]
    occurred_at: datetime.datetime
    channel: str
    direction: str
    topic: str
    content: str
    stance: str
    feedback: str
    agreements: str
    next_contact_on: datetime.date | None
    next_contact_channel: str
    is_non_sales: bool
    event_id: int | None = Field(None, description="the customer event whose attendance logged it")
    tasks: list[TaskRef]
    created_at: datetime.datetime
    created_by_id: int | None
    updated_at: datetime.datetime

    @staticmethod
    def resolve_contact_ids(obj: Any) -> list[Any]:
        if isinstance(obj, dict):  # a create's answer, already rendered to JSON
            return obj["contact_ids"]
        return [contact.pk for contact in obj.contacts.all()]

    @staticmethod
    def resolve_participant_ids(obj: Any) -> list[Any]:
        if isinstance(obj, dict):  # a create's answer, already rendered to JSON
            return obj["participant_ids"]
        return [user.pk for user in obj.participants.all()]

    @staticmethod
    def resolve_tasks(obj: Any) -> list[Any]:
        if isinstance(obj, dict):  # a create's answer, already rendered to JSON
            return obj["tasks"]
        return list(obj.tasks.all())


class InteractionListQuery(QuerySchema):
    q: str = Field("", max_length=100, description="words in the topic or content")
    customer_id: int | None = None


# --- tasks -------------------------------------------------------------------------------------------


class TaskIn(WriteSchema):
    """The writable fields of a task. PUT takes all of them."""

    title: str = Field(min_length=1, max_length=200)
    due_on: datetime.date
    owner_id: int | None = Field(None, description="left out: you (create) or unchanged (update)")
    kind: Annotated[str, OneOf(TaskKind)] = TaskKind.FOLLOW_UP.value
    result: str = Field("", max_length=LONG_TEXT_MAX)


class TaskCreateIn(TaskIn):
    customer_id: int | None = Field(None, description="a customer you can see")
    contact_id: int | None = Field(None, description="a contact you can see (of that customer)")


class TaskPatchIn(TaskIn):
    """The fields to change; anything left out stays as it is."""

    title: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]
    due_on: datetime.date = Field(None)  # type: ignore[assignment]


class TaskCompleteIn(WriteSchema):
    result: str = Field("", max_length=LONG_TEXT_MAX, description="what came of it")


class TaskSnoozeIn(WriteSchema):
    until: datetime.date = Field(description="a day after today")


class TaskOut(Schema):
    id: int
    version: int
    title: str
    due_on: datetime.date
    owner: UserRef
    customer_id: int | None
    contact_id: int | None
    interaction_id: int | None
    kind: str
    status: str
    result: str
    completed_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class TaskListQuery(QuerySchema):
    mine: bool = Field(True, description="only your own tasks (false: also those on customers you can see)")
    status: Annotated[str, OneOf(TaskStatus, blank=True)] = Field(
        TaskStatus.OPEN.value, description="open (includes snoozed), done, cancelled, snoozed; empty: all"
    )
    customer_id: int | None = None
    q: str = Field("", max_length=100, description="words in the title")


# --- managing cadences and per-customer intervals ----------------------------------------------------


class CadenceStepIn(WriteSchema):
    purpose: Annotated[str, OneOf(CadencePurpose)]
    channel: Annotated[str, OneOf(Channel)]
    title: str = Field(min_length=1, max_length=100)
    template: str = Field("", max_length=LONG_TEXT_MAX, description="the suggested message")
    wait_days_high_intent: int = Field(2, ge=0, le=90)
    wait_days_observing: int = Field(7, ge=0, le=90)


class CadenceIn(WriteSchema):
    """A cadence with all its steps, in order (PUT replaces the steps)."""

    name: str = Field(min_length=1, max_length=60)
    description: str = Field("", max_length=LONG_TEXT_MAX)
    is_active: bool = True
    steps: list[CadenceStepIn] = Field(min_length=1, max_length=12)


class CadenceStepDetailOut(Schema):
    position: int
    purpose: str
    channel: str
    title: str
    template: str
    wait_days_high_intent: int
    wait_days_observing: int


class CadenceDetailOut(Schema):
    id: int
    version: int
    name: str
    description: str
    is_active: bool
    steps: list[CadenceStepDetailOut]
    updated_at: datetime.datetime

    @staticmethod
    def resolve_steps(obj: Any) -> list[Any]:
        if isinstance(obj, dict):  # a create's answer, already rendered to JSON
            return list(obj["steps"])
        return list(obj.steps.all())


class IntervalOverrideIn(WriteSchema):
    interval_days: int | None = Field(
        ge=1, le=3650, description="contact this customer every … days; null: back to its grade's interval"
    )


class IntervalOverrideOut(Schema):
    id: int = Field(description="the customer's id")
    customer_id: int
    customer_name: str
    grade: str
    owner_id: int | None
    interval_days: int | None = Field(description="the customer's own interval; null: its grade's")
    version: int = Field(description="the customer's version (its ETag)")
