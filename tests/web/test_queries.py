"""Page query counts do not grow with the number of rows shown (SPEC §6: no N+1)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.customers.models import Tag

from ..factories import ContactFactory, CustomerFactory, InteractionFactory, TaskFactory


def query_count(client, url: str) -> int:
    client.get(url)  # the first request of a session also writes the session; measure a steady one
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_customers(org, count: int) -> None:
    tag = Tag.objects.get_or_create(name="重点")[0]
    for number in range(count):
        customer = CustomerFactory(owner=org.rep_a if number % 2 else org.rep_b, last_contact_at=None)
        customer.tags.add(tag)


@pytest.mark.parametrize("viewer", ["mgr_1", "rep_a", "director"])
def test_given_5_or_50_customers_when_listing_then_same_number_of_queries(org, login, settings, viewer):
    settings.GUANXI_PAGE_SIZE = 100
    client = login(org.user(viewer))
    add_customers(org, 5)
    few = query_count(client, "/customers/?sort=name")

    add_customers(org, 45)
    many = query_count(client, "/customers/?sort=name")
    html = client.get("/customers/?sort=name").content.decode()

    assert many == few
    assert html.count('<td><a class="strong" href="/customers/') >= (25 if viewer == "rep_a" else 50)


def test_given_5_or_50_matches_when_searching_then_same_number_of_queries(org, login):
    client = login(org.mgr_1)
    add_customers(org, 5)
    few = query_count(client, "/search/?q=测试客户")

    add_customers(org, 45)
    many = query_count(client, "/search/?q=测试客户")

    assert many == few


def add_history(org, contacts: int, interactions: int, tasks: int) -> None:
    boss = None
    for _ in range(contacts):
        boss = ContactFactory(customer=org.cust_a, reports_to=boss)
    for number in range(interactions):
        interaction = InteractionFactory(
            customer=org.cust_a,
            created_by=org.rep_a,
            next_contact_on=datetime.date(2026, 12, 1),
            next_contact_channel="wechat",
        )
        interaction.contacts.add(boss)
        TaskFactory(owner=org.rep_a, customer=org.cust_a, contact=boss, title=f"任务{number}")
    for _ in range(tasks - interactions):
        TaskFactory(owner=org.rep_a, customer=org.cust_a)


def test_given_more_contacts_interactions_and_tasks_when_opening_360_then_same_number_of_queries(org, login):
    client = login(org.mgr_1)
    add_history(org, contacts=2, interactions=2, tasks=2)
    few = query_count(client, f"/customers/{org.cust_a.pk}/")

    add_history(org, contacts=10, interactions=10, tasks=12)
    many = query_count(client, f"/customers/{org.cust_a.pk}/")

    assert many == few


def test_given_more_tasks_when_opening_my_tasks_then_same_number_of_queries(org, login):
    client = login(org.rep_a)
    for _ in range(3):
        TaskFactory(owner=org.rep_a, customer=org.cust_a)
    few = query_count(client, "/tasks/")

    for _ in range(30):
        TaskFactory(owner=org.rep_a, customer=org.cust_a)
    many = query_count(client, "/tasks/")

    assert many == few
