"""Builders for KPI and training data, straight on the models (dates in the past are allowed here)."""

import datetime
import importlib
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from guanxi.performance.models import Attempt, Quiz
from guanxi.performance.scoring import band_for
from guanxi.sales.models import Opportunity, StageChange
from guanxi.visits.models import (
    ItemStatus,
    PlanStatus,
    Purpose,
    TargetType,
    VisitPlan,
    VisitPlanItem,
    VisitReport,
)

from ..factories import ContactFactory, CustomerFactory, InteractionFactory


def starter_quiz() -> Quiz:
    """Return the starter quiz, loading the starter bank again when a flushed test database lost it."""
    quiz = Quiz.objects.filter(is_starter=True).first()
    if quiz is None:
        importlib.import_module("guanxi.performance.migrations.0002_starter_bank").load_starter_bank(
            apps, None
        )
        quiz = Quiz.objects.get(is_starter=True)
    return quiz


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def interaction(customer, by, day: datetime.date):
    return InteractionFactory(customer=customer, created_by=by, occurred_at=at(day))


def visits(rep, customer, month: datetime.date, done_on_time=(), done_late=(), planned=()):
    """An approved plan for ``month`` with visits on the given days: done and reported on time, late, or
    only planned."""
    plan = VisitPlan.objects.create(owner=rep, month=month, status=PlanStatus.APPROVED)
    for day, on_time in [(d, True) for d in done_on_time] + [(d, False) for d in done_late]:
        item = VisitPlanItem.objects.create(
            plan=plan,
            customer=customer,
            planned_date=month.replace(day=day),
            purpose=Purpose.PUSH_VOLUME,
            target_type=TargetType.EXISTING,
            objective="谈订货量",
            status=ItemStatus.DONE,
        )
        VisitReport.objects.create(
            item=item,
            visited_at=at(item.planned_date),
            result="谈妥",
            achieved="yes",
            filed_by=rep,
            on_time=on_time,
        )
    for day in planned:
        VisitPlanItem.objects.create(
            plan=plan,
            customer=customer,
            planned_date=month.replace(day=day),
            purpose=Purpose.PUSH_VOLUME,
            target_type=TargetType.EXISTING,
            objective="谈订货量",
        )
    return plan


def won_deal(customer, amount: str, forecast_on: datetime.date, probability: str, won_on: datetime.date):
    """A deal forecast at ``probability`` since ``forecast_on`` and won on ``won_on``."""
    deal = Opportunity.objects.create(
        customer=customer,
        owner=customer.owner,
        title="年度供货",
        amount=Decimal(amount),
        stage="won",
        probability=Decimal("100"),
        expected_close_on=won_on,
        closed_on=won_on,
    )
    Opportunity.all_objects.filter(pk=deal.pk).update(created_at=at(forecast_on, 9))
    StageChange.objects.create(
        opportunity=deal,
        from_stage="",
        to_stage="negotiation",
        probability=Decimal(probability),
        at=at(forecast_on),
    )
    StageChange.objects.create(
        opportunity=deal, from_stage="negotiation", to_stage="won", probability=Decimal("100"), at=at(won_on)
    )
    return deal


def finished_attempt(user, score: str, day: datetime.date, quiz: Quiz | None = None) -> Attempt:
    quiz = quiz or starter_quiz()
    value = Decimal(score)
    return Attempt.objects.create(
        user=user,
        quiz=quiz,
        started_at=at(day, 9),
        finished_at=at(day),
        score=value,
        band=band_for(value),
        question_count=10,
        correct_count=int(value // 10),
    )


def complete_customer(owner, **extra):
    """A customer whose archive has every key field filled, with one contact."""
    fields = {
        "industry": "制造业",
        "employees": 300,
        "city": "上海",
        "grade": "A",
        "needs_summary": "降低设备停机时间",
        "budget_range": "50-100万",
    }
    fields.update(extra)
    customer = CustomerFactory(owner=owner, **fields)
    ContactFactory(customer=customer)
    return customer
