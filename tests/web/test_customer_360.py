"""The customer 360° page and the small forms for needs, competitors, risks and departments."""

import pytest

from guanxi.customers.models import CompetitorPresence, Department, Need, Risk

from ..factories import InteractionFactory, TaskFactory


def test_given_archive_when_opening_360_then_profile_scores_people_timeline_and_tasks(org, archive, login):
    org.cust_a.score_loyalty = 4
    org.cust_a.save()
    InteractionFactory(customer=org.cust_a, topic="季度回访", content="客户对交付满意", created_by=org.rep_a)

    html = login(org.rep_a).get(f"/customers/{org.cust_a.pk}/").content.decode()

    assert "<h1>华为技术有限公司</h1>" in html
    assert '<span class="score-fill score-4"></span>' in html
    assert html.count('<span class="score-fill score-0"></span>') == 4
    assert '<p class="strong">张伟' in html
    assert "季度回访" in html
    assert "客户对交付满意" in html
    assert "回访华为采购部" in html
    assert "降低采购成本" in html


@pytest.mark.parametrize(
    ("kind", "form", "model", "check"),
    [
        (
            "need",
            {
                "need-description": "缩短交期",
                "need-kind": "potential",
                "need-priority": "sweet",
                "need-status": "open",
            },
            Need,
            ("description", "缩短交期"),
        ),
        (
            "competitor",
            {"competitor-competitor": "西门子", "competitor-satisfaction": "medium"},
            CompetitorPresence,
            ("competitor", "西门子"),
        ),
        (
            "risk",
            {"risk-category": "payment", "risk-level": "high", "risk-note": "回款慢"},
            Risk,
            ("note", "回款慢"),
        ),
        ("department", {"department-name": "采购部"}, Department, ("name", "采购部")),
    ],
)
def test_given_part_form_when_adding_then_saved_and_listed(org, login, kind, form, model, check):
    client = login(org.rep_a)

    response = client.post(f"/customers/{org.cust_a.pk}/{kind}s/new/", form)

    assert response.status_code == 302
    assert response["Location"] == f"/customers/{org.cust_a.pk}/#{kind}s"
    part = model.objects.get(customer=org.cust_a)
    assert getattr(part, check[0]) == check[1]
    assert check[1] in client.get(f"/customers/{org.cust_a.pk}/").content.decode()


def test_given_second_risk_of_same_category_when_adding_then_refused(org, login):
    client = login(org.rep_a)
    client.post(f"/customers/{org.cust_a.pk}/risks/new/", {"risk-category": "credit", "risk-level": "low"})

    response = client.post(
        f"/customers/{org.cust_a.pk}/risks/new/", {"risk-category": "credit", "risk-level": "high"}
    )

    assert response.status_code == 200
    assert 'class="alert alert-error"' in response.content.decode()
    assert list(Risk.objects.values_list("level", flat=True)) == ["low"]


def test_given_part_when_edited_and_deleted_then_changed_then_gone(org, archive, login):
    client = login(org.rep_a)
    url = f"/needs/{archive.need.pk}/edit/"

    edited = client.post(
        url,
        {
            "need-description": "降低总拥有成本",
            "need-kind": "explicit",
            "need-priority": "pain",
            "need-status": "addressing",
            "need-version": 1,
        },
    )
    stale_delete = client.post(f"/needs/{archive.need.pk}/delete/", {"version": 1})
    still_there = Need.objects.filter(pk=archive.need.pk).exists()
    deleted = client.post(f"/needs/{archive.need.pk}/delete/", {"version": 2})

    assert edited.status_code == 302
    assert stale_delete.status_code == 302
    assert still_there
    assert deleted["Location"] == f"/customers/{org.cust_a.pk}/#needs"
    assert not Need.objects.filter(pk=archive.need.pk).exists()
    assert Need.all_objects.get(pk=archive.need.pk).description == "降低总拥有成本"


def test_given_other_customers_task_then_not_among_open_tasks(org, archive, login):
    TaskFactory(owner=org.rep_c, customer=org.cust_c, title="腾讯的任务")

    html = login(org.director).get(f"/customers/{org.cust_a.pk}/").content.decode()

    assert "回访华为采购部" in html
    assert "腾讯的任务" not in html
