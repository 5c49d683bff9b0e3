"""Who may open which page (SECURITY AZ-01..AZ-03): anonymous users sign in first, a customer outside
the user's scope answers 404 exactly like a missing one, and lists and search never leak it."""

import pytest

from guanxi.customers.models import Customer, Need
from guanxi.engagement.models import Interaction, Task, TaskStatus

from ..conftest import SEES_CUST_A

ROLES = list(SEES_CUST_A)

# Every page showing or changing cust_a's archive, by name → URL.
CUST_A_PAGES = {
    "customer 360": lambda a: f"/customers/{a.customer.pk}/",
    "customer edit": lambda a: f"/customers/{a.customer.pk}/edit/",
    "contact create": lambda a: f"/customers/{a.customer.pk}/contacts/new/",
    "contact edit": lambda a: f"/contacts/{a.contact.pk}/edit/",
    "log interaction": lambda a: f"/customers/{a.customer.pk}/interactions/new/",
    "need create": lambda a: f"/customers/{a.customer.pk}/needs/new/",
    "need edit": lambda a: f"/needs/{a.need.pk}/edit/",
    "relationship map": lambda a: f"/customers/{a.customer.pk}/map/",
    # The panels other areas add to the customer page, each loaded on its own.
    "sales panel": lambda a: f"/customers/{a.customer.pk}/sales-panel/",
    "visits panel": lambda a: f"/customers/{a.customer.pk}/visits-panel/",
    "events panel": lambda a: f"/customers/{a.customer.pk}/events-panel/",
    "value panel": lambda a: f"/customers/{a.customer.pk}/value/",
    "key accounts panel": lambda a: f"/key-accounts/customer/{a.customer.pk}/panel/",
}


def expected_status(role: str) -> int:
    if role == "anon":
        return 302
    return 200 if SEES_CUST_A[role] else 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(CUST_A_PAGES))
def test_given_role_when_opening_a_page_of_cust_a_then_only_its_circle_gets_it(
    org, archive, login, role, page
):
    url = CUST_A_PAGES[page](archive)

    response = login(org.user(role)).get(url)

    assert response.status_code == expected_status(role)
    if role == "anon":
        assert response["Location"] == f"/login/?next={url}"
    if response.status_code == 404:
        assert archive.customer.name not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/customers/", "/search/?q=有限公司", "/tasks/", "/customers/new/"])
def test_given_role_when_opening_a_list_page_then_signed_in_users_get_it(org, archive, login, role, url):
    response = login(org.user(role)).get(url)

    if role == "anon":
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")
    elif url == "/customers/new/" and role in {"sysadmin", "archivist"}:
        # Nobody they may hand a customer to: the system administrator owns no customers, and the
        # archive administrator maintains archives but never decides ownership (SECURITY AZ-02).
        assert response.status_code == 403
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/customers/",
        "/customers/?q=腾讯",
        "/customers/?q=tx",
        "/search/?q=腾讯",
        "/search/?q=txkj",
        "/search/?q=13998765432",
        "/search/?q=马化",
    ],
)
def test_given_rep_a_when_listing_or_searching_then_cust_c_and_its_contacts_never_show(
    org, archive, login, url
):
    html = login(org.rep_a).get(url).content.decode()
    marker = 'class="search-results"' if url.startswith("/search/") else 'id="customer-results"'
    results = html.split(marker, 1)[1]  # past the search boxes, which echo the query

    assert org.cust_c.name not in html
    assert "马化" not in results
    assert "9876" not in results


def test_given_rep_c_when_listing_then_only_cust_c(org, archive, login):
    html = login(org.rep_c).get("/customers/").content.decode()

    assert org.cust_c.name in html
    assert org.cust_a.name not in html


def test_given_other_reps_when_opening_tasks_then_rep_a_task_is_not_theirs(org, archive, login):
    for role in ("rep_b", "rep_c", "mgr_1", "sysadmin"):
        html = login(org.user(role)).get("/tasks/").content.decode()
        assert archive.task.title not in html, role


@pytest.mark.parametrize(
    ("role", "status", "done"),
    [
        ("anon", 302, False),
        ("rep_a", 302, True),
        ("rep_b", 404, False),
        ("rep_c", 404, False),
        ("mgr_1", 302, True),
        ("mgr_2", 404, False),
        ("director", 302, True),
        ("archivist", 403, False),  # sees the archive to maintain it, but works nobody's tasks
        ("sysadmin", 404, False),
    ],
)
def test_given_role_when_completing_rep_a_task_then_owner_and_managers_only(
    org, archive, login, role, status, done
):
    response = login(org.user(role)).post(f"/tasks/{archive.task.pk}/complete/", {"result": "已回访"})

    assert response.status_code == status
    archive.task.refresh_from_db()
    assert archive.task.status == (TaskStatus.DONE if done else TaskStatus.OPEN)
    assert archive.task.version == (2 if done else 1)


@pytest.mark.parametrize("role", ["rep_b", "rep_c", "mgr_2", "sysadmin"])
def test_given_outsider_when_posting_to_cust_a_then_404_and_nothing_changes(org, archive, login, role):
    client = login(org.user(role))
    pk = archive.customer.pk

    responses = [
        client.post(
            f"/customers/{pk}/edit/",
            {
                "name": "被改名",
                "kind": "company",
                "status": "current",
                "owner": org.user(role).pk,
                "version": 1,
            },
        ),
        client.post(
            f"/customers/{pk}/interactions/new/",
            {
                "channel": "phone",
                "topic": "越权记录",
                "occurred_at": "2026-01-01T10:00",
                "archive-version": 1,
                "archive-status": "churned",
                "direction": "outbound",
            },
        ),
        client.post(
            f"/customers/{pk}/contacts/new/",
            {
                "name": "越权联系人",
                "relationship_status": "neutral",
                "birthday_calendar": "solar",
                "lawful_basis": "contract",
            },
        ),
        client.post(f"/needs/{archive.need.pk}/delete/", {"version": 1}),
        client.post(f"/customers/{pk}/risks/new/", {"risk-category": "credit", "risk-level": "high"}),
    ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    customer = Customer.all_objects.get(pk=pk)
    assert (customer.name, customer.status, customer.version) == ("华为技术有限公司", "current", 1)
    assert not Interaction.all_objects.filter(customer=customer).exists()
    assert list(customer.contacts.values_list("name", flat=True)) == ["张伟"]
    assert Need.objects.filter(pk=archive.need.pk).exists()
    assert not customer.risks.exists()
    assert Task.all_objects.filter(customer=customer).count() == 1
