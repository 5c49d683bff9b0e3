"""The key-account API: plans with If-Match, review actions and versions; intel; referrals."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.engagement.models import Notification, NotificationKind
from guanxi.keyaccounts.models import AccountPlan, Referral
from guanxi.sales.models import Order

from ..factories import CustomerFactory, UserFactory
from ..keyaccounts.factories import make_intel, make_plan, make_referral
from .support import API, if_match

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _create(client, customer, **extra):
    body = {"customer_id": customer.pk, "year": 2026, "summary": "做大份额", "goals": "500 万", **extra}
    return client.post(f"{API}/account-plans", body, content_type=JSON)


def _approve_flow(as_role, org):
    rep, director = as_role("rep_a"), as_role("director")
    plan = _create(rep, org.cust_a).json()
    assert rep.post(f"{API}/account-plans/{plan['id']}/submit").status_code == 200
    approved = director.post(f"{API}/account-plans/{plan['id']}/approve")
    assert approved.status_code == 200
    return approved


def test_create_with_swot_and_actions(as_role, org):
    response = _create(
        as_role("rep_a"),
        org.cust_a,
        swot={"strengths": ["交付快"], "threats": ["竞品降价"]},
        actions=[{"what": "技术交流会", "owner_id": org.rep_a.pk, "due_on": "2026-04-01"}],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"]["id"] == org.rep_a.pk and body["status"] == "draft"
    assert body["swot"]["strengths"] == ["交付快"] and body["swot"]["weaknesses"] == []
    assert body["actions"] == [
        {"what": "技术交流会", "owner_id": org.rep_a.pk, "due_on": "2026-04-01", "status": "open"}
    ]
    assert response["ETag"] == f'"v{body["version"]}"'


@pytest.mark.parametrize("who", ["sysadmin", "inactive", "unknown"])
def test_an_action_owner_outside_the_sales_team_is_refused(as_role, org, who):
    if who == "unknown":
        owner_id = 999_999
    elif who == "inactive":
        owner_id = UserFactory(is_active=False).pk
    else:
        owner_id = org.sysadmin.pk
    response = _create(as_role("rep_a"), org.cust_a, actions=[{"what": "技术交流会", "owner_id": owner_id}])
    assert response.status_code == 422, response.content
    assert "actions" in response.json()["details"]
    assert not AccountPlan.objects.exists()


def test_extra_fields_are_refused(as_role, org):
    response = _create(as_role("rep_a"), org.cust_a, status="approved")
    assert response.status_code == 400
    assert not AccountPlan.objects.exists()


def test_update_needs_if_match(as_role, org):
    rep = as_role("rep_a")
    plan = _create(rep, org.cust_a).json()
    url = f"{API}/account-plans/{plan['id']}"
    assert rep.patch(url, {"strategy": "x"}, content_type=JSON).status_code == 428
    stale = rep.patch(url, {"strategy": "x"}, content_type=JSON, headers=if_match(plan["version"] + 5))
    assert stale.status_code == 412
    ok = rep.patch(url, {"strategy": "高层互访"}, content_type=JSON, headers=if_match(plan["version"]))
    assert ok.status_code == 200 and ok.json()["strategy"] == "高层互访"


def test_approved_plan_refuses_the_owners_edit_and_directors_edit_makes_a_version(as_role, org):
    approved = _approve_flow(as_role, org).json()
    url = f"{API}/account-plans/{approved['id']}"
    refused = as_role("rep_a").patch(
        url, {"strategy": "偷改"}, content_type=JSON, headers=if_match(approved["version"])
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "plan_locked"
    assert "director" in refused.json()["message"] or "部长" in refused.json()["message"]
    director = as_role("director")
    changed = director.patch(
        url, {"strategy": "高层互访"}, content_type=JSON, headers=if_match(approved["version"])
    )
    assert changed.status_code == 200 and changed.json()["status"] == "approved"
    versions = director.get(f"{url}/versions").json()
    assert [v["number"] for v in versions] == [3, 2, 1]
    assert [v["status"] for v in versions] == ["approved", "approved", "in_review"]
    new = director.get(f"{url}/versions/3").json()["snapshot"]
    old = as_role("rep_a").get(f"{url}/versions/2").json()["snapshot"]
    assert new["sections"]["strategy"] == "高层互访" and old["sections"]["strategy"] == ""


def test_only_the_director_approves_and_return_needs_a_comment(as_role, org):
    rep = as_role("rep_a")
    plan = _create(rep, org.cust_a).json()
    rep.post(f"{API}/account-plans/{plan['id']}/submit")
    assert as_role("mgr_1").post(f"{API}/account-plans/{plan['id']}/approve").status_code == 403
    director = as_role("director")
    empty = director.post(f"{API}/account-plans/{plan['id']}/return", {"comment": ""}, content_type=JSON)
    assert empty.status_code == 422
    returned = director.post(
        f"{API}/account-plans/{plan['id']}/return", {"comment": "补充竞争分析"}, content_type=JSON
    )
    assert returned.status_code == 200 and returned.json()["status"] == "draft"
    assert returned.json()["review_comment"] == "补充竞争分析"
    again = director.post(f"{API}/account-plans/{plan['id']}/approve")
    assert again.status_code == 422 and again.json()["code"] == "wrong_status"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("rep_a", 200),
        ("mgr_1", 200),
        ("director", 200),
        ("archivist", 200),
        ("rep_b", 404),
        ("rep_c", 404),
        ("mgr_2", 404),
        ("sysadmin", 404),
    ],
)
def test_plan_visibility_per_role(as_role, org, role, status):
    plan = make_plan(actor=org.rep_a, customer=org.cust_a)
    client = as_role(role)
    assert client.get(f"{API}/account-plans/{plan.pk}").status_code == status
    assert client.get(f"{API}/account-plans/{plan.pk}/versions").status_code == status
    ids = [p["id"] for p in client.get(f"{API}/account-plans").json()["items"]]
    assert (plan.pk in ids) == (status == 200)


def test_another_teams_rep_cannot_create_a_plan_for_a_hidden_customer(as_role, org):
    response = _create(as_role("rep_c"), org.cust_a)
    assert response.status_code == 422  # the customer id does not resolve
    assert not AccountPlan.objects.exists()


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _many(org, count):
    for _ in range(count):
        rep = UserFactory(team=org.team_1)
        customer = CustomerFactory(owner=rep)
        make_plan(actor=rep, customer=customer)
        make_intel(reporter=rep, customer=customer)
        make_referral(referrer=org.cust_a, referred=customer)


@pytest.mark.parametrize(
    "path",
    [
        "/account-plans?page_size=100",
        "/intel-reports?page_size=100",
        "/referrals?page_size=100",
        "/referrals/report",
    ],
)
def test_list_query_counts_flat(as_role, org, path):
    client = as_role("mgr_1")
    _many(org, 5)
    few = _queries(client, f"{API}{path}")
    _many(org, 45)
    assert _queries(client, f"{API}{path}") == few


def test_major_intel_over_the_api_notifies_directors(as_role, org):
    body = {
        "customer_id": org.cust_a.pk,
        "title": "招标提前",
        "content": "下月开标",
        "source_level": 4,
        "importance": "major",
    }
    response = as_role("rep_a").post(f"{API}/intel-reports", body, content_type=JSON)
    assert response.status_code == 201
    assert Notification.objects.filter(user=org.director, kind=NotificationKind.INTEL_REPORT).count() == 1
    bad = as_role("rep_a").post(f"{API}/intel-reports", {**body, "source_level": 5}, content_type=JSON)
    assert bad.status_code == 422


def test_intel_visibility_and_filters(as_role, org):
    mine = make_intel(reporter=org.rep_a, customer=org.cust_a, level=4)
    theirs = make_intel(reporter=org.rep_c, customer=org.cust_c, level=1)
    rep = as_role("rep_a")
    assert rep.get(f"{API}/intel-reports/{theirs.pk}").status_code == 404
    assert [r["id"] for r in rep.get(f"{API}/intel-reports").json()["items"]] == [mine.pk]
    director = as_role("director")
    assert [r["id"] for r in director.get(f"{API}/intel-reports?source_level=1").json()["items"]] == [
        theirs.pk
    ]


def test_referrals_and_report(as_role, org):
    referred = CustomerFactory(owner=org.rep_a)
    Order.objects.create(customer=referred, ordered_on="2026-03-01", amount=Decimal("1234.50"))
    rep = as_role("rep_a")
    response = rep.post(
        f"{API}/referrals", {"referrer_id": org.cust_a.pk, "referred_id": referred.pk}, content_type=JSON
    )
    assert response.status_code == 201, response.content
    report = rep.get(f"{API}/referrals/report").json()
    assert report == [
        {
            "referrer_id": org.cust_a.pk,
            "referrer_name": org.cust_a.name,
            "count": 1,
            "value": "1234.50",
            "won_amount": "0.00",
        }
    ]
    hidden = rep.post(
        f"{API}/referrals", {"referrer_id": org.cust_a.pk, "referred_id": org.cust_c.pk}, content_type=JSON
    )
    assert hidden.status_code == 422
    assert Referral.objects.count() == 1
    assert as_role("rep_c").get(f"{API}/referrals").json()["count"] == 0


def test_delete_a_draft_but_not_an_approved_plan_as_its_owner(as_role, org):
    approved = _approve_flow(as_role, org).json()
    url = f"{API}/account-plans/{approved['id']}"
    rep = as_role("rep_a")
    assert rep.delete(url, headers=if_match(approved["version"])).status_code == 403
    assert AccountPlan.objects.filter(pk=approved["id"]).exists()
    draft = _create(rep, org.cust_a, year=2027).json()
    assert (
        rep.delete(f"{API}/account-plans/{draft['id']}", headers=if_match(draft["version"])).status_code
        == 204
    )
    assert rep.get(f"{API}/account-plans/{draft['id']}").status_code == 404
    assert _create(rep, org.cust_a, year=2027).status_code == 201  # the year is free again
