"""Building blocks shared by every resource's schemas."""

import datetime
from dataclasses import dataclass
from typing import Annotated, Any

from django.db import models
from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

# Free text has no limit in the database; the API still bounds what one request may carry.
LONG_TEXT_MAX = 5000


def _aware(value: datetime.datetime) -> datetime.datetime:
    """Read a time without an offset as Beijing time (the configured zone), never as naive."""
    if timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_current_timezone())
    return value


@dataclass(frozen=True)
class OneOf:
    """Restrict a string to the values of a ``TextChoices`` (and "" when ``blank``), as one enum.

    Used as ``Annotated[str, OneOf(Grade, blank=True)]``: unlike a union of the enum and ``Literal[""]``
    it reports one error under the field's own name and documents one ``enum`` in the schema.
    """

    choices: type[models.TextChoices]
    blank: bool = False

    @property
    def values(self) -> list[str]:
        return [str(v) for v in self.choices.values] + ([""] if self.blank else [])

    def _check(self, value: str) -> str:
        if value not in self.values:
            raise PydanticCustomError("enum", "Input should be one of {expected}", {"expected": self.values})
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> Any:
        json_schema = handler(schema)
        json_schema["enum"] = self.values
        return json_schema


AwareDatetime = Annotated[datetime.datetime, AfterValidator(_aware)]
IdList = Annotated[list[int], Field(max_length=50)]


class WriteSchema(Schema):
    """A request body: only the declared fields, anything else is refused with 400 ``unknown_field``."""

    model_config = ConfigDict(extra="forbid")


class QuerySchema(Schema):
    """Query-string parameters (unknown ones are ignored, as caches and browsers add their own)."""


class SearchQuery(QuerySchema):
    q: str = Field("", max_length=100, description="search text")


class ErrorOut(Schema):
    code: str = Field(description="stable machine-readable code, e.g. validation_error, version_conflict")
    message: str = Field(description="a sentence for people, in the user's language")
    details: dict[str, Any] = Field(description="field -> messages for validation errors; context otherwise")


class UserRef(Schema):
    id: int
    username: str
    display_name: str


class TeamRef(Schema):
    id: int
    name: str


class Page[T](Schema):
    items: list[T]
    count: int = Field(description="rows matching the filters (all pages)")
    page: int
    page_size: int


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Document the error answers of an operation (they are produced by the exception handlers)."""
    return dict.fromkeys((401, *statuses), ErrorOut)
