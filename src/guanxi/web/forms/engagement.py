"""Forms for logging an interaction (with its action items and archive updates) and working on tasks."""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import Interaction
from guanxi.engagement.services import ActionItem

from .base import DATE_WIDGET, DATETIME_WIDGET, TEXTAREA, DashedBlankChoices, SectionedForm

ACTION_ITEM_SLOTS = 3
ARCHIVE_FIELDS = ("status", "lifecycle_stage", "relationship_level", "needs_summary")


class InteractionForm(SectionedForm, forms.ModelForm):
    """What happened, what was agreed, what comes next: up to three action items and the next contact."""

    sections = (
        (_("The contact"), ("occurred_at", "channel", "direction", "contacts", "topic", "is_non_sales")),
        (_("What was said"), ("content", "stance", "feedback", "agreements")),
    )

    class Meta:
        model = Interaction
        fields = (
            "occurred_at",
            "channel",
            "direction",
            "contacts",
            "topic",
            "content",
            "stance",
            "feedback",
            "agreements",
            "next_contact_on",
            "next_contact_channel",
            "is_non_sales",
        )
        widgets = {
            "occurred_at": DATETIME_WIDGET,
            "next_contact_on": DATE_WIDGET,
            "content": forms.Textarea(attrs={"rows": 4}),
            "feedback": TEXTAREA,
            "agreements": TEXTAREA,
            "contacts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, contacts: QuerySet[Contact], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["contacts"].queryset = contacts  # type: ignore[attr-defined]
        self.fields["contacts"].required = False
        self.fields["channel"].initial = "phone"
        for slot in range(1, ACTION_ITEM_SLOTS + 1):
            self.fields[f"item{slot}_title"] = forms.CharField(
                label=_("Action item %(number)d") % {"number": slot}, max_length=200, required=False
            )
            self.fields[f"item{slot}_due"] = forms.DateField(
                label=_("Due on"), required=False, widget=DATE_WIDGET
            )

    def action_item_slots(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"item{n}_title"], self[f"item{n}_due"]) for n in range(1, ACTION_ITEM_SLOTS + 1)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for slot in range(1, ACTION_ITEM_SLOTS + 1):
            title, due = cleaned.get(f"item{slot}_title"), cleaned.get(f"item{slot}_due")
            if title and not due and f"item{slot}_due" not in self.errors:
                self.add_error(f"item{slot}_due", _("Give the action item a due date."))
            if due and not title:
                self.add_error(f"item{slot}_title", _("Say what has to be done."))
        if cleaned.get("next_contact_channel") and not cleaned.get("next_contact_on"):
            self.add_error("next_contact_on", _("Choose the day of the next contact."))
        return cleaned

    def interaction_data(self) -> dict[str, Any]:
        names = [n for n in self._meta.fields or () if n != "contacts"]
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}

    def action_items(self) -> list[ActionItem]:
        items = []
        for slot in range(1, ACTION_ITEM_SLOTS + 1):
            title = self.cleaned_data.get(f"item{slot}_title")
            due: datetime.date | None = self.cleaned_data.get(f"item{slot}_due")
            if title and due:
                items.append(ActionItem(title=title, due_on=due))
        return items


class ArchiveChangesForm(DashedBlankChoices, forms.Form):
    """A few archive fields updated in the same flow as the interaction (SPEC §4.1)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "archive")
        kwargs["initial"] = {name: getattr(customer, name) for name in ARCHIVE_FIELDS} | {
            "version": customer.version
        }
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(Customer, fields=ARCHIVE_FIELDS, widgets={"needs_summary": TEXTAREA})
        )
        self.dash_blank_choices()

    def changes(self) -> dict[str, Any]:
        """Only the fields the user changed, so an untouched archive is not rewritten."""
        changes = {}
        for name in ARCHIVE_FIELDS:
            value = (self.cleaned_data.get(name) or "").replace("\r\n", "\n")
            if value != (self.initial.get(name) or ""):
                changes[name] = value
        return changes


class TaskCompleteForm(forms.Form):
    result = forms.CharField(label=_("Result"), max_length=2000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result"].widget.attrs["placeholder"] = _("What came of it?")


class TaskSnoozeForm(forms.Form):
    until = forms.DateField(label=_("Snooze until"), widget=DATE_WIDGET)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
