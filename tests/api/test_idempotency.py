"""Idempotent creates (SECURITY API-05): a retried POST with the same Idempotency-Key is answered, not redone."""

import datetime
import uuid

import pytest
from django.utils import timezone

from guanxi.api.models import IdempotentRequest
from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import Interaction, Task

from .support import API, token_client

KEY = "5f0c6f4e-3f2a-4d7b-9c1e-2b8a7d6e5f40"


def _post(client, path, body, key=KEY):
    return client.post(
        f"{API}{path}", body, content_type="application/json", headers={"idempotency-key": key}
    )


@pytest.mark.parametrize(
    ("path", "body", "model"),
    [
        ("/customers", lambda org: {"name": "甲公司"}, Customer),
        ("/contacts", lambda org: {"customer_id": org.cust_a.pk, "name": "王"}, Contact),
        ("/customers/{cust_a}/contacts", lambda org: {"name": "王"}, Contact),
        (
            "/interactions",
            lambda org: {"customer_id": org.cust_a.pk, "channel": "phone", "topic": "回访"},
            Interaction,
        ),
        ("/tasks", lambda org: {"title": "跟进", "due_on": "2099-01-01"}, Task),
    ],
)
def test_given_same_key_and_body_twice_then_one_record_and_the_same_answer(org, path, body, model):
    client = token_client(org.rep_a)
    path = path.format(cust_a=org.cust_a.pk)
    before = model.all_objects.count()
    first = _post(client, path, body(org))
    again = _post(client, path, body(org))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert (again["ETag"], again["Location"]) == (first["ETag"], first["Location"])
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert model.all_objects.count() == before + 1


def test_given_same_key_with_a_different_body_then_422_and_nothing_created(org):
    client = token_client(org.rep_a)
    _post(client, "/customers", {"name": "甲公司"})
    response = _post(client, "/customers", {"name": "乙公司"})
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert response.json()["message"] == "此 Idempotency-Key 已用于另一个不同的请求。"
    assert list(Customer.objects.filter(name__in=["甲公司", "乙公司"]).values_list("name", flat=True)) == [
        "甲公司"
    ]


def test_given_first_request_still_running_then_409_and_nothing_created(org):
    client = token_client(org.rep_a)
    _post(client, "/customers", {"name": "甲公司"})
    IdempotentRequest.objects.filter(key=KEY).update(status=None, body=None)  # as if it had not finished
    response = _post(client, "/customers", {"name": "甲公司"})
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_in_progress"
    assert Customer.objects.filter(name="甲公司").count() == 1


def test_given_first_request_abandoned_long_ago_then_key_can_be_used_again(org):
    client = token_client(org.rep_a)
    _post(client, "/customers", {"name": "甲公司"})
    IdempotentRequest.objects.filter(key=KEY).update(
        status=None, body=None, created_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    assert _post(client, "/customers", {"name": "甲公司"}).status_code == 201
    assert Customer.objects.filter(name="甲公司").count() == 2


def test_given_key_older_than_a_day_then_it_is_forgotten(org):
    client = token_client(org.rep_a)
    _post(client, "/customers", {"name": "甲公司"})
    IdempotentRequest.objects.filter(key=KEY).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    again = _post(client, "/customers", {"name": "甲公司"})
    assert (again.status_code, again.has_header("Idempotent-Replayed")) == (201, False)
    assert Customer.objects.filter(name="甲公司").count() == 2


def test_given_another_user_with_the_same_key_then_they_get_their_own_record(org):
    first = _post(token_client(org.rep_a), "/customers", {"name": "甲公司"})
    second = _post(token_client(org.rep_b), "/customers", {"name": "甲公司"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert second.json()["owner"]["id"] == org.rep_b.pk


def test_given_refused_request_then_key_is_free_for_the_corrected_one(org):
    client = token_client(org.rep_a)
    refused = _post(client, "/customers", {"name": "甲公司", "credit_code": "91350100M000100Y4A"})
    assert refused.status_code == 422
    assert not IdempotentRequest.objects.filter(key=KEY).exists()
    corrected = _post(client, "/customers", {"name": "甲公司", "credit_code": "91350100M000100Y43"})
    assert corrected.status_code == 201


@pytest.mark.parametrize("key", ["not-a-uuid", "", "12345"])
def test_given_key_that_is_not_a_uuid_then_400_and_nothing_created(org, key):
    before = Customer.all_objects.count()
    response = _post(token_client(org.rep_a), "/customers", {"name": "甲公司"}, key=key)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert Customer.all_objects.count() == before


def test_given_no_key_then_each_post_creates(org):
    client = token_client(org.rep_a)
    for _ in range(2):
        client.post(f"{API}/customers", {"name": "甲公司"}, content_type="application/json")
    assert Customer.objects.filter(name="甲公司").count() == 2
    assert IdempotentRequest.objects.count() == 0


def test_keys_are_stored_per_user_as_uuids(org):
    _post(token_client(org.rep_a), "/customers", {"name": "甲公司"}, key=KEY.upper())
    record = IdempotentRequest.objects.get()
    assert (record.user, record.key, record.status) == (org.rep_a, uuid.UUID(KEY), 201)
