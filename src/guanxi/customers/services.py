"""Writes on the customer archive. Each runs in one transaction with its audit rows."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import ValidationFailed
from guanxi.core.text import pinyin_key
from guanxi.core.validators import normalize_credit_code, normalize_phone, to_halfwidth
from guanxi.governance.audit import audit_record
from guanxi.governance.records import record_create, record_soft_delete, record_update
from guanxi.governance.scope import can_own_customers
from guanxi.people.models import User

from .choices import PROVINCE_REGION
from .models import PART_MODELS, Contact, Customer, CustomerPart, Tag

PHONE_FIELDS = ("mobile", "office_phone", "home_phone")


def _owner_or_refuse(actor: User, owner: Any) -> None:
    if not can_own_customers(actor, owner):
        raise ValidationFailed(
            _("You cannot hand this customer to that user."),
            code="owner_not_allowed",
            details={"owner": [_("You cannot hand this customer to that user.")]},
        )


def _prepare_customer(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    if cleaned.get("credit_code"):
        cleaned["credit_code"] = normalize_credit_code(cleaned["credit_code"])
    for text_field in ("name", "short_name"):
        if isinstance(cleaned.get(text_field), str):
            cleaned[text_field] = to_halfwidth(cleaned[text_field]).strip()
    if cleaned.get("province") and not cleaned.get("region"):
        region = PROVINCE_REGION.get(cleaned["province"])
        if region:
            cleaned["region"] = region
    return cleaned


def _search_key(name: str, short_name: str = "") -> str:
    return f"{pinyin_key(name)} {pinyin_key(short_name)}".strip()


@transaction.atomic
def customer_create(
    *, actor: User, data: Mapping[str, Any], tags: Iterable[str] = (), collaborators: Iterable[User] = ()
) -> Customer:
    """Create a customer owned by ``data['owner']`` (the actor when not given).

    Raise ValidationFailed for invalid fields or an owner the actor may not choose.
    """
    cleaned = _prepare_customer(data)
    owner = cleaned.pop("owner", None) or actor
    _owner_or_refuse(actor, owner)
    customer = Customer(**cleaned, owner=owner)
    customer.search_pinyin = _search_key(customer.name, customer.short_name)
    record_create(instance=customer, actor=actor)
    _set_tags(customer, tags)
    if collaborators:
        customer.collaborators.set(list(collaborators))
    return customer


@transaction.atomic
def customer_update(
    *,
    actor: User,
    customer: Customer,
    data: Mapping[str, Any],
    expected_version: int | None,
    tags: Iterable[str] | None = None,
) -> Customer:
    """Change archive fields; refuse a stale version (VersionConflict) or an owner outside the actor's rights."""
    cleaned = _prepare_customer(data)
    if "owner" in cleaned and cleaned["owner"] != customer.owner:
        _owner_or_refuse(actor, cleaned["owner"])
    if (
        "lifecycle_stage" in cleaned
        and "lifecycle_stage_locked" not in cleaned
        and cleaned["lifecycle_stage"] != customer.lifecycle_stage
    ):
        # A stage chosen by hand wins over the nightly inference until someone releases it.
        cleaned["lifecycle_stage_locked"] = bool(cleaned["lifecycle_stage"])
    if "name" in cleaned or "short_name" in cleaned:
        cleaned["search_pinyin"] = _search_key(
            cleaned.get("name", customer.name), cleaned.get("short_name", customer.short_name)
        )
    customer = record_update(instance=customer, actor=actor, data=cleaned, expected_version=expected_version)
    if tags is not None:
        before = sorted(customer.tags.values_list("name", flat=True))
        _set_tags(customer, tags)
        after = sorted(customer.tags.values_list("name", flat=True))
        if before != after:
            audit_record(
                actor=actor,
                action="update",
                obj=customer,
                before={"tags": ",".join(before)},
                after={"tags": ",".join(after)},
            )
    return customer


def _set_tags(customer: Customer, names: Iterable[str]) -> None:
    wanted = [n.strip()[:30] for n in names if n and n.strip()]
    tags = [Tag.objects.get_or_create(name=name)[0] for name in dict.fromkeys(wanted)]
    customer.tags.set(tags)


def customer_delete(*, actor: User, customer: Customer, expected_version: int | None) -> Customer:
    """Move a customer to the recycle bin (soft delete)."""
    return record_soft_delete(instance=customer, actor=actor, expected_version=expected_version)


def _prepare_contact(
    customer: Customer, data: Mapping[str, Any], contact: Contact | None = None
) -> dict[str, Any]:
    cleaned = dict(data)
    errors: dict[str, list[str]] = {}
    for field in PHONE_FIELDS:
        value = cleaned.get(field)
        if value:
            try:
                cleaned[field] = normalize_phone(value)
            except DjangoValidationError as exc:
                errors[field] = [str(m) for m in exc.messages]
    if isinstance(cleaned.get("name"), str):
        cleaned["name"] = to_halfwidth(cleaned["name"]).strip()
    boss = cleaned.get("reports_to")
    if boss is not None:
        if boss.customer_id != customer.pk:
            errors["reports_to"] = [_("A contact can only report to someone at the same customer.")]
        elif contact is not None and _would_cycle(contact, boss):
            errors["reports_to"] = [_("This would make a reporting loop.")]
    department = cleaned.get("department")
    if department is not None and department.customer_id != customer.pk:
        errors["department"] = [_("Choose a department of this customer.")]
    if cleaned.get("birthday_calendar") == "solar" and cleaned.get("birthday_leap_month"):
        errors["birthday_leap_month"] = [_("Only a lunar date can be in a leap month.")]
    year = cleaned.get("birthday_year")
    if year is not None and not 1900 <= year <= timezone.localdate().year:
        errors["birthday_year"] = [_("Enter a birth year between 1900 and this year.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    if "name" in cleaned:
        cleaned["search_pinyin"] = pinyin_key(cleaned["name"])
    return cleaned


def _would_cycle(contact: Contact, boss: Contact) -> bool:
    seen = {contact.pk}
    node: Contact | None = boss
    while node is not None:
        if node.pk in seen:
            return True
        seen.add(node.pk)
        node = node.reports_to
    return False


@transaction.atomic
def contact_create(*, actor: User, customer: Customer, data: Mapping[str, Any]) -> Contact:
    """Add a key person to a customer's archive."""
    cleaned = _prepare_contact(customer, data)
    contact = Contact(customer=customer, **cleaned)
    return record_create(instance=contact, actor=actor)


@transaction.atomic
def contact_update(
    *, actor: User, contact: Contact, data: Mapping[str, Any], expected_version: int | None
) -> Contact:
    cleaned = _prepare_contact(contact.customer, data, contact)
    return record_update(instance=contact, actor=actor, data=cleaned, expected_version=expected_version)


def contact_delete(*, actor: User, contact: Contact, expected_version: int | None) -> Contact:
    return record_soft_delete(instance=contact, actor=actor, expected_version=expected_version)


@transaction.atomic
def customer_part_create(
    *, actor: User, customer: Customer, kind: str, data: Mapping[str, Any]
) -> CustomerPart:
    """Add a need, competitor, risk or department to a customer's archive (``kind`` names which)."""
    model = PART_MODELS[kind]
    cleaned = dict(data)
    parent = cleaned.get("parent")
    if kind == "department" and parent is not None and parent.customer_id != customer.pk:
        raise ValidationFailed(
            _("Choose a department of this customer."),
            details={"parent": [_("Choose a department of this customer.")]},
        )
    return record_create(instance=model(customer=customer, **cleaned), actor=actor)


@transaction.atomic
def customer_part_update(
    *, actor: User, part: CustomerPart, data: Mapping[str, Any], expected_version: int | None
) -> CustomerPart:
    return record_update(instance=part, actor=actor, data=data, expected_version=expected_version)


def customer_part_delete(*, actor: User, part: CustomerPart, expected_version: int | None) -> CustomerPart:
    return record_soft_delete(instance=part, actor=actor, expected_version=expected_version)
