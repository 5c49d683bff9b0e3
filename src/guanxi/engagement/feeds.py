"""The per-user secret iCalendar feed that phones subscribe to (SPEC §4.2).

The feed lists the user's open tasks as all-day VEVENTs — not VTODOs: the calendars of iOS, Android
(Google Calendar) and Outlook show events of a subscribed calendar but ignore to-dos — each with a
09:00 reminder and a stable UID (``guanxi-task-<id>``), so an edited or snoozed task moves instead of
appearing twice, and a done one disappears. Open visit tasks (one per approved visit-plan item) are
labelled as visits; the customer events the user organises are timed events (``guanxi-event-<id>``).

The URL's token is an HMAC-SHA256, under the server's ``SECRET_KEY``, of the feed row's id and a random
salt kept on the row; the database stores the salt and the token's SHA-256, never the token. The server
can therefore show its owner the URL again (``calendar_feed_url_token``), while a copy of the database
alone opens no feed. Revoking stamps ``revoked_at``; a revoked or wrong token is not found. Changing
``SECRET_KEY`` breaks every feed URL (they are shown as missing: make a new one). Anyone holding the URL
reads the titles (customer and contact names), so rotating or revoking it is one click away and every
change is audited.
"""

import base64
import datetime
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar
from icalendar import Event as ICalEvent

from guanxi.core.errors import NotFound
from guanxi.governance.audit import audit_record
from guanxi.people.models import User, hash_token

from .models import CalendarFeed, Event, EventStatus, Task, TaskKind, TaskStatus

TOKEN_PREFIX = "gxcal_"  # noqa: S105 - a marker that makes a leaked URL recognisable, not a secret
FEED_LIMIT = 1000
REMINDER_AT = datetime.timedelta(hours=9)  # from the start of the all-day event: 09:00 local time
EVENT_REMINDER = datetime.timedelta(hours=-2)  # two hours before a customer event starts
EVENTS_SINCE = datetime.timedelta(days=30)
_HMAC_SALT = "guanxi.engagement.calendar-feed"


def calendar_feed_path(token: str) -> str:
    """Return the path of the feed URL; the web layer serves it with ``calendar_feed_ics``."""
    return f"/calendar/{token}.ics"


def calendar_feed_url(request: Any, token: str) -> str:
    """The full feed URL for calendar apps: under ``GUANXI_SITE_URL`` when set, else under the host of
    ``request`` (the web settings page and the API show the same link)."""
    path = calendar_feed_path(token)
    site = str(getattr(settings, "GUANXI_SITE_URL", "") or "")
    return site.rstrip("/") + path if site else request.build_absolute_uri(path)


def calendar_feed_live(user: User) -> CalendarFeed | None:
    """Return the user's feed that still works, or None."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def _derive(feed: CalendarFeed) -> str:
    digest = salted_hmac(_HMAC_SALT, f"{feed.pk}:{feed.salt}", algorithm="sha256").digest()
    return TOKEN_PREFIX + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def calendar_feed_url_token(feed: CalendarFeed | None) -> str | None:
    """Return the token of a live feed, or None (revoked, issued before tokens were derived, or the
    server's secret key changed since, so the token would no longer open it)."""
    if feed is None or feed.revoked_at is not None or not feed.salt:
        return None
    token = _derive(feed)
    return token if constant_time_compare(hash_token(token), feed.token_hash) else None


def calendar_feed_token_of(user: User) -> str | None:
    """Return the token of the user's live feed, or None when they have no working one."""
    return calendar_feed_url_token(calendar_feed_live(user))


def _issue(actor: User, action: str) -> tuple[CalendarFeed, str]:
    # The id is part of the token, so the row is made first with a placeholder hash nobody can match.
    feed = CalendarFeed.objects.create(
        user=actor, salt=secrets.token_hex(16), token_hash="!" + secrets.token_hex(31)
    )
    token = _derive(feed)
    feed.token_hash = hash_token(token)
    CalendarFeed.objects.filter(pk=feed.pk).update(token_hash=feed.token_hash)
    audit_record(actor=actor, action=action, obj=feed)
    return feed, token


@transaction.atomic
def calendar_feed_create(*, actor: User) -> tuple[CalendarFeed, str]:
    """Give the actor a feed URL token (shown once); a user who has one gets it rotated instead."""
    if calendar_feed_live(actor) is not None:
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
        for event in _customer_events(user):
            calendar.add_component(_customer_event(event))
    return calendar.to_ical()


def _customer_events(user: User) -> list[Event]:
    """The planned or held customer events the user organises or invited somebody to, lately and ahead."""
    since = timezone.now() - EVENTS_SINCE
    return list(
        Event.objects.filter(
            Q(organiser=user) | Q(invitations__invited_by=user),
            ends_at__gte=since,
            status__in=(EventStatus.PLANNED, EventStatus.HELD),
        )
        .distinct()
        .order_by("starts_at", "id")[:FEED_LIMIT]
    )


def _customer_event(item: Event) -> ICalEvent:
    event = ICalEvent()
    event.add("uid", f"guanxi-event-{item.pk}")
    event.add("summary", item.title)
    event.add("dtstart", item.starts_at)
    event.add("dtend", item.ends_at)
    event.add("dtstamp", item.updated_at)
    event.add("last-modified", item.updated_at)
    event.add("sequence", item.version)
    event.add("categories", [str(_("Event")), str(item.get_kind_display())])
    if item.place:
        event.add("location", item.place)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", item.title)
    alarm.add("trigger", EVENT_REMINDER)
    event.add_component(alarm)
    return event


def _event(task: Task) -> ICalEvent:
    event = ICalEvent()
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
    if task.kind == TaskKind.VISIT:  # a planned customer visit: say so where the calendar shows it
        details.insert(0, str(_("Customer visit")))
    if details:
        event.add("description", " · ".join(details))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", task.title)
    alarm.add("trigger", REMINDER_AT)
    event.add_component(alarm)
    return event
