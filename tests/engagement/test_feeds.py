"""The secret iCalendar feed of a user's open tasks."""

import datetime
import hashlib

import pytest
import time_machine
from icalendar import Calendar

from guanxi.core.errors import NotFound
from guanxi.engagement.feeds import (
    calendar_feed_create,
    calendar_feed_ics,
    calendar_feed_path,
    calendar_feed_revoke,
    calendar_feed_rotate,
    calendar_feed_token_of,
    calendar_feed_url_token,
)
from guanxi.engagement.models import CalendarFeed
from guanxi.governance.models import AuditEvent

from ..factories import ContactFactory, TaskFactory

NOW = datetime.datetime(2026, 11, 24, 2, 0, tzinfo=datetime.UTC)


def events(ics: bytes) -> dict[str, dict]:
    calendar = Calendar.from_ical(ics)
    return {
        str(event["UID"]): {
            "summary": str(event["SUMMARY"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "description": str(event.get("DESCRIPTION", "")),
            "alarm": [alarm.decoded("TRIGGER") for alarm in event.walk("VALARM")],
        }
        for event in calendar.walk("VEVENT")
    }


@time_machine.travel(NOW, tick=False)
def test_the_feed_holds_the_users_open_tasks_as_all_day_events(org):
    contact = ContactFactory(customer=org.cust_a, name="陈总")
    visit = TaskFactory(
        owner=org.rep_a,
        customer=org.cust_a,
        contact=contact,
        title="拜访陈总",
        due_on=datetime.date(2026, 11, 26),
    )
    later = TaskFactory(
        owner=org.rep_a, title="准备年会", due_on=datetime.date(2026, 12, 20), status="snoozed"
    )
    TaskFactory(owner=org.rep_a, title="已完成", status="done")
    TaskFactory(owner=org.rep_b, title="别人的")
    _feed, token = calendar_feed_create(actor=org.rep_a)

    ics = calendar_feed_ics(token)

    calendar = Calendar.from_ical(ics)
    assert (str(calendar["VERSION"]), str(calendar["X-WR-CALNAME"])) == ("2.0", f"{org.rep_a} 的 guanxi 待办")
    assert events(ics) == {
        f"guanxi-task-{visit.pk}": {
            "summary": "拜访陈总",
            "start": datetime.date(2026, 11, 26),
            "end": datetime.date(2026, 11, 27),
            "description": "华为技术有限公司 · 陈总",
            "alarm": [datetime.timedelta(hours=9)],
        },
        f"guanxi-task-{later.pk}": {
            "summary": "准备年会",
            "start": datetime.date(2026, 12, 20),
            "end": datetime.date(2026, 12, 21),
            "description": "",
            "alarm": [datetime.timedelta(hours=9)],
        },
    }
    assert calendar_feed_path(token) == f"/calendar/{token}.ics"
    assert calendar_feed_ics(token) == ics  # stable: the same tasks give the same feed


@time_machine.travel(NOW, tick=False)
def test_wrong_rotated_or_revoked_tokens_find_nothing(org):
    TaskFactory(owner=org.rep_a)
    _feed, first = calendar_feed_create(actor=org.rep_a)

    for wrong in ("", "gxcal_nope", first + "x", "x" * 500):
        with pytest.raises(NotFound):
            calendar_feed_ics(wrong)

    _feed, second = calendar_feed_rotate(actor=org.rep_a)
    with pytest.raises(NotFound):
        calendar_feed_ics(first)
    assert len(events(calendar_feed_ics(second))) == 1

    assert calendar_feed_revoke(actor=org.rep_a) == 1
    with pytest.raises(NotFound):
        calendar_feed_ics(second)
    assert CalendarFeed.objects.filter(user=org.rep_a, revoked_at__isnull=True).count() == 0
    assert list(AuditEvent.objects.filter(object_type="calendarfeed").values_list("action", flat=True)) == [
        "create",
        "revoke",
        "rotate",
        "revoke",
    ]


@time_machine.travel(NOW, tick=False)
def test_a_deactivated_users_feed_stops_and_tokens_are_stored_hashed(org):
    _feed, token = calendar_feed_create(actor=org.rep_a)
    assert not CalendarFeed.objects.filter(token_hash=token).exists()

    org.rep_a.is_active = False
    org.rep_a.save()

    with pytest.raises(NotFound):
        calendar_feed_ics(token)


@time_machine.travel(NOW, tick=False)
def test_the_owner_can_see_the_url_again_but_the_database_holds_no_usable_token(org):
    feed, token = calendar_feed_create(actor=org.rep_a)

    assert calendar_feed_token_of(org.rep_a) == token
    stored = CalendarFeed.objects.get(pk=feed.pk)
    assert token not in (stored.token_hash, stored.salt)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert calendar_feed_token_of(org.rep_b) is None
    calendar_feed_revoke(actor=org.rep_a)
    assert calendar_feed_token_of(org.rep_a) is None
    with pytest.raises(NotFound):
        calendar_feed_ics(token)


@time_machine.travel(NOW, tick=False)
def test_a_changed_secret_key_or_an_old_style_feed_shows_no_url(org, settings):
    feed, _token = calendar_feed_create(actor=org.rep_a)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert calendar_feed_url_token(CalendarFeed.objects.get(pk=feed.pk)) is None
    CalendarFeed.objects.filter(pk=feed.pk).update(salt="")
    assert calendar_feed_url_token(CalendarFeed.objects.get(pk=feed.pk)) is None


@time_machine.travel(NOW, tick=False)
def test_planned_visits_are_labelled_and_organised_events_are_timed_entries(org):
    from guanxi.engagement.events import event_create

    visit = TaskFactory(
        owner=org.rep_a,
        customer=org.cust_a,
        kind="visit",
        title="拜访华为",
        due_on=datetime.date(2026, 11, 27),
    )
    starts = datetime.datetime(2026, 12, 3, 6, 0, tzinfo=datetime.UTC)
    event = event_create(
        actor=org.rep_a,
        data={
            "title": "年度客户答谢会",
            "kind": "customer_dinner",
            "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=3),
            "place": "深圳湾万丽酒店",
        },
    )
    event_create(actor=org.rep_b, data={"title": "别人的活动", "starts_at": starts, "ends_at": starts})
    _feed, token = calendar_feed_create(actor=org.rep_a)

    calendar = Calendar.from_ical(calendar_feed_ics(token))
    found = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(found) == {f"guanxi-task-{visit.pk}", f"guanxi-event-{event.pk}"}
    assert str(found[f"guanxi-task-{visit.pk}"]["DESCRIPTION"]) == "客户拜访 · 华为技术有限公司"
    entry = found[f"guanxi-event-{event.pk}"]
    assert (str(entry["SUMMARY"]), str(entry["LOCATION"])) == ("年度客户答谢会", "深圳湾万丽酒店")
    assert entry.decoded("DTSTART") == starts


def test_the_settings_page_and_the_api_show_the_same_link_under_the_site_url(org, login, settings):
    settings.GUANXI_SITE_URL = "https://crm.example.com/"
    _feed, token = calendar_feed_create(actor=org.rep_a)
    client = login(org.rep_a)
    expected = f"https://crm.example.com/calendar/{token}.ics"
    assert expected in client.get("/me/").content.decode()
    assert client.get("/api/v1/me").json()["calendar_feed_url"] == expected
