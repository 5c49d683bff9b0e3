"""The per-user secret iCalendar feed that phones subscribe to (SPEC §4.2).

The feed lists the user's open tasks as all-day VEVENTs — not VTODOs: the calendars of iOS, Android
(Google Calendar) and Outlook show events of a subscribed calendar but ignore to-dos — each with a
09:00 reminder and a stable UID (``guanxi-task-<id>``), so an edited or snoozed task moves instead of
appearing twice, and a done one disappears. The URL holds a random token; only its SHA-256 is stored.
Anyone holding the URL reads the titles (customer and contact names), so rotating or revoking it is one
click away and every change is audited.
"""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from guanxi.core.errors import NotFound
from guanxi.governance.audit import audit_record
from guanxi.people.models import User, hash_token

from .models import CalendarFeed, Task, TaskStatus

TOKEN_PREFIX = "gxcal_"  # noqa: S105 - a marker that makes a leaked URL recognisable, not a secret
FEED_LIMIT = 1000
REMINDER_AT = datetime.timedelta(hours=9)  # from the start of the all-day event: 09:00 local time


def calendar_feed_path(token: str) -> str:
    """Return the path of the feed URL; the web layer serves it with ``calendar_feed_ics``."""
    return f"/calendar/{token}.ics"


def _live_feed(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def _issue(actor: User, action: str) -> tuple[CalendarFeed, str]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=actor, token_hash=hash_token(token))
    audit_record(actor=actor, action=action, obj=feed)
    return feed, token


@transaction.atomic
def calendar_feed_create(*, actor: User) -> tuple[CalendarFeed, str]:
    """Give the actor a feed URL token (shown once); a user who has one gets it rotated instead."""
    if _live_feed(actor) is not None:
        return calendar_feed_rotate(actor=actor)
    return _issue(actor, "create")


@transaction.atomic
def calendar_feed_rotate(*, actor: User) -> tuple[CalendarFeed, str]:
    """Revoke the actor's current feed URL and issue a new one (e.g. after a phone was lost)."""
    now = timezone.now()
    for feed in CalendarFeed.objects.select_for_update().filter(user=actor, revoked_at__isnull=True):
        CalendarFeed.objects.filter(pk=feed.pk).update(revoked_at=now)
        audit_record(actor=actor, action="revoke", obj=feed)
    return _issue(actor, "rotate")


@transaction.atomic
def calendar_feed_revoke(*, actor: User) -> int:
    """Stop the actor's feed URL from working; return how many feeds were revoked (0 or 1)."""
    now = timezone.now()
    revoked = 0
    for feed in CalendarFeed.objects.select_for_update().filter(user=actor, revoked_at__isnull=True):
        CalendarFeed.objects.filter(pk=feed.pk).update(revoked_at=now)
        audit_record(actor=actor, action="revoke", obj=feed)
        revoked += 1
    return revoked


def calendar_feed_ics(token: str) -> bytes:
    """Return the VCALENDAR of the token's user; raise NotFound for an unknown or revoked token."""
    if not token or len(token) > 100:
        raise NotFound(_("Calendar not found."))
    feed = (
        CalendarFeed.objects.filter(
            token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if feed is None:
        raise NotFound(_("Calendar not found."))
    user = feed.user
    tasks = (
        Task.objects.filter(owner=user, status__in=(TaskStatus.OPEN, TaskStatus.SNOOZED))
        .select_related("customer", "contact")
        .order_by("due_on", "id")[:FEED_LIMIT]
    )
    with translation.override(user.language):
        calendar = Calendar()
        calendar.add("prodid", "-//guanxi//tasks//ZH")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("guanxi tasks of %(name)s") % {"name": str(user)})
        calendar.add("x-wr-timezone", "Asia/Shanghai")
        calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        for task in tasks:
            calendar.add_component(_event(task))
    return calendar.to_ical()


def _event(task: Task) -> Event:
    event = Event()
    event.add("uid", f"guanxi-task-{task.pk}")
    event.add("summary", task.title)
    event.add("dtstart", task.due_on)
    event.add("dtend", task.due_on + datetime.timedelta(days=1))
    event.add("dtstamp", task.updated_at)
    event.add("last-modified", task.updated_at)
    event.add("sequence", task.version)
    event.add("transp", "TRANSPARENT")
    event.add("categories", [str(task.get_kind_display())])
    details = [str(part) for part in (task.customer, task.contact) if part is not None]
    if details:
        event.add("description", " · ".join(details))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", task.title)
    alarm.add("trigger", REMINDER_AT)
    event.add_component(alarm)
    return event
