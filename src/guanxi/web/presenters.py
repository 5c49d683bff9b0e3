"""Turn archive records into label/value rows for pages (profile sections, conflict comparisons)."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

EMPTY = "—"


def display(value: Any, choices: Iterable[tuple[Any, Any]] | None = None) -> str:
    """Render one value as text: choice labels, dates in the user's locale, yes/no, a dash for nothing."""
    if value is None or value == "" or value == []:
        return EMPTY
    if choices:
        labels = {str(key): label for key, label in choices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def field_label(model: type[models.Model], name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))  # type: ignore[union-attr]


def field_display(instance: models.Model, name: str) -> str:
    field = instance._meta.get_field(name)
    if field.is_relation:
        return display(getattr(instance, name))
    return display(getattr(instance, name), getattr(field, "choices", None))


def field_rows(instance: models.Model, names: Iterable[str]) -> list[tuple[str, str]]:
    """Return (label, shown value) for each field that has a value."""
    rows = []
    for name in names:
        shown = field_display(instance, name)
        if shown != EMPTY:
            rows.append((field_label(type(instance), name), shown))
    return rows
