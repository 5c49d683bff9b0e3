"""The managed side of relationship maintenance in the API: cadences with steps, per-customer contact
intervals, enrolments of other teams, the inbox of other users, and the calendar URL in /me."""

import json
import uuid

import pytest
from django.test import Client

from guanxi.core.errors import NotFound
from guanxi.customers.models import Customer
from guanxi.engagement.cadences import cadence_enrol
from guanxi.engagement.feeds import calendar_feed_ics
from guanxi.engagement.models import Cadence, CadenceStep, Notification
from guanxi.governance.models import AuditEvent

from ..factories import ContactFactory
from .support import API, if_match, token_client

STEPS = [
    {"purpose": "awareness", "channel": "wechat", "title": "发行业报告", "wait_days_high_intent": 0},
    {"purpose": "value", "channel": "phone", "title": "电话讲案例", "wait_days_observing": 7},
]


def send(client, method, url, body, **headers):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", headers=headers)


def test_managers_create_and_replace_cadences_reps_may_not(org):
    body = {"name": "展会后跟进", "description": "展会结束后三步", "steps": STEPS}
    assert send(token_client(org.rep_a), "post", f"{API}/cadences", body).status_code == 403
    client = token_client(org.mgr_1)
    key = str(uuid.uuid4())
    created = send(client, "post", f"{API}/cadences", body, **{"Idempotency-Key": key})
    replay = send(client, "post", f"{API}/cadences", body, **{"Idempotency-Key": key})
    assert created.status_code == 201 and replay.json() == created.json()
    data = created.json()
    assert [s["position"] for s in data["steps"]] == [1, 2]
    assert data["steps"][0]["wait_days_high_intent"] == 0
    assert Cadence.objects.filter(name="展会后跟进").count() == 1
    url = f"{API}/cadences/{data['id']}"
    assert token_client(org.rep_c).get(url).json()["name"] == "展会后跟进"  # every member reads them

    new_steps = [*STEPS, {"purpose": "call_to_action", "channel": "face_to_face", "title": "上门签约"}]
    assert send(client, "put", url, {**body, "steps": new_steps}).status_code == 428
    replaced = send(client, "put", url, {**body, "steps": new_steps}, **if_match(data["version"]))
    assert replaced.status_code == 200
    assert [s["title"] for s in replaced.json()["steps"]] == ["发行业报告", "电话讲案例", "上门签约"]
    assert replaced.json()["version"] == data["version"] + 1
    stale = send(client, "put", url, {**body, "steps": STEPS}, **if_match(data["version"]))
    assert stale.status_code == 412
    assert AuditEvent.objects.filter(object_type="cadence", object_id=str(data["id"])).count() >= 3
    rep = send(token_client(org.rep_a), "put", url, body, **if_match(replaced.json()["version"]))
    assert rep.status_code == 403


def test_cadence_bad_input(org):
    client = token_client(org.director)
    no_steps = send(client, "post", f"{API}/cadences", {"name": "空", "steps": []})
    assert no_steps.status_code == 422
    bad_wait = [{**STEPS[0], "wait_days_observing": 400}]
    assert send(client, "post", f"{API}/cadences", {"name": "x", "steps": bad_wait}).status_code == 422
    extra = send(client, "post", f"{API}/cadences", {"name": "x", "steps": STEPS, "owner": 1})
    assert extra.status_code == 400
    assert client.get(f"{API}/cadences/999999").status_code == 404


def test_steps_cannot_shrink_below_active_enrolments(org):
    client = token_client(org.mgr_1)
    body = {"name": "两步", "steps": STEPS}
    created = send(client, "post", f"{API}/cadences", body).json()
    cadence = Cadence.objects.get(pk=created["id"])
    enrolment = cadence_enrol(
        actor=org.rep_a, contact=ContactFactory(customer=org.cust_a), cadence=cadence, intent="high"
    )
    type(enrolment).objects.filter(pk=enrolment.pk).update(current_step=2)
    shrunk = send(
        client,
        "put",
        f"{API}/cadences/{cadence.pk}",
        {**body, "steps": STEPS[:1]},
        **if_match(created["version"]),
    )
    assert shrunk.status_code == 422 and "steps" in shrunk.json()["details"]
    assert CadenceStep.objects.filter(cadence=cadence).count() == 2


def test_another_teams_enrolment_is_not_found(org):
    cadence = Cadence.objects.filter(is_active=True).first()
    enrolment = cadence_enrol(
        actor=org.rep_c, contact=ContactFactory(customer=org.cust_c), cadence=cadence, intent="observing"
    )
    url = f"{API}/cadence-enrollments/{enrolment.pk}/stop"
    assert send(token_client(org.rep_a), "post", url, {}).status_code == 404
    assert send(token_client(org.mgr_1), "post", url, {}).status_code == 404
    assert send(token_client(org.mgr_2), "post", url, {}).status_code == 200


def test_per_customer_interval_override(org):
    url = f"{API}/customers/{org.cust_a.pk}/contact-interval"
    version = Customer.objects.get(pk=org.cust_a.pk).version
    assert (
        send(token_client(org.rep_a), "put", url, {"interval_days": 7}, **if_match(version)).status_code
        == 403
    )
    assert (
        send(token_client(org.mgr_2), "put", url, {"interval_days": 7}, **if_match(version)).status_code
        == 404
    )
    client = token_client(org.mgr_1)
    assert send(client, "put", url, {"interval_days": 7}).status_code == 428
    assert send(client, "put", url, {"interval_days": 0}, **if_match(version)).status_code == 422
    done = send(client, "put", url, {"interval_days": 7}, **if_match(version))
    assert done.status_code == 200 and done.json()["interval_days"] == 7
    assert Customer.objects.get(pk=org.cust_a.pk).contact_interval_days == 7
    listed = token_client(org.rep_a).get(f"{API}/policies/relationship/overrides").json()
    assert [row["customer_id"] for row in listed["items"]] == [org.cust_a.pk]
    assert token_client(org.rep_c).get(f"{API}/policies/relationship/overrides").json()["count"] == 0
    cleared = send(client, "put", url, {"interval_days": None}, **if_match(done.json()["version"]))
    assert cleared.status_code == 200 and cleared.json()["interval_days"] is None


def test_inbox_of_another_user_is_not_found(org):
    theirs = Notification.objects.create(user=org.rep_b, kind="task_assigned", title="别人的")
    client = token_client(org.rep_a)
    assert client.post(f"{API}/notifications/{theirs.pk}/read").status_code == 404
    assert client.get(f"{API}/notifications/unread-count").json() == {"unread": 0}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_me_shows_the_feed_url_that_works_and_revoking_makes_it_404(org):
    client = token_client(org.rep_a)
    assert client.get(f"{API}/me").json()["calendar_feed_url"] is None
    issued = client.post(f"{API}/me/calendar-feed").json()["url"]
    url = client.get(f"{API}/me").json()["calendar_feed_url"]
    assert url == issued and url.startswith("http://testserver/calendar/gxcal_")
    path = url.removeprefix("http://testserver")
    assert Client().get(path).status_code == 200
    assert client.delete(f"{API}/me/calendar-feed").status_code == 204
    assert client.get(f"{API}/me").json()["calendar_feed_url"] is None
    assert Client().get(path).status_code == 404
    with pytest.raises(NotFound):
        calendar_feed_ics(path.removeprefix("/calendar/").removesuffix(".ics"))
