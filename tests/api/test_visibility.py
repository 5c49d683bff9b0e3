"""Object-level visibility through the API (SECURITY AZ-01..AZ-03): the same scope as everywhere else.

cust_a is owned by rep_a (team 1); invisible records answer 404 exactly like missing ones.
"""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import CadenceEnrollment, Interaction, Notification, Task
from guanxi.engagement.selectors import tasks_visible
from guanxi.governance.scope import visible

from ..conftest import SEES_CUST_A
from ..factories import ContactFactory, CustomerFactory, InteractionFactory, TaskFactory
from .support import API, if_match, token_client

ROLES = list(SEES_CUST_A)


def _expected(role: str, ok: int) -> int:
    if role == "anon":
        return 401
    return ok if SEES_CUST_A[role] else 404


@pytest.fixture
def world(org):
    """cust_a with a contact, an interaction and a task of rep_a; the same on cust_c for rep_c."""
    contact_a = ContactFactory(customer=org.cust_a)
    contact_c = ContactFactory(customer=org.cust_c)
    interaction_a = InteractionFactory(customer=org.cust_a, created_by=org.rep_a)
    interaction_c = InteractionFactory(customer=org.cust_c, created_by=org.rep_c)
    task_a = TaskFactory(owner=org.rep_a, customer=org.cust_a)
    task_c = TaskFactory(owner=org.rep_c, customer=org.cust_c)
    return {
        "contact_a": contact_a,
        "contact_c": contact_c,
        "interaction_a": interaction_a,
        "interaction_c": interaction_c,
        "task_a": task_a,
        "task_c": task_c,
    }


@pytest.mark.parametrize("role", ROLES)
def test_customer_detail_by_role(org, as_role, role):
    response = as_role(role).get(f"{API}/customers/{org.cust_a.pk}")
    assert response.status_code == _expected(role, 200)
    if response.status_code == 200:
        assert response.json()["id"] == org.cust_a.pk
        assert response["ETag"] == '"v1"'
    else:
        assert set(response.json()) == {"code", "message", "details"}


@pytest.mark.parametrize("role", ROLES)
def test_customer_patch_by_role(org, as_role, role):
    before = model_to_dict(Customer.objects.get(pk=org.cust_a.pk))
    response = as_role(role).patch(
        f"{API}/customers/{org.cust_a.pk}",
        {"industry": "金融"},
        content_type="application/json",
        headers=if_match(1),
    )
    assert response.status_code == _expected(role, 200)
    after = Customer.objects.get(pk=org.cust_a.pk)
    if response.status_code == 200:
        assert (after.industry, after.version) == ("金融", 2)
    else:
        assert model_to_dict(after) == before


@pytest.mark.parametrize("role", ROLES)
def test_customer_delete_by_role(org, as_role, role):
    response = as_role(role).delete(f"{API}/customers/{org.cust_a.pk}", headers=if_match(1))
    assert response.status_code == _expected(role, 204)
    still_live = Customer.objects.filter(pk=org.cust_a.pk).exists()
    assert still_live is (response.status_code != 204)


@pytest.mark.parametrize("role", ROLES)
def test_customer_contacts_sub_resource_by_role(org, world, as_role, role):
    response = as_role(role).get(f"{API}/customers/{org.cust_a.pk}/contacts")
    assert response.status_code == _expected(role, 200)
    if response.status_code == 200:
        assert [c["id"] for c in response.json()["items"]] == [world["contact_a"].pk]


@pytest.mark.parametrize("role", ROLES)
def test_customer_interactions_sub_resource_by_role(org, world, as_role, role):
    response = as_role(role).get(f"{API}/customers/{org.cust_a.pk}/interactions")
    assert response.status_code == _expected(role, 200)
    if response.status_code == 200:
        assert [i["id"] for i in response.json()["items"]] == [world["interaction_a"].pk]


@pytest.mark.parametrize("role", ROLES)
def test_adding_a_contact_under_a_customer_by_role(org, as_role, role):
    before = Contact.all_objects.count()
    response = as_role(role).post(
        f"{API}/customers/{org.cust_a.pk}/contacts", {"name": "王经理"}, content_type="application/json"
    )
    assert response.status_code == _expected(role, 201)
    assert Contact.all_objects.count() == before + (1 if response.status_code == 201 else 0)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", ["contacts", "interactions", "tasks"])
def test_record_detail_on_cust_a_by_role(org, world, as_role, role, resource):
    record = {
        "contacts": world["contact_a"],
        "interactions": world["interaction_a"],
        "tasks": world["task_a"],
    }
    response = as_role(role).get(f"{API}/{resource}/{record[resource].pk}")
    assert response.status_code == _expected(role, 200)


@pytest.mark.parametrize("role", ROLES)
def test_contact_patch_and_delete_by_role(org, world, as_role, role):
    contact = world["contact_a"]
    client = as_role(role)
    patched = client.patch(
        f"{API}/contacts/{contact.pk}",
        {"title": "总经理"},
        content_type="application/json",
        headers=if_match(1),
    )
    assert patched.status_code == _expected(role, 200)
    assert Contact.objects.get(pk=contact.pk).title == (
        "总经理" if patched.status_code == 200 else "采购经理"
    )
    deleted = client.delete(
        f"{API}/contacts/{contact.pk}", headers=if_match(2 if patched.status_code == 200 else 1)
    )
    assert deleted.status_code == _expected(role, 204)
    assert Contact.objects.filter(pk=contact.pk).exists() is (deleted.status_code != 204)


@pytest.mark.parametrize("role", ROLES)
def test_interaction_patch_and_delete_by_role(org, world, as_role, role):
    interaction = world["interaction_a"]
    client = as_role(role)
    patched = client.patch(
        f"{API}/interactions/{interaction.pk}",
        {"topic": "改过"},
        content_type="application/json",
        headers=if_match(1),
    )
    assert patched.status_code == _expected(role, 200)
    assert Interaction.objects.get(pk=interaction.pk).topic == (
        "改过" if patched.status_code == 200 else "电话沟通"
    )
    deleted = client.delete(
        f"{API}/interactions/{interaction.pk}", headers=if_match(2 if patched.status_code == 200 else 1)
    )
    assert deleted.status_code == _expected(role, 204)


# Changing a task is for its owner and their managers; others who can see it get 403.
TASK_WRITE = {
    "anon": 401,
    "rep_a": 200,
    "rep_b": 404,
    "rep_c": 404,
    "mgr_1": 200,
    "mgr_2": 404,
    "director": 200,
    "archivist": 403,
    "sysadmin": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_task_patch_complete_and_delete_by_role(org, world, as_role, role):
    task = world["task_a"]
    original_title = task.title
    client = as_role(role)
    expected = TASK_WRITE[role]
    patched = client.patch(
        f"{API}/tasks/{task.pk}", {"title": "改过"}, content_type="application/json", headers=if_match(1)
    )
    completed = client.post(
        f"{API}/tasks/{task.pk}/complete", {"result": "办好了"}, content_type="application/json"
    )
    deleted = client.delete(f"{API}/tasks/{task.pk}", headers=if_match(3))
    assert (patched.status_code, completed.status_code) == (expected, expected)
    assert deleted.status_code == (204 if expected == 200 else expected)
    task = Task.all_objects.get(pk=task.pk)
    if expected == 200:
        assert (task.title, task.status, task.deleted_at is not None) == ("改过", "done", True)
    else:
        assert (task.title, task.status, task.deleted_at, task.version) == (original_title, "open", None, 1)


def test_given_customer_id_of_another_team_inside_body_when_logging_interaction_then_422_and_nothing_created(
    org, world
):
    client = token_client(org.rep_a)
    before = (Interaction.all_objects.count(), Task.all_objects.count())
    response = client.post(
        f"{API}/interactions",
        {"customer_id": org.cust_c.pk, "channel": "phone", "topic": "偷看", "next_contact_on": "2099-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["details"] == {"customer_id": ["未找到该客户。"]}
    assert (Interaction.all_objects.count(), Task.all_objects.count()) == before
    missing = client.post(
        f"{API}/interactions",
        {"customer_id": 999999, "channel": "phone", "topic": "x"},
        content_type="application/json",
    )
    assert missing.json() == response.json()  # hidden and missing are indistinguishable


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/contacts", lambda org, world: {"customer_id": org.cust_c.pk, "name": "李四"}),
        (
            "/tasks",
            lambda org, world: {"customer_id": org.cust_c.pk, "title": "跟进", "due_on": "2099-01-01"},
        ),
        (
            "/tasks",
            lambda org, world: {"contact_id": world["contact_c"].pk, "title": "跟进", "due_on": "2099-01-01"},
        ),
        ("/customers", lambda org, world: {"name": "新客户", "referred_by_id": org.cust_c.pk}),
        (
            "/interactions",
            lambda org, world: {
                "customer_id": org.cust_a.pk,
                "contact_ids": [world["contact_c"].pk],
                "channel": "phone",
                "topic": "x",
            },
        ),
    ],
)
def test_given_foreign_id_inside_body_when_creating_then_422_and_nothing_created(org, world, path, body):
    counts = [m.all_objects.count() for m in (Customer, Contact, Interaction, Task)]
    response = token_client(org.rep_a).post(f"{API}{path}", body(org, world), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert [m.all_objects.count() for m in (Customer, Contact, Interaction, Task)] == counts


def test_given_foreign_contact_as_boss_when_patching_contact_then_422_and_unchanged(org, world):
    contact = world["contact_a"]
    response = token_client(org.rep_a).patch(
        f"{API}/contacts/{contact.pk}",
        {"reports_to_id": world["contact_c"].pk},
        content_type="application/json",
        headers=if_match(1),
    )
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["reports_to_id"]
    assert Contact.objects.get(pk=contact.pk).reports_to_id is None


# --- list endpoints return exactly the scope (AZ-03) --------------------------------------------------


def _scoped_ids(path: str, user) -> set[int]:
    if path == "/customers":
        return set(visible(Customer.objects.all(), user).values_list("pk", flat=True))
    if path == "/contacts":
        queryset = Contact.objects.filter(customer__deleted_at__isnull=True)
        return set(visible(queryset, user, via="customer").values_list("pk", flat=True))
    if path == "/interactions":
        queryset = Interaction.objects.filter(customer__deleted_at__isnull=True)
        return set(visible(queryset, user, via="customer").values_list("pk", flat=True))
    if path == "/tasks":
        return set(tasks_visible(user).values_list("pk", flat=True))
    open_tasks = tasks_visible(user).filter(status__in=("open", "snoozed"))
    if path == "/agenda/today":
        today = timezone.localdate()
        mine = open_tasks.filter(owner=user)
        return set(mine.filter(due_on__lte=today).values_list("pk", flat=True)) | set(
            mine.filter(kind="care").values_list("pk", flat=True)
        )
    if path == "/care/upcoming":
        today = timezone.localdate()
        window = (today, today + datetime.timedelta(days=60))
        return set(open_tasks.filter(kind="care", due_on__range=window).values_list("pk", flat=True))
    if path == "/notifications":
        return set(Notification.objects.filter(user=user).values_list("pk", flat=True))
    if path == "/cadence-enrollments":
        queryset = CadenceEnrollment.objects.filter(contact__customer__deleted_at__isnull=True)
        return set(visible(queryset, user, via="contact__customer").values_list("pk", flat=True))
    raise AssertionError(f"no scope known for {path}; add it here")


# The query string that widens each list to everything the caller may see.
LIST_ENDPOINTS = {
    "/customers": "",
    "/contacts": "",
    "/interactions": "",
    "/tasks": "mine=false&status=",
    "/agenda/today": "",
    "/care/upcoming": "mine=false&days=60",
    "/notifications": "",
    "/cadence-enrollments": "status=",
}


@pytest.fixture
def crowded(org, world):
    """Records all over the organisation, including a deleted customer and a collaboration."""
    for owner in (org.rep_a, org.rep_b, org.rep_c, org.mgr_1, org.mgr_2):
        customer = CustomerFactory(owner=owner)
        ContactFactory(customer=customer)
        InteractionFactory(customer=customer, created_by=owner)
        TaskFactory(owner=owner, customer=customer)
        TaskFactory(owner=owner)
        TaskFactory(
            owner=owner,
            customer=customer,
            kind="care",
            due_on=timezone.localdate() + datetime.timedelta(days=2),
        )
        Notification.objects.create(user=owner, kind="task_assigned", title="x")
    shared = CustomerFactory(owner=org.rep_c)
    shared.collaborators.add(org.rep_a)
    ContactFactory(customer=shared)
    deleted = CustomerFactory(owner=org.rep_a, deleted_at=timezone.now())
    ContactFactory(customer=deleted)
    InteractionFactory(customer=deleted, occurred_at=timezone.now() - datetime.timedelta(days=2))


def test_every_list_endpoint_in_the_schema_has_a_scope_check(org):
    schema = token_client(org.director).get(f"{API}/openapi.json").json()
    lists = set()
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        ref = get["responses"]["200"]["content"]["application/json"]["schema"].get("$ref", "")
        if not ref:  # a plain array (e.g. /cadences, the same for everyone), not a page
            continue
        properties = schema["components"]["schemas"][ref.split("/")[-1]]["properties"]
        if {"items", "count"} <= set(properties):
            lists.add(path.removeprefix(API))
    assert lists == set(LIST_ENDPOINTS)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anon"])
@pytest.mark.parametrize("path", list(LIST_ENDPOINTS))
def test_list_endpoint_returns_exactly_the_scope_and_its_count(org, crowded, role, path):
    user = org.user(role)
    response = token_client(user).get(f"{API}{path}?page_size=100&{LIST_ENDPOINTS[path]}")
    assert response.status_code == 200
    body = response.json()
    returned = {item["id"] for item in body["items"]}
    expected = _scoped_ids(path, user)
    assert returned == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("path", list(LIST_ENDPOINTS))
def test_list_endpoint_refuses_anonymous(org, as_role, path):
    assert as_role("anon").get(f"{API}{path}").status_code == 401


def test_given_rep_searching_for_another_teams_customer_then_nothing(org):
    response = token_client(org.rep_a).get(f"{API}/customers", {"q": "腾讯"})
    assert response.json()["count"] == 0
    assert response.json()["items"] == []
