"""Customers and contacts (SPEC §2)."""

import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from guanxi.customers import choices as c

from .common import LONG_TEXT_MAX, OneOf, Page, QuerySchema, UserRef, WriteSchema

Score = Annotated[int | None, Field(ge=1, le=5)]

# --- customers ---------------------------------------------------------------------------------------


class CustomerIn(WriteSchema):
    """Every writable customer field. POST and PUT take this; PUT resets fields it leaves out."""

    kind: Annotated[str, OneOf(c.CustomerKind)] = c.CustomerKind.COMPANY.value
    name: str = Field(min_length=1, max_length=120)
    short_name: str = Field("", max_length=60)
    credit_code: str = Field(
        "", max_length=40, description="统一社会信用代码; spaces and full-width are normalised"
    )
    industry: str = Field("", max_length=40)
    employees: int | None = Field(None, ge=0)
    revenue_band: Annotated[str, OneOf(c.RevenueBand, blank=True)] = ""
    founded_on: datetime.date | None = None
    website: str = Field("", max_length=200)
    social_accounts: str = Field("", max_length=200)
    province: str = Field("", max_length=20)
    city: str = Field("", max_length=30)
    district: str = Field("", max_length=30)
    street: str = Field("", max_length=200)
    branches: str = Field("", max_length=LONG_TEXT_MAX)
    lead_source: Annotated[str, OneOf(c.LeadSource, blank=True)] = ""
    referred_by_id: int | None = Field(None, description="a customer you can see")
    owner_id: int | None = Field(
        None,
        description="a user you may hand customers to; left out: yourself (create) or unchanged (update)",
    )
    tags: list[Annotated[str, Field(max_length=30)]] = Field(default_factory=list, max_length=50)
    grade: Annotated[str, OneOf(c.Grade, blank=True)] = ""
    grade_reason: str = Field("", max_length=200)
    score_purchasing_power: Score = None
    score_cooperation_potential: Score = None
    score_industry_influence: Score = None
    score_cooperation_history: Score = None
    score_loyalty: Score = None
    status: Annotated[str, OneOf(c.CustomerStatus)] = c.CustomerStatus.POTENTIAL.value
    lifecycle_stage: Annotated[str, OneOf(c.LifecycleStage, blank=True)] = ""
    relationship_level: Annotated[str, OneOf(c.RelationshipLevel, blank=True)] = ""
    region: Annotated[str, OneOf(c.Region, blank=True)] = ""
    cooperation_since: datetime.date | None = None
    needs_summary: str = Field("", max_length=LONG_TEXT_MAX)
    budget_range: str = Field("", max_length=60)
    budget_cycle: str = Field("", max_length=60)
    approval_process: str = Field("", max_length=LONG_TEXT_MAX)
    procurement_process: str = Field("", max_length=LONG_TEXT_MAX)
    purchase_cycle_days: int | None = Field(None, ge=0, le=36500)
    key_milestones: str = Field("", max_length=LONG_TEXT_MAX)


class CustomerPatchIn(CustomerIn):
    """The fields to change; anything left out stays as it is."""

    name: str = Field(None, min_length=1, max_length=120)  # type: ignore[assignment]


class CustomerOut(Schema):
    id: int
    version: int
    kind: str
    name: str
    short_name: str
    credit_code: str
    industry: str
    employees: int | None
    revenue_band: str
    founded_on: datetime.date | None
    website: str
    social_accounts: str
    province: str
    city: str
    district: str
    street: str
    branches: str
    lead_source: str
    referred_by_id: int | None
    owner: UserRef | None
    collaborators: list[UserRef]
    tags: list[str]
    grade: str
    grade_reason: str
    score_purchasing_power: int | None
    score_cooperation_potential: int | None
    score_industry_influence: int | None
    score_cooperation_history: int | None
    score_loyalty: int | None
    status: str
    lifecycle_stage: str
    relationship_level: str
    region: str
    cooperation_since: datetime.date | None
    needs_summary: str
    budget_range: str
    budget_cycle: str
    approval_process: str
    procurement_process: str
    purchase_cycle_days: int | None
    key_milestones: str
    last_contact_at: datetime.datetime | None
    last_verified_at: datetime.datetime | None
    created_at: datetime.datetime
    created_by_id: int | None
    updated_at: datetime.datetime
    updated_by_id: int | None

    @staticmethod
    def resolve_tags(obj: Any) -> list[Any]:
        if isinstance(obj, dict):  # a create's answer, already rendered to JSON
            return obj["tags"]
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_collaborators(obj: Any) -> list[Any]:
        if isinstance(obj, dict):  # a create's answer, already rendered to JSON
            return obj["collaborators"]
        return list(obj.collaborators.all())


class CustomerListQuery(QuerySchema):
    q: str = Field(
        "", max_length=100, description="name, short name, pinyin or initials, contact name or phone"
    )
    grade: Annotated[str, OneOf(c.Grade, blank=True)] = ""
    status: Annotated[str, OneOf(c.CustomerStatus, blank=True)] = ""
    lifecycle_stage: Annotated[str, OneOf(c.LifecycleStage, blank=True)] = ""
    industry: str = Field("", max_length=40)
    region: Annotated[str, OneOf(c.Region, blank=True)] = ""
    owner: int | None = Field(None, description="owner's user id")
    tag: str = Field("", max_length=30)
    kind: Annotated[str, OneOf(c.CustomerKind, blank=True)] = ""
    sort: str = Field("-updated", pattern=r"^(name|-updated|grade|-last_contact|last_contact)$")


# --- contacts ----------------------------------------------------------------------------------------


class ContactIn(WriteSchema):
    """Every writable contact field. PUT resets the fields it leaves out."""

    name: str = Field(min_length=1, max_length=60)
    title: str = Field("", max_length=60)
    department_id: int | None = Field(None, description="a department of the same customer")
    mobile: str = Field("", max_length=30)
    office_phone: str = Field("", max_length=30)
    home_phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    wechat: str = Field("", max_length=20)
    decision_role: Annotated[str, OneOf(c.DecisionRole, blank=True)] = ""
    decision_weight: Score = None
    concerns: str = Field("", max_length=LONG_TEXT_MAX)
    reports_to_id: int | None = Field(None, description="a contact of the same customer")
    birthday_calendar: Annotated[str, OneOf(c.CalendarKind)] = c.CalendarKind.SOLAR.value
    birthday_year: int | None = Field(None, ge=1900, le=2100)
    birthday_month: int | None = Field(None, ge=1, le=12)
    birthday_day: int | None = Field(None, ge=1, le=31)
    birthday_leap_month: bool = False
    gender: Annotated[str, OneOf(c.Gender, blank=True)] = ""
    age_band: Annotated[str, OneOf(c.AgeBand, blank=True)] = ""
    education: str = Field("", max_length=200)
    personality: str = Field("", max_length=200)
    communication_style: Annotated[str, OneOf(c.CommunicationStyle, blank=True)] = ""
    hobbies: str = Field("", max_length=200)
    family_notes: str = Field("", max_length=LONG_TEXT_MAX)
    relationship_status: Annotated[str, OneOf(c.RelationshipStatus)] = (
        c.RelationshipStatus.NOT_ESTABLISHED.value
    )
    preferred_channels: str = Field("", max_length=100)
    do_not_contact: bool = False
    lawful_basis: Annotated[str, OneOf(c.LawfulBasis)] = c.LawfulBasis.CONTRACT.value


class ContactCreateIn(ContactIn):
    customer_id: int = Field(description="a customer you can see")


class ContactPatchIn(ContactIn):
    """The fields to change; anything left out stays as it is."""

    name: str = Field(None, min_length=1, max_length=60)  # type: ignore[assignment]


class ContactRestrictedOut(Schema):
    """A contact as a rep sees it: phones, e-mail and WeChat masked; no birthday or family notes."""

    id: int
    version: int
    customer_id: int
    name: str
    title: str
    department_id: int | None
    mobile: str
    office_phone: str
    home_phone: str
    email: str
    wechat: str
    decision_role: str
    decision_weight: int | None
    concerns: str
    reports_to_id: int | None
    birthday_calendar: str
    gender: str
    age_band: str
    education: str
    personality: str
    communication_style: str
    hobbies: str
    relationship_status: str
    preferred_channels: str
    do_not_contact: bool
    lawful_basis: str
    consent_note: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ContactOut(ContactRestrictedOut):
    """A contact's full archive, for managers, the director and the archive administrator."""

    birthday_year: int | None
    birthday_month: int | None
    birthday_day: int | None
    birthday_leap_month: bool
    family_notes: str


# Which of the two a caller gets depends on their role; the full one is tried first.
ContactView = Annotated[ContactOut | ContactRestrictedOut, Field(union_mode="left_to_right")]


class ContactPage(Page[ContactView]):
    """A page of contacts, each as the caller may read it."""


class ContactListQuery(QuerySchema):
    q: str = Field("", max_length=100, description="name, pinyin or initials, or part of a mobile number")
    customer_id: int | None = None


__all__ = [
    "ContactCreateIn",
    "ContactIn",
    "ContactListQuery",
    "ContactOut",
    "ContactPage",
    "ContactPatchIn",
    "ContactRestrictedOut",
    "ContactView",
    "CustomerIn",
    "CustomerListQuery",
    "CustomerOut",
    "CustomerPatchIn",
]
