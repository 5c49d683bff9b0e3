"""Mass-assignment protection (SECURITY API-03): only declared fields are written, ownership within rights."""

import pytest
from django.forms.models import model_to_dict

from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import Interaction, Task

from ..factories import ContactFactory, InteractionFactory, TaskFactory
from .support import API, if_match, token_client

NEVER_WRITABLE = {"id", "version", "created_at", "created_by", "created_by_id", "updated_at", "updated_by"}
NEVER_WRITABLE |= {"updated_by_id", "deleted_at", "is_deleted", "team_id", "consent_note", "search_pinyin"}
SMUGGLED = {"id": 999, "version": 7, "created_at": "2000-01-01T00:00:00Z", "deleted_at": None, "team_id": 2}


def _snapshot(org):
    """Every row the write operations could touch, as plain dicts."""
    rows = []
    for model in (Customer, Contact, Interaction, Task):
        rows += [
            model_to_dict(obj)
            | {"version": obj.version, "updated_at": obj.updated_at, "deleted_at": obj.deleted_at}
            for obj in model.all_objects.order_by("pk")
        ]
    return rows


@pytest.fixture
def records(org):
    return {
        "contact": ContactFactory(customer=org.cust_a),
        "interaction": InteractionFactory(customer=org.cust_a, created_by=org.rep_a),
        "task": TaskFactory(owner=org.rep_a, customer=org.cust_a),
    }


# (method, path, valid payload) for every write operation of the API.
WRITES = [
    ("post", "/customers", lambda o, r: {"name": "新客户"}),
    ("put", "/customers/{cust_a}", lambda o, r: {"name": "新名字"}),
    ("patch", "/customers/{cust_a}", lambda o, r: {"industry": "金融"}),
    ("post", "/customers/{cust_a}/contacts", lambda o, r: {"name": "王经理"}),
    ("post", "/contacts", lambda o, r: {"customer_id": o.cust_a.pk, "name": "王经理"}),
    ("put", "/contacts/{contact}", lambda o, r: {"name": "王经理"}),
    ("patch", "/contacts/{contact}", lambda o, r: {"title": "总经理"}),
    ("post", "/interactions", lambda o, r: {"customer_id": o.cust_a.pk, "channel": "phone", "topic": "回访"}),
    (
        "put",
        "/interactions/{interaction}",
        lambda o, r: {"occurred_at": "2024-03-05T10:00:00+08:00", "channel": "wechat", "topic": "回访"},
    ),
    ("patch", "/interactions/{interaction}", lambda o, r: {"topic": "回访"}),
    ("post", "/tasks", lambda o, r: {"title": "跟进", "due_on": "2099-01-01"}),
    ("put", "/tasks/{task}", lambda o, r: {"title": "跟进", "due_on": "2099-01-01"}),
    ("patch", "/tasks/{task}", lambda o, r: {"title": "跟进"}),
    ("post", "/tasks/{task}/complete", lambda o, r: {"result": "好"}),
    ("post", "/tasks/{task}/snooze", lambda o, r: {"until": "2099-01-01"}),
]


def _url(path: str, org, records) -> str:
    ids = {"cust_a": org.cust_a.pk, **{name: obj.pk for name, obj in records.items()}}
    return API + path.format(**ids)


@pytest.mark.parametrize(("method", "path", "payload"), WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_given_valid_payload_plus_protected_fields_when_writing_then_400_and_nothing_changed(
    org, records, method, path, payload
):
    client = token_client(org.rep_a)
    before = _snapshot(org)
    body = payload(org, records) | SMUGGLED | {"owner_id": org.rep_c.pk}
    response = getattr(client, method)(
        _url(path, org, records), body, content_type="application/json", headers=if_match(1)
    )
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "unknown_field"
    assert set(error["details"]) >= {"id", "version", "created_at", "deleted_at", "team_id"}
    assert _snapshot(org) == before


@pytest.mark.parametrize(("method", "path", "payload"), WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_given_valid_payload_alone_when_writing_then_accepted(org, records, method, path, payload):
    # The control for the test above: the same payload without the smuggled fields goes through.
    client = token_client(org.rep_a)
    response = getattr(client, method)(
        _url(path, org, records), payload(org, records), content_type="application/json", headers=if_match(1)
    )
    assert response.status_code in {200, 201}


@pytest.mark.parametrize("method", ["put", "patch"])
def test_given_rep_handing_customer_to_other_team_then_422_owner_not_allowed_and_unchanged(org, method):
    before = model_to_dict(Customer.objects.get(pk=org.cust_a.pk))
    response = getattr(token_client(org.rep_a), method)(
        f"{API}/customers/{org.cust_a.pk}",
        {"name": "华为技术有限公司", "owner_id": org.rep_c.pk},
        content_type="application/json",
        headers=if_match(1),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "owner_not_allowed"
    assert list(response.json()["details"]) == ["owner_id"]
    assert model_to_dict(Customer.objects.get(pk=org.cust_a.pk)) == before


def test_given_rep_creating_customer_for_someone_else_then_refused_and_nothing_created(org):
    before = Customer.all_objects.count()
    response = token_client(org.rep_a).post(
        f"{API}/customers", {"name": "新客户", "owner_id": org.rep_b.pk}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "owner_not_allowed"
    assert Customer.all_objects.count() == before


def test_given_unknown_owner_then_same_answer_as_a_forbidden_one(org):
    client = token_client(org.rep_a)
    forbidden = client.post(
        f"{API}/customers", {"name": "甲", "owner_id": org.rep_c.pk}, content_type="application/json"
    )
    unknown = client.post(
        f"{API}/customers", {"name": "甲", "owner_id": 987654}, content_type="application/json"
    )
    assert forbidden.json() == unknown.json()


def test_given_manager_handing_customer_within_team_then_owner_changes(org):
    response = token_client(org.mgr_1).patch(
        f"{API}/customers/{org.cust_a.pk}",
        {"owner_id": org.rep_b.pk},
        content_type="application/json",
        headers=if_match(1),
    )
    assert response.status_code == 200
    assert response.json()["owner"]["id"] == org.rep_b.pk
    assert Customer.objects.get(pk=org.cust_a.pk).owner == org.rep_b


def test_given_rep_giving_a_task_to_another_team_then_refused_and_nothing_created(org):
    before = Task.all_objects.count()
    response = token_client(org.rep_a).post(
        f"{API}/tasks",
        {"title": "x", "due_on": "2099-01-01", "owner_id": org.rep_c.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "owner_not_allowed"
    assert Task.all_objects.count() == before


def test_every_request_body_in_the_schema_forbids_extra_and_protected_fields(org):
    schema = token_client(org.director).get(f"{API}/openapi.json").json()
    components = schema["components"]["schemas"]
    bodies = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            bodies.append((f"{method.upper()} {path}", components[ref.split("/")[-1]]))
    assert len(bodies) == 20  # every write operation with a body, including POST /auth/token
    for name, body in bodies:
        assert body["additionalProperties"] is False, name
        assert NEVER_WRITABLE.isdisjoint(body["properties"]), name
