"""Grade override by managers, lifecycle override, the playbook's editors."""

import pytest

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.governance.models import AuditEvent, FieldChange
from guanxi.insights.models import PlaybookRule
from guanxi.insights.services import (
    customer_grade_override,
    customer_lifecycle_override,
    playbook_rule_create,
    playbook_rule_update,
)

# Who may override cust_a's grade (owned by rep_a in team 1): its team's manager and the director.
OVERRIDE = {
    "rep_a": PermissionDenied,
    "rep_b": NotFound,
    "rep_c": NotFound,
    "mgr_1": None,
    "mgr_2": NotFound,
    "director": None,
    "archivist": PermissionDenied,
    "sysadmin": NotFound,
}


@pytest.mark.parametrize(("role", "refused_with"), OVERRIDE.items())
def test_given_role_when_overriding_grade_then_only_owners_manager_and_director_may(org, role, refused_with):
    customer = org.cust_a
    if refused_with is None:
        customer_grade_override(
            actor=org.user(role), customer=customer, grade="A", reason="战略客户，明年扩产"
        )
        customer.refresh_from_db()
        assert (customer.grade, customer.grade_reason, customer.version) == ("A", "战略客户，明年扩产", 2)
        event = AuditEvent.objects.get(object_type="customer", object_id=str(customer.pk), action="update")
        assert event.actor == org.user(role)
        changes = {c.field: (c.old_value, c.new_value) for c in FieldChange.objects.filter(event=event)}
        assert changes == {"grade": ("B", "A"), "grade_reason": ("", "战略客户，明年扩产")}
    else:
        with pytest.raises(refused_with):
            customer_grade_override(actor=org.user(role), customer=customer, grade="A", reason="想升级")
        customer.refresh_from_db()
        assert (customer.grade, customer.grade_reason, customer.version) == ("B", "", 1)
        assert AuditEvent.objects.filter(object_type="customer", action="update").count() == 0


@pytest.mark.parametrize(
    ("grade", "reason", "field"),
    [("A", "  ", "grade_reason"), ("D", "理由", "grade"), ("A", "长" * 201, "grade_reason")],
)
def test_given_bad_grade_or_missing_reason_when_overriding_then_refused(org, grade, reason, field):
    with pytest.raises(ValidationFailed) as error:
        customer_grade_override(actor=org.mgr_1, customer=org.cust_a, grade=grade, reason=reason)
    assert list(error.value.details) == [field]
    org.cust_a.refresh_from_db()
    assert (org.cust_a.grade, org.cust_a.version) == ("B", 1)


def test_given_manager_of_parent_team_when_overriding_then_allowed(org):
    from guanxi.people.models import Role

    from ..factories import UserFactory

    head = UserFactory(username="head", role=Role.MANAGER, team=org.team_1.parent)
    org.team_1.parent.manager = head
    org.team_1.parent.save()
    customer_grade_override(actor=head, customer=org.cust_a, grade="C", reason="两年没有采购")
    org.cust_a.refresh_from_db()
    assert org.cust_a.grade == "C"


def test_given_stage_set_by_hand_when_editing_through_the_archive_then_locked(org):
    from guanxi.customers.services import customer_update

    customer_update(
        actor=org.rep_a, customer=org.cust_a, data={"lifecycle_stage": "growth"}, expected_version=1
    )
    org.cust_a.refresh_from_db()
    assert (org.cust_a.lifecycle_stage, org.cust_a.lifecycle_stage_locked) == ("growth", True)
    customer_update(actor=org.rep_a, customer=org.cust_a, data={"lifecycle_stage": ""}, expected_version=2)
    org.cust_a.refresh_from_db()
    assert (org.cust_a.lifecycle_stage, org.cust_a.lifecycle_stage_locked) == ("", False)


@pytest.mark.parametrize(
    ("role", "refused_with"), [("rep_b", NotFound), ("archivist", PermissionDenied), ("mgr_1", None)]
)
def test_given_role_when_overriding_stage_then_owner_managers_and_director_only(org, role, refused_with):
    if refused_with:
        with pytest.raises(refused_with):
            customer_lifecycle_override(actor=org.user(role), customer=org.cust_a, stage="decline")
        org.cust_a.refresh_from_db()
        assert (org.cust_a.lifecycle_stage, org.cust_a.lifecycle_stage_locked) == ("", False)
    else:
        customer_lifecycle_override(actor=org.user(role), customer=org.cust_a, stage="decline")
        org.cust_a.refresh_from_db()
        assert (org.cust_a.lifecycle_stage, org.cust_a.lifecycle_stage_locked) == ("decline", True)


def test_given_director_when_editing_playbook_then_rule_saved_and_audited(org):
    rule = playbook_rule_create(
        actor=org.director,
        data={
            "priority": 1,
            "name": "试点",
            "value_groups": ["high_value", "high_value"],
            "action": "上门",
            "channel": "face_to_face",
        },
    )
    assert (rule.value_groups, rule.created_by) == (["high_value"], org.director)
    playbook_rule_update(actor=org.director, rule=rule, data={"cadence": "每周"}, expected_version=1)
    rule.refresh_from_db()
    assert (rule.cadence, rule.version) == ("每周", 2)
    assert AuditEvent.objects.filter(object_type="playbookrule", object_id=str(rule.pk)).count() == 2


@pytest.mark.parametrize(
    ("actor", "data", "error"),
    [
        ("mgr_1", {"name": "x", "action": "y"}, PermissionDenied),
        ("director", {"name": "x", "action": "y", "segments": ["vip"]}, ValidationFailed),
        ("director", {"name": "x", "action": "y", "channel": "pigeon"}, ValidationFailed),
    ],
)
def test_given_bad_editor_or_values_when_editing_playbook_then_refused(org, actor, data, error):
    before = PlaybookRule.objects.count()
    with pytest.raises(error):
        playbook_rule_create(actor=org.user(actor), data=data)
    assert PlaybookRule.objects.count() == before
