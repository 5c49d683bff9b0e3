"""The "someone saved first" comparison shown when an edit carries a stale version (SPEC §9.2, CD-01)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext as _

from guanxi.governance.disclosure import mask_value

from .presenters import display


@dataclass
class ConflictRow:
    label: str
    yours: str
    saved: str


def _as_text(value: Any, field: forms.Field | None) -> str:
    choices = getattr(field, "choices", None) if not isinstance(field, forms.ModelChoiceField) else None
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet):
        return display([str(v) for v in value])
    return display(value, choices)


def conflict_rows(
    *,
    form: forms.BaseForm,
    submitted: Mapping[str, Any],
    saved: Mapping[str, Any],
    masked: Iterable[str] = (),
    hidden: Iterable[str] = (),
) -> list[ConflictRow]:
    """Compare what the user submitted with the saved record, field by field, keeping only differences.

    ``masked`` saved values are shown masked and ``hidden`` ones not at all (roles without the full archive).
    """
    masked, hidden = set(masked), set(hidden)
    rows = []
    for name, mine in submitted.items():
        field = form.fields.get(name)
        yours = _as_text(mine, field)
        theirs = _as_text(saved.get(name), field)
        if yours == theirs:
            continue
        if name in hidden:
            theirs = _("(hidden)")
        elif name in masked:
            theirs = mask_value(theirs)
        rows.append(ConflictRow(label=str(field.label if field else name), yours=yours, saved=theirs))
    return rows


def saved_values(record: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names if hasattr(record, name)}


def rebase(data: QueryDict, version_field: str, version: int) -> QueryDict:
    """Return the submitted data with the saved version, so the next submit goes on top of it."""
    rebased = data.copy()
    rebased[version_field] = str(version)
    return rebased
