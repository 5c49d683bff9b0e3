"""Forms of the sales pages: products, orders with lines, opportunities and their stage moves, contracts,
payment plan items and payments."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from guanxi.governance.scope import owner_candidates
from guanxi.people.models import User
from guanxi.sales import stages
from guanxi.sales.models import Contract, Opportunity, Order, Payment, PaymentPlanItem, Product

from .base import DATE_WIDGET, TEXTAREA, SectionedForm

ORDER_LINE_SLOTS = 5


class ProductForm(SectionedForm, forms.ModelForm):
    sections = ((_("Product"), ("code", "name", "category", "unit_price", "unit_cost")),)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Product
        fields = ("code", "name", "category", "unit_price", "unit_cost")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def validate_unique(self) -> None:  # the service refuses a duplicate code with its own message
        return


class OrderForm(SectionedForm, forms.ModelForm):
    """An order with up to five lines; without an amount the order is worth the sum of its lines."""

    sections = ((_("Order"), ("ordered_on", "amount", "external_ref")),)

    class Meta:
        model = Order
        fields = ("ordered_on", "amount", "external_ref")
        widgets = {"ordered_on": DATE_WIDGET}

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].required = False
        self.fields["amount"].help_text = _("Leave empty to use the sum of the lines.")
        for slot in range(1, ORDER_LINE_SLOTS + 1):
            self.fields[f"line{slot}_product"] = forms.ModelChoiceField(
                label=_("Product"), queryset=products, required=False
            )
            self.fields[f"line{slot}_quantity"] = forms.DecimalField(
                label=_("Quantity"),
                min_value=Decimal("0.001"),
                max_digits=14,
                decimal_places=3,
                required=False,
            )
            self.fields[f"line{slot}_price"] = forms.DecimalField(
                label=_("Unit price"), min_value=Decimal("0"), max_digits=14, decimal_places=2, required=False
            )
        self.dash_blank_choices()

    def line_slots(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"line{n}_product"], self[f"line{n}_quantity"], self[f"line{n}_price"])
            for n in range(1, ORDER_LINE_SLOTS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for slot in range(1, ORDER_LINE_SLOTS + 1):
            product, quantity = cleaned.get(f"line{slot}_product"), cleaned.get(f"line{slot}_quantity")
            if product is not None and quantity is None and f"line{slot}_quantity" not in self.errors:
                self.add_error(f"line{slot}_quantity", _("Enter the quantity."))
        return cleaned

    def lines(self) -> list[dict[str, Any]]:
        result = []
        for slot in range(1, ORDER_LINE_SLOTS + 1):
            product = self.cleaned_data.get(f"line{slot}_product")
            quantity = self.cleaned_data.get(f"line{slot}_quantity")
            if product is None and quantity is None:
                continue
            result.append(
                {
                    "product": product,
                    "quantity": quantity,
                    "unit_price": self.cleaned_data.get(f"line{slot}_price"),
                }
            )
        return result

    def data_for_service(self) -> dict[str, Any]:
        return {
            "ordered_on": self.cleaned_data["ordered_on"],
            "amount": self.cleaned_data.get("amount"),
            "external_ref": self.cleaned_data.get("external_ref", ""),
        }

    def validate_unique(self) -> None:
        return


OPPORTUNITY_FIELDS = (
    "title",
    "owner",
    "amount",
    "probability",
    "expected_close_on",
    "competitors",
    "next_step",
    "background",
    "lost_reason",
)


class OpportunityForm(SectionedForm, forms.ModelForm):
    sections = (
        (
            _("Opportunity"),
            ("customer", "title", "owner", "stage", "amount", "probability", "expected_close_on"),
        ),
        (_("Situation"), ("competitors", "next_step", "background", "lost_reason")),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Opportunity
        fields = ("customer", "stage", *OPPORTUNITY_FIELDS)
        widgets = {
            "expected_close_on": DATE_WIDGET,
            "background": forms.Textarea(attrs={"rows": 4}),
            "competitors": TEXTAREA,
            "lost_reason": TEXTAREA,
        }

    def __init__(self, *args: Any, actor: User, customers: QuerySet | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        editing = bool(self.instance.pk)
        current_owner = self.instance.owner_id if editing else None
        owner_field: Any = self.fields["owner"]
        owner_field.queryset = owner_candidates(actor, current_owner)
        self.fields["owner"].required = False
        self.fields["probability"].required = False
        self.fields["probability"].help_text = _("Empty: the stage's default.")
        if editing:
            del self.fields["customer"]
            del self.fields["stage"]
            self.fields["version"].initial = self.instance.version
            if self.instance.stage != stages.LOST:
                del self.fields["lost_reason"]
        else:
            customer_field: Any = self.fields["customer"]
            customer_field.queryset = customers if customers is not None else customer_field.queryset.none()
            self.fields["stage"].choices = [(s.code, s.label) for s in stages.STAGES]  # type: ignore[attr-defined]
            self.fields["lost_reason"].help_text = _("Required when the opportunity is lost.")
            self.initial.setdefault("owner", actor.pk)
        self.dash_blank_choices()

    def data_for_service(self) -> dict[str, Any]:
        names = [n for n in (*OPPORTUNITY_FIELDS, "stage") if n in self.fields]
        data = {n: self.cleaned_data.get(n) for n in names}
        if data.get("owner") is None:
            data.pop("owner", None)
        return data

    def _post_clean(self) -> None:  # the service validates; the model's checks need the customer first
        return


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to"), choices=stages.CHOICES)
    lost_reason = forms.CharField(label=_("Lost reason"), required=False, max_length=2000, widget=TEXTAREA)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    next = forms.CharField(widget=forms.HiddenInput, required=False)


class OpportunityFilterForm(forms.Form):
    """Owner and team filters; offered to managers and the director (a rep sees only their own anyway)."""

    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, empty_value=None, required=False)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, empty_value=None, required=False)

    def __init__(
        self, *args: Any, owners: list[tuple[int, str]], teams: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—"), *owners]  # type: ignore[attr-defined]
        self.fields["team"].choices = [("", "—"), *teams]  # type: ignore[attr-defined]

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) if self.is_valid() else None


class ForecastFilterForm(OpportunityFilterForm):
    start = forms.DateField(
        label=_("From month"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    months = forms.TypedChoiceField(
        label=_("Months"),
        choices=[(3, "3"), (6, "6"), (12, "12")],
        coerce=int,
        required=False,
        empty_value=None,
    )


CONTRACT_FIELDS = (
    "number",
    "title",
    "opportunity",
    "owner",
    "status",
    "signed_on",
    "starts_on",
    "ends_on",
    "amount",
    "renewal_lead_days",
)


class ContractForm(SectionedForm, forms.ModelForm):
    sections = (
        (_("Contract"), ("customer", "number", "title", "opportunity", "owner", "status", "amount")),
        (_("Dates"), ("signed_on", "starts_on", "ends_on", "renewal_lead_days")),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contract
        fields = ("customer", *CONTRACT_FIELDS)
        widgets = {"signed_on": DATE_WIDGET, "starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}

    def __init__(
        self,
        *args: Any,
        actor: User,
        customers: QuerySet | None = None,
        opportunities: QuerySet | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        editing = bool(self.instance.pk)
        owner_field: Any = self.fields["owner"]
        owner_field.queryset = owner_candidates(actor, self.instance.owner_id if editing else None)
        self.fields["owner"].required = False
        opportunity_field: Any = self.fields["opportunity"]
        opportunity_field.queryset = (
            opportunities if opportunities is not None else Opportunity.objects.none()
        )
        self.fields["renewal_lead_days"].help_text = _("Empty: the default of 60 days.")
        if editing:
            del self.fields["customer"]
            self.fields["version"].initial = self.instance.version
        else:
            customer_field: Any = self.fields["customer"]
            customer_field.queryset = customers if customers is not None else customer_field.queryset.none()
        self.dash_blank_choices()

    def data_for_service(self) -> dict[str, Any]:
        data = {n: self.cleaned_data.get(n) for n in CONTRACT_FIELDS}
        if data.get("owner") is None:
            data.pop("owner", None)
        return data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return cleaned

    def _post_clean(self) -> None:
        return


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = PaymentPlanItem
        fields = ("due_on", "amount", "note")
        widgets = {"due_on": DATE_WIDGET}


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ("received_on", "amount", "method", "reference")
        widgets = {"received_on": DATE_WIDGET}
