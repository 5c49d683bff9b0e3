import pytest

from guanxi.customers.services import customer_update
from guanxi.governance.audit import request_context
from guanxi.governance.models import AppendOnlyError, AuditEvent, FieldChange


def test_given_audit_rows_when_changing_or_deleting_them_through_the_orm_then_refused(org):
    customer_update(actor=org.rep_a, customer=org.cust_a, data={"industry": "金融"}, expected_version=1)
    event = AuditEvent.objects.get(action="update")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        event.delete()
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        FieldChange.objects.filter(event=event).update(new_value="x")
    assert AuditEvent.objects.get(pk=event.pk).action == "update"


def test_given_request_context_when_auditing_then_ip_request_id_and_role_are_recorded(org):
    token = request_context.set({"ip": "10.1.2.3", "request_id": "abc123", "user_agent": "pytest"})
    try:
        customer_update(actor=org.mgr_1, customer=org.cust_a, data={"industry": "金融"}, expected_version=1)
    finally:
        request_context.reset(token)
    event = AuditEvent.objects.get(action="update")
    assert (event.client_ip, event.request_id, event.user_agent, event.actor_role) == (
        "10.1.2.3",
        "abc123",
        "pytest",
        "manager",
    )
    assert event.ts.tzinfo is not None


def test_given_logins_when_they_succeed_or_fail_then_each_is_audited(org, client):
    from ..factories import TEST_PASSWORD

    assert client.login(username="rep_a", password=TEST_PASSWORD)
    assert not client.login(username="rep_a", password="wrong password entirely")
    client.logout()
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor__username"))
    assert actions == [("login", "rep_a"), ("login_failed", None), ("logout", "rep_a")]
