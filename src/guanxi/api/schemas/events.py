"""Customer events (客户活动), their invitations and attendance."""

import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from guanxi.engagement.models import EventKind, InvitationResponse

from .common import LONG_TEXT_MAX, AwareDatetime, OneOf, QuerySchema, UserRef, WriteSchema

InvitationIds = Annotated[list[int], Field(max_length=200)]


class EventIn(WriteSchema):
    """The writable fields of an event. PUT takes all of them."""

    title: str = Field(min_length=1, max_length=200)
    kind: Annotated[str, OneOf(EventKind)] = EventKind.SEMINAR.value
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None = Field(None, description="left out: the same as the start")
    place: str = Field("", max_length=200)
    description: str = Field("", max_length=LONG_TEXT_MAX)
    organiser_id: int | None = Field(None, description="left out: you (create) or unchanged (update)")


class EventPatchIn(EventIn):
    """The fields to change; anything left out stays as it is."""

    title: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]
    starts_at: AwareDatetime = Field(None)  # type: ignore[assignment]


class EventOut(Schema):
    id: int
    version: int
    title: str
    kind: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    description: str
    organiser: UserRef
    status: str
    invited_count: int = Field(description="invitations of customers you can see")
    attended_count: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class EventListQuery(QuerySchema):
    when: Literal["upcoming", "past", "all"] = Field(
        "upcoming", description="upcoming (not ended yet, soonest first), past (latest first) or all"
    )
    mine: bool = Field(False, description="only the events you organise")
    customer_id: int | None = Field(None, description="only events inviting contacts of this customer")
    q: str = Field("", max_length=100, description="words in the title or place")


class InvitationOut(Schema):
    id: int
    event_id: int
    contact_id: int
    contact_name: str
    customer_id: int
    invited_by_id: int | None
    response: str
    attendance: str
    interaction_id: int | None = Field(description="the customer's event interaction while attended")
    created_at: datetime.datetime

    @staticmethod
    def resolve_contact_name(obj: Any) -> str:
        if isinstance(obj, dict):  # a create's answer, already rendered to JSON
            return str(obj["contact_name"])
        return str(obj.contact.name)


class InviteIn(WriteSchema):
    contact_ids: InvitationIds = Field(min_length=1, description="contacts of customers you can see")


class RespondIn(WriteSchema):
    response: Annotated[str, OneOf(InvitationResponse)]


class AttendanceIn(WriteSchema):
    attended: InvitationIds = Field(default_factory=list, description="invitation ids that attended")
    absent: InvitationIds = Field(default_factory=list, description="invitation ids that did not come")


class AttendanceOut(Schema):
    marked: int = Field(description="invitations whose attendance changed")
    interactions_logged: int
    interactions_removed: int
    invitations: list[InvitationOut]
