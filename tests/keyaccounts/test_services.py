"""Account plans: the approval flow, the director-only rule after approval, and versions."""

import pytest

from guanxi.core.errors import PermissionDenied, ValidationFailed, VersionConflict
from guanxi.customers.models import Counterpart
from guanxi.engagement.models import Notification, NotificationKind
from guanxi.keyaccounts.models import AccountPlan, AccountPlanVersion, PlanAction, PlanStatus
from guanxi.keyaccounts.services import (
    account_plan_approve,
    account_plan_create,
    account_plan_return,
    account_plan_submit,
    account_plan_update,
)
from tests.factories import ContactFactory

from .factories import make_plan

pytestmark = pytest.mark.django_db


def _approved(org):
    plan = make_plan(actor=org.rep_a, customer=org.cust_a)
    plan = account_plan_submit(actor=org.rep_a, plan=plan)
    return account_plan_approve(actor=org.director, plan=plan)


def test_plan_is_owned_by_the_customers_owner_even_when_a_manager_starts_it(org):
    plan = make_plan(actor=org.mgr_1, customer=org.cust_a)
    assert plan.owner == org.rep_a
    assert plan.status == PlanStatus.DRAFT


def test_one_plan_per_customer_and_year(org):
    make_plan(actor=org.rep_a, customer=org.cust_a, year=2026)
    with pytest.raises(ValidationFailed, match="already has an account plan"):
        make_plan(actor=org.rep_a, customer=org.cust_a, year=2026)
    make_plan(actor=org.rep_a, customer=org.cust_a, year=2027)
    assert AccountPlan.objects.filter(customer=org.cust_a).count() == 2


def test_another_rep_and_the_archivist_cannot_start_a_plan(org):
    with pytest.raises(PermissionDenied):
        make_plan(actor=org.rep_b, customer=org.cust_a)
    with pytest.raises(PermissionDenied):
        make_plan(actor=org.archivist, customer=org.cust_a)
    assert not AccountPlan.objects.exists()


def test_submit_needs_summary_and_goals(org):
    plan = account_plan_create(actor=org.rep_a, customer=org.cust_a, year=2026, data={"summary": "x"})
    with pytest.raises(ValidationFailed, match="goals"):
        account_plan_submit(actor=org.rep_a, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_submit_notifies_directors_and_takes_a_version(org):
    plan = make_plan(actor=org.rep_a, customer=org.cust_a)
    plan = account_plan_submit(actor=org.rep_a, plan=plan)
    assert plan.status == PlanStatus.IN_REVIEW
    assert list(plan.versions.values_list("number", "status")) == [(1, "in_review")]
    assert Notification.objects.filter(user=org.director, kind=NotificationKind.ACCOUNT_PLAN).count() == 1


def test_owner_cannot_edit_in_review_and_only_director_approves(org):
    plan = account_plan_submit(actor=org.rep_a, plan=make_plan(actor=org.rep_a, customer=org.cust_a))
    with pytest.raises(PermissionDenied, match="review"):
        account_plan_update(actor=org.rep_a, plan=plan, data={"strategy": "x"}, expected_version=plan.version)
    for user in (org.rep_a, org.mgr_1, org.archivist):
        with pytest.raises(PermissionDenied):
            account_plan_approve(actor=user, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_REVIEW


def test_return_needs_a_comment_and_goes_back_to_draft(org):
    plan = account_plan_submit(actor=org.rep_a, plan=make_plan(actor=org.rep_a, customer=org.cust_a))
    with pytest.raises(ValidationFailed):
        account_plan_return(actor=org.director, plan=plan, comment="  ")
    plan = account_plan_return(actor=org.director, plan=plan, comment="目标要量化")
    assert plan.status == PlanStatus.DRAFT
    assert plan.review_comment == "目标要量化"
    assert Notification.objects.filter(user=org.rep_a, kind=NotificationKind.ACCOUNT_PLAN).count() == 1
    plan = account_plan_update(
        actor=org.rep_a, plan=plan, data={"goals": "年采购额 600 万"}, expected_version=plan.version
    )
    assert plan.goals == "年采购额 600 万"


def test_approved_plan_cannot_be_edited_by_its_owner(org):
    plan = _approved(org)
    with pytest.raises(PermissionDenied) as caught:
        account_plan_update(
            actor=org.rep_a, plan=plan, data={"strategy": "改"}, expected_version=plan.version
        )
    assert "Only the marketing director can change it" in str(caught.value)
    with pytest.raises(PermissionDenied):
        account_plan_update(
            actor=org.mgr_1, plan=plan, data={"strategy": "改"}, expected_version=plan.version
        )
    plan.refresh_from_db()
    assert plan.strategy == ""
    assert plan.versions.count() == 2


def test_directors_edit_of_an_approved_plan_creates_a_new_version(org):
    contact = ContactFactory(
        customer=org.cust_a, name="王总", decision_role="decision_maker", decision_weight=5
    )
    Counterpart.objects.create(contact=contact, user=org.rep_a, closeness="close")
    plan = _approved(org)
    assert list(plan.versions.values_list("number", "status")) == [(2, "approved"), (1, "in_review")]
    plan = account_plan_update(
        actor=org.director,
        plan=plan,
        data={
            "strategy": "高层互访",
            "swot": {"strengths": ["交付快"], "weaknesses": [], "opportunities": ["新基地"], "threats": []},
            "actions": [{"what": "安排高层拜访", "owner": org.rep_a, "due_on": None, "status": "open"}],
        },
        expected_version=plan.version,
    )
    assert plan.status == PlanStatus.APPROVED
    latest, previous = list(AccountPlanVersion.objects.filter(plan=plan)[:2])
    assert latest.number == 3 and latest.author == org.director
    assert latest.snapshot["sections"]["strategy"] == "高层互访"
    assert previous.snapshot["sections"]["strategy"] == ""
    assert latest.snapshot["swot"]["strengths"] == ["交付快"]
    assert latest.snapshot["actions"][0]["what"] == "安排高层拜访"
    # the key-person relationships were frozen from the archive
    assert latest.snapshot["key_persons"][0]["name"] == "王总"
    assert latest.snapshot["key_persons"][0]["counterparts"][0]["user"] == str(org.rep_a)


def test_frozen_snapshot_does_not_follow_later_archive_changes(org):
    contact = ContactFactory(customer=org.cust_a, name="李工", decision_role="influencer")
    plan = _approved(org)
    contact.name = "李总工"
    contact.save()
    version = plan.versions.get(number=2)
    assert version.snapshot["key_persons"][0]["name"] == "李工"


def test_actions_only_change_bumps_the_version_and_stale_edit_is_refused(org):
    plan = make_plan(actor=org.rep_a, customer=org.cust_a)
    start = plan.version
    plan = account_plan_update(
        actor=org.rep_a, plan=plan, data={"actions": [{"what": "技术交流"}]}, expected_version=start
    )
    assert plan.version == start + 1
    assert PlanAction.objects.filter(plan=plan).count() == 1
    with pytest.raises(VersionConflict):
        account_plan_update(actor=org.rep_a, plan=plan, data={"strategy": "x"}, expected_version=start)


def test_swot_shape_is_checked(org):
    plan = make_plan(actor=org.rep_a, customer=org.cust_a)
    with pytest.raises(ValidationFailed):
        account_plan_update(actor=org.rep_a, plan=plan, data={"swot": {"bogus": []}}, expected_version=None)
