"""Writes on visit plans: build, submit, approve or return, report, close (SPEC §4.4).

The flow: draft → submitted → approved, or returned with a comment → (the rep edits) → submitted again
→ approved → in progress (first report) → closed (the month is over, or the manager closes it). Visits
may be added, changed and removed only while the plan is a draft or returned.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import Channel, Direction, NotificationKind, Task, TaskKind, TaskStatus
from guanxi.engagement.notifications import link_to, notify
from guanxi.engagement.services import interaction_log, task_complete
from guanxi.governance.audit import audit_record
from guanxi.governance.records import record_create, record_soft_delete, record_update
from guanxi.governance.scope import visible
from guanxi.people.models import Role, User

from .models import (
    APPROVED_STATUSES,
    EDITABLE_STATUSES,
    Achieved,
    ItemStatus,
    PlanEvent,
    PlanStatus,
    VisitPlan,
    VisitPlanItem,
    VisitReport,
)
from .selectors import may_decide

REPORT_WINDOW = datetime.timedelta(hours=24)
MAX_ITEMS_PER_PLAN = 200


@dataclass(frozen=True)
class Commitment:
    """Something promised to the customer during a visit; it becomes a task."""

    title: str
    due_on: datetime.date


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return next_month(month) - datetime.timedelta(days=1)


def _refuse(field: str, message: str, code: str | None = None) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: [message]})


def _event(plan: VisitPlan, actor: Any, action: str, comment: str = "") -> PlanEvent:
    return PlanEvent.objects.create(plan=plan, actor=actor, action=action, comment=comment)


def _check_owner(actor: Any, plan: VisitPlan) -> None:
    if plan.owner_id != actor.pk:
        raise PermissionDenied(_("Only the rep who owns this plan can change it."))


def _check_editable(plan: VisitPlan) -> None:
    if plan.status not in EDITABLE_STATUSES:
        raise ValidationFailed(
            _("This plan is %(status)s: visits can be changed only in a draft or a returned plan.")
            % {"status": plan.get_status_display()},
            code="plan_not_editable",
        )


def plan_managers(owner: User) -> list[User]:
    """Who decides on ``owner``'s plan: the nearest manager above them in the team tree, else directors."""
    team = owner.team
    while team is not None:
        manager = team.manager
        if manager is not None and manager.pk != owner.pk and manager.is_active:
            return [manager]
        team = team.parent
    return list(User.objects.filter(role=Role.DIRECTOR, is_active=True).exclude(pk=owner.pk))


# --- plans ---------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor: User, month: datetime.date, today: datetime.date | None = None) -> VisitPlan:
    """Start the actor's plan for ``month`` (any day of it); one plan per rep and month. ``today`` (for
    loading history) defaults to the current day; a month before it is refused."""
    if actor.role not in (Role.REP, Role.MANAGER):
        raise PermissionDenied(_("Only sales reps and managers plan visits."))
    month = first_of_month(month)
    current = first_of_month(today or timezone.localdate())
    if month < current:
        raise _refuse("month", _("Plan this month or a later one."))
    if month > current.replace(year=current.year + 1):
        raise _refuse("month", _("Plan at most a year ahead."))
    if VisitPlan.objects.filter(owner=actor, month=month).exists():
        raise _refuse("month", _("You already have a plan for this month."), code="plan_exists")
    try:
        with transaction.atomic():
            plan = record_create(instance=VisitPlan(owner=actor, month=month), actor=actor)
    except IntegrityError as exc:  # a second click racing the first
        raise _refuse("month", _("You already have a plan for this month."), code="plan_exists") from exc
    _event(plan, actor, PlanEvent.Action.CREATED)
    return plan


@transaction.atomic
def plan_submit(*, actor: User, plan: VisitPlan, expected_version: int | None = None) -> VisitPlan:
    """Hand the plan to the manager; it needs at least one visit."""
    _check_owner(actor, plan)
    if plan.status not in EDITABLE_STATUSES:
        raise ValidationFailed(_("Only a draft or a returned plan can be submitted."), code="bad_transition")
    if not VisitPlanItem.objects.filter(plan=plan).exists():
        raise ValidationFailed(_("Add at least one visit before submitting the plan."), code="plan_empty")
    plan = record_update(
        instance=plan,
        actor=actor,
        expected_version=expected_version,
        data={"status": PlanStatus.SUBMITTED, "submitted_at": timezone.now()},
    )
    _event(plan, actor, PlanEvent.Action.SUBMITTED)
    for manager in plan_managers(plan.owner):
        with translation.override(manager.language):
            title = _("%(rep)s submitted the visit plan for %(month)s") % {
                "rep": str(plan.owner),
                "month": plan.month.strftime("%Y-%m"),
            }
        notify(
            user=manager,
            kind=NotificationKind.VISIT_PLAN,
            title=title,
            link_url=link_to("web:visit_plan_detail", plan.pk),
        )
    return plan


def _decide(
    *, actor: User, plan: VisitPlan, status: str, comment: str, expected_version: int | None
) -> VisitPlan:
    if not may_decide(actor, plan):
        raise PermissionDenied(_("Only the rep's manager or the director can decide on this plan."))
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationFailed(_("Only a submitted plan can be approved or returned."), code="bad_transition")
    return record_update(
        instance=plan,
        actor=actor,
        expected_version=expected_version,
        data={"status": status, "decided_at": timezone.now(), "decided_by": actor},
    )


def _tell_owner(plan: VisitPlan, title: str, body: str = "") -> None:
    notify(
        user=plan.owner,
        kind=NotificationKind.VISIT_PLAN,
        title=title,
        body=body,
        link_url=link_to("web:visit_plan_detail", plan.pk),
    )


@transaction.atomic
def plan_return(
    *, actor: User, plan: VisitPlan, comment: str, expected_version: int | None = None
) -> VisitPlan:
    """Send the plan back to the rep with what to change; the comment is required."""
    comment = (comment or "").strip()
    if not comment:
        raise _refuse("comment", _("Say what the rep should change: a comment is required to return a plan."))
    if len(comment) > 2000:
        raise _refuse("comment", _("Keep the comment under 2000 characters."))
    plan = _decide(
        actor=actor, plan=plan, status=PlanStatus.RETURNED, comment=comment, expected_version=expected_version
    )
    _event(plan, actor, PlanEvent.Action.RETURNED, comment)
    with translation.override(plan.owner.language):
        title = _("%(manager)s returned your visit plan for %(month)s") % {
            "manager": str(actor),
            "month": plan.month.strftime("%Y-%m"),
        }
    _tell_owner(plan, title, comment)
    return plan


def _visit_task_key(item_id: int) -> str:
    return f"visit:{item_id}"


@transaction.atomic
def plan_approve(
    *, actor: User, plan: VisitPlan, comment: str = "", expected_version: int | None = None
) -> VisitPlan:
    """Agree to the plan: each planned visit becomes a task of the rep on its date."""
    comment = (comment or "").strip()[:2000]
    plan = _decide(
        actor=actor, plan=plan, status=PlanStatus.APPROVED, comment=comment, expected_version=expected_version
    )
    _event(plan, actor, PlanEvent.Action.APPROVED, comment)
    items = list(
        VisitPlanItem.objects.filter(plan=plan, status=ItemStatus.PLANNED)
        .select_related("customer")
        .prefetch_related("contacts")
    )
    keys = {_visit_task_key(i.pk) for i in items}
    used = set(Task.all_objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
    owner = plan.owner
    with translation.override(owner.language):
        for item in items:
            key = _visit_task_key(item.pk)
            if key in used:
                continue
            contacts = list(item.contacts.all())
            record_create(
                instance=Task(
                    title=(
                        _("Visit %(customer)s: %(purpose)s")
                        % {"customer": item.customer.name, "purpose": item.get_purpose_display()}
                    )[:200],
                    due_on=item.planned_date,
                    owner=owner,
                    customer=item.customer,
                    contact=contacts[0] if contacts else None,
                    kind=TaskKind.VISIT,
                    dedupe_key=key,
                ),
                actor=actor,
            )
        title = _("%(manager)s approved your visit plan for %(month)s") % {
            "manager": str(actor),
            "month": plan.month.strftime("%Y-%m"),
        }
    _tell_owner(plan, title, comment)
    return plan


@transaction.atomic
def plan_close(*, actor: User | None, plan: VisitPlan, expected_version: int | None = None) -> VisitPlan:
    """Close an approved plan (the manager does, or the month is over); open visit tasks are cancelled."""
    if actor is not None and not may_decide(actor, plan):
        raise PermissionDenied(_("Only the rep's manager or the director can close this plan."))
    if plan.status not in (PlanStatus.APPROVED, PlanStatus.IN_PROGRESS):
        raise ValidationFailed(_("Only an approved plan can be closed."), code="bad_transition")
    plan = record_update(
        instance=plan,
        actor=actor,
        expected_version=expected_version,
        data={"status": PlanStatus.CLOSED, "closed_at": timezone.now()},
    )
    _event(plan, actor, PlanEvent.Action.CLOSED)
    item_ids = VisitPlanItem.objects.filter(plan=plan, status=ItemStatus.PLANNED).values_list("pk", flat=True)
    Task.objects.filter(
        dedupe_key__in=[_visit_task_key(pk) for pk in item_ids],
        status__in=(TaskStatus.OPEN, TaskStatus.SNOOZED),
    ).update(status=TaskStatus.CANCELLED, updated_at=timezone.now())
    return plan


# --- planned visits ------------------------------------------------------------------------------------


def _check_item(
    *, actor: User, plan: VisitPlan, customer: Customer, contacts: Iterable[Contact], data: Mapping[str, Any]
) -> list[Contact]:
    if not visible(Customer.objects.filter(pk=customer.pk), actor).exists():
        raise _refuse("customer", _("Choose one of your customers."))
    contacts = list(contacts)
    if any(c.customer_id != customer.pk for c in contacts):
        raise _refuse("contacts", _("Choose contacts of this customer."))
    planned = data.get("planned_date")
    if planned is not None and first_of_month(planned) != plan.month:
        raise _refuse(
            "planned_date",
            _("The visit date must fall in the plan's month (%(month)s).")
            % {"month": plan.month.strftime("%Y-%m")},
        )
    expense = data.get("expense_estimate")
    if expense is not None and expense < 0:
        raise _refuse("expense_estimate", _("The expense estimate cannot be negative."))
    return contacts


@transaction.atomic
def item_add(
    *,
    actor: User,
    plan: VisitPlan,
    customer: Customer,
    data: Mapping[str, Any],
    contacts: Iterable[Contact] = (),
) -> VisitPlanItem:
    _check_owner(actor, plan)
    _check_editable(plan)
    if VisitPlanItem.objects.filter(plan=plan).count() >= MAX_ITEMS_PER_PLAN:
        raise ValidationFailed(_("A plan holds at most %(n)d visits.") % {"n": MAX_ITEMS_PER_PLAN})
    contacts = _check_item(actor=actor, plan=plan, customer=customer, contacts=contacts, data=data)
    fields = {k: v for k, v in data.items() if k not in ("plan", "customer", "status")}
    item = record_create(instance=VisitPlanItem(plan=plan, customer=customer, **fields), actor=actor)
    item.contacts.set(contacts)
    return item


@transaction.atomic
def item_update(
    *,
    actor: User,
    item: VisitPlanItem,
    data: Mapping[str, Any],
    contacts: Iterable[Contact] | None = None,
    expected_version: int | None,
) -> VisitPlanItem:
    plan = item.plan
    _check_owner(actor, plan)
    _check_editable(plan)
    fields = {k: v for k, v in data.items() if k not in ("plan", "status")}
    customer = fields.get("customer", item.customer)
    if contacts is None:
        contacts = list(item.contacts.all())
        if customer.pk != item.customer_id:
            contacts = []
    contacts = _check_item(actor=actor, plan=plan, customer=customer, contacts=contacts, data=fields)
    item = record_update(instance=item, actor=actor, data=fields, expected_version=expected_version)
    item.contacts.set(contacts)
    return item


@transaction.atomic
def item_remove(*, actor: User, item: VisitPlanItem, expected_version: int | None) -> VisitPlanItem:
    _check_owner(actor, item.plan)
    _check_editable(item.plan)
    return record_soft_delete(instance=item, actor=actor, expected_version=expected_version)


@transaction.atomic
def item_cancel(*, actor: User, item: VisitPlanItem, expected_version: int | None = None) -> VisitPlanItem:
    """Call off an approved visit that will not happen; its task is cancelled."""
    _check_owner(actor, item.plan)
    if (
        item.plan.status not in (PlanStatus.APPROVED, PlanStatus.IN_PROGRESS)
        or item.status != ItemStatus.PLANNED
    ):
        raise ValidationFailed(
            _("Only a planned visit of an approved plan can be cancelled."), code="bad_transition"
        )
    item = record_update(
        instance=item, actor=actor, expected_version=expected_version, data={"status": ItemStatus.CANCELLED}
    )
    Task.objects.filter(
        dedupe_key=_visit_task_key(item.pk), status__in=(TaskStatus.OPEN, TaskStatus.SNOOZED)
    ).update(status=TaskStatus.CANCELLED, updated_at=timezone.now())
    return item


# --- reports -------------------------------------------------------------------------------------------


@transaction.atomic
def report_file(
    *,
    actor: User,
    item: VisitPlanItem,
    data: Mapping[str, Any],
    commitments: Iterable[Commitment] = (),
    now: datetime.datetime | None = None,
) -> VisitReport:
    """File the report of a visit: it logs a face-to-face interaction with the visit's contacts, turns the
    commitments into tasks and completes the visit's task. On time when filed within 24 hours. ``now``
    (for loading history) is when it counts as filed; it defaults to the current time."""
    plan = item.plan
    if plan.owner_id != actor.pk:
        raise PermissionDenied(_("Only the rep who owns this plan can report its visits."))
    if plan.status not in (PlanStatus.APPROVED, PlanStatus.IN_PROGRESS):
        raise ValidationFailed(
            _("Visits can be reported only in an approved plan."), code="plan_not_approved"
        )
    # Lock the item: two reports racing for one visit must not both pass the check below.
    item = VisitPlanItem.objects.select_for_update().select_related("plan", "customer").get(pk=item.pk)
    if item.status != ItemStatus.PLANNED or VisitReport.objects.filter(item=item).exists():
        raise ValidationFailed(
            _("This visit has already been reported or was cancelled."), code="already_reported"
        )
    now = now or timezone.now()
    visited_at = data.get("visited_at")
    result = (data.get("result") or "").strip()
    achieved = data.get("achieved") or ""
    why_not = (data.get("why_not") or "").strip()
    errors: dict[str, list[str]] = {}
    if visited_at is None:
        errors["visited_at"] = [_("Enter when the visit took place.")]
    elif visited_at.year < 2000:
        errors["visited_at"] = [_("The visit cannot be before the plan's month.")]
    elif visited_at > now + datetime.timedelta(minutes=5):
        errors["visited_at"] = [_("A visit cannot be reported before it took place.")]
    elif timezone.localtime(visited_at).date() < plan.month:
        errors["visited_at"] = [_("The visit cannot be before the plan's month.")]
    if not result:
        errors["result"] = [_("Describe the actual result of the visit.")]
    if achieved not in Achieved.values:
        errors["achieved"] = [_("Say whether the objective was achieved.")]
    elif achieved != Achieved.YES and not why_not:
        errors["why_not"] = [_("Explain why the objective was not fully achieved.")]
    commitments = [c for c in commitments if c.title.strip()]
    if any(c.due_on < timezone.localdate() for c in commitments):
        errors["commitments"] = [_("A commitment's due date must not be in the past.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    if not visible(Customer.objects.filter(pk=item.customer_id), actor).exists():
        raise NotFound(_("Customer not found."))

    assert visited_at is not None
    lines = "\n".join(f"{c.due_on.isoformat()} {c.title.strip()}" for c in commitments)
    interaction = interaction_log(
        actor=actor,
        customer=item.customer,
        contacts=item.contacts.all(),
        data={
            "occurred_at": visited_at,
            "channel": Channel.FACE_TO_FACE,
            "direction": Direction.OUTBOUND,
            "topic": f"{item.get_purpose_display()}: {item.objective}"[:200],
            "content": result,
            "agreements": lines,
        },
    )
    report = VisitReport.objects.create(
        item=item,
        visited_at=visited_at,
        result=result,
        achieved=achieved,
        why_not=why_not if achieved != Achieved.YES else "",
        commitments=lines,
        next_steps=(data.get("next_steps") or "").strip(),
        filed_at=now,
        filed_by=actor,
        on_time=now <= visited_at + REPORT_WINDOW,
        interaction=interaction,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=report,
        after={"item": str(item.pk), "achieved": achieved, "on_time": str(report.on_time)},
    )
    for index, commitment in enumerate(commitments):
        record_create(
            instance=Task(
                title=commitment.title.strip()[:200],
                due_on=commitment.due_on,
                owner=actor,
                customer=item.customer,
                interaction=interaction,
                kind=TaskKind.COMMITMENT,
                dedupe_key=f"visit-commitment:{item.pk}:{index}",
            ),
            actor=actor,
        )
    record_update(instance=item, actor=actor, expected_version=None, data={"status": ItemStatus.DONE})
    visit_task = Task.objects.filter(
        dedupe_key=_visit_task_key(item.pk), status__in=(TaskStatus.OPEN, TaskStatus.SNOOZED)
    ).first()
    if visit_task is not None:
        task_complete(actor=actor, task=visit_task, result=result[:2000])
    if plan.status == PlanStatus.APPROVED:
        record_update(
            instance=plan, actor=actor, expected_version=None, data={"status": PlanStatus.IN_PROGRESS}
        )
        _event(plan, actor, PlanEvent.Action.STARTED)
    return report


# --- periodic jobs -------------------------------------------------------------------------------------

REMINDER_FROM_DAY = 25


def plan_reminders_send(*, day: datetime.date) -> dict:
    """From the 25th, remind every rep who has not submitted next month's plan (once per rep and month)."""
    if day.day < REMINDER_FROM_DAY:
        return {"reminded": 0}
    month = next_month(day)
    done = VisitPlan.objects.filter(
        month=month, status__in=(PlanStatus.SUBMITTED, *APPROVED_STATUSES)
    ).values("owner_id")
    reminded = 0
    for rep in User.objects.filter(is_active=True, role=Role.REP).exclude(pk__in=done):
        with translation.override(rep.language):
            title = _("Submit your visit plan for %(month)s by the end of this month") % {
                "month": month.strftime("%Y-%m")
            }
        if notify(
            user=rep,
            kind=NotificationKind.VISIT_PLAN,
            title=title,
            link_url=link_to("web:visit_plan_list"),
            dedupe_key=f"visit-plan-reminder:{rep.pk}:{month:%Y-%m}",
        ):
            reminded += 1
    return {"reminded": reminded}


def late_reports_flag(*, day: datetime.date) -> dict:
    """Flag approved visits whose report is missing a day after the visit date; tell the rep once."""
    items = (
        VisitPlanItem.objects.filter(
            plan__deleted_at__isnull=True,
            plan__status__in=(PlanStatus.APPROVED, PlanStatus.IN_PROGRESS),
            status=ItemStatus.PLANNED,
            planned_date__lt=day - datetime.timedelta(days=1),
            report__isnull=True,
            late_flagged_at__isnull=True,
        )
        .select_related("plan__owner", "customer")
        .order_by("pk")
    )
    flagged = 0
    for item in items:
        owner = item.plan.owner
        with translation.override(owner.language):
            title = _("The report of your visit to %(customer)s on %(date)s is overdue") % {
                "customer": item.customer.name,
                "date": item.planned_date.isoformat(),
            }
        with transaction.atomic():
            marked = VisitPlanItem.all_objects.filter(pk=item.pk, late_flagged_at__isnull=True).update(
                late_flagged_at=timezone.now()
            )
            if marked:
                notify(
                    user=owner,
                    kind=NotificationKind.VISIT_REPORT,
                    title=title,
                    link_url=link_to("web:visit_report_file", item.pk),
                    dedupe_key=f"visit-report-late:{item.pk}",
                )
                flagged += 1
    return {"flagged": flagged}


def plans_close_finished(*, day: datetime.date) -> dict:
    """Close approved plans of months that ended more than a week ago (room for the last reports)."""
    cutoff = first_of_month(day - datetime.timedelta(days=7))
    closed = 0
    for plan in VisitPlan.objects.filter(
        status__in=(PlanStatus.APPROVED, PlanStatus.IN_PROGRESS), month__lt=cutoff
    ).select_related("owner"):
        plan_close(actor=None, plan=plan)
        closed += 1
    return {"closed": closed}
