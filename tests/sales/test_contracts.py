import datetime
from decimal import Decimal

import pytest

from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.engagement.models import Notification, NotificationKind, Task, TaskKind
from guanxi.sales.contracts import (
    contract_create,
    contract_get_for_user,
    contract_list,
    contract_position,
    contract_renewals_generate,
    overdue_instalments,
    payment_add,
    payment_delete,
    plan_item_delete,
)
from guanxi.sales.jobs import contract_renewals
from guanxi.sales.models import Opportunity, PaymentPlanItem
from guanxi.sales.pipeline import opportunity_move
from guanxi.sales.selectors import stage_history

from .factories import ContractFactory

DAY = datetime.date(2026, 11, 24)


def plan(contract, *items):
    for due, amount in items:
        PaymentPlanItem.objects.create(contract=contract, due_on=due, amount=Decimal(amount))


def test_given_contract_with_plan_then_created_and_number_unique(org):
    contract = contract_create(
        actor=org.rep_a,
        customer=org.cust_a,
        data={
            "number": "ＨＴ-001",
            "title": "年度供货",
            "starts_on": datetime.date(2026, 1, 1),
            "ends_on": datetime.date(2026, 12, 31),
            "amount": Decimal("300"),
        },
        plan_items=[{"due_on": datetime.date(2026, 3, 1), "amount": Decimal("100")}],
    )
    assert (contract.number, contract.owner, contract.plan_items.count()) == ("HT-001", org.rep_a, 1)
    with pytest.raises(ValidationFailed) as caught:
        contract_create(
            actor=org.mgr_1,
            customer=org.cust_a,
            data={"number": "HT-001", "title": "x", "starts_on": DAY, "ends_on": DAY},
        )
    assert "number" in caught.value.details


def test_given_end_before_start_then_refused(org):
    with pytest.raises(ValidationFailed):
        contract_create(
            actor=org.rep_a,
            customer=org.cust_a,
            data={"number": "X", "title": "x", "starts_on": DAY, "ends_on": DAY - datetime.timedelta(days=1)},
        )


def test_given_payments_then_they_settle_oldest_instalments_first(org):
    contract = ContractFactory(customer=org.cust_a)
    plan(contract, ("2026-03-01", "100"), ("2026-06-01", "100"), ("2026-12-01", "100"))
    payment_add(
        actor=org.rep_a,
        contract=contract,
        data={"received_on": datetime.date(2026, 3, 2), "amount": Decimal("150")},
    )
    position = contract_position(contract=contract, today=DAY)
    assert (position["planned"], position["received"], position["outstanding"]) == (
        Decimal("300"),
        Decimal("150"),
        Decimal("150"),
    )
    assert [(p.paid, p.outstanding, p.overdue) for p in position["positions"]] == [
        (Decimal("100"), Decimal("0"), False),
        (Decimal("50"), Decimal("50"), True),
        (Decimal("0"), Decimal("100"), False),
    ]
    assert position["overdue"] == Decimal("50")
    overdue = overdue_instalments(user=org.rep_a, today=DAY)
    assert [(o.contract, o.position.item.due_on) for o in overdue] == [(contract, datetime.date(2026, 6, 1))]
    assert overdue_instalments(user=org.rep_b, today=DAY) == []


def test_given_future_or_zero_payment_then_refused(org):
    contract = ContractFactory(customer=org.cust_a)
    with pytest.raises(ValidationFailed):
        payment_add(
            actor=org.rep_a,
            contract=contract,
            data={"received_on": DAY + datetime.timedelta(days=400), "amount": 5},
        )
    with pytest.raises(ValidationFailed):
        payment_add(
            actor=org.rep_a, contract=contract, data={"received_on": datetime.date(2026, 1, 1), "amount": 0}
        )


@pytest.mark.parametrize(
    ("role", "sees"), [("rep_a", True), ("rep_c", False), ("mgr_2", False), ("mgr_1", True)]
)
def test_given_role_then_contract_visible_only_in_customer_scope(org, role, sees):
    contract = ContractFactory(customer=org.cust_a)
    if sees:
        assert contract_get_for_user(user=org.user(role), pk=contract.pk) == contract
        assert list(contract_list(user=org.user(role))) == [contract]
    else:
        with pytest.raises(NotFound):
            contract_get_for_user(user=org.user(role), pk=contract.pk)
        with pytest.raises(NotFound):
            payment_add(actor=org.user(role), contract=contract, data={"received_on": DAY, "amount": 1})
        assert list(contract_list(user=org.user(role))) == []


def test_given_contract_ending_within_lead_time_when_job_runs_twice_then_one_opportunity_and_one_task(org):
    soon = ContractFactory(
        customer=org.cust_a, ends_on=DAY + datetime.timedelta(days=60), amount=Decimal("88000")
    )
    later = ContractFactory(customer=org.cust_a, ends_on=DAY + datetime.timedelta(days=61))
    short_lead = ContractFactory(
        customer=org.cust_c, ends_on=DAY + datetime.timedelta(days=20), renewal_lead_days=10
    )
    ContractFactory(customer=org.cust_c, ends_on=DAY + datetime.timedelta(days=5), status="draft")
    first = contract_renewals(day=DAY)
    second = contract_renewals(day=DAY)
    assert first["renewals"] == 1
    assert second["renewals"] == 0
    opportunity = Opportunity.objects.get(renewal_of=soon)
    assert (opportunity.owner, opportunity.amount, opportunity.expected_close_on, opportunity.stage) == (
        org.rep_a,
        Decimal("88000.00"),
        soon.ends_on,
        "discovery",
    )
    assert [r["change"].to_stage for r in stage_history(opportunity=opportunity)] == ["discovery"]
    tasks = Task.objects.filter(kind=TaskKind.RENEWAL)
    assert [(t.owner, t.customer) for t in tasks] == [(org.rep_a, org.cust_a)]
    assert not Opportunity.objects.filter(renewal_of__in=[later, short_lead]).exists()
    contract_renewals_generate(day=DAY + datetime.timedelta(days=10))
    assert Opportunity.objects.filter(renewal_of=short_lead).count() == 1
    assert Opportunity.objects.filter(renewal_of=later).count() == 1
    assert Task.objects.filter(kind=TaskKind.RENEWAL).count() == 3


def test_given_overdue_instalment_when_job_runs_twice_then_one_notice_per_instalment(org):
    contract = ContractFactory(customer=org.cust_a, ends_on=DAY + datetime.timedelta(days=300))
    plan(contract, ("2026-10-01", "100"), ("2026-11-01", "100"), ("2027-01-01", "100"))
    assert contract_renewals(day=DAY)["overdue_notices"] == 2
    assert contract_renewals(day=DAY)["overdue_notices"] == 0
    notes = Notification.objects.filter(user=org.rep_a, kind=NotificationKind.CONTRACT)
    assert notes.count() == 2
    assert all(contract.number in n.title for n in notes)


def test_given_renewal_won_then_contract_marked_renewed(org):
    contract = ContractFactory(customer=org.cust_a, ends_on=DAY + datetime.timedelta(days=30))
    contract_renewals(day=DAY)
    renewal = Opportunity.objects.get(renewal_of=contract)
    for stage in ("proposal", "negotiation", "won"):
        renewal = opportunity_move(actor=org.rep_a, opportunity=renewal, to_stage=stage)
    contract.refresh_from_db()
    assert (contract.status, contract.version) == ("renewed", 2)


def test_given_instalment_and_payment_then_deleted_only_through_their_own_contract(org):
    contract = ContractFactory(customer=org.cust_a)
    other = ContractFactory(customer=org.cust_a)
    plan(contract, (datetime.date(2026, 10, 1), "100"))
    item = contract.plan_items.get()
    payment = contract.payments.create(received_on=datetime.date(2026, 10, 2), amount=Decimal("40"))
    with pytest.raises(NotFound):
        plan_item_delete(actor=org.rep_a, contract=other, item_id=item.pk)
    with pytest.raises(NotFound):
        payment_delete(actor=org.rep_a, contract=other, payment_id=payment.pk)
    with pytest.raises(NotFound):
        plan_item_delete(actor=org.rep_c, contract=contract, item_id=item.pk)
    assert (contract.plan_items.count(), contract.payments.count()) == (1, 1)
    plan_item_delete(actor=org.rep_a, contract=contract, item_id=item.pk)
    payment_delete(actor=org.rep_a, contract=contract, payment_id=payment.pk)
    assert (contract.plan_items.count(), contract.payments.count()) == (0, 0)
