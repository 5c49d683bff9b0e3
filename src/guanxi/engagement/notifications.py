"""The in-app inbox: messages for the user, an unread count, mark read.

Messages are written by the flows that concern the user, explicitly: a task given to them by someone
else, an escalation, a customer's reply that stopped a cadence, and one summary per generating job run.
A notification is the user's own; nobody else reads or marks it.
"""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound
from guanxi.people.models import User

from .models import Notification, NotificationKind, Task


def link_to(view_name: str, *args: Any) -> str:
    """Return the path of a page of the web interface, or '' when it does not exist (yet)."""
    try:
        return reverse(view_name, args=args)
    except NoReverseMatch:
        return ""


def notify(
    *,
    user: User,
    kind: str,
    title: str,
    body: str = "",
    link_url: str = "",
    task: Task | None = None,
    dedupe_key: str | None = None,
) -> Notification | None:
    """Put a message in ``user``'s inbox; a used ``dedupe_key`` or an inactive user adds nothing."""
    if not user.is_active:
        return None
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    return Notification.objects.create(
        user=user,
        kind=kind,
        title=title[:200],
        body=body,
        link_url=link_url[:300],
        task=task,
        dedupe_key=dedupe_key,
    )


def notify_task_assigned(*, task: Task, actor: User) -> Notification | None:
    """Tell a task's owner that ``actor`` gave it to them (nothing when they gave it to themselves)."""
    owner = task.owner
    if owner.pk == actor.pk:
        return None
    with translation.override(owner.language):
        title = _("%(actor)s gave you a task: %(title)s") % {"actor": str(actor), "title": task.title}
        body = _("Due on %(date)s.") % {"date": task.due_on.isoformat()}
    return notify(
        user=owner,
        kind=NotificationKind.TASK_ASSIGNED,
        title=title,
        body=body,
        link_url=link_to("web:task_list"),
        task=task,
    )


# --- reads -------------------------------------------------------------------------------------------


def notification_list(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """Return the user's messages, newest first (the latest ``INBOX_LIMIT`` are worth showing)."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(user_id=user.pk).select_related("task")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_unread_count(user: Any) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


# --- writes ------------------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, actor: User, notification_id: Any) -> Notification:
    """Mark one of the actor's messages read; raise NotFound for anybody else's or an unknown id."""
    try:
        notification = Notification.objects.get(pk=int(notification_id), user_id=actor.pk)
    except (Notification.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Notification not found.")) from exc
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: User) -> int:
    """Mark every unread message of the actor read; return how many were."""
    return Notification.objects.filter(user_id=actor.pk, read_at__isnull=True).update(read_at=timezone.now())
