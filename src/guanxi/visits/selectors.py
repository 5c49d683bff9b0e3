"""Reads of visit plans, narrowed to what the user may see.

A rep sees their own plans, a manager the plans of the reps in the team subtree they lead (and their own),
the director and the archive administrator every plan; anybody else none.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.governance.scope import managed_people_q, managed_team_paths
from guanxi.people.models import Role, User

from .models import (
    APPROVED_STATUSES,
    EDITABLE_STATUSES,
    ItemStatus,
    PlanStatus,
    VisitPlan,
    VisitPlanItem,
    VisitReport,
)


@dataclass(frozen=True)
class VisitCounts:
    planned: int = 0
    done: int = 0
    reported_on_time: int = 0
    reported_late: int = 0


def visit_counts_by_owner(
    *, start: datetime.date, end: datetime.date, owner_ids: Iterable[int] | None = None
) -> dict[int, VisitCounts]:
    """Count the approved visits dated in [start, end] per plan owner (only ``owner_ids`` when given):
    planned (not cancelled), done, reported within 24 hours of the visit and reported later. One query."""
    items = VisitPlanItem.objects.filter(
        plan__deleted_at__isnull=True,
        plan__status__in=APPROVED_STATUSES,
        planned_date__gte=start,
        planned_date__lte=end,
    )
    if owner_ids is not None:
        items = items.filter(plan__owner_id__in=list(owner_ids))
    rows = (
        items.exclude(status=ItemStatus.CANCELLED)
        .values("plan__owner_id")
        .annotate(
            planned=Count("pk"),
            done=Count("pk", filter=Q(status=ItemStatus.DONE)),
            on_time=Count("pk", filter=Q(report__on_time=True)),
            late=Count("pk", filter=Q(report__on_time=False)),
        )
    )
    return {
        row["plan__owner_id"]: VisitCounts(
            planned=row["planned"],
            done=row["done"],
            reported_on_time=row["on_time"],
            reported_late=row["late"],
        )
        for row in rows
    }


def plan_owner_q(user: Any, via: str = "") -> Q:
    """Return the condition selecting the plans (or, through ``via``, records of plans) ``user`` may see."""
    prefix = f"{via}__" if via else ""
    nothing = Q(pk__in=[])
    if user is None or not user.is_authenticated or not user.is_active:
        return nothing
    if user.role in (Role.DIRECTOR, Role.ARCHIVIST):
        return Q()
    if user.role in (Role.MANAGER, Role.REP):
        return managed_people_q(user, f"{prefix}owner")
    return nothing


def may_decide(actor: Any, plan: VisitPlan) -> bool:
    """Tell whether ``actor`` approves or returns ``plan``: the director, or a manager leading the owner's
    team (never their own plan)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if actor.role == Role.DIRECTOR:
        return plan.owner_id != actor.pk
    if actor.role != Role.MANAGER or plan.owner_id == actor.pk:
        return False
    owner = plan.owner
    team_path = owner.team.path if owner.team is not None else ""
    return any(team_path.startswith(p) for p in managed_team_paths(actor))


def plan_list(*, user: Any, owner: Any = None, month: datetime.date | None = None) -> QuerySet[VisitPlan]:
    plans = (
        VisitPlan.objects.filter(plan_owner_q(user))
        .select_related("owner", "decided_by")
        .annotate(
            item_count=Count("items", filter=Q(items__deleted_at__isnull=True), distinct=True),
            done_count=Count(
                "items",
                filter=Q(items__deleted_at__isnull=True, items__status=ItemStatus.DONE),
                distinct=True,
            ),
        )
        .order_by("-month", "owner__username")
    )
    if owner is not None:
        plans = plans.filter(owner=owner)
    if month is not None:
        plans = plans.filter(month=month)
    return plans


def open_plan(owner: Any) -> VisitPlan | None:
    """The owner's latest plan still open to new visits (a draft or a returned one), if any."""
    return VisitPlan.objects.filter(owner=owner, status__in=EDITABLE_STATUSES).order_by("-month").first()


def plans_to_decide(*, user: Any) -> QuerySet[VisitPlan]:
    """Submitted plans the user may approve or return (not their own)."""
    if user is None or user.role not in (Role.MANAGER, Role.DIRECTOR):
        return VisitPlan.objects.none()
    return (
        plan_list(user=user)
        .filter(status=PlanStatus.SUBMITTED)
        .exclude(owner_id=user.pk)
        .order_by("submitted_at", "pk")
    )


def plan_get(*, user: Any, plan_id: Any) -> VisitPlan:
    try:
        return (
            VisitPlan.objects.filter(plan_owner_q(user))
            .select_related("owner__team", "decided_by")
            .get(pk=int(plan_id))
        )
    except (VisitPlan.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound("Not found.") from exc


def plan_items(plan: VisitPlan) -> QuerySet[VisitPlanItem]:
    return (
        VisitPlanItem.objects.filter(plan=plan)
        .select_related("customer", "report")
        .prefetch_related("contacts")
        .order_by("planned_date", "pk")
    )


def item_get(*, user: Any, item_id: Any) -> VisitPlanItem:
    try:
        return (
            VisitPlanItem.objects.filter(plan_owner_q(user, via="plan"), plan__deleted_at__isnull=True)
            .select_related("plan__owner__team", "customer")
            .prefetch_related("contacts")
            .get(pk=int(item_id))
        )
    except (VisitPlanItem.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound("Not found.") from exc


def report_get(*, user: Any, item_id: Any) -> VisitReport:
    item = item_get(user=user, item_id=item_id)
    try:
        return VisitReport.objects.select_related("interaction", "item").get(item=item)
    except VisitReport.DoesNotExist as exc:
        raise NotFound("Not found.") from exc


def customer_visits(*, user: Any, customer: Any) -> QuerySet[VisitPlanItem]:
    """Visits to ``customer`` in plans the user may see (the caller already checked the customer)."""
    return (
        VisitPlanItem.objects.filter(
            plan_owner_q(user, via="plan"), customer=customer, plan__deleted_at__isnull=True
        )
        .select_related("plan__owner", "report")
        .order_by("-planned_date", "-pk")
    )


MIN_MONTH = datetime.date(2000, 1, 1)
MAX_MONTH = datetime.date(2999, 12, 1)


def _month_message() -> str:
    return _("Choose a month between 2000 and 2999.")


def _overdue_items(*, user: Any, month: datetime.date, now: datetime.datetime) -> QuerySet[VisitPlanItem]:
    """The month's approved visits the user may see, still planned more than 24 hours after their date."""
    return VisitPlanItem.objects.filter(
        plan_owner_q(user, via="plan"),
        plan__deleted_at__isnull=True,
        plan__status__in=APPROVED_STATUSES,
        plan__month=month.replace(day=1),
        status=ItemStatus.PLANNED,
        planned_date__lt=(now - datetime.timedelta(hours=24)).date(),
        report__isnull=True,
    )


@dataclass(frozen=True)
class ComplianceRow:
    rep: User
    planned: int
    done: int
    reported_on_time: int
    reported_late: int
    missing: int  # visit date passed more than 24 hours ago, no report
    plan: VisitPlan | None


def compliance(*, user: Any, month: datetime.date, now: datetime.datetime) -> list[ComplianceRow]:
    """Per rep the user may see: the month's approved visits planned, done, reported on time and late,
    and those overdue for a report. A fixed number of queries whatever the number of reps and items."""
    month = month.replace(day=1)
    if not MIN_MONTH <= month <= MAX_MONTH:
        raise ValidationFailed(_month_message(), details={"month": [_month_message()]})
    end = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    plans = {
        p.owner_id: p
        for p in VisitPlan.objects.filter(plan_owner_q(user), month=month).select_related("owner")
    }
    missing = dict(
        _overdue_items(user=user, month=month, now=now)
        .values("plan__owner_id")
        .annotate(n=Count("pk"))
        .values_list("plan__owner_id", "n")
    )
    reps = User.objects.filter(is_active=True, role=Role.REP).select_related("team")
    if user.role == Role.MANAGER:
        condition = Q(pk__in=[])
        for path in managed_team_paths(user):
            condition |= Q(team__path__startswith=path)
        reps = reps.filter(condition)
    elif user.role not in (Role.DIRECTOR, Role.ARCHIVIST):
        reps = reps.filter(pk=user.pk)
    people = list(reps.order_by("team__path", "username"))
    counts = visit_counts_by_owner(start=month, end=end, owner_ids=[rep.pk for rep in people])
    rows = []
    for rep in people:
        c = counts.get(rep.pk, VisitCounts())
        rows.append(
            ComplianceRow(
                rep=rep,
                planned=c.planned,
                done=c.done,
                reported_on_time=c.reported_on_time,
                reported_late=c.reported_late,
                missing=missing.get(rep.pk, 0),
                plan=plans.get(rep.pk),
            )
        )
    return rows


def late_items(*, user: Any, month: datetime.date, now: datetime.datetime) -> QuerySet[VisitPlanItem]:
    """Approved visits of the month whose report is missing more than 24 hours after the visit date."""
    return (
        _overdue_items(user=user, month=month, now=now)
        .select_related("plan__owner", "customer")
        .order_by("planned_date", "pk")
    )
