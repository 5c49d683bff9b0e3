"""What each resource does: create, read, list with filters, search and pages, change, delete."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import Interaction, Task

from ..factories import ContactFactory, CustomerFactory, InteractionFactory, TaskFactory
from .support import API, if_match, token_client

# --- customers ---------------------------------------------------------------------------------------


def test_given_full_payload_when_creating_customer_then_saved_normalised_and_returned(org):
    client = token_client(org.rep_a)
    response = client.post(
        f"{API}/customers",
        {
            "name": "华威精密机械有限公司",
            "credit_code": "91350100m000100y43",
            "province": "福建",
            "grade": "A",
            "status": "target",
            "score_loyalty": 4,
            "tags": ["重点", "制造"],
            "referred_by_id": org.cust_a.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    customer = Customer.objects.get(pk=body["id"])
    assert response["Location"] == f"{API}/customers/{customer.pk}"
    assert response["ETag"] == '"v1"'
    assert (customer.credit_code, customer.region, customer.owner, customer.referred_by) == (
        "91350100M000100Y43",
        "east",
        org.rep_a,
        org.cust_a,
    )
    assert (body["owner"]["id"], body["version"], sorted(body["tags"]), body["grade"]) == (
        org.rep_a.pk,
        1,
        ["制造", "重点"],
        "A",
    )


@pytest.fixture
def rep_a_customers(org):
    """Customers of rep_a with different classifications (cust_a: 华为, B, current, east, 制造业)."""
    a = CustomerFactory(
        name="阿里巴巴", owner=org.rep_a, grade="A", status="target", region="east", industry="信息技术"
    )
    b = CustomerFactory(
        name="比亚迪", owner=org.rep_a, grade="C", status="dormant", region="south", kind="individual"
    )
    a.tags.create(name="重点")
    return {"alibaba": a, "byd": b}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"grade": "A"}, ["alibaba"]),
        ({"status": "dormant"}, ["byd"]),
        ({"region": "south"}, ["byd"]),
        ({"industry": "信息技术"}, ["alibaba"]),
        ({"kind": "individual"}, ["byd"]),
        ({"tag": "重点"}, ["alibaba"]),
        ({"q": "比亚"}, ["byd"]),
        ({"q": "albb"}, ["alibaba"]),
        ({"q": "华为"}, ["cust_a"]),
        ({"sort": "name", "grade": "A"}, ["alibaba"]),
    ],
)
def test_customer_list_filters(org, rep_a_customers, query, expected):
    names = {"cust_a": org.cust_a.pk, **{k: v.pk for k, v in rep_a_customers.items()}}
    response = token_client(org.rep_a).get(f"{API}/customers", query)
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [names[n] for n in expected]
    assert response.json()["count"] == len(expected)


def test_customer_list_by_owner_for_a_manager(org, rep_a_customers):
    CustomerFactory(owner=org.rep_b)
    response = token_client(org.mgr_1).get(f"{API}/customers", {"owner": org.rep_a.pk, "sort": "name"})
    ids = [item["id"] for item in response.json()["items"]]
    assert sorted(ids) == sorted([org.cust_a.pk, *(c.pk for c in rep_a_customers.values())])


def test_given_sort_by_name_when_paging_then_pages_partition_the_list(org):
    for index in range(7):
        CustomerFactory(name=f"客户{index}", owner=org.rep_a)
    client = token_client(org.rep_a)
    pages = [
        client.get(f"{API}/customers", {"sort": "name", "page": p, "page_size": 3}).json()
        for p in (1, 2, 3, 4)
    ]
    assert [page["count"] for page in pages] == [8, 8, 8, 8]
    assert [len(page["items"]) for page in pages] == [3, 3, 2, 0]
    assert [(page["page"], page["page_size"]) for page in pages] == [(1, 3), (2, 3), (3, 3), (4, 3)]
    ids = [item["id"] for page in pages for item in page["items"]]
    assert len(set(ids)) == 8


def test_given_huge_page_size_then_capped_at_100(org):
    for _ in range(101):
        CustomerFactory(owner=org.rep_a)
    body = token_client(org.rep_a).get(f"{API}/customers", {"page_size": 100000}).json()
    assert (body["page_size"], len(body["items"]), body["count"]) == (100, 100, 102)


def test_given_default_page_size_then_25(org):
    assert token_client(org.rep_a).get(f"{API}/customers").json()["page_size"] == 25


def test_given_deleted_customer_then_gone_from_detail_list_and_its_contacts(org):
    ContactFactory(customer=org.cust_a)
    client = token_client(org.rep_a)
    assert client.delete(f"{API}/customers/{org.cust_a.pk}", headers=if_match(1)).status_code == 204
    assert Customer.all_objects.get(pk=org.cust_a.pk).deleted_at is not None
    assert client.get(f"{API}/customers/{org.cust_a.pk}").status_code == 404
    assert client.get(f"{API}/customers").json()["count"] == 0
    assert client.get(f"{API}/contacts").json()["count"] == 0


def test_customer_list_query_count_does_not_grow_with_page_size(org):
    for index in range(60):
        customer = CustomerFactory(owner=org.rep_a)
        customer.tags.create(name=f"标签{index}")
        customer.collaborators.add(org.rep_b)
    client = token_client(org.rep_a)
    client.get(f"{API}/customers")  # warm up: the token's last-used stamp is written once a minute
    counts = {}
    for size in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{API}/customers", {"page_size": size})
        assert len(response.json()["items"]) == size
        counts[size] = len(queries)
    assert counts[5] == counts[50]
    assert counts[50] == 5  # the token, the count, the page, its tags, its collaborators


# --- contacts ----------------------------------------------------------------------------------------


def test_contact_create_read_update_delete(org):
    client = token_client(org.rep_a)
    created = client.post(
        f"{API}/customers/{org.cust_a.pk}/contacts",
        {
            "name": "王建国",
            "mobile": "138 1234 5678",
            "decision_role": "decision_maker",
            "birthday_calendar": "lunar",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    contact_id = created.json()["id"]
    assert created["Location"] == f"{API}/contacts/{contact_id}"
    assert (created.json()["mobile"], created.json()["customer_id"]) == ("138****5678", org.cust_a.pk)
    assert Contact.objects.get(pk=contact_id).mobile == "13812345678"

    boss = client.post(
        f"{API}/contacts", {"customer_id": org.cust_a.pk, "name": "李总"}, content_type="application/json"
    ).json()
    patched = client.patch(
        f"{API}/contacts/{contact_id}",
        {"reports_to_id": boss["id"]},
        content_type="application/json",
        headers=if_match(1),
    )
    assert (patched.status_code, patched.json()["reports_to_id"], patched["ETag"]) == (
        200,
        boss["id"],
        '"v2"',
    )

    found = client.get(f"{API}/contacts", {"q": "wjg"}).json()
    assert [c["id"] for c in found["items"]] == [contact_id]
    by_phone = client.get(f"{API}/contacts", {"q": "5678"}).json()
    assert [c["id"] for c in by_phone["items"]] == [contact_id]

    assert client.delete(f"{API}/contacts/{contact_id}", headers=if_match(2)).status_code == 204
    assert not Contact.objects.filter(pk=contact_id).exists()
    assert client.get(f"{API}/contacts/{contact_id}").status_code == 404


# --- interactions ------------------------------------------------------------------------------------


def test_given_interaction_with_action_items_and_next_contact_then_tasks_are_created(org):
    contact = ContactFactory(customer=org.cust_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = token_client(org.rep_a).post(
        f"{API}/interactions",
        {
            "customer_id": org.cust_a.pk,
            "contact_ids": [contact.pk],
            "channel": "face_to_face",
            "topic": "年度采购计划",
            "content": "客户说预算会增加。",
            "stance": "positive",
            "next_contact_on": tomorrow.isoformat(),
            "next_contact_channel": "wechat",
            "action_items": [{"title": "发报价单", "due_on": tomorrow.isoformat()}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    interaction = Interaction.objects.get(pk=body["id"])
    assert (body["contact_ids"], body["participant_ids"]) == ([contact.pk], [org.rep_a.pk])
    tasks = Task.objects.filter(interaction=interaction).order_by("kind")
    assert [(t.kind, t.owner, t.due_on) for t in tasks] == [
        ("action_item", org.rep_a, tomorrow),
        ("follow_up", org.rep_a, tomorrow),
    ]
    assert sorted(t["id"] for t in body["tasks"]) == sorted(t.pk for t in tasks)
    assert Customer.objects.get(pk=org.cust_a.pk).last_contact_at == interaction.occurred_at


def test_given_naive_time_then_read_as_beijing_time(org):
    response = token_client(org.rep_a).post(
        f"{API}/interactions",
        {
            "customer_id": org.cust_a.pk,
            "channel": "phone",
            "topic": "x",
            "occurred_at": "2024-03-05T10:00:00",
        },
        content_type="application/json",
    )
    occurred = Interaction.objects.get(pk=response.json()["id"]).occurred_at
    assert occurred == datetime.datetime(2024, 3, 5, 2, 0, tzinfo=datetime.UTC)


def test_given_action_item_for_another_team_then_refused_and_nothing_created(org):
    counts = (Interaction.all_objects.count(), Task.all_objects.count())
    response = token_client(org.rep_a).post(
        f"{API}/interactions",
        {
            "customer_id": org.cust_a.pk,
            "channel": "phone",
            "topic": "x",
            "action_items": [{"title": "y", "due_on": "2099-01-01", "owner_id": org.rep_c.pk}],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert (Interaction.all_objects.count(), Task.all_objects.count()) == counts


def test_interaction_list_search_and_filter(org):
    first = InteractionFactory(customer=org.cust_a, topic="报价讨论")
    InteractionFactory(customer=org.cust_a, topic="节日问候")
    other = CustomerFactory(owner=org.rep_a)
    InteractionFactory(customer=other, topic="报价讨论")
    client = token_client(org.rep_a)
    by_text = client.get(f"{API}/interactions", {"q": "报价", "customer_id": org.cust_a.pk}).json()
    assert [i["id"] for i in by_text["items"]] == [first.pk]


# --- tasks -------------------------------------------------------------------------------------------


def test_task_create_complete_snooze_and_list(org):
    client = token_client(org.rep_a)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    created = client.post(
        f"{API}/tasks",
        {"title": "回访华为", "due_on": tomorrow, "customer_id": org.cust_a.pk},
        content_type="application/json",
    )
    assert created.status_code == 201
    task_id = created.json()["id"]
    assert (created.json()["owner"]["id"], created.json()["status"]) == (org.rep_a.pk, "open")

    later = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    snoozed = client.post(f"{API}/tasks/{task_id}/snooze", {"until": later}, content_type="application/json")
    assert (snoozed.status_code, snoozed.json()["status"], snoozed.json()["due_on"]) == (
        200,
        "snoozed",
        later,
    )

    listed = client.get(f"{API}/tasks", {"q": "华为"}).json()
    assert [t["id"] for t in listed["items"]] == [task_id]

    done = client.post(
        f"{API}/tasks/{task_id}/complete", {"result": "已回访"}, content_type="application/json"
    )
    assert (done.status_code, done.json()["status"], done.json()["result"]) == (200, "done", "已回访")
    assert client.get(f"{API}/tasks").json()["count"] == 0
    assert client.get(f"{API}/tasks", {"status": "done"}).json()["count"] == 1

    again = client.post(f"{API}/tasks/{task_id}/complete", {"result": "x"}, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (422, "task_closed")


def test_given_snooze_to_the_past_then_422_and_unchanged(org):
    task = TaskFactory(owner=org.rep_a)
    response = token_client(org.rep_a).post(
        f"{API}/tasks/{task.pk}/snooze", {"until": "2000-01-01"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert Task.objects.get(pk=task.pk).status == "open"


def test_given_manager_then_sees_team_tasks_with_mine_false(org):
    task = TaskFactory(owner=org.rep_a, customer=org.cust_a)
    TaskFactory(owner=org.rep_c, customer=org.cust_c)
    client = token_client(org.mgr_1)
    assert client.get(f"{API}/tasks").json()["count"] == 0
    assert [t["id"] for t in client.get(f"{API}/tasks", {"mine": "false"}).json()["items"]] == [task.pk]


def test_given_contact_of_another_customer_for_task_then_422(org):
    other = CustomerFactory(owner=org.rep_a)
    contact = ContactFactory(customer=other)
    response = token_client(org.rep_a).post(
        f"{API}/tasks",
        {"title": "x", "due_on": "2099-01-01", "customer_id": org.cust_a.pk, "contact_id": contact.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["contact_id"]
