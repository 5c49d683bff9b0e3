"""Forms of the customer archive: the customer itself, the list filters, needs/competitors/risks/departments."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.validators import normalize_credit_code
from guanxi.customers import choices as c
from guanxi.customers.models import CompetitorPresence, Customer, Department, Need, Risk
from guanxi.customers.selectors import DEFAULT_SORT
from guanxi.governance.scope import owner_candidates

from .base import DATE_WIDGET, TEXTAREA, DashedBlankChoices, SectionedForm, TagsField, score_field

SCORE_FIELDS = (
    "score_purchasing_power",
    "score_cooperation_potential",
    "score_industry_influence",
    "score_cooperation_history",
    "score_loyalty",
)
IDENTITY_FIELDS = (
    "kind",
    "name",
    "short_name",
    "credit_code",
    "industry",
    "employees",
    "revenue_band",
    "founded_on",
    "website",
    "social_accounts",
    "lead_source",
)
ADDRESS_FIELDS = ("province", "city", "district", "street", "branches")
CLASSIFICATION_FIELDS = (
    "grade",
    "grade_reason",
    "status",
    "lifecycle_stage",
    "relationship_level",
    "region",
    "cooperation_since",
)
PURCHASING_FIELDS = (
    "needs_summary",
    "budget_range",
    "budget_cycle",
    "approval_process",
    "procurement_process",
    "purchase_cycle_days",
    "key_milestones",
)
CUSTOMER_FIELDS = (
    *IDENTITY_FIELDS,
    *ADDRESS_FIELDS,
    *CLASSIFICATION_FIELDS,
    *SCORE_FIELDS,
    *PURCHASING_FIELDS,
    "owner",
)


def _with_current(options: list[str], current: str) -> list[tuple[str, str]]:
    values = [*options, current] if current and current not in options else options
    return [("", "—"), *((v, v) for v in values)]


class CustomerForm(SectionedForm, forms.ModelForm):
    """Create or edit a customer's archive; on edit the hidden ``version`` guards against lost updates."""

    sections = (
        (_("Identity"), IDENTITY_FIELDS),
        (_("Address"), ADDRESS_FIELDS),
        (_("Classification"), CLASSIFICATION_FIELDS),
        (_("Value scores (1 low – 5 high)"), SCORE_FIELDS),
        (_("Needs and purchasing"), PURCHASING_FIELDS),
        (_("Owner and tags"), ("owner", "tags")),
    )

    tags = TagsField(label=_("Tags"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Customer
        fields = CUSTOMER_FIELDS
        widgets = {
            "founded_on": DATE_WIDGET,
            "cooperation_since": DATE_WIDGET,
            "branches": TEXTAREA,
            "needs_summary": TEXTAREA,
            "approval_process": TEXTAREA,
            "procurement_process": TEXTAREA,
            "key_milestones": TEXTAREA,
        }

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        for name in SCORE_FIELDS:
            self.fields[name] = score_field(Customer._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
        self.fields["industry"] = forms.ChoiceField(
            label=Customer._meta.get_field("industry").verbose_name,
            required=False,
            choices=_with_current(c.INDUSTRIES, instance.industry),
        )
        self.fields["province"] = forms.ChoiceField(
            label=Customer._meta.get_field("province").verbose_name,
            required=False,
            choices=_with_current(c.PROVINCES, instance.province),
        )
        self.fields["region"].help_text = _("Filled in from the province when left empty.")
        owner = self.fields["owner"]
        owner.queryset = owner_candidates(actor, instance.owner_id)  # type: ignore[attr-defined]
        owner.required = True
        if instance.pk is None:
            self.initial.setdefault("owner", actor.pk)
        else:
            self.initial.setdefault("version", instance.version)
            self.initial.setdefault("tags", ", ".join(t.name for t in instance.tags.all()))

    def clean_credit_code(self) -> str:
        value = self.cleaned_data.get("credit_code") or ""
        return normalize_credit_code(value) if value else ""

    def archive_data(self) -> dict[str, Any]:
        """The archive fields as the services take them."""
        return {name: self.cleaned_data[name] for name in CUSTOMER_FIELDS if name in self.cleaned_data}


SORT_CHOICES = [
    ("-updated", _("Recently updated")),
    ("name", _("Name")),
    ("grade", _("Grade")),
    ("-last_contact", _("Last contact, newest first")),
    ("last_contact", _("Last contact, oldest first")),
]


def _blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class CustomerFilterForm(forms.Form):
    """The customer list's filters; invalid values are ignored rather than refused (it is a GET form)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    grade = forms.ChoiceField(
        label=_("Grade"), required=False, choices=_blank(c.Grade.choices, _("All grades"))
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(c.CustomerStatus.choices, _("All statuses"))
    )
    lifecycle_stage = forms.ChoiceField(
        label=_("Lifecycle stage"), required=False, choices=_blank(c.LifecycleStage.choices, _("All stages"))
    )
    industry = forms.ChoiceField(
        label=_("Industry"),
        required=False,
        choices=_blank([(i, i) for i in c.INDUSTRIES], _("All industries")),
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=_blank(c.Region.choices, _("All regions"))
    )
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=30)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_blank(c.CustomerKind.choices, _("All kinds"))
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, owner_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owner_choices:
            self.fields["owner"].choices = _blank(owner_choices, _("All owners"))  # type: ignore[attr-defined]
        else:
            del self.fields["owner"]
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Name, pinyin initials or phone")}
        )
        self.fields["tag"].widget.attrs["placeholder"] = _("Tag")

    def values(self) -> dict[str, Any]:
        """The valid filter values, with defaults for anything missing or invalid."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        values = {name: cleaned.get(name) or "" for name in self.fields if name not in self.errors}
        values["owner"] = cleaned.get("owner") if "owner" not in self.errors else None
        values["sort"] = values.get("sort") or DEFAULT_SORT
        return values


class NeedForm(DashedBlankChoices, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Need
        fields = ("description", "kind", "priority", "status")


class CompetitorForm(DashedBlankChoices, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CompetitorPresence
        fields = (
            "competitor",
            "products",
            "satisfaction",
            "switch_likelihood",
            "our_strengths",
            "our_weaknesses",
        )
        widgets = {"our_strengths": TEXTAREA, "our_weaknesses": TEXTAREA}


class RiskForm(DashedBlankChoices, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Risk
        fields = ("category", "level", "note")


class DepartmentForm(DashedBlankChoices, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Department
        fields = ("name", "parent")

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = customer.departments.all()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["parent"].label = _("Parent department")


PART_FORMS: dict[str, type[forms.ModelForm]] = {
    "need": NeedForm,
    "competitor": CompetitorForm,
    "risk": RiskForm,
    "department": DepartmentForm,
}
PART_TITLES = {
    "need": _("Needs and pain points"),
    "competitor": _("Competitors"),
    "risk": _("Risks"),
    "department": _("Departments"),
}


def part_form(kind: str, *args: Any, customer: Customer, **kwargs: Any) -> forms.ModelForm:
    """Build the small form of a need, competitor, risk or department."""
    form_class = PART_FORMS[kind]
    kwargs.setdefault("prefix", kind)
    if form_class is DepartmentForm:
        form: forms.ModelForm = DepartmentForm(*args, customer=customer, **kwargs)
    else:
        form = form_class(*args, **kwargs)
    if form.instance.pk:
        form.initial.setdefault("version", form.instance.version)
    return form


def part_data(form: forms.ModelForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form._meta.fields or () if name in form.cleaned_data}
