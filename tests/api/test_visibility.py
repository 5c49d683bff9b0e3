"""Object-level visibility through the API (SECURITY AZ-01..AZ-03): the same scope as everywhere else.

cust_a is owned by rep_a (team 1); invisible records answer 404 exactly like missing ones.
"""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils import timezone

from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import CadenceEnrollment, Event, Interaction, Invitation, Notification, Task
from guanxi.engagement.selectors import tasks_visible
from guanxi.governance.scope import managed_team_paths, visible
from guanxi.keyaccounts.models import AccountPlan, IntelReport, Referral
from guanxi.people.models import Role
from guanxi.performance.models import Assignment, Attempt
from guanxi.sales.models import Contract, Opportunity, Order, PaymentPlanItem
from guanxi.visits.models import VisitPlan

from ..conftest import SEES_CUST_A
from ..factories import ContactFactory, CustomerFactory, InteractionFactory, TaskFactory
from ..keyaccounts.factories import make_intel, make_referral
from ..performance.factories import starter_quiz
from ..sales.factories import ContractFactory, OpportunityFactory, OrderFactory, ProductFactory
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
    if path == "/policies/relationship/overrides":
        return _ids(visible(Customer.objects.filter(contact_interval_days__isnull=False), user))
    if path == "/events":
        return _ids(Event.objects.filter(_event_scope(user)))
    if path in SALES_RECORDS:
        queryset = SALES_RECORDS[path].objects.filter(customer__deleted_at__isnull=True)
        return _ids(visible(queryset, user, via="customer"))
    if path == "/visit-plans":
        return _ids(VisitPlan.objects.filter(_person_scope(user, "owner", archive_sees_all=True)))
    if path == "/training/assignments":
        return _ids(Assignment.objects.filter(_person_scope(user, "rep"), quiz__deleted_at__isnull=True))
    if path == "/training/attempts":
        return _ids(Attempt.objects.filter(_person_scope(user, "user")))
    if path == "/account-plans":
        plans = AccountPlan.objects.filter(customer__deleted_at__isnull=True)
        return _ids(visible(plans, user, via="customer"))
    if path == "/intel-reports":
        about_customers = IntelReport.objects.filter(customer__deleted_at__isnull=True)
        market = IntelReport.objects.filter(customer__isnull=True)
        return _ids(visible(about_customers, user, via="customer")) | (
            set() if user.role == Role.ADMIN else _ids(market)
        )
    if path == "/referrals":
        # Both ends live (a customer in the recycle bin is hidden everywhere); the referred one in scope.
        live = Referral.objects.filter(referred__deleted_at__isnull=True, referrer__deleted_at__isnull=True)
        return _ids(visible(live, user, via="referred"))
    raise AssertionError(f"no scope known for {path}; add it here")


SALES_RECORDS = {"/orders": Order, "/opportunities": Opportunity, "/contracts": Contract}


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def _person_scope(user, field: str, archive_sees_all: bool = False) -> Q:
    """Records of a person: their own; a manager also those of the team subtree they lead; the director
    (and, for visit plans, the archive administrator) everybody's."""
    if user.role == Role.DIRECTOR or (archive_sees_all and user.role == Role.ARCHIVIST):
        return Q()
    if user.role not in (Role.REP, Role.MANAGER) and archive_sees_all:
        return Q(pk__in=[])
    condition = Q(**{f"{field}_id": user.pk})
    if user.role == Role.MANAGER:
        for team_path in managed_team_paths(user):
            condition |= Q(**{f"{field}__team__path__startswith": team_path})
    return condition


def _event_scope(user) -> Q:
    """The organiser's, their managers', the director's and the archive's; plus, for anybody, the events
    inviting a contact of a live customer they can see. The system administrator sees none."""
    if user.role == Role.ADMIN:
        return Q(pk__in=[])
    if user.role in (Role.DIRECTOR, Role.ARCHIVIST):
        return Q()
    invitations = Invitation.objects.filter(
        customer__deleted_at__isnull=True, contact__deleted_at__isnull=True
    )
    inviting = visible(invitations, user, via="customer").values("event_id")
    return _person_scope(user, "organiser") | Q(pk__in=inviting)


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
    "/policies/relationship/overrides": "",
    "/events": "when=all",
    "/orders": "",
    "/opportunities": "",
    "/contracts": "",
    "/visit-plans": "",
    "/training/assignments": "",
    "/training/attempts": "",
    "/account-plans": "scope=team",
    "/intel-reports": "",
    "/referrals": "",
}

# Catalogues, the same for every member and holding no customer data: they have no scope to check, only
# the promise that everybody sees the same rows (checked below for a rep, a manager and the director).
CATALOGUES = {"/products": "", "/training/questions": "", "/training/quizzes": ""}


@pytest.fixture
def crowded(org, world):
    """Records all over the organisation, including a deleted customer and a collaboration."""
    for owner in (org.rep_a, org.rep_b, org.rep_c, org.mgr_1, org.mgr_2):
        customer = CustomerFactory(owner=owner)
        ContactFactory(customer=customer)
        InteractionFactory(customer=customer, created_by=owner)
        _sales_and_more(org, owner, customer)
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
    deleted_contact = ContactFactory(customer=deleted)
    InteractionFactory(customer=deleted, occurred_at=timezone.now() - datetime.timedelta(days=2))
    _sales_and_more(org, org.rep_c, deleted, contact=deleted_contact)  # an event of rep_c invites it
    Customer.all_objects.filter(pk=deleted.pk).update(contact_interval_days=5)
    # An event of another team inviting a contact of cust_a: rep_a and mgr_1 see it through the customer.
    _event(org.rep_c, ContactFactory(customer=org.cust_a))
    ProductFactory.create_batch(2)
    starter_quiz()
    make_intel(reporter=org.rep_b, market="润滑油")  # a market report, about no customer
    make_referral(referrer=deleted, referred=CustomerFactory(owner=org.rep_a))  # from the recycle bin


def _event(organiser, contact) -> Event:
    starts = timezone.now() + datetime.timedelta(days=3)
    event = Event.objects.create(
        title="客户答谢会",
        organiser=organiser,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    Invitation.objects.create(event=event, contact=contact, customer=contact.customer, invited_by=organiser)
    return event


def _sales_and_more(org, owner, customer, contact=None) -> None:
    """One record of each newer kind around ``customer`` (of ``owner`` where a person owns it)."""
    if contact is None:
        Customer.objects.filter(pk=customer.pk).update(contact_interval_days=20)
        _event(owner, ContactFactory(customer=customer))
        VisitPlan.objects.create(owner=owner, month=datetime.date(2026, 11, 1))
        quiz = starter_quiz()
        Assignment.objects.create(
            quiz=quiz, rep=owner, due_on=datetime.date(2099, 1, 1), assigned_by=org.director
        )
        Attempt.objects.create(user=owner, quiz=quiz)
    else:
        _event(owner, contact)
    AccountPlan.objects.create(customer=customer, year=2026, owner=customer.owner)
    make_intel(reporter=customer.owner, customer=customer)
    make_referral(referrer=CustomerFactory(owner=org.rep_b), referred=customer)
    OrderFactory(customer=customer)
    OpportunityFactory(customer=customer, owner=customer.owner)
    contract = ContractFactory(customer=customer, owner=customer.owner)
    PaymentPlanItem.objects.create(
        contract=contract, due_on=timezone.localdate() - datetime.timedelta(days=10), amount=Decimal("500.00")
    )


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
    assert lists == set(LIST_ENDPOINTS) | set(CATALOGUES)
    assert set(LIST_ENDPOINTS).isdisjoint(CATALOGUES)


@pytest.mark.parametrize("path", list(CATALOGUES))
def test_catalogue_is_the_same_for_a_rep_a_manager_and_the_director(org, crowded, path):
    seen = []
    for user in (org.rep_a, org.rep_c, org.mgr_2, org.director):
        body = token_client(user).get(f"{API}{path}?page_size=100&{CATALOGUES[path]}").json()
        seen.append(sorted(item["id"] for item in body["items"]))
        assert body["count"] == len(body["items"])
    assert seen[0] != []
    assert all(ids == seen[0] for ids in seen)


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


@pytest.mark.parametrize("path", list(LIST_ENDPOINTS) + list(CATALOGUES))
def test_list_endpoint_refuses_anonymous(org, as_role, path):
    assert as_role("anon").get(f"{API}{path}").status_code == 401


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anon"])
def test_overdue_payments_list_only_the_contracts_in_scope(org, crowded, role):
    # A plain array, not a page, but customer data all the same: every crowded contract has an overdue
    # instalment, so the answer names exactly the contracts of the live customers the caller may see.
    user = org.user(role)
    response = token_client(user).get(f"{API}/overdue-payments")
    assert response.status_code == 200
    contracts = visible(Contract.objects.filter(customer__deleted_at__isnull=True), user, via="customer")
    assert {row["contract_id"] for row in response.json()} == _ids(contracts)
    assert len(response.json()) == len(_ids(contracts))


@pytest.mark.parametrize("role", ["rep_a", "mgr_1", "director", "archivist"])
@pytest.mark.parametrize(
    ("resource", "record"),
    [
        ("account-plans", lambda c: AccountPlan.objects.create(customer=c, year=2026, owner=c.owner)),
        ("intel-reports", lambda c: make_intel(reporter=c.owner, customer=c)),
        ("orders", lambda c: OrderFactory(customer=c)),
        ("opportunities", lambda c: OpportunityFactory(customer=c)),
        ("contracts", lambda c: ContractFactory(customer=c)),
    ],
)
def test_record_of_a_customer_in_the_recycle_bin_is_not_found(org, as_role, role, resource, record):
    # A deleted customer is hidden everywhere, its records with it, even from its owner and the director.
    customer = CustomerFactory(owner=org.rep_a)
    pk = record(customer).pk
    assert as_role(role).get(f"{API}/{resource}/{pk}").status_code == 200
    Customer.objects.filter(pk=customer.pk).update(deleted_at=timezone.now())
    response = as_role(role).get(f"{API}/{resource}/{pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_given_rep_searching_for_another_teams_customer_then_nothing(org):
    response = token_client(org.rep_a).get(f"{API}/customers", {"q": "腾讯"})
    assert response.json()["count"] == 0
    assert response.json()["items"] == []
