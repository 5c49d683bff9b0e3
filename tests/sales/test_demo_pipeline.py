"""The demo's pipeline and contracts: every rep has opportunities across the stages with history, won and
lost ones, contracts with overdue instalments and contracts ending soon with their renewals."""

import pytest

from guanxi.demo import demo_load
from guanxi.engagement.models import Notification, NotificationKind, Task, TaskKind
from guanxi.people.models import Role, User
from guanxi.sales.contracts import overdue_instalments
from guanxi.sales.models import Contract, Opportunity, StageChange
from guanxi.sales.selectors import stage_history


@pytest.mark.django_db
def test_demo_holds_a_pipeline_for_every_rep_and_contracts_with_overdue_payments():
    demo_load(password="demo-pass-1234")
    reps = User.objects.filter(role=Role.REP, is_active=True)
    for rep in reps:
        stages_of_rep = set(Opportunity.objects.filter(owner=rep).values_list("stage", flat=True))
        assert {"lead", "discovery", "proposal", "negotiation", "won", "lost"} <= stages_of_rep, rep.username
    assert not Opportunity.objects.filter(stage="lost", lost_reason="").exists()
    won = Opportunity.objects.filter(stage="won").first()
    assert [row["to_stage"].code for row in stage_history(opportunity=won)][-2:] == ["negotiation", "won"]
    assert StageChange.objects.count() > Opportunity.objects.count()
    director = User.objects.get(username="director")
    assert overdue_instalments(user=director)
    renewals = Opportunity.objects.filter(renewal_of__isnull=False)
    assert renewals.count() == Contract.objects.filter(renewals__isnull=False).count() >= reps.count()
    assert (
        Task.objects.filter(kind=TaskKind.RENEWAL, dedupe_key__startswith="renewal:").count()
        == renewals.count()
    )
    assert Notification.objects.filter(kind=NotificationKind.CONTRACT).exists()
