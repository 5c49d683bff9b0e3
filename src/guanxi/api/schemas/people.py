"""Schemas of the caller and their API tokens."""

import datetime

from ninja import Schema
from pydantic import Field

from .common import TeamRef, WriteSchema


class TokenCreateIn(WriteSchema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)
    name: str = Field("", max_length=100, description="a label to recognise the token by, e.g. 'laptop'")


class TokenOut(Schema):
    token: str = Field(description="the raw token; shown once, only its hash is stored")
    name: str
    prefix: str
    created_at: datetime.datetime


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    team: TeamRef | None
    language: str
