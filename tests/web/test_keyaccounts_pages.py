"""Key-account pages: plans through review and versions, intel, referrals, visibility, query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.keyaccounts.models import AccountPlan, AccountPlanVersion, IntelReport, PlanStatus, Referral
from guanxi.keyaccounts.services import account_plan_approve, account_plan_submit
from guanxi.people.services import user_set_language

from ..factories import CustomerFactory, UserFactory
from ..keyaccounts.factories import make_intel, make_plan, make_referral

pytestmark = pytest.mark.django_db


def _edit_payload(plan, **sections):
    data = {
        "version": plan.version,
        "summary": plan.summary,
        "customer_situation": "",
        "goals": plan.goals,
        "our_position": "",
        "competition": "",
        "strategy": "",
        "resources": "",
        "swot_strengths": ["交付快", ""],
        "swot_weaknesses": ["价格偏高"],
        "swot_opportunities": [""],
        "swot_threats": [""],
        "action_what": ["拜访采购总监", ""],
        "action_owner": [str(plan.owner_id), ""],
        "action_due_on": ["2026-05-01", ""],
        "action_status": ["open", "open"],
    }
    data.update(sections)
    return data


def _approved(org):
    plan = make_plan(actor=org.rep_a, customer=org.cust_a)
    plan = account_plan_submit(actor=org.rep_a, plan=plan)
    return account_plan_approve(actor=org.director, plan=plan)


def test_create_then_edit_sections_swot_and_actions(org, login):
    client = login(org.rep_a)
    page = client.get(f"/key-accounts/plans/new/?customer={org.cust_a.pk}")
    assert page.status_code == 200
    response = client.post("/key-accounts/plans/new/", {"customer": org.cust_a.pk, "year": 2026})
    plan = AccountPlan.objects.get(customer=org.cust_a, year=2026)
    assert response.status_code == 302 and response["Location"] == f"/key-accounts/plans/{plan.pk}/edit/"
    response = client.post(
        f"/key-accounts/plans/{plan.pk}/edit/", _edit_payload(plan, summary="做大份额", goals="500 万")
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.summary == "做大份额"
    assert plan.swot["strengths"] == ["交付快"] and plan.swot["weaknesses"] == ["价格偏高"]
    assert list(plan.actions.values_list("what", "owner_id", "status")) == [
        ("拜访采购总监", org.rep_a.pk, "open")
    ]
    detail = client.get(f"/key-accounts/plans/{plan.pk}/").content.decode()
    assert "交付快" in detail and "拜访采购总监" in detail


def test_swot_titles_follow_the_readers_language(org, login):
    plan = make_plan(actor=org.rep_a, customer=org.cust_a)
    user_set_language(user=org.director, language="en")
    chinese_reader, english_reader = login(org.rep_a), login(org.director)
    for url in (f"/key-accounts/plans/{plan.pk}/", f"/key-accounts/plans/{plan.pk}/edit/"):
        english = english_reader.get(url).content.decode()
        chinese = chinese_reader.get(url).content.decode()
        assert "Strengths" in english and "Threats" in english and "优势" not in english
        assert "优势" in chinese and "威胁" in chinese and "Strengths" not in chinese


def test_bad_action_date_keeps_everything_typed(org, login):
    plan = make_plan(actor=org.rep_a, customer=org.cust_a)
    client = login(org.rep_a)
    payload = _edit_payload(plan, strategy="高层互访", action_due_on=["not-a-date", ""])
    response = client.post(f"/key-accounts/plans/{plan.pk}/edit/", payload, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert "高层互访" in body and "拜访采购总监" in body and "交付快" in body
    plan.refresh_from_db()
    assert plan.strategy == ""


def test_duplicate_year_is_refused_with_a_message(org, login):
    make_plan(actor=org.rep_a, customer=org.cust_a, year=2026)
    response = login(org.rep_a).post("/key-accounts/plans/new/", {"customer": org.cust_a.pk, "year": 2026})
    assert response.status_code == 200
    assert AccountPlan.objects.count() == 1


def test_full_flow_submit_return_resubmit_approve(org, login):
    plan = make_plan(actor=org.rep_a, customer=org.cust_a)
    rep, director = login(org.rep_a), login(org.director)
    assert rep.post(f"/key-accounts/plans/{plan.pk}/submit/", {"version": plan.version}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_REVIEW
    director.post(
        f"/key-accounts/plans/{plan.pk}/return/", {"version": plan.version, "comment": "目标要量化"}
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.review_comment == "目标要量化"
    assert "目标要量化" in rep.get(f"/key-accounts/plans/{plan.pk}/").content.decode()
    rep.post(f"/key-accounts/plans/{plan.pk}/submit/", {"version": plan.version})
    plan.refresh_from_db()
    # the rep cannot approve their own plan
    rep.post(f"/key-accounts/plans/{plan.pk}/approve/", {"version": plan.version})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_REVIEW
    director.post(f"/key-accounts/plans/{plan.pk}/approve/", {"version": plan.version})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == org.director


def test_owner_cannot_edit_an_approved_plan_and_is_told_why(org, login):
    plan = _approved(org)
    client = login(org.rep_a)
    page = client.get(f"/key-accounts/plans/{plan.pk}/edit/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert page.redirect_chain[-1][0] == f"/key-accounts/plans/{plan.pk}/"
    assert "此计划已批准，现在只有市场部部长可以修改" in page.content.decode()
    response = client.post(
        f"/key-accounts/plans/{plan.pk}/edit/", _edit_payload(plan, strategy="偷偷改"), follow=True
    )
    plan.refresh_from_db()
    assert plan.strategy == ""
    assert AccountPlanVersion.objects.filter(plan=plan).count() == 2
    assert (
        "只有市场部部长" in response.content.decode()
        or "Only the marketing director" in response.content.decode()
    )


def test_directors_edit_makes_a_new_version_and_compare_shows_the_difference(org, login):
    plan = _approved(org)
    director = login(org.director)
    response = director.post(f"/key-accounts/plans/{plan.pk}/edit/", _edit_payload(plan, strategy="高层互访"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert list(plan.versions.values_list("number", flat=True)) == [3, 2, 1]
    old = director.get(f"/key-accounts/plans/{plan.pk}/versions/2/").content.decode()
    new = director.get(f"/key-accounts/plans/{plan.pk}/versions/3/").content.decode()
    assert "高层互访" not in old and "高层互访" in new
    # the owner can read both versions too
    assert login(org.rep_a).get(f"/key-accounts/plans/{plan.pk}/versions/3/").status_code == 200
    compare = director.get(f"/key-accounts/plans/{plan.pk}/compare/?a=2&b=3").content.decode()
    assert "高层互访" in compare
    changed_blocks = re.findall(
        r'<section class="ka-cmp-block ka-block-changed" aria-label="([^"]+)"', compare
    )
    assert len(changed_blocks) >= 3  # strategy, SWOT strengths and weaknesses, actions
    unchanged = re.findall(r'<section class="ka-cmp-block" aria-label="([^"]+)"', compare)
    assert len(unchanged) >= 5  # summary, goals … stayed the same


@pytest.mark.parametrize(
    ("who", "status"),
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
def test_plan_visibility_per_role(org, login, who, status):
    plan = make_plan(actor=org.rep_a, customer=org.cust_a)
    plan = account_plan_submit(actor=org.rep_a, plan=plan)
    account_plan_approve(actor=org.director, plan=plan)
    client = login(org.user(who))
    for url in (
        f"/key-accounts/plans/{plan.pk}/",
        f"/key-accounts/plans/{plan.pk}/versions/1/",
        f"/key-accounts/plans/{plan.pk}/compare/",
    ):
        assert client.get(url).status_code == status, url
    listed = client.get("/key-accounts/?scope=team").content.decode()
    assert (org.cust_a.name in listed) == (status == 200)


def test_archivist_reads_but_cannot_change(org, login):
    plan = make_plan(actor=org.rep_a, customer=org.cust_a)
    client = login(org.archivist)
    client.post(f"/key-accounts/plans/{plan.pk}/edit/", _edit_payload(plan, strategy="x"))
    client.post(f"/key-accounts/plans/{plan.pk}/submit/", {"version": plan.version})
    plan.refresh_from_db()
    assert plan.strategy == "" and plan.status == PlanStatus.DRAFT


def test_pending_scope_lists_plans_in_review(org, login):
    draft = make_plan(actor=org.rep_a, customer=org.cust_a, year=2026)
    review = account_plan_submit(actor=org.rep_c, plan=make_plan(actor=org.rep_c, customer=org.cust_c))
    page = login(org.director).get("/key-accounts/?scope=pending").content.decode()
    assert f"/key-accounts/plans/{review.pk}/" in page and f"/key-accounts/plans/{draft.pk}/" not in page


def _queries(client, url) -> int:
    client.get(url)  # the first request of a session also touches the session and the user
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
    "url", ["/key-accounts/?scope=team", "/key-accounts/intel/", "/key-accounts/referrals/"]
)
def test_list_query_counts_flat(org, login, url):
    client = login(org.mgr_1)
    _many(org, 5)
    few = _queries(client, url)
    _many(org, 45)
    assert _queries(client, url) == few


def test_intel_form_files_a_major_report_and_list_filters(org, login):
    client = login(org.rep_a)
    response = client.post(
        "/key-accounts/intel/new/",
        {
            "customer": org.cust_a.pk,
            "title": "对方明年扩产",
            "content": "内部人士透露",
            "source_level": 4,
            "importance": "major",
            "reported_on": "2026-03-02",
        },
    )
    report = IntelReport.objects.get()
    assert response.status_code == 302 and report.reported_by == org.rep_a
    assert org.director.notifications.filter(kind="intel_report").count() == 1
    make_intel(reporter=org.rep_a, customer=org.cust_a, level=1, title="投资者会议纪要")
    listed = client.get("/key-accounts/intel/?source_level=4").content.decode()
    assert "对方明年扩产" in listed and "投资者会议纪要" not in listed
    listed = client.get("/key-accounts/intel/?importance=normal").content.decode()
    assert "投资者会议纪要" in listed and "对方明年扩产" not in listed


def test_intel_form_without_customer_or_market_is_refused(org, login):
    response = login(org.rep_a).post(
        "/key-accounts/intel/new/",
        {
            "title": "t",
            "content": "c",
            "source_level": 1,
            "importance": "normal",
            "reported_on": "2026-03-02",
        },
    )
    assert response.status_code == 200 and not IntelReport.objects.exists()


def test_intel_of_another_team_is_404(org, login):
    report = make_intel(reporter=org.rep_c, customer=org.cust_c)
    assert login(org.rep_a).get(f"/key-accounts/intel/{report.pk}/").status_code == 404
    assert login(org.mgr_2).get(f"/key-accounts/intel/{report.pk}/").status_code == 200


def test_referral_form_and_report(org, login):
    referred = CustomerFactory(name="新客户", owner=org.rep_a)
    client = login(org.rep_a)
    response = client.post(
        "/key-accounts/referrals/new/",
        {
            "referrer": org.cust_a.pk,
            "referred": referred.pk,
            "referred_on": "2026-02-01",
            "note": "老客户介绍",
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get().referrer == org.cust_a
    page = client.get("/key-accounts/referrals/").content.decode()
    assert "新客户" in page and "老客户介绍" in page


def test_referral_to_an_invisible_customer_is_refused(org, login):
    response = login(org.rep_a).post(
        "/key-accounts/referrals/new/",
        {"referrer": org.cust_a.pk, "referred": org.cust_c.pk, "referred_on": "2026-02-01"},
    )
    assert response.status_code == 200 and not Referral.objects.exists()


def test_customer_panel(org, login):
    plan = make_plan(actor=org.rep_a, customer=org.cust_a)
    make_intel(reporter=org.rep_a, customer=org.cust_a, title="竞品动作")
    make_referral(referrer=org.cust_c, referred=org.cust_a)
    body = login(org.rep_a).get(f"/key-accounts/customer/{org.cust_a.pk}/panel/").content.decode()
    assert f"/key-accounts/plans/{plan.pk}/" in body and "竞品动作" in body and org.cust_c.name in body
    assert login(org.rep_c).get(f"/key-accounts/customer/{org.cust_a.pk}/panel/").status_code == 404
    detail = login(org.rep_a).get(f"/customers/{org.cust_a.pk}/").content.decode()
    assert f"/key-accounts/customer/{org.cust_a.pk}/panel/" in detail


def test_owner_deletes_a_draft_but_another_rep_cannot(org, login):
    plan = make_plan(actor=org.rep_a, customer=org.cust_a)
    assert (
        login(org.rep_b).post(f"/key-accounts/plans/{plan.pk}/delete/", {"version": plan.version}).status_code
        == 404
    )
    assert AccountPlan.objects.filter(pk=plan.pk).exists()
    response = login(org.rep_a).post(f"/key-accounts/plans/{plan.pk}/delete/", {"version": plan.version})
    assert response.status_code == 302 and not AccountPlan.objects.filter(pk=plan.pk).exists()
    assert AccountPlan.all_objects.filter(pk=plan.pk, deleted_at__isnull=False).exists()
