"""Builders for visit plans in a given state, shared by the visit tests."""

import datetime
from decimal import Decimal

from guanxi.visits import services
from guanxi.visits.models import Purpose, TargetType, VisitPlan, VisitPlanItem


def item_data(day: datetime.date, **extra) -> dict:
    data = {
        "planned_date": day,
        "purpose": Purpose.PUSH_VOLUME,
        "target_type": TargetType.EXISTING,
        "objective": "谈下季度订货量",
        "materials": "产品手册",
        "expense_estimate": Decimal("200.00"),
    }
    data.update(extra)
    return data


def build_plan(rep, customer, month: datetime.date, days=(5,), contacts=()) -> VisitPlan:
    plan = services.plan_create(actor=rep, month=month)
    for d in days:
        services.item_add(
            actor=rep, plan=plan, customer=customer, data=item_data(month.replace(day=d)), contacts=contacts
        )
    return plan


def approved_plan(rep, manager, customer, month: datetime.date, days=(5,), contacts=()) -> VisitPlan:
    plan = build_plan(rep, customer, month, days, contacts)
    plan = services.plan_submit(actor=rep, plan=plan)
    return services.plan_approve(actor=manager, plan=plan)


def items(plan: VisitPlan) -> list[VisitPlanItem]:
    return list(VisitPlanItem.objects.filter(plan=plan).order_by("planned_date", "pk"))
