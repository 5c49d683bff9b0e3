"""The one visibility scope (SPEC §1, SECURITY AZ-02/AZ-03).

Every read of customer data — lists, detail pages, search, counts, API, exports — narrows its queryset
with :func:`visible`. The rule:

* rep — customers they own or collaborate on;
* manager — customers owned by anybody in the team subtree they lead (and their own);
* director, archive administrator — every customer;
* system administrator, inactive or anonymous users — none (the admin runs the system, not the archive).

Records hanging off a customer (contacts, interactions, tasks …) are scoped through their customer by
passing the path to it, e.g. ``visible(Contact.objects.all(), user, via="customer")``.
"""

from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet

from guanxi.people.models import Role, Team


def managed_team_paths(user: Any) -> list[str]:
    """Return the tree paths of the teams a manager leads (their own team when they lead none)."""
    paths = list(Team.objects.filter(manager=user).values_list("path", flat=True))
    if not paths and user.team_id is not None:
        paths = [user.team.path]
    return paths


def managed_people_q(user: Any, via: str) -> Q:
    """Return the condition selecting rows whose person (``via``: the path to a user, e.g. ``owner``) is
    ``user`` or, when ``user`` is a manager, anybody in the team subtree they lead."""
    condition = Q(**{f"{via}_id": user.pk})
    if user.role == Role.MANAGER:
        for path in managed_team_paths(user):
            condition |= Q(**{f"{via}__team__path__startswith": path})
    return condition


def customer_q(user: Any, via: str = "") -> Q:
    """Return the condition selecting the customers ``user`` may see; ``via`` is the path to a customer."""
    prefix = f"{via}__" if via else ""
    nothing = Q(pk__in=[])
    if user is None or not user.is_authenticated or not user.is_active:
        return nothing
    if user.role in (Role.DIRECTOR, Role.ARCHIVIST):
        return Q()
    if user.role == Role.MANAGER:
        return managed_people_q(user, f"{prefix}owner")
    if user.role == Role.REP:
        # Two indexed conditions, no join: a join through the collaborators table would repeat rows and,
        # OR-ed with the owner, force a scan of the whole table.
        collaborating = _collaborations().filter(user_id=user.pk).values("customer_id")
        return Q(**{f"{prefix}owner_id": user.pk}) | Q(**{f"{prefix}id__in": collaborating})
    return nothing


def _collaborations() -> QuerySet:
    # Looked up through the app registry: the customer models live in a layer above this one.
    customer = apps.get_model("customers", "Customer")
    return customer._meta.get_field("collaborators").remote_field.through.objects.all()  # type: ignore[union-attr]


def visible(queryset: QuerySet, user: Any, via: str = "") -> QuerySet:
    """Narrow ``queryset`` to the rows ``user`` may see."""
    return queryset.filter(customer_q(user, via))


def can_own_customers(actor: Any, new_owner: Any) -> bool:
    """Tell whether ``actor`` may hand a customer to ``new_owner``.

    The director hands customers to anybody, a manager within the team subtree they lead, a rep only to
    themselves; the archive administrator maintains archives but never changes ownership (AZ-02).
    """
    if new_owner is None or not new_owner.is_active or new_owner.role == Role.ADMIN:
        return False
    if actor.role == Role.ARCHIVIST:
        return False
    if actor.role == Role.DIRECTOR:
        return True
    if actor.role == Role.MANAGER:
        if new_owner.pk == actor.pk:
            return True
        paths = managed_team_paths(actor)
        team_path = new_owner.team.path if new_owner.team_id else ""
        return any(team_path.startswith(p) for p in paths)
    return new_owner.pk == actor.pk


def owner_candidates(actor: Any, current_owner_id: int | None = None) -> QuerySet:
    """Return the users ``actor`` may hand a customer to (``can_own_customers`` as one query), plus the
    current owner, since keeping the owner is no change."""
    from guanxi.people.models import User

    users = User.objects.filter(is_active=True).exclude(role=Role.ADMIN).select_related("team")
    if actor.role == Role.DIRECTOR:
        condition = Q()
    elif actor.role == Role.MANAGER:
        condition = Q(pk=actor.pk)
        for path in managed_team_paths(actor):
            condition |= Q(team__path__startswith=path)
    elif actor.role == Role.ARCHIVIST:
        condition = Q(pk__in=[])
    else:
        condition = Q(pk=actor.pk)
    if current_owner_id is not None:
        condition |= Q(pk=current_owner_id)
    return users.filter(condition).order_by("team__path", "username")
