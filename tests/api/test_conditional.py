"""No lost updates over HTTP (SECURITY CD-01): ETag out, If-Match required in, 412 on a stale version."""

import pytest

from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import Interaction, Task

from ..factories import ContactFactory, InteractionFactory, TaskFactory
from .support import API, if_match, token_client


def test_given_two_clients_at_v1_when_both_patch_then_second_gets_412_and_first_change_is_kept(org):
    client_a = token_client(org.rep_a)
    client_b = token_client(org.mgr_1)
    url = f"{API}/customers/{org.cust_a.pk}"
    etag_a = client_a.get(url)["ETag"]
    etag_b = client_b.get(url)["ETag"]
    assert etag_a == etag_b == '"v1"'

    first = client_a.patch(
        url, {"short_name": "华为"}, content_type="application/json", headers={"if-match": etag_a}
    )
    assert first.status_code == 200
    assert first["ETag"] == '"v2"'
    assert first.json()["version"] == 2

    second = client_b.patch(
        url, {"short_name": "HW"}, content_type="application/json", headers={"if-match": etag_b}
    )
    assert second.status_code == 412
    body = second.json()
    assert body["code"] == "version_conflict"
    assert body["details"]["current_version"] == 2
    assert body["details"]["current"]["short_name"] == "华为"
    assert body["details"]["current"]["id"] == org.cust_a.pk
    assert second["ETag"] == '"v2"'
    saved = Customer.objects.get(pk=org.cust_a.pk)
    assert (saved.short_name, saved.version) == ("华为", 2)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_given_no_if_match_when_writing_then_428_and_nothing_changed(org, method):
    client = token_client(org.rep_a)
    url = f"{API}/customers/{org.cust_a.pk}"
    response = getattr(client, method)(url, {"name": "改名"}, content_type="application/json")
    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    assert "If-Match" in response.json()["message"]
    saved = Customer.objects.get(pk=org.cust_a.pk)
    assert (saved.name, saved.version, saved.deleted_at) == ("华为技术有限公司", 1, None)


@pytest.mark.parametrize("header", ["*", ""])
def test_given_wildcard_or_empty_if_match_then_428(org, header):
    response = token_client(org.rep_a).patch(
        f"{API}/customers/{org.cust_a.pk}",
        {"industry": "金融"},
        content_type="application/json",
        headers={"if-match": header},
    )
    assert response.status_code == 428


def test_given_unreadable_if_match_then_400_and_unchanged(org):
    response = token_client(org.rep_a).patch(
        f"{API}/customers/{org.cust_a.pk}",
        {"industry": "金融"},
        content_type="application/json",
        headers={"if-match": '"abc", "v1"'},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_if_match"
    assert Customer.objects.get(pk=org.cust_a.pk).industry == "制造业"


def test_given_stale_version_when_deleting_then_412_and_still_there(org):
    client = token_client(org.rep_a)
    url = f"{API}/customers/{org.cust_a.pk}"
    client.patch(url, {"industry": "金融"}, content_type="application/json", headers=if_match(1))
    response = client.delete(url, headers=if_match(1))
    assert response.status_code == 412
    assert Customer.objects.filter(pk=org.cust_a.pk).exists()


@pytest.mark.parametrize(
    ("resource", "make", "change", "field"),
    [
        ("contacts", lambda org: ContactFactory(customer=org.cust_a), {"title": "总监"}, "title"),
        ("interactions", lambda org: InteractionFactory(customer=org.cust_a), {"topic": "改过"}, "topic"),
        ("tasks", lambda org: TaskFactory(owner=org.rep_a, customer=org.cust_a), {"title": "改过"}, "title"),
    ],
)
def test_given_stale_version_on_other_resources_then_412_with_current_record(
    org, resource, make, change, field
):
    record = make(org)
    client = token_client(org.rep_a)
    url = f"{API}/{resource}/{record.pk}"
    assert client.get(url)["ETag"] == '"v1"'
    assert client.patch(url, change, content_type="application/json", headers=if_match(1)).status_code == 200
    stale = client.patch(url, {field: "晚了"}, content_type="application/json", headers=if_match(1))
    assert stale.status_code == 412
    assert stale.json()["details"]["current"][field] == change[field]
    model = {"contacts": Contact, "interactions": Interaction, "tasks": Task}[resource]
    assert getattr(model.objects.get(pk=record.pk), field) == change[field]


def test_given_patch_then_only_given_fields_change(org):
    client = token_client(org.rep_a)
    url = f"{API}/customers/{org.cust_a.pk}"
    response = client.patch(
        url, {"grade": "A", "tags": ["重点"]}, content_type="application/json", headers=if_match(1)
    )
    assert response.status_code == 200
    saved = Customer.objects.get(pk=org.cust_a.pk)
    assert (saved.grade, saved.name, saved.industry, saved.status, saved.province) == (
        "A",
        "华为技术有限公司",
        "制造业",
        "current",
        "上海",
    )
    assert list(saved.tags.values_list("name", flat=True)) == ["重点"]


def test_given_put_then_left_out_fields_get_defaults_and_owner_stays(org):
    client = token_client(org.rep_a)
    url = f"{API}/customers/{org.cust_a.pk}"
    response = client.put(url, {"name": "华为"}, content_type="application/json", headers=if_match(1))
    assert response.status_code == 200
    saved = Customer.objects.get(pk=org.cust_a.pk)
    assert (saved.name, saved.industry, saved.grade, saved.status, saved.owner) == (
        "华为",
        "",
        "",
        "potential",
        org.rep_a,
    )


def test_given_complete_with_stale_if_match_then_412_and_task_open(org):
    task = TaskFactory(owner=org.rep_a)
    client = token_client(org.rep_a)
    client.patch(
        f"{API}/tasks/{task.pk}", {"title": "新"}, content_type="application/json", headers=if_match(1)
    )
    response = client.post(
        f"{API}/tasks/{task.pk}/complete",
        {"result": "好"},
        content_type="application/json",
        headers=if_match(1),
    )
    assert response.status_code == 412
    assert Task.objects.get(pk=task.pk).status == "open"
