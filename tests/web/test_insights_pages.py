"""The customer value pages: dashboards, the customers behind each number, the customer panel."""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.customers.models import Customer
from guanxi.insights import selectors
from guanxi.insights.refresh import refresh_insights

from ..factories import CustomerFactory
from ..sales.factories import ProductFactory, buy
from .conftest import inline_code

NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)
AS_OF = datetime.date(2026, 11, 23)
EARLIER = datetime.date(2026, 5, 31)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _book(org, count: int, product=None) -> None:
    """Give rep_a and rep_c ``count`` buying customers each, with varied histories."""
    for i in range(count):
        for owner in (org.rep_a, org.rep_c):
            customer = CustomerFactory(owner=owner, industry=f"行业{i % 3}", region="east")
            months = range(1 + i % 5, 12, 1 + i % 4)
            buy(
                customer,
                *(datetime.date(2026, m, 3) for m in months),
                amount=f"{(i + 1) * 100}.00",
                product=product,
            )


@pytest.fixture
def refreshed(org):
    product = ProductFactory()
    _book(org, 6, product)
    buy(org.cust_a, datetime.date(2025, 3, 1), datetime.date(2026, 2, 1), amount="9000.00", product=product)
    refresh_insights(as_of=EARLIER, alerts=False)
    refresh_insights(as_of=AS_OF, alerts=False)
    return product


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "a" and names.get("href", "").startswith("/value/customers/"):
            self.links.append(names["href"])
        if tag == "script" and "src" not in names:
            self.bad.append("inline script")
        self.bad += [f"{tag}[{name}]" for name in names if name == "style" or name.startswith("on")]
        if tag == "style":
            self.bad.append("style element")


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _count_in_list(client, href: str) -> set[int]:
    response = client.get(href)
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'href="/customers/(\d+)/"', response.content.decode())}


def test_given_a_manager_when_opening_the_dashboard_then_every_linked_number_is_its_customers(
    org, login, refreshed
):
    client = login(org.mgr_1)

    response = client.get(reverse("web:insights_dashboard"))

    assert response.status_code == 200
    html = response.content.decode()
    parsed = _parse(html)
    assert not parsed.bad
    segment_links = [h for h in parsed.links if "segment=" in h and "flow_from" not in h]
    assert segment_links
    sizes = {r["segment"]: r["customers"] for r in selectors.segment_sizes(user=org.mgr_1)}
    assert sum(sizes.values()) == Customer.objects.filter(owner__team=org.rep_a.team).count()
    for href in set(segment_links):
        segment = parse_qs(urlparse(href.replace("&amp;", "&")).query)["segment"][0]
        shown = _count_in_list(client, href.replace("&amp;", "&"))
        expected = set(
            selectors.snapshots_visible(org.mgr_1, AS_OF)
            .filter(segment=segment)
            .values_list("customer_id", flat=True)
        )
        assert shown == expected
        assert len(shown) == sizes[segment]
    assert org.cust_c.name not in html  # another team's customer never shows


@pytest.mark.parametrize(
    "key",
    [
        "suggested=",
        "group=",
        "score=",
        "lifecycle=",
        "industry=",
        "region=",
        "flow_from=",
        "product=",
        "churn=1",
    ],
)
def test_given_each_kind_of_link_then_the_list_shows_only_visible_customers_it_counts(
    org, login, refreshed, key
):
    client = login(org.mgr_1)
    parsed = _parse(client.get(reverse("web:insights_dashboard")).content.decode())
    hrefs = [h.replace("&amp;", "&") for h in parsed.links if key in h]
    assert hrefs, key
    visible_ids = set(selectors.snapshots_visible(org.mgr_1, AS_OF).values_list("customer_id", flat=True))
    for href in hrefs:
        shown = _count_in_list(client, href)
        assert shown <= visible_ids
        filters = {k: v[0] for k, v in parse_qs(urlparse(href).query, keep_blank_values=True).items()}
        first_page = selectors.snapshot_customer_list(user=org.mgr_1, filters=filters, as_of=AS_OF)[
            : settings.GUANXI_PAGE_SIZE
        ]
        assert shown == set(first_page.values_list("customer_id", flat=True)), href


def test_given_a_rep_then_their_book_only_and_no_owner_filter(org, login, refreshed):
    html = login(org.rep_a).get(reverse("web:insights_dashboard")).content.decode()
    assert 'name="owner"' not in html
    listed = _count_in_list(login(org.rep_a), reverse("web:insights_customers") + "?as_of=2026-11-23")
    assert listed == set(
        Customer.objects.filter(owner=org.rep_a).exclude(name="x").values_list("pk", flat=True)
    )


def test_given_a_manager_narrowing_to_a_rep_of_another_team_then_ignored(org, login, refreshed):
    client = login(org.mgr_1)
    listed = _count_in_list(client, reverse("web:insights_customers") + f"?owner={org.rep_c.pk}")
    assert listed and org.cust_c.pk not in listed
    mine = _count_in_list(client, reverse("web:insights_customers") + f"?owner={org.rep_a.pk}")
    assert mine == set(Customer.objects.filter(owner=org.rep_a).values_list("pk", flat=True))


def test_given_the_director_then_the_whole_company(org, login, refreshed):
    rows = selectors.segment_sizes(user=org.director)
    assert sum(r["customers"] for r in rows) == Customer.objects.count()
    assert login(org.director).get(reverse("web:insights_dashboard")).status_code == 200


def test_given_no_refresh_yet_then_the_dashboard_says_so(org, login):
    response = login(org.rep_a).get(reverse("web:insights_dashboard"))
    assert response.status_code == 200
    assert "insights refresh" in response.content.decode()


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("web:insights_dashboard")).status_code == 200
    return len(queries)


def test_given_more_customers_then_the_dashboard_runs_the_same_number_of_queries(org, login):
    product = ProductFactory()
    _book(org, 2, product)
    refresh_insights(as_of=EARLIER, alerts=False)
    refresh_insights(as_of=AS_OF, alerts=False)
    small = _dashboard_queries(login(org.mgr_1))
    _book(org, 20, product)
    refresh_insights(as_of=EARLIER, alerts=False)
    refresh_insights(as_of=AS_OF, alerts=False)
    assert _dashboard_queries(login(org.mgr_1)) == small


def test_given_more_customers_then_the_list_behind_a_number_runs_the_same_number_of_queries(org, login):
    product = ProductFactory()
    _book(org, 2, product)
    refresh_insights(as_of=AS_OF, alerts=False)
    client = login(org.mgr_1)
    url = reverse("web:insights_customers") + "?churn=1"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _book(org, 20, product)
    refresh_insights(as_of=AS_OF, alerts=False)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


# --- the customer page ---------------------------------------------------------------------------------


def test_given_the_customer_page_then_it_loads_the_value_panel_lazily(org, login, refreshed):
    html = login(org.rep_a).get(reverse("web:customer_detail", args=[org.cust_a.pk])).content.decode()
    assert f'hx-get="/customers/{org.cust_a.pk}/value/"' in html


def test_given_the_panel_then_scores_reasons_action_and_no_inline_code(org, login, refreshed):
    response = login(org.rep_a).get(
        reverse("web:insights_customer_panel", args=[org.cust_a.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not _parse(html).bad
    facts = selectors.customer_insights(user=org.rep_a, customer_id=org.cust_a.pk)
    assert facts["segment_label"] in html
    assert f"{facts['p_alive']:.2f}" in html
    assert "<html" not in html  # a fragment
    assert "HX-Request" in response["Vary"]
    full = login(org.rep_a).get(reverse("web:insights_customer_panel", args=[org.cust_a.pk]))
    assert "<html" in full.content.decode() and facts["segment_label"] in full.content.decode()
    assert f"/customers/{org.cust_a.pk}/value/grade/" not in html  # reps do not override


@pytest.mark.parametrize("user_name", ["rep_c", "mgr_2"])
def test_given_another_teams_customer_then_the_panel_is_not_found(org, login, refreshed, user_name):
    client = login(getattr(org, user_name))
    assert client.get(reverse("web:insights_customer_panel", args=[org.cust_a.pk])).status_code == 404
    assert (
        client.post(
            reverse("web:insights_grade_override", args=[org.cust_a.pk]), {"grade": "C", "reason": "x"}
        ).status_code
        == 404
    )
    org.cust_a.refresh_from_db()
    assert org.cust_a.grade != "C"


def test_given_a_manager_when_overriding_the_grade_then_saved_with_reason(org, login, refreshed):
    client = login(org.mgr_1)
    response = client.post(
        reverse("web:insights_grade_override", args=[org.cust_a.pk]), {"grade": "C", "reason": "战略调整"}
    )
    assert response.status_code == 302
    org.cust_a.refresh_from_db()
    assert (org.cust_a.grade, org.cust_a.grade_reason) == ("C", "战略调整")


def test_given_no_reason_then_the_form_comes_back_with_the_message_and_values(org, login, refreshed):
    before = Customer.objects.get(pk=org.cust_a.pk).grade
    response = login(org.mgr_1).post(
        reverse("web:insights_grade_override", args=[org.cust_a.pk]), {"grade": "B", "reason": " "}
    )
    assert response.status_code == 400
    assert "理由" in response.content.decode() or "why" in response.content.decode()
    assert Customer.objects.get(pk=org.cust_a.pk).grade == before


def test_given_a_rep_when_overriding_then_refused(org, login, refreshed):
    response = login(org.rep_a).post(
        reverse("web:insights_grade_override", args=[org.cust_a.pk]), {"grade": "C", "reason": "x"}
    )
    assert response.status_code == 403


def test_given_monthly_revenue_then_a_months_link_lists_exactly_its_buyers(org, login, refreshed):
    rows = selectors.revenue_by_month(user=org.mgr_1, as_of=AS_OF)
    march = next(r for r in rows if r["month"] == "2026-03")
    shown = _count_in_list(login(org.mgr_1), reverse("web:insights_customers") + "?month=2026-03")
    buyers = set(
        Customer.objects.filter(
            owner__team=org.rep_a.team, orders__ordered_on__month=3, orders__ordered_on__year=2026
        ).values_list("pk", flat=True)
    )
    assert len(rows) == 24 and rows[-1]["month"] == "2026-11"
    assert shown == buyers and march["customers"] == len(buyers)


def test_given_a_malformed_month_then_nobody(org, login, refreshed):
    assert _count_in_list(login(org.mgr_1), reverse("web:insights_customers") + "?month=2026-13") == set()


@pytest.mark.parametrize(
    "url",
    [
        "/value/",
        "/value/customers/?segment=champions",
        "/customers/{customer}/value/",
        "/customers/{customer}/",
    ],
)
def test_given_value_pages_then_strict_csp_and_no_inline_code(org, login, refreshed, url):
    response = login(org.mgr_1).get(url.format(customer=org.cust_a.pk))

    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert inline_code(response.content.decode()) == []
