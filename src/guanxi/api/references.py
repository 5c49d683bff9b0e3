"""Turn ids inside request bodies into records, through the same scoped selectors as the URLs.

An id the caller may not see is answered exactly like an id that does not exist — a 422 on that field —
so a body cannot be used to probe another team's records (SECURITY AZ-02).
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.customers.models import Contact, Customer, Department
from guanxi.customers.selectors import contact_get_for_user, customer_get_for_user, customer_part_get_for_user
from guanxi.people.models import User


def _or_field_error[T](field: str, lookup: Callable[[], T]) -> T:
    try:
        return lookup()
    except NotFound as exc:
        raise ValidationFailed(exc.message, details={field: [str(exc.message)]}) from exc


def customer_ref(user: Any, pk: int, field: str = "customer_id") -> Customer:
    return _or_field_error(field, lambda: customer_get_for_user(user=user, pk=pk))


def contact_ref(user: Any, pk: int, field: str = "contact_id") -> Contact:
    return _or_field_error(field, lambda: contact_get_for_user(user=user, pk=pk))


def department_ref(user: Any, pk: int, field: str = "department_id") -> Department:
    return _or_field_error(field, lambda: customer_part_get_for_user(user=user, kind="department", pk=pk))


def user_ref(pk: int, field: str, *, code: str = "validation_error", message: str = "") -> User:
    """Return the active user ``pk``; an unknown or inactive one is refused on ``field``."""
    user = User.objects.filter(pk=pk, is_active=True).select_related("team").first()
    if user is None:
        text = message or _("Choose an active user.")
        raise ValidationFailed(text, code=code, details={field: [text]})
    return user


def owner_ref(pk: int, field: str = "owner_id") -> User:
    # An unknown user is refused like one outside the caller's rights: the same code and message.
    return user_ref(
        pk, field, code="owner_not_allowed", message=_("You cannot hand this customer to that user.")
    )


def users_ref(pks: Iterable[int], field: str) -> list[User]:
    wanted = list(dict.fromkeys(pks))
    users = list(User.objects.filter(pk__in=wanted, is_active=True))
    if len(users) != len(wanted):
        raise ValidationFailed(_("Choose active users."), details={field: [_("Choose active users.")]})
    return users


def contacts_ref(user: Any, pks: Iterable[int], field: str = "contact_ids") -> list[Contact]:
    return [contact_ref(user, pk, field) for pk in dict.fromkeys(pks)]


def customer_data(user: Any, payload: dict[str, Any]) -> tuple[dict[str, Any], list[str] | None]:
    """Split a customer payload into the service's ``data`` (records for ids) and its tags."""
    data = dict(payload)
    tags = data.pop("tags", None)
    if "owner_id" in data:
        owner_id = data.pop("owner_id")
        if owner_id is not None:
            data["owner"] = owner_ref(owner_id)
    if "referred_by_id" in data:
        referred_by_id = data.pop("referred_by_id")
        data["referred_by"] = (
            None if referred_by_id is None else customer_ref(user, referred_by_id, "referred_by_id")
        )
    return data, tags


def contact_data(user: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """Turn a contact payload into the service's ``data`` (records for ids)."""
    data = dict(payload)
    data.pop("customer_id", None)
    if "department_id" in data:
        department_id = data.pop("department_id")
        data["department"] = None if department_id is None else department_ref(user, department_id)
    if "reports_to_id" in data:
        reports_to_id = data.pop("reports_to_id")
        data["reports_to"] = (
            None if reports_to_id is None else contact_ref(user, reports_to_id, "reports_to_id")
        )
    return data
