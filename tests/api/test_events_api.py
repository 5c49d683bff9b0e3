"""The events API: visibility, If-Match, Idempotency-Key, invitations and attendance."""

import datetime
import json
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.engagement.events import event_create, event_invite
from guanxi.engagement.models import Event, Interaction, Invitation

from ..factories import ContactFactory
from .support import API, if_match, token_client

NOW = datetime.datetime(2026, 11, 24, 6, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def make_event(organiser, days=-1, **extra) -> Event:
    starts = NOW + datetime.timedelta(days=days)
    return event_create(
        actor=organiser, data={"title": "技术研讨会", "starts_at": starts, "ends_at": starts, **extra}
    )


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def patch(client, url, body, **headers):
    return client.patch(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("rep_a", 200),
        ("rep_b", 404),
        ("rep_c", 404),
        ("mgr_1", 200),
        ("mgr_2", 404),
        ("director", 200),
        ("archivist", 200),
        ("sysadmin", 404),
        ("anon", 401),
    ],
)
def test_event_visibility_per_role(org, as_role, frozen, role, status):
    event = make_event(org.rep_a)
    client = as_role(role)
    assert client.get(f"{API}/events/{event.pk}").status_code == status
    listed = client.get(f"{API}/events", {"when": "all"})
    if status != 401:
        assert ([row["id"] for row in listed.json()["items"]] == [event.pk]) is (status == 200)


def test_create_with_idempotency_key_then_update_with_if_match(org, frozen):
    client = token_client(org.rep_a)
    body = {"title": "新品发布会", "kind": "product_launch", "starts_at": "2026-12-01T14:00:00+08:00"}
    key = str(uuid.uuid4())
    first = post(client, f"{API}/events", body, **{"Idempotency-Key": key})
    again = post(client, f"{API}/events", body, **{"Idempotency-Key": key})
    assert first.status_code == 201 and again.status_code == 201
    assert first.json() == again.json()
    assert Event.objects.count() == 1
    created = first.json()
    assert (created["organiser"]["id"], created["ends_at"], created["status"]) == (
        org.rep_a.pk,
        created["starts_at"],
        "planned",
    )
    url = f"{API}/events/{created['id']}"
    assert first["ETag"] == '"v1"' and first["Location"].endswith(f"/events/{created['id']}")

    assert patch(client, url, {"place": "杭州"}).status_code == 428
    changed = patch(client, url, {"place": "杭州"}, **if_match(1))
    assert changed.status_code == 200 and changed.json()["place"] == "杭州" and changed["ETag"] == '"v2"'
    stale = patch(client, url, {"place": "上海"}, **if_match(1))
    assert stale.status_code == 412
    assert stale.json()["code"] == "version_conflict"
    assert patch(client, url, {"place": "上海", "status": "held"}, **if_match(2)).status_code == 400
    assert patch(token_client(org.rep_b), url, {"place": "x"}, **if_match(2)).status_code == 404
    bad = patch(client, url, {"ends_at": "2026-12-01T10:00:00+08:00"}, **if_match(2))
    assert bad.status_code == 422 and "ends_at" in bad.json()["details"]


def test_invitations_and_attendance(org, frozen):
    chen = ContactFactory(customer=org.cust_a, name="陈总")
    li = ContactFactory(customer=org.cust_a, name="李工")
    hidden = ContactFactory(customer=org.cust_c)
    event = make_event(org.rep_a)
    client = token_client(org.rep_a)
    url = f"{API}/events/{event.pk}/invitations"

    refused = post(client, url, {"contact_ids": [chen.pk, hidden.pk]})
    assert refused.status_code == 422 and "contact_ids" in refused.json()["details"]
    created = post(client, url, {"contact_ids": [chen.pk, li.pk]})
    assert created.status_code == 201
    assert sorted(row["contact_name"] for row in created.json()) == ["李工", "陈总"]
    assert post(client, url, {"contact_ids": [chen.pk]}).json() == []  # already invited
    ids = {row["contact_id"]: row["id"] for row in client.get(url).json()}

    responded = post(client, f"{url}/{ids[li.pk]}/respond", {"response": "declined"})
    assert responded.status_code == 200 and responded.json()["response"] == "declined"
    attendance = {"attended": [ids[chen.pk], ids[li.pk]], "absent": []}
    result = post(client, f"{API}/events/{event.pk}/attendance", attendance)
    assert result.status_code == 200
    assert (result.json()["marked"], result.json()["interactions_logged"]) == (2, 1)
    again = post(client, f"{API}/events/{event.pk}/attendance", attendance).json()
    assert (again["marked"], again["interactions_logged"]) == (0, 0)
    assert Interaction.objects.filter(event=event).count() == 1
    interaction_ids = {row["interaction_id"] for row in again["invitations"]}
    assert interaction_ids == {Interaction.objects.get(event=event).pk}

    assert client.delete(f"{url}/{ids[chen.pk]}").status_code == 422  # attended: stays
    other = token_client(org.rep_c)
    assert post(other, f"{API}/events/{event.pk}/attendance", attendance).status_code == 404
    assert other.get(url).status_code == 404
    assert client.get(f"{API}/events/{event.pk}").json()["attended_count"] == 2


def test_cancel_and_delete(org, frozen):
    event = make_event(org.rep_a, days=5)
    client = token_client(org.rep_a)
    assert token_client(org.rep_b).post(f"{API}/events/{event.pk}/cancel").status_code == 404
    cancelled = client.post(f"{API}/events/{event.pk}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert client.delete(f"{API}/events/{event.pk}").status_code == 428
    assert client.delete(f"{API}/events/{event.pk}", headers=if_match(2)).status_code == 204
    assert client.get(f"{API}/events/{event.pk}").status_code == 404


def test_a_rep_sees_only_invitations_of_their_customers_on_the_directors_event(org, frozen):
    mine = ContactFactory(customer=org.cust_a)
    theirs = ContactFactory(customer=org.cust_c)
    event = make_event(org.director, days=3)
    event_invite(actor=org.director, event=event, contact_ids=[mine.pk, theirs.pk])
    rows = token_client(org.rep_a).get(f"{API}/events/{event.pk}/invitations").json()
    assert [row["contact_id"] for row in rows] == [mine.pk]
    assert token_client(org.rep_a).get(f"{API}/events/{event.pk}").json()["invited_count"] == 1
    assert token_client(org.rep_b).get(f"{API}/events/{event.pk}").status_code == 404


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"{API}/events", {"when": "past"}).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_flat(org, frozen):
    contact = ContactFactory(customer=org.cust_a)
    for n in range(5):
        event_invite(actor=org.rep_a, event=make_event(org.rep_a, days=-1 - n), contact_ids=[contact.pk])
    client = token_client(org.mgr_1)
    client.get(f"{API}/events")
    few = _list_queries(client)
    for n in range(45):
        make_event(org.rep_b, days=-10 - n)
    assert _list_queries(client) == few
    assert Invitation.objects.count() == 5


def test_the_logged_interaction_names_its_event(org, frozen):
    contact = ContactFactory(customer=org.cust_a)
    event = make_event(org.rep_a)
    (invitation,) = event_invite(actor=org.rep_a, event=event, contact_ids=[contact.pk])
    client = token_client(org.rep_a)
    post(client, f"{API}/events/{event.pk}/attendance", {"attended": [invitation.pk]})
    interaction = Interaction.objects.get(event=event)
    body = client.get(f"{API}/interactions/{interaction.pk}").json()
    assert (body["event_id"], body["channel"], body["is_non_sales"]) == (event.pk, "event", True)


def test_put_without_an_end_replaces_it_while_patch_with_null_keeps_it(org, frozen):
    event = make_event(org.rep_a, days=3)
    client = token_client(org.rep_a)
    url = f"{API}/events/{event.pk}"
    later = (NOW + datetime.timedelta(days=10)).isoformat()
    body = {"title": "新品发布会", "kind": event.kind, "starts_at": later, "ends_at": None, "place": "苏州"}
    replaced = client.put(url, json.dumps(body), content_type="application/json", headers=if_match(1))
    assert replaced.status_code == 200, replaced.json()
    assert replaced.json()["ends_at"] == replaced.json()["starts_at"]
    kept = patch(client, url, {"ends_at": None, "place": "无锡"}, **if_match(2))
    assert kept.status_code == 200, kept.json()
    assert kept.json()["ends_at"] == replaced.json()["ends_at"]
    assert kept.json()["place"] == "无锡"
