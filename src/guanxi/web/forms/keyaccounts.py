"""Forms of the key-account pages: account plans, intel reports, referrals."""

import datetime
from typing import Any

from django import forms
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.customers.selectors import customers_visible
from guanxi.keyaccounts.models import Importance, SourceLevel
from guanxi.keyaccounts.services import PLAN_SECTIONS
from guanxi.people.models import User

from .base import DATE_WIDGET, DashedBlankChoices

CUSTOMER_CHOICES_MAX = 300


def customer_choices(
    user: User, *, key_first: bool = True, include: int | None = None
) -> list[tuple[Any, str]]:
    """The customers to pick from: the user's visible ones, grade A and their own first (bounded)."""
    customers = customers_visible(user).annotate(
        rank=Case(
            When(Q(pk=include or 0), then=Value(0)),
            When(Q(owner_id=user.pk) & Q(grade="A"), then=Value(1)),
            When(grade="A", then=Value(2)),
            When(owner_id=user.pk, then=Value(3)),
            default=Value(4),
            output_field=IntegerField(),
        )
    )
    rows = customers.order_by("rank", "name").values_list("pk", "name", "grade")[:CUSTOMER_CHOICES_MAX]
    return [("", "—"), *((pk, f"{name} ({grade})" if grade else name) for pk, name, grade in rows)]


class AccountPlanCreateForm(DashedBlankChoices, forms.Form):
    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, user: User, customer_pk: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year, "customer": customer_pk})
        super().__init__(*args, **kwargs)
        field: Any = self.fields["customer"]
        field.choices = customer_choices(user, include=customer_pk)


SECTION_LABELS = {
    "summary": _("Summary: the goal and our overall view"),
    "customer_situation": _("Customer situation: key persons, recent moves, market, strategy, needs"),
    "goals": _("Goals for the year, with measurable targets"),
    "our_position": _("Our position: relationship history, current business, lifecycle stage"),
    "competition": _("Competitors: their strengths, weaknesses, position and our counter-strategy"),
    "strategy": _("Strategy"),
    "resources": _("Resources needed"),
}


class AccountPlanForm(forms.Form):
    """The text sections; SWOT rows and action rows are read from repeated inputs by the view."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in PLAN_SECTIONS:
            self.fields[name] = forms.CharField(
                label=SECTION_LABELS[name],
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def sections(self) -> list[forms.BoundField]:
        return [self[name] for name in PLAN_SECTIONS]


class PlanDecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class IntelReportForm(DashedBlankChoices, forms.Form):
    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int, required=False, empty_value=None)
    market = forms.CharField(
        label=_("Market or industry"),
        required=False,
        max_length=100,
        help_text=_("When the report is about a market rather than one customer."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("Content"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    source_level = forms.TypedChoiceField(label=_("Source level"), coerce=int, choices=SourceLevel.choices)
    importance = forms.ChoiceField(
        label=_("Importance"), choices=Importance.choices, initial=Importance.NORMAL
    )
    reported_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, user: User, customer_pk: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"reported_on": timezone.localdate(), "customer": customer_pk})
        super().__init__(*args, **kwargs)
        field: Any = self.fields["customer"]
        field.choices = customer_choices(user, include=customer_pk)
        self.dash_blank_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("customer") and not (data.get("market") or "").strip():
            self.add_error("market", _("Choose a customer or name the market this report is about."))
        return data


class IntelFilterForm(DashedBlankChoices, forms.Form):
    source_level = forms.TypedChoiceField(
        label=_("Source level"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), *SourceLevel.choices],
    )
    importance = forms.ChoiceField(
        label=_("Importance"), required=False, choices=[("", "—"), *Importance.choices]
    )
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReferralForm(DashedBlankChoices, forms.Form):
    referrer = forms.TypedChoiceField(label=_("Referred by (customer)"), coerce=int)
    referrer_contact = forms.CharField(
        label=_("Contact who referred"),
        required=False,
        max_length=60,
        help_text=_("Name of a contact of that customer."),
    )
    referred = forms.TypedChoiceField(label=_("Customer referred"), coerce=int)
    referred_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, user: User, customer_pk: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"referred_on": timezone.localdate(), "referred": customer_pk})
        super().__init__(*args, **kwargs)
        choices = customer_choices(user, include=customer_pk)
        for name in ("referrer", "referred"):
            field: Any = self.fields[name]
            field.choices = choices


def parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None
