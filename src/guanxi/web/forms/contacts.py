"""The contact (key person) form, with what a rep may not read kept write-only."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from guanxi.customers.models import Contact, Customer
from guanxi.governance.disclosure import MASKED_FIELDS, PRIVATE_FIELDS, mask_value

from .base import TEXTAREA, SectionedForm, score_field

CONTACT_FIELDS = (
    "name",
    "title",
    "department",
    "reports_to",
    "mobile",
    "office_phone",
    "home_phone",
    "email",
    "wechat",
    "preferred_channels",
    "do_not_contact",
    "decision_role",
    "decision_weight",
    "concerns",
    "relationship_status",
    "birthday_calendar",
    "birthday_year",
    "birthday_month",
    "birthday_day",
    "birthday_leap_month",
    "gender",
    "age_band",
    "education",
    "personality",
    "communication_style",
    "hobbies",
    "family_notes",
    "lawful_basis",
    "consent_note",
)
MONTH_CHOICES = [("", "—"), *((m, str(m)) for m in range(1, 13))]
DAY_CHOICES = [("", "—"), *((d, str(d)) for d in range(1, 32))]


class ContactForm(SectionedForm, forms.ModelForm):
    sections = (
        (_("Name and position"), ("name", "title", "department", "reports_to")),
        (
            _("How to reach"),
            (
                "mobile",
                "office_phone",
                "home_phone",
                "email",
                "wechat",
                "preferred_channels",
                "do_not_contact",
            ),
        ),
        (_("Role in decisions"), ("decision_role", "decision_weight", "concerns", "relationship_status")),
        (
            _("Birthday"),
            ("birthday_calendar", "birthday_year", "birthday_month", "birthday_day", "birthday_leap_month"),
        ),
        (
            _("Person"),
            (
                "gender",
                "age_band",
                "education",
                "personality",
                "communication_style",
                "hobbies",
                "family_notes",
            ),
        ),
        (_("Personal information consent"), ("lawful_basis", "consent_note")),
    )

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {"concerns": TEXTAREA, "family_notes": TEXTAREA}

    def __init__(
        self, *args: Any, customer: Customer, colleagues: QuerySet[Contact], full_access: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        instance = self.instance
        self.fields["decision_weight"] = score_field(Contact._meta.get_field("decision_weight").verbose_name)
        self.fields["decision_weight"].help_text = Contact._meta.get_field("decision_weight").help_text
        self.fields["birthday_month"] = forms.TypedChoiceField(
            label=Contact._meta.get_field("birthday_month").verbose_name,
            choices=MONTH_CHOICES,
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.fields["birthday_day"] = forms.TypedChoiceField(
            label=Contact._meta.get_field("birthday_day").verbose_name,
            choices=DAY_CHOICES,
            coerce=int,
            empty_value=None,
            required=False,
        )
        for name in ("mobile", "office_phone", "home_phone"):
            self.fields[name].widget.attrs.update({"type": "tel", "inputmode": "tel"})
        if instance.pk:
            colleagues = colleagues.exclude(pk=instance.pk)
            self.initial.setdefault("version", instance.version)
        self.fields["reports_to"].queryset = colleagues  # type: ignore[attr-defined]
        self.fields["department"].queryset = customer.departments.all()  # type: ignore[attr-defined]
        self.write_only: set[str] = set()
        if instance.pk and not full_access:
            self._make_write_only(instance)

    def _make_write_only(self, instance: Contact) -> None:
        """Show a rep neither the saved personal details nor the full numbers; typing a value replaces it."""
        keep_hint = _("Leave empty to keep the saved value.")
        for name in (*MASKED_FIELDS, *PRIVATE_FIELDS):
            field = self.fields[name]
            self.initial[name] = False if isinstance(field, forms.BooleanField) else None
            saved = getattr(instance, name)
            if name in MASKED_FIELDS and saved:
                field.widget.attrs["placeholder"] = mask_value(saved)
                field.help_text = keep_hint
            elif name in PRIVATE_FIELDS:
                field.help_text = _("Only managers see the saved value. %(hint)s") % {"hint": keep_hint}
            self.write_only.add(name)

    def contact_data(self) -> dict[str, Any]:
        """The fields as the services take them; empty write-only fields keep their saved values."""
        data = {name: self.cleaned_data[name] for name in CONTACT_FIELDS if name in self.cleaned_data}
        for name in self.write_only:
            if data.get(name) in (None, "", False):
                data.pop(name, None)
        return data
