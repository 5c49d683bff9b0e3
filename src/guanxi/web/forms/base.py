"""Form helpers shared by the archive forms."""

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.errors import ValidationFailed

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXTAREA = forms.Textarea(attrs={"rows": 3})
SCORE_CHOICES = [("", "—"), *((i, str(i)) for i in range(1, 6))]


def score_field(label: Any, required: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=SCORE_CHOICES, coerce=int, empty_value=None, required=required
    )


EMPTY_CHOICE_LABEL = "—"


class DashedBlankChoices:
    """Label the empty choice of every select with a dash instead of Django's "---------"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dash_blank_choices()

    def dash_blank_choices(self) -> None:
        form: Any = self
        for field in form.fields.values():
            if isinstance(field, forms.ModelChoiceField) and not isinstance(
                field, forms.ModelMultipleChoiceField
            ):
                if field.empty_label is not None:
                    field.empty_label = EMPTY_CHOICE_LABEL
            elif isinstance(field, forms.ChoiceField) and not isinstance(field.widget, forms.RadioSelect):
                choices: list[tuple[Any, Any]] = list(field.choices)  # type: ignore[arg-type]
                field.choices = [
                    (value, EMPTY_CHOICE_LABEL if value == "" else label) for value, label in choices
                ]


class SectionedForm(DashedBlankChoices):
    """A form whose fields are shown in titled groups: ``sections = [(title, [field names])]``."""

    sections: Sequence[tuple[Any, Sequence[str]]] = ()

    def grouped(self) -> list[tuple[Any, list[forms.BoundField]]]:
        form: Any = self
        groups = []
        for title, names in self.sections:
            fields = [form[name] for name in names if name in form.fields]
            if fields:
                groups.append((title, fields))
        return groups


def apply_domain_errors(form: forms.BaseForm, error: ValidationFailed) -> None:
    """Show a service's ValidationFailed on the form: each message next to its field, the rest on top."""
    if not error.details:
        form.add_error(None, str(error.message))
        return
    for name, messages in error.details.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, str(message))


TAG_SEPARATORS = re.compile(r"[,，、;；]")


def split_tags(text: str) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in TAG_SEPARATORS.split(text or "") if t.strip()))


class TagsField(forms.CharField):
    """Tags typed as text separated by commas (Chinese or ASCII)."""

    max_tag_length = 30

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("help_text", _("Separate tags with commas."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        tags = split_tags(super().clean(value))
        too_long = [t for t in tags if len(t) > self.max_tag_length]
        if too_long:
            raise forms.ValidationError(
                _("A tag has at most %(limit)d characters: %(tag)s"),
                params={"limit": self.max_tag_length, "tag": too_long[0]},
                code="tag_too_long",
            )
        return tags
