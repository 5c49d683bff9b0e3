"""Which users a form may offer as a customer's owner (the rule itself is ``governance.scope``)."""

from typing import Any

from django.db.models import QuerySet

from guanxi.governance.scope import owner_candidates
from guanxi.people.models import Role, User


def _active_staff() -> QuerySet[User]:
    return User.objects.filter(is_active=True).exclude(role=Role.ADMIN).select_related("team")


def owner_filter_choices(user: Any) -> list[tuple[int, str]]:
    """Owners to filter the customer list by: empty for a rep, who only sees their own customers."""
    if user.role in (Role.DIRECTOR, Role.ARCHIVIST):
        users = _active_staff().order_by("team__path", "username")
    elif user.role == Role.MANAGER:
        users = owner_candidates(user)
    else:
        return []
    return [(u.pk, str(u)) for u in users]
