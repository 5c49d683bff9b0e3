import datetime
from decimal import Decimal

import pytest
import time_machine

from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.sales import stages
from guanxi.sales.models import Opportunity, StageChange
from guanxi.sales.pipeline import opportunity_create, opportunity_move, opportunity_update
from guanxi.sales.selectors import (
    forecast,
    forecast_by_owner,
    new_customers_by_owner,
    opportunity_board,
    opportunity_get_for_user,
    stage_history,
    won_amount_by_owner,
)

from ..factories import CustomerFactory
from .factories import OpportunityFactory, OrderFactory

NOW = datetime.datetime(2026, 11, 24, 2, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("from_code", "to_code", "allowed"),
    [
        ("lead", "discovery", True),
        ("lead", "proposal", False),
        ("lead", "won", False),
        ("discovery", "lead", True),
        ("proposal", "negotiation", True),
        ("negotiation", "won", True),
        ("negotiation", "lost", True),
        ("proposal", "lost", True),
        ("won", "lost", False),
        ("won", "negotiation", True),
        ("lost", "lead", False),
    ],
)
def test_given_stage_table_when_asked_then_only_declared_moves_are_allowed(from_code, to_code, allowed):
    assert stages.can_move(from_code, to_code) is allowed


def test_given_stage_table_then_default_probabilities_rise_with_the_stage():
    assert [stages.default_probability(s.code) for s in stages.STAGES if s.is_open] == [
        Decimal("10"),
        Decimal("25"),
        Decimal("50"),
        Decimal("75"),
    ]
    assert stages.default_probability("won") == Decimal("100")
    assert stages.default_probability("lost") == Decimal("0")


@time_machine.travel(NOW, tick=False)
def test_given_new_opportunity_then_probability_is_stage_default_and_history_starts(org):
    opp = opportunity_create(
        actor=org.rep_a,
        customer=org.cust_a,
        data={"title": "油品年框", "amount": Decimal("500000"), "stage": "discovery"},
    )
    assert (opp.owner, opp.probability, opp.version) == (org.rep_a, Decimal("25"), 1)
    change = StageChange.objects.get(opportunity=opp)
    assert (change.from_stage, change.to_stage, change.by) == ("", "discovery", org.rep_a)


@time_machine.travel(NOW, tick=False)
def test_given_moves_then_probability_follows_stage_unless_given_and_history_records_each(org):
    opp = opportunity_create(
        actor=org.rep_a, customer=org.cust_a, data={"title": "A", "amount": Decimal("1000")}
    )
    opp = opportunity_move(actor=org.rep_a, opportunity=opp, to_stage="discovery")
    assert opp.probability == Decimal("25")
    opp = opportunity_move(actor=org.rep_a, opportunity=opp, to_stage="proposal", probability=Decimal("40"))
    assert opp.probability == Decimal("40")
    assert opp.closed_on is None
    opp = opportunity_move(actor=org.rep_a, opportunity=opp, to_stage="negotiation")
    opp = opportunity_move(actor=org.rep_a, opportunity=opp, to_stage="won", expected_version=opp.version)
    assert (opp.stage, opp.probability, opp.closed_on) == ("won", Decimal("100"), datetime.date(2026, 11, 24))
    rows = stage_history(opportunity=opp)
    assert [(r["change"].from_stage, r["change"].to_stage) for r in rows] == [
        ("", "lead"),
        ("lead", "discovery"),
        ("discovery", "proposal"),
        ("proposal", "negotiation"),
        ("negotiation", "won"),
    ]
    assert rows[-1]["current"] is True


def test_given_move_not_in_table_then_refused_and_nothing_changes(org):
    opp = OpportunityFactory(customer=org.cust_a)
    with pytest.raises(ValidationFailed) as caught:
        opportunity_move(actor=org.rep_a, opportunity=opp, to_stage="won")
    assert caught.value.code == "stage_not_allowed"
    opp.refresh_from_db()
    assert opp.stage == "lead"
    assert not StageChange.objects.filter(opportunity=opp).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_given_lost_without_reason_then_refused_with_clear_message(org, reason):
    opp = OpportunityFactory(customer=org.cust_a, stage="proposal", probability=Decimal("50"))
    with pytest.raises(ValidationFailed) as caught:
        opportunity_move(actor=org.rep_a, opportunity=opp, to_stage="lost", lost_reason=reason)
    assert caught.value.code == "lost_reason_required"
    assert "lost_reason" in caught.value.details
    assert "输单原因" in str(caught.value.message) or "lost" in str(caught.value.message)
    opp.refresh_from_db()
    assert opp.stage == "proposal"


def test_given_lost_with_reason_then_closed_with_reason(org):
    opp = OpportunityFactory(customer=org.cust_a, stage="proposal", probability=Decimal("50"))
    opp = opportunity_move(actor=org.rep_a, opportunity=opp, to_stage="lost", lost_reason="价格高于竞品")
    opp.refresh_from_db()
    assert (opp.stage, opp.lost_reason, opp.probability) == ("lost", "价格高于竞品", Decimal("0"))
    assert opp.closed_on is not None


def test_given_lost_opportunity_when_clearing_reason_then_refused(org):
    opp = OpportunityFactory(customer=org.cust_a, stage="lost", lost_reason="预算取消", probability=0)
    with pytest.raises(ValidationFailed):
        opportunity_update(actor=org.rep_a, opportunity=opp, data={"lost_reason": ""}, expected_version=1)


def test_given_stage_in_update_then_refused(org):
    opp = OpportunityFactory(customer=org.cust_a)
    with pytest.raises(ValidationFailed):
        opportunity_update(actor=org.rep_a, opportunity=opp, data={"stage": "won"}, expected_version=1)


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("rep_a", True),
        ("rep_b", False),
        ("rep_c", False),
        ("mgr_1", True),
        ("mgr_2", False),
        ("director", True),
    ],
)
def test_given_role_then_opportunity_visible_only_in_customer_scope(org, role, sees):
    opp = OpportunityFactory(customer=org.cust_a)
    if sees:
        assert opportunity_get_for_user(user=org.user(role), pk=opp.pk) == opp
    else:
        with pytest.raises(NotFound):
            opportunity_get_for_user(user=org.user(role), pk=opp.pk)
        with pytest.raises(NotFound):
            opportunity_move(actor=org.user(role), opportunity=opp, to_stage="discovery")


def test_given_other_team_customer_when_creating_then_not_found(org):
    with pytest.raises(NotFound):
        opportunity_create(actor=org.rep_a, customer=org.cust_c, data={"title": "x"})


def test_given_rep_when_giving_opportunity_to_other_rep_then_refused(org):
    with pytest.raises(ValidationFailed):
        opportunity_create(actor=org.rep_a, customer=org.cust_a, data={"title": "x", "owner": org.rep_b})


@time_machine.travel(NOW, tick=False)
def test_given_opportunities_then_board_groups_by_stage_with_weighted_totals(org):
    OpportunityFactory(customer=org.cust_a, stage="lead", amount=Decimal("1000"), probability=Decimal("10"))
    OpportunityFactory(
        customer=org.cust_a, stage="proposal", amount=Decimal("2000"), probability=Decimal("50")
    )
    OpportunityFactory(customer=org.cust_a, stage="won", probability=100, closed_on=datetime.date(2026, 1, 1))
    OpportunityFactory(customer=org.cust_c, stage="lead")
    columns = {c.stage.code: c for c in opportunity_board(user=org.rep_a)}
    assert [len(columns[code].cards) for code in ("lead", "discovery", "proposal", "won", "lost")] == [
        1,
        0,
        1,
        0,
        0,
    ]
    assert columns["proposal"].weighted == Decimal("1000.00")
    manager_columns = {c.stage.code: c for c in opportunity_board(user=org.director, team_id=org.team_2.pk)}
    assert len(manager_columns["lead"].cards) == 1
    assert manager_columns["lead"].cards[0].customer == org.cust_c


@time_machine.travel(NOW, tick=False)
def test_given_pipeline_then_forecast_weights_open_amounts_by_month_and_adds_won(org):
    cust_b = CustomerFactory(owner=org.rep_b)
    OpportunityFactory(
        customer=org.cust_a,
        stage="proposal",
        amount=Decimal("10000"),
        probability=Decimal("50"),
        expected_close_on=datetime.date(2026, 12, 10),
    )
    OpportunityFactory(
        customer=org.cust_a,
        stage="negotiation",
        amount=Decimal("4000"),
        probability=Decimal("75"),
        expected_close_on=datetime.date(2026, 12, 28),
    )
    OpportunityFactory(
        customer=org.cust_a,
        stage="won",
        amount=Decimal("3000"),
        probability=Decimal("100"),
        expected_close_on=datetime.date(2026, 12, 1),
        closed_on=datetime.date(2026, 11, 20),
    )
    OpportunityFactory(
        customer=org.cust_a,
        stage="lost",
        amount=Decimal("9999"),
        probability=0,
        expected_close_on=datetime.date(2026, 12, 1),
        closed_on=datetime.date(2026, 11, 21),
        lost_reason="x",
    )
    OpportunityFactory(
        customer=cust_b,
        stage="lead",
        amount=Decimal("1000"),
        probability=Decimal("10"),
        expected_close_on=datetime.date(2027, 1, 5),
    )
    result = forecast(user=org.mgr_1, start=datetime.date(2026, 11, 1), months=3)
    nov, dec, jan = result.months
    assert result.cell(dec, org.rep_a.pk) == {
        "weighted": Decimal("8000.00"),
        "won": Decimal("0"),
        "total": Decimal("8000.00"),
    }
    assert result.cell(nov, org.rep_a.pk)["won"] == Decimal("3000.00")
    assert result.cell(jan, org.rep_b.pk)["weighted"] == Decimal("100.00")
    assert result.month_total(dec)["total"] == Decimal("8000.00")
    assert forecast(user=org.rep_b, start=datetime.date(2026, 11, 1), months=3).cell(dec, org.rep_a.pk)[
        "total"
    ] == Decimal("0")


def test_given_won_deals_then_won_amount_by_owner_sums_period(org):
    OpportunityFactory(
        customer=org.cust_a, stage="won", amount=Decimal("100"), closed_on=datetime.date(2026, 10, 3)
    )
    OpportunityFactory(
        customer=org.cust_a, stage="won", amount=Decimal("50"), closed_on=datetime.date(2026, 10, 31)
    )
    OpportunityFactory(
        customer=org.cust_a, stage="won", amount=Decimal("70"), closed_on=datetime.date(2026, 11, 1)
    )
    OpportunityFactory(
        customer=org.cust_c, stage="won", amount=Decimal("9"), closed_on=datetime.date(2026, 10, 9)
    )
    OpportunityFactory(
        customer=org.cust_a, stage="lost", amount=Decimal("500"), closed_on=datetime.date(2026, 10, 9)
    )
    result = won_amount_by_owner(start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 31))
    assert result == {org.rep_a.pk: Decimal("150.00"), org.rep_c.pk: Decimal("9.00")}


def test_given_pipeline_history_then_forecast_by_owner_rebuilds_past_state(org):
    with time_machine.travel(datetime.datetime(2026, 9, 1, 2, tzinfo=datetime.UTC), tick=False):
        opp = opportunity_create(
            actor=org.rep_a,
            customer=org.cust_a,
            data={
                "title": "A",
                "amount": Decimal("1000"),
                "stage": "proposal",
                "expected_close_on": datetime.date(2026, 10, 20),
            },
        )
        other = opportunity_create(
            actor=org.rep_c,
            customer=org.cust_c,
            data={"title": "C", "amount": Decimal("400"), "expected_close_on": datetime.date(2026, 10, 5)},
        )
    with time_machine.travel(datetime.datetime(2026, 9, 15, 2, tzinfo=datetime.UTC), tick=False):
        opp = opportunity_move(actor=org.rep_a, opportunity=opp, to_stage="negotiation")
    with time_machine.travel(datetime.datetime(2026, 10, 10, 2, tzinfo=datetime.UTC), tick=False):
        opportunity_move(actor=org.rep_c, opportunity=other, to_stage="lost", lost_reason="预算取消")
        opportunity_create(
            actor=org.rep_a,
            customer=org.cust_a,
            data={
                "title": "late",
                "amount": Decimal("800"),
                "expected_close_on": datetime.date(2026, 10, 30),
            },
        )
    start, end = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
    assert forecast_by_owner(start=start, end=end, as_of=datetime.date(2026, 9, 1)) == {
        org.rep_a.pk: Decimal("500.00"),
        org.rep_c.pk: Decimal("40.00"),
    }
    assert forecast_by_owner(start=start, end=end, as_of=datetime.date(2026, 9, 30)) == {
        org.rep_a.pk: Decimal("750.00"),
        org.rep_c.pk: Decimal("40.00"),
    }
    assert forecast_by_owner(start=start, end=end) == {org.rep_a.pk: Decimal("830.00")}


def test_given_first_purchases_then_new_customers_by_owner_counts_first_in_period(org):
    fresh = CustomerFactory(owner=org.rep_a)
    OrderFactory(customer=fresh, ordered_on=datetime.date(2026, 10, 5))
    old = CustomerFactory(owner=org.rep_a)
    OrderFactory(customer=old, ordered_on=datetime.date(2026, 3, 5))
    OrderFactory(customer=old, ordered_on=datetime.date(2026, 10, 5))
    OpportunityFactory(customer=org.cust_c, stage="won", closed_on=datetime.date(2026, 10, 9))
    assert new_customers_by_owner(start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 31)) == {
        org.rep_a.pk: 1,
        org.rep_c.pk: 1,
    }


def test_given_soft_deleted_opportunity_then_not_counted(org):
    opp = OpportunityFactory(
        customer=org.cust_a, stage="won", amount=Decimal("5"), closed_on=datetime.date(2026, 10, 9)
    )
    Opportunity.all_objects.filter(pk=opp.pk).update(deleted_at=NOW)
    assert won_amount_by_owner(start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 31)) == {}
