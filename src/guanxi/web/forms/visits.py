"""Forms of visit plans: a plan's month, a planned visit, the manager's decision, the visit report."""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.customers.models import Contact, Customer
from guanxi.visits.models import Achieved, Purpose, TargetType
from guanxi.visits.services import Commitment, first_of_month, next_month

from .base import DATE_WIDGET, DATETIME_WIDGET, TEXTAREA, DashedBlankChoices

MAX_COMMITMENTS = 10


class PlanCreateForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this = first_of_month(timezone.localdate())
        upcoming = next_month(this)
        self.fields["month"].choices = [(m.strftime("%Y-%m"), m.strftime("%Y-%m")) for m in (upcoming, this)]  # type: ignore[attr-defined]
        self.fields["month"].initial = upcoming.strftime("%Y-%m")

    def clean_month(self) -> datetime.date:
        return datetime.datetime.strptime(self.cleaned_data["month"], "%Y-%m").date()


class VisitItemForm(DashedBlankChoices, forms.Form):
    """A planned visit. The contacts offered are those of the chosen customer."""

    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"),
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    planned_date = forms.DateField(label=_("Visit date"), widget=DATE_WIDGET)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=[("", "—"), *Purpose.choices])
    target_type = forms.ChoiceField(label=_("Visiting"), choices=[("", "—"), *TargetType.choices])
    objective = forms.CharField(
        label=_("Objective"),
        max_length=2000,
        widget=TEXTAREA,
        help_text=_("What must this visit achieve? The report compares the result with it."),
    )
    materials = forms.CharField(
        label=_("Materials to bring"), max_length=2000, required=False, widget=TEXTAREA
    )
    expense_estimate = forms.DecimalField(
        label=_("Expense estimate (CNY)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, customers: QuerySet[Customer], customer: Customer | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers.order_by("name")  # type: ignore[attr-defined]
        # ``customer`` comes from the caller's visible customers; its contacts are visible with it.
        contacts = customer.contacts.all() if customer is not None else Contact.objects.none()
        self.fields["contacts"].queryset = contacts.order_by("name")  # type: ignore[attr-defined]

    def item_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "planned_date": data["planned_date"],
            "purpose": data["purpose"],
            "target_type": data["target_type"],
            "objective": data["objective"].strip(),
            "materials": data["materials"].strip(),
            "expense_estimate": data["expense_estimate"],
        }


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the rep change?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Say what the rep should change: a comment is required to return a plan.")
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ApproveForm(forms.Form):
    comment = forms.CharField(label=_("Comment (optional)"), max_length=2000, required=False, widget=TEXTAREA)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VisitReportForm(forms.Form):
    visited_at = forms.DateTimeField(label=_("Visited at"), widget=DATETIME_WIDGET)
    result = forms.CharField(
        label=_("Actual result"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What actually came of the visit, measured against the objective."),
    )
    achieved = forms.ChoiceField(
        label=_("Objective achieved?"), choices=Achieved.choices, widget=forms.RadioSelect
    )
    why_not = forms.CharField(
        label=_("Why not (fully) achieved"),
        max_length=2000,
        required=False,
        widget=TEXTAREA,
        help_text=_("Required when the objective was achieved only partly or not at all."),
    )
    commitments = forms.CharField(
        label=_("Commitments made to the customer"),
        max_length=2000,
        required=False,
        widget=TEXTAREA,
        help_text=_("One per line; each becomes a task for you, due on the date below."),
    )
    commitments_due_on = forms.DateField(label=_("Commitments due on"), required=False, widget=DATE_WIDGET)
    next_steps = forms.CharField(label=_("Next steps"), max_length=2000, required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, planned_date: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        now = timezone.localtime().replace(second=0, microsecond=0)
        visited = (
            now
            if planned_date >= now.date()
            else now.replace(
                year=planned_date.year, month=planned_date.month, day=planned_date.day, hour=10, minute=0
            )
        )
        self.fields["visited_at"].initial = visited
        self.fields["commitments_due_on"].initial = max(now.date(), planned_date) + datetime.timedelta(days=7)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lines = [line.strip() for line in (data.get("commitments") or "").splitlines() if line.strip()]
        if len(lines) > MAX_COMMITMENTS:
            self.add_error("commitments", _("List at most %(n)d commitments.") % {"n": MAX_COMMITMENTS})
        if lines and not data.get("commitments_due_on"):
            self.add_error("commitments_due_on", _("Give the date the commitments are due."))
        if (
            data.get("achieved")
            and data["achieved"] != Achieved.YES
            and not (data.get("why_not") or "").strip()
        ):
            self.add_error("why_not", _("Explain why the objective was not fully achieved."))
        return data

    def commitment_list(self) -> list[Commitment]:
        due = self.cleaned_data.get("commitments_due_on")
        lines = [line.strip() for line in (self.cleaned_data.get("commitments") or "").splitlines()]
        return [Commitment(title=line[:200], due_on=due) for line in lines if line and due]

    def report_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data.get(k) for k in ("visited_at", "result", "achieved", "why_not", "next_steps")}


class ComplianceMonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
