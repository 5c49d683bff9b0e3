"""Relationship maintenance over the API: policy, agenda, inbox, cadences, the map and the calendar feed."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from guanxi.customers.models import Counterpart
from guanxi.engagement.feeds import calendar_feed_ics
from guanxi.engagement.models import (
    Cadence,
    CadenceEnrollment,
    CadenceStep,
    CalendarFeed,
    EnrollmentStatus,
    Notification,
    Task,
    TaskStatus,
)

from ..factories import ContactFactory, TaskFactory
from .support import API, if_match, token_client

POLICY = {
    "interval_a_days": 10,
    "interval_b_days": 30,
    "interval_c_days": 90,
    "non_sales_counts": False,
    "birthday_lead_days": 3,
    "important_date_lead_days": 3,
    "anniversary_lead_days": 7,
    "festival_lead_days": 7,
    "festival_grades": "ba",
}


def _put(client, url, data, **headers):
    return client.put(url, data, content_type="application/json", headers=headers)


# --- policy ------------------------------------------------------------------------------------------


def test_given_rep_then_policy_is_readable_with_etag_but_not_changeable(org):
    client = token_client(org.rep_a)
    response = client.get(f"{API}/policies/relationship")
    assert response.status_code == 200
    assert response["ETag"] == f'"v{response.json()["version"]}"'
    assert (response.json()["interval_a_days"], response.json()["may_manage"]) == (14, False)
    denied = _put(client, f"{API}/policies/relationship", POLICY, **if_match(response.json()["version"]))
    assert (denied.status_code, denied.json()["code"]) == (403, "permission_denied")


def test_given_manager_then_policy_update_needs_current_version(org):
    client = token_client(org.mgr_1)
    current = client.get(f"{API}/policies/relationship")
    assert current.json()["may_manage"] is True
    version = current.json()["version"]
    assert _put(client, f"{API}/policies/relationship", POLICY).status_code == 428
    updated = _put(client, f"{API}/policies/relationship", POLICY, **if_match(version))
    assert updated.status_code == 200, updated.json()
    body = updated.json()
    assert (body["interval_a_days"], body["festival_grades"], body["non_sales_counts"]) == (10, "AB", False)
    assert updated["ETag"] == f'"v{version + 1}"'
    stale = _put(
        client, f"{API}/policies/relationship", {**POLICY, "interval_a_days": 12}, **if_match(version)
    )
    assert (stale.status_code, stale.json()["code"]) == (412, "version_conflict")
    assert stale.json()["details"]["current"]["interval_a_days"] == 10


def test_given_bad_policy_values_then_422_and_unknown_field_400(org):
    client = token_client(org.director)
    version = client.get(f"{API}/policies/relationship").json()["version"]
    bad = _put(client, f"{API}/policies/relationship", {**POLICY, "interval_a_days": 0}, **if_match(version))
    assert (bad.status_code, list(bad.json()["details"])) == (422, ["interval_a_days"])
    grades = _put(
        client, f"{API}/policies/relationship", {**POLICY, "festival_grades": "AZ"}, **if_match(version)
    )
    assert (grades.status_code, list(grades.json()["details"])) == (422, ["festival_grades"])
    extra = _put(client, f"{API}/policies/relationship", {**POLICY, "version": 9}, **if_match(version))
    assert (extra.status_code, extra.json()["code"]) == (400, "unknown_field")


# --- agenda and care ---------------------------------------------------------------------------------


def test_agenda_lists_own_open_tasks_due_by_today_and_care_tasks(org):
    today = timezone.localdate()
    due = TaskFactory(owner=org.rep_a, due_on=today)
    later = TaskFactory(owner=org.rep_a, due_on=today + datetime.timedelta(days=5))
    care = TaskFactory(owner=org.rep_a, due_on=today + datetime.timedelta(days=3), kind="care")
    TaskFactory(owner=org.rep_a, due_on=today, status=TaskStatus.DONE)
    TaskFactory(owner=org.rep_b, due_on=today)
    body = token_client(org.rep_a).get(f"{API}/agenda/today").json()
    assert [t["id"] for t in body["items"]] == [due.pk, care.pk]
    assert later.pk not in [t["id"] for t in body["items"]]
    upcoming = token_client(org.rep_a).get(f"{API}/care/upcoming", {"days": 2}).json()
    assert upcoming["items"] == []
    upcoming = token_client(org.rep_a).get(f"{API}/care/upcoming", {"days": 3}).json()
    assert [t["id"] for t in upcoming["items"]] == [care.pk]
    assert token_client(org.rep_a).get(f"{API}/care/upcoming", {"days": 61}).status_code == 422


# --- inbox -------------------------------------------------------------------------------------------


def test_inbox_counts_lists_and_marks_only_own_messages(org):
    first = Notification.objects.create(user=org.rep_a, kind="task_assigned", title="一")
    Notification.objects.create(user=org.rep_a, kind="task_assigned", title="二")
    Notification.objects.create(user=org.rep_a, kind="task_assigned", title="三", read_at=timezone.now())
    other = Notification.objects.create(user=org.rep_b, kind="task_assigned", title="别人的")
    client = token_client(org.rep_a)
    assert client.get(f"{API}/notifications/unread-count").json() == {"unread": 2}
    assert client.get(f"{API}/notifications").json()["count"] == 3
    assert client.get(f"{API}/notifications", {"unread": "true"}).json()["count"] == 2
    read = client.post(f"{API}/notifications/{first.pk}/read")
    assert (read.status_code, read.json()["id"]) == (200, first.pk)
    assert read.json()["read_at"] is not None
    assert client.get(f"{API}/notifications/unread-count").json() == {"unread": 1}
    assert client.post(f"{API}/notifications/{other.pk}/read").status_code == 404
    assert client.post(f"{API}/notifications/read-all").json() == {"marked": 1}
    assert client.get(f"{API}/notifications/unread-count").json() == {"unread": 0}
    other.refresh_from_db()
    assert other.read_at is None


# --- cadences ----------------------------------------------------------------------------------------


@pytest.fixture
def cadence(db):
    cadence = Cadence.objects.create(name="测试节奏")
    CadenceStep.objects.create(
        cadence=cadence, position=1, purpose="awareness", channel="phone", title="破冰"
    )
    CadenceStep.objects.create(cadence=cadence, position=2, purpose="value", channel="wechat", title="价值")
    return cadence


def test_given_visible_contact_then_enrol_list_and_stop(org, cadence):
    contact = ContactFactory(customer=org.cust_a)
    client = token_client(org.rep_a)
    listed = client.get(f"{API}/cadences").json()
    assert [len(c["steps"]) for c in listed if c["id"] == cadence.pk] == [2]
    created = client.post(
        f"{API}/cadence-enrollments",
        {"cadence_id": cadence.pk, "contact_id": contact.pk, "intent": "high"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["contact_id"], body["customer_id"], body["owner"]["id"], body["status"]) == (
        contact.pk,
        org.cust_a.pk,
        org.rep_a.pk,
        "active",
    )
    task = Task.objects.get(pk=body["current_task_id"])
    assert (task.owner, task.status) == (org.rep_a, TaskStatus.OPEN)
    page = client.get(f"{API}/cadence-enrollments", {"contact_id": contact.pk}).json()
    assert [e["id"] for e in page["items"]] == [body["id"]]
    assert token_client(org.rep_c).get(f"{API}/cadence-enrollments").json()["count"] == 0
    assert (
        token_client(org.rep_c)
        .post(f"{API}/cadence-enrollments/{body['id']}/stop", {}, content_type="application/json")
        .status_code
        == 404
    )
    stopped = client.post(
        f"{API}/cadence-enrollments/{body['id']}/stop", {"note": "客户暂缓"}, content_type="application/json"
    )
    assert stopped.status_code == 200, stopped.json()
    assert (stopped.json()["status"], stopped.json()["stop_reason"]) == ("stopped", "manual")
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    again = client.post(f"{API}/cadence-enrollments/{body['id']}/stop", {}, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (422, "enrollment_ended")


@pytest.mark.parametrize("role", ["rep_b", "rep_c", "mgr_2"])
def test_given_contact_of_hidden_customer_then_enrolment_is_422_on_contact_id(org, cadence, as_role, role):
    contact = ContactFactory(customer=org.cust_a)
    response = as_role(role).post(
        f"{API}/cadence-enrollments",
        {"cadence_id": cadence.pk, "contact_id": contact.pk, "intent": "observing"},
        content_type="application/json",
    )
    assert (response.status_code, list(response.json()["details"])) == (422, ["contact_id"])
    assert not CadenceEnrollment.objects.exists()


def test_given_unknown_cadence_or_intent_then_422(org, cadence):
    contact = ContactFactory(customer=org.cust_a)
    client = token_client(org.rep_a)
    unknown = client.post(
        f"{API}/cadence-enrollments",
        {"cadence_id": cadence.pk + 999, "contact_id": contact.pk, "intent": "high"},
        content_type="application/json",
    )
    assert (unknown.status_code, list(unknown.json()["details"])) == (422, ["cadence_id"])
    intent = client.post(
        f"{API}/cadence-enrollments",
        {"cadence_id": cadence.pk, "contact_id": contact.pk, "intent": "keen"},
        content_type="application/json",
    )
    assert (intent.status_code, list(intent.json()["details"])) == (422, ["intent"])
    assert not CadenceEnrollment.objects.filter(status=EnrollmentStatus.ACTIVE).exists()


# --- relationship map --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("rep_a", 200), ("mgr_1", 200), ("director", 200), ("rep_b", 404), ("rep_c", 404), ("mgr_2", 404)],
)
def test_relationship_map_follows_visibility(org, as_role, role, status):
    boss = ContactFactory(customer=org.cust_a, name="张总")
    ContactFactory(customer=org.cust_a, name="李经理", reports_to=boss)
    response = as_role(role).get(f"{API}/customers/{org.cust_a.pk}/relationship-map")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["customer_id"] == org.cust_a.pk
        assert len(body["nodes"]) == 2
        assert body["roots"] == [boss.pk]
        assert len(body["edges"]) == 1 and body["edges"][0]["source"] == boss.pk
    else:
        assert response.json()["code"] == "not_found"


def test_counterparts_set_change_and_remove(org):
    contact = ContactFactory(customer=org.cust_a)
    client = token_client(org.rep_a)
    url = f"{API}/contacts/{contact.pk}/counterparts/{org.rep_b.pk}"
    created = _put(client, url, {"closeness": "familiar"})
    assert created.json() == {"contact_id": contact.pk, "user_id": org.rep_b.pk, "closeness": "familiar"}
    assert _put(client, url, {"closeness": "close"}).status_code == 200
    assert Counterpart.objects.get(contact=contact).closeness == "close"
    graph = client.get(f"{API}/customers/{org.cust_a.pk}/relationship-map").json()
    assert [(c["user_id"], c["closeness"]) for c in graph["counterparts"]] == [(org.rep_b.pk, "close")]
    assert _put(client, url, {"closeness": "bff"}).status_code == 422
    assert (
        _put(
            client, f"{API}/contacts/{contact.pk}/counterparts/{org.sysadmin.pk}", {"closeness": "close"}
        ).status_code
        == 422
    )
    assert (
        _put(client, f"{API}/contacts/{contact.pk}/counterparts/999999", {"closeness": "close"}).status_code
        == 404
    )
    assert token_client(org.rep_c).delete(url).status_code == 404
    assert _put(token_client(org.rep_c), url, {"closeness": "close"}).status_code == 404
    assert client.delete(url).status_code == 204
    assert not Counterpart.objects.exists()
    assert client.delete(url).status_code == 404


# --- calendar feed -----------------------------------------------------------------------------------


def test_calendar_feed_create_rotate_and_revoke(org):
    TaskFactory(owner=org.rep_a, title="拜访华为")
    client = token_client(org.rep_a)
    assert client.get(f"{API}/me").json()["calendar_feed_url"] is None
    created = client.post(f"{API}/me/calendar-feed")
    assert created.status_code == 201
    url = created.json()["url"]
    assert url.startswith("http://testserver/calendar/gxcal_") and url.endswith(".ics")
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert "拜访华为" in calendar_feed_ics(token).decode()
    assert client.get(f"{API}/me").json()["calendar_feed_url"] == url  # shown again while live
    rotated = client.post(f"{API}/me/calendar-feed").json()["url"]
    assert rotated != url
    assert CalendarFeed.objects.filter(user=org.rep_a, revoked_at__isnull=True).count() == 1
    assert client.delete(f"{API}/me/calendar-feed").status_code == 204
    assert not CalendarFeed.objects.filter(user=org.rep_a, revoked_at__isnull=True).exists()
    assert client.delete(f"{API}/me/calendar-feed").status_code == 404


def test_given_site_url_then_feed_url_uses_it(org, settings):
    settings.GUANXI_SITE_URL = "https://crm.example.com/"
    url = token_client(org.rep_a).post(f"{API}/me/calendar-feed").json()["url"]
    assert url.startswith("https://crm.example.com/calendar/gxcal_")


def test_anonymous_gets_401_on_relationship_routes(org):
    for path in ("/policies/relationship", "/agenda/today", "/notifications", "/cadences"):
        assert Client().get(f"{API}{path}").status_code == 401
