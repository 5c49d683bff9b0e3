"""The customer list (filters, sort, paging, htmx fragments) and the global search."""

import pytest

from guanxi.customers.models import Tag

from ..factories import ContactFactory, CustomerFactory


@pytest.fixture
def three_customers(org):
    tag = Tag.objects.create(name="重点")
    first = CustomerFactory(
        name="阿里巴巴网络有限公司", owner=org.rep_a, grade="A", industry="信息技术", status="target"
    )
    first.tags.add(tag)
    second = CustomerFactory(
        name="比亚迪股份有限公司", owner=org.rep_b, grade="C", industry="汽车", status="current"
    )
    third = CustomerFactory(
        name="长城汽车股份有限公司", owner=org.rep_a, grade="A", industry="汽车", status="current"
    )
    return first, second, third


def listed_names(html: str, candidates) -> list[str]:
    found = [(html.index(c.name), c.name) for c in candidates if c.name in html]
    return [name for _, name in sorted(found)]


def test_given_filters_when_listing_then_only_matching_customers_sorted(org, login, three_customers):
    client = login(org.mgr_1)

    by_grade = client.get("/customers/?grade=A&sort=name").content.decode()
    by_industry = client.get("/customers/?industry=汽车&status=current&sort=name").content.decode()
    by_owner = client.get(f"/customers/?owner={org.rep_b.pk}").content.decode()
    by_tag = client.get("/customers/?tag=重点").content.decode()

    # pinyin order: alibaba before changcheng
    assert listed_names(by_grade, three_customers) == ["阿里巴巴网络有限公司", "长城汽车股份有限公司"]
    assert listed_names(by_industry, three_customers) == ["比亚迪股份有限公司", "长城汽车股份有限公司"]
    assert listed_names(by_owner, three_customers) == ["比亚迪股份有限公司"]
    assert listed_names(by_tag, three_customers) == ["阿里巴巴网络有限公司"]


def test_given_invalid_filter_values_when_listing_then_they_are_ignored(org, login, three_customers):
    html = login(org.mgr_1).get("/customers/?grade=Z&owner=abc&sort=drop_table").content.decode()

    assert len(listed_names(html, three_customers)) == 3


def test_given_rep_when_listing_then_no_owner_filter(org, login):
    html = login(org.rep_a).get("/customers/").content.decode()

    assert 'name="owner"' not in html


def test_given_htmx_filter_request_then_only_the_results_fragment(org, login, three_customers):
    client = login(org.mgr_1)

    fragment = client.get(
        "/customers/?grade=C", headers={"HX-Request": "true", "HX-Target": "customer-results"}
    )
    full = client.get("/customers/?grade=C")
    restore = client.get(
        "/customers/?grade=C", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" not in fragment.content.decode()
    assert listed_names(fragment.content.decode(), three_customers) == ["比亚迪股份有限公司"]
    assert "<html" in full.content.decode()
    assert "<html" in restore.content.decode()
    assert "HX-Request" in fragment["Vary"]
    assert "HX-Target" in full["Vary"]


def test_given_more_customers_than_a_page_then_pages_keep_the_filters(org, login, settings, three_customers):
    settings.GUANXI_PAGE_SIZE = 1
    client = login(org.mgr_1)

    first_page = client.get("/customers/?grade=A&sort=name").content.decode()
    second_page = client.get("/customers/?grade=A&sort=name&page=2").content.decode()

    # "name" sorts by pinyin: alibaba before changcheng
    assert listed_names(first_page, three_customers) == ["阿里巴巴网络有限公司"]
    assert listed_names(second_page, three_customers) == ["长城汽车股份有限公司"]
    assert 'href="?grade=A&amp;sort=name&amp;page=2"' in first_page
    assert 'href="?grade=A&amp;sort=name&amp;page=1"' in second_page


@pytest.mark.parametrize("query", ["华为", "hw", "HWJS", "huawei", "张伟", "zw", "1381234", "138 1234 5678"])
def test_given_name_initials_or_phone_when_searching_then_the_customer_is_found(org, login, query):
    ContactFactory(customer=org.cust_a, name="张伟", mobile="13812345678")

    html = login(org.rep_a).get("/search/", {"q": query}).content.decode()

    results = html.split('class="search-results"', 1)[1]
    assert f'<a class="strong" href="/customers/{org.cust_a.pk}/">华为技术有限公司</a>' in results


def test_given_phone_fragment_when_searching_then_contact_listed_with_masked_number_for_rep(org, login):
    ContactFactory(customer=org.cust_a, name="张伟", mobile="13812345678")

    rep_html = login(org.rep_a).get("/search/", {"q": "5678"}).content.decode()
    manager_html = login(org.mgr_1).get("/search/", {"q": "5678"}).content.decode()

    assert '<span class="mono">138****5678</span>' in rep_html
    assert "13812345678" not in rep_html
    assert '<span class="mono">13812345678</span>' in manager_html


def test_given_empty_search_then_hint_and_no_results(org, login):
    html = login(org.rep_a).get("/search/?q=").content.decode()

    assert 'class="search-results"' not in html
