"""Reads of the customer archive, always through the visibility scope."""

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound
from guanxi.core.text import looks_like_phone_fragment
from guanxi.core.validators import to_halfwidth
from guanxi.governance.scope import visible

from .models import PART_MODELS, Contact, Customer

SORTS = {
    "name": ("search_pinyin", "id"),  # pinyin order, as Chinese readers expect
    "-updated": ("-updated_at", "-id"),
    "grade": ("grade", "name", "id"),
    "-last_contact": ("-last_contact_at", "id"),
    "last_contact": ("last_contact_at", "id"),
}
DEFAULT_SORT = "-updated"
MAX_QUERY_LENGTH = 100


@dataclass
class CustomerFilters:
    q: str = ""
    grade: str = ""
    status: str = ""
    lifecycle_stage: str = ""
    industry: str = ""
    region: str = ""
    owner: int | None = None
    tag: str = ""
    kind: str = ""
    sort: str = DEFAULT_SORT
    extra: dict[str, Any] = field(default_factory=dict)


def customers_visible(user: Any) -> QuerySet[Customer]:
    return visible(Customer.objects.all(), user)


def customer_list(*, user: Any, filters: CustomerFilters | None = None) -> QuerySet[Customer]:
    """Return the customers ``user`` may see, filtered and sorted, ready for a list page."""
    filters = filters or CustomerFilters()
    qs = customers_visible(user)
    for name in ("grade", "status", "lifecycle_stage", "industry", "region", "kind"):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{name: value})
    if filters.owner:
        qs = qs.filter(owner_id=filters.owner)
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag)
    if filters.q:
        qs = qs.filter(search_condition(filters.q))
    order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    return qs.select_related("owner").prefetch_related("tags").order_by(*order)


def search_condition(query: str) -> Q:
    """Match a customer by name (Chinese substring), pinyin or initials, or a contact's name or phone."""
    text = to_halfwidth(query).strip()[:MAX_QUERY_LENGTH]
    if not text:
        return Q()
    lowered = text.lower()
    contact_match = Q(name__contains=text)
    if re.fullmatch(r"[a-z]+", lowered):
        contact_match |= Q(search_pinyin__contains=lowered)
    if looks_like_phone_fragment(text):
        digits = re.sub(r"\D", "", text)
        contact_match |= Q(mobile__contains=digits) | Q(office_phone__contains=digits)
    contacts = Contact.objects.filter(contact_match).values("customer_id")
    condition = Q(name__contains=text) | Q(short_name__contains=text) | Q(pk__in=contacts)
    if re.fullmatch(r"[a-z]+", lowered):
        condition |= Q(search_pinyin__contains=lowered)
    return condition


def customer_get_for_user(*, user: Any, pk: Any) -> Customer:
    """Return a customer the user may see, or raise NotFound (never telling hidden from missing)."""
    try:
        return customers_visible(user).select_related("owner", "referred_by").get(pk=int(pk))
    except (Customer.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Customer not found.")) from exc


def contacts_visible(user: Any) -> QuerySet[Contact]:
    return visible(Contact.objects.filter(customer__deleted_at__isnull=True), user, via="customer")


def contact_list(*, user: Any, customer_id: int | None = None, q: str = "") -> QuerySet[Contact]:
    qs = contacts_visible(user).select_related("customer", "reports_to", "department")
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if q:
        text = to_halfwidth(q).strip()[:MAX_QUERY_LENGTH]
        condition = Q(name__contains=text) | Q(search_pinyin__contains=text.lower())
        if looks_like_phone_fragment(text):
            condition |= Q(mobile__contains=re.sub(r"\D", "", text))
        qs = qs.filter(condition)
    return qs.order_by("customer_id", "id")


def contact_get_for_user(*, user: Any, pk: Any) -> Contact:
    try:
        return contacts_visible(user).select_related("customer", "reports_to", "department").get(pk=int(pk))
    except (Contact.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Contact not found.")) from exc


@dataclass
class OrgNode:
    contact: Contact
    children: list["OrgNode"] = field(default_factory=list)


def org_chart(contacts: list[Contact]) -> list[OrgNode]:
    """Arrange a customer's contacts into trees by reports-to (roots first, in list order)."""
    nodes = {c.pk: OrgNode(c) for c in contacts}
    roots = []
    for contact in contacts:
        parent = nodes.get(contact.reports_to_id) if contact.reports_to_id else None
        if parent is not None and parent is not nodes[contact.pk]:
            parent.children.append(nodes[contact.pk])
        else:
            roots.append(nodes[contact.pk])
    return roots


def customer_360(*, user: Any, pk: Any) -> dict[str, Any]:
    """Everything the customer page shows, in a fixed number of queries."""
    customer = customer_get_for_user(user=user, pk=pk)
    contacts = list(
        customer.contacts.select_related("department", "reports_to")
        .prefetch_related(Prefetch("counterparts__user"))
        .order_by("id")
    )
    return {
        "customer": customer,
        "contacts": contacts,
        "org_chart": org_chart(contacts),
        "tags": list(customer.tags.all()),
        "needs": list(customer.needs.all()),
        "competitors": list(customer.competitors.all()),
        "risks": list(customer.risks.all()),
        "departments": list(customer.departments.select_related("parent")),
        "collaborators": list(customer.collaborators.all()),
    }


def customer_part_get_for_user(*, user: Any, kind: str, pk: Any) -> Any:
    """Return a need/competitor/risk/department of a customer the user may see, or raise NotFound."""
    model = PART_MODELS.get(kind)
    if model is None:
        raise NotFound(_("Not found."))
    qs = visible(model.objects.filter(customer__deleted_at__isnull=True), user, via="customer")
    try:
        return qs.select_related("customer").get(pk=int(pk))
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Not found.")) from exc
