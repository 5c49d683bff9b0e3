"""Reads of interactions and tasks, through the visibility scope."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound
from guanxi.governance.scope import customer_q, visible

from .models import Interaction, Task, TaskStatus

OPEN_STATUSES = (TaskStatus.OPEN, TaskStatus.SNOOZED)


def interactions_visible(user: Any) -> QuerySet[Interaction]:
    return visible(Interaction.objects.filter(customer__deleted_at__isnull=True), user, via="customer")


def interaction_list(*, user: Any, customer_id: int | None = None, q: str = "") -> QuerySet[Interaction]:
    qs = interactions_visible(user).select_related("customer", "created_by").prefetch_related("contacts")
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if q:
        qs = qs.filter(Q(topic__contains=q[:100]) | Q(content__contains=q[:100]))
    return qs.order_by("-occurred_at", "-id")


def interaction_get_for_user(*, user: Any, pk: Any) -> Interaction:
    try:
        return interactions_visible(user).select_related("customer").get(pk=int(pk))
    except (Interaction.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Interaction not found.")) from exc


def tasks_visible(user: Any) -> QuerySet[Task]:
    """Tasks the user owns, plus tasks on customers the user may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Task.objects.none()
    scoped = Q(customer__isnull=False, customer__deleted_at__isnull=True) & customer_q(user, via="customer")
    return Task.objects.filter(Q(owner_id=user.pk) | scoped)


def task_list(
    *, user: Any, mine: bool = True, status: str = "open", customer_id: int | None = None, q: str = ""
) -> QuerySet[Task]:
    qs = tasks_visible(user).select_related("customer", "contact", "owner")
    if q:
        qs = qs.filter(title__contains=q[:100])
    if mine:
        qs = qs.filter(owner_id=user.pk)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    return qs.order_by("due_on", "id")


def task_get_for_user(*, user: Any, pk: Any) -> Task:
    try:
        return tasks_visible(user).select_related("customer", "owner").get(pk=int(pk))
    except (Task.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Task not found.")) from exc


def open_task_count(user: Any) -> int:
    return Task.objects.filter(owner_id=user.pk, status__in=OPEN_STATUSES).count()
