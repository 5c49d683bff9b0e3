"""Visit plans: the rep's monthly plans and reports, the manager's approval queue and compliance view."""

import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.core.errors import GuanxiError, PermissionDenied, ValidationFailed, VersionConflict
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customer_get_for_user, customers_visible
from guanxi.people.models import Role
from guanxi.visits import selectors, services
from guanxi.visits.models import (
    EDITABLE_STATUSES,
    ItemStatus,
    PlanStatus,
    VisitPlan,
    VisitPlanItem,
    VisitReport,
)

from ..actions import run_action
from ..decorators import member_view
from ..forms.base import apply_domain_errors
from ..forms.visits import (
    ApproveForm,
    ComplianceMonthForm,
    PlanCreateForm,
    ReturnForm,
    VersionForm,
    VisitItemForm,
    VisitReportForm,
)
from ..http import MemberRequest


def _error_text(error: GuanxiError) -> str:
    if isinstance(error, VersionConflict):
        return _("Someone changed this plan after you opened the page. Check it and try again.")
    texts = [str(m) for msgs in error.details.values() for m in msgs] or [str(error.message)]
    return " ".join(texts)


def _posted_version(request: MemberRequest) -> int | None:
    """The record version the submitted page showed, if it sent a valid one."""
    form = VersionForm(request.POST)
    return form.cleaned_data.get("version") if form.is_valid() else None


def _plans_page_context(request: MemberRequest) -> dict[str, Any]:
    user = request.user
    return {
        "plans": selectors.plan_list(user=user, owner=user),
        "create_form": PlanCreateForm(),
        "may_plan": user.role in (Role.REP, Role.MANAGER),
        "is_manager": user.role in (Role.MANAGER, Role.DIRECTOR, Role.ARCHIVIST),
        "queue_count": selectors.plans_to_decide(user=user).count()
        if user.role in (Role.MANAGER, Role.DIRECTOR)
        else 0,
    }


@require_GET
@member_view
def visit_plan_list(request: MemberRequest) -> HttpResponse:
    """My visit plans, month by month, and a button to start next month's."""
    context = _plans_page_context(request)
    if context["is_manager"]:
        context["team_plans"] = selectors.plan_list(user=request.user).exclude(owner=request.user)[:60]
    return render(request, "web/visits/list.html", context)


@require_POST
@member_view
def visit_plan_create(request: MemberRequest) -> HttpResponse:
    form = PlanCreateForm(request.POST)
    if form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, month=form.cleaned_data["month"])
        except ValidationFailed as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("Plan for %(month)s started: add your visits.") % {"month": plan.month.strftime("%Y-%m")},
            )
            return redirect("web:visit_plan_detail", plan.pk)
    else:
        messages.error(request, _("Choose a month to plan."))
    return redirect("web:visit_plan_list")


def _detail_context(request: MemberRequest, plan: VisitPlan) -> dict[str, Any]:
    user = request.user
    is_owner = plan.owner_id == user.pk
    may_decide = selectors.may_decide(user, plan)
    return {
        "plan": plan,
        "items": selectors.plan_items(plan),
        "events": plan.events.select_related("actor"),
        "is_owner": is_owner,
        "can_edit": is_owner and plan.status in EDITABLE_STATUSES,
        "can_submit": is_owner and plan.status in EDITABLE_STATUSES,
        "can_decide": may_decide and plan.status == PlanStatus.SUBMITTED,
        "can_close": may_decide and plan.status in (PlanStatus.APPROVED, PlanStatus.IN_PROGRESS),
        "can_report": is_owner and plan.status in (PlanStatus.APPROVED, PlanStatus.IN_PROGRESS),
        "return_form": ReturnForm(initial={"version": plan.version}),
        "approve_form": ApproveForm(initial={"version": plan.version}),
        "steps": _steps(plan),
        "planned": ItemStatus.PLANNED,
    }


def _steps(plan: VisitPlan) -> list[dict[str, Any]]:
    """The status path shown at the top of a plan, with the current step marked."""
    order = [
        PlanStatus.DRAFT,
        PlanStatus.SUBMITTED,
        PlanStatus.APPROVED,
        PlanStatus.IN_PROGRESS,
        PlanStatus.CLOSED,
    ]
    current = PlanStatus.DRAFT if plan.status == PlanStatus.RETURNED else plan.status
    reached = order.index(PlanStatus(current))
    steps = []
    for index, status in enumerate(order):
        label = status.label
        if status == PlanStatus.DRAFT and plan.status == PlanStatus.RETURNED:
            label = PlanStatus.RETURNED.label
        steps.append({"label": label, "done": index < reached, "current": index == reached})
    return steps


@require_GET
@member_view
def visit_plan_detail(request: MemberRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=pk)
    return render(request, "web/visits/detail.html", _detail_context(request, plan))


@require_POST
@member_view
def visit_plan_submit(request: MemberRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=pk)
    version = _posted_version(request)
    run_action(
        request,
        lambda: services.plan_submit(actor=request.user, plan=plan, expected_version=version),
        success=_("Plan submitted to your manager."),
        describe=_error_text,
    )
    return redirect("web:visit_plan_detail", plan.pk)


@require_POST
@member_view
def visit_plan_approve(request: MemberRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("web:visit_plan_detail", plan.pk)
    approved = run_action(
        request,
        lambda: services.plan_approve(
            actor=request.user,
            plan=plan,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        ),
        success=lambda _plan: _("Plan of %(rep)s approved.") % {"rep": str(plan.owner)},
        describe=_error_text,
    )
    if not approved:
        return redirect("web:visit_plan_detail", plan.pk)
    return redirect("web:visit_plan_queue")


@require_POST
@member_view
def visit_plan_return(request: MemberRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.plan_return(
                actor=request.user,
                plan=plan,
                comment=form.cleaned_data["comment"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        except VersionConflict as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Plan returned to %(rep)s.") % {"rep": str(plan.owner)})
            return redirect("web:visit_plan_queue")
    context = _detail_context(request, plan)
    context["return_form"] = form
    return render(request, "web/visits/detail.html", context, status=422 if form.errors else 200)


@require_POST
@member_view
def visit_plan_close(request: MemberRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=pk)
    version = _posted_version(request)
    run_action(
        request,
        lambda: services.plan_close(actor=request.user, plan=plan, expected_version=version),
        success=_("Plan closed."),
        describe=_error_text,
    )
    return redirect("web:visit_plan_detail", plan.pk)


@require_GET
@member_view
def visit_plan_queue(request: MemberRequest) -> HttpResponse:
    """Submitted plans of the manager's reps, oldest first."""
    if request.user.role not in (Role.MANAGER, Role.DIRECTOR):
        raise PermissionDenied(_("Only managers approve visit plans."))
    return render(request, "web/visits/queue.html", {"plans": selectors.plans_to_decide(user=request.user)})


# --- planned visits ----------------------------------------------------------------------------------


def _chosen_customer(request: MemberRequest, customers: Any, fallback: Customer | None) -> Customer | None:
    raw = request.POST.get("customer") if request.method == "POST" else request.GET.get("customer")
    if raw:
        try:
            return customers.get(pk=int(raw))
        except (Customer.DoesNotExist, ValueError, TypeError):
            return None
    return fallback


def _item_form_page(request: MemberRequest, plan: VisitPlan, item: VisitPlanItem | None) -> HttpResponse:
    customers = customers_visible(request.user)
    customer = _chosen_customer(request, customers, item.customer if item else None)
    if request.method == "POST" and "pick" not in request.POST:
        form = VisitItemForm(request.POST, customers=customers, customer=customer)
        if form.is_valid():
            try:
                if item is None:
                    services.item_add(
                        actor=request.user,
                        plan=plan,
                        customer=form.cleaned_data["customer"],
                        data=form.item_data(),
                        contacts=form.cleaned_data["contacts"],
                    )
                else:
                    services.item_update(
                        actor=request.user,
                        item=item,
                        data={**form.item_data(), "customer": form.cleaned_data["customer"]},
                        contacts=form.cleaned_data["contacts"],
                        expected_version=form.cleaned_data["version"],
                    )
            except ValidationFailed as error:
                apply_domain_errors(form, error)
            except VersionConflict:
                form.add_error(
                    None, _("Someone changed this visit after you opened the page. Check it and save again.")
                )
            else:
                messages.success(request, _("Visit saved."))
                return redirect("web:visit_plan_detail", plan.pk)
    elif request.method == "POST":  # the customer was changed without JavaScript: show its contacts
        form = VisitItemForm(
            initial={**request.POST.dict(), "contacts": []}, customers=customers, customer=customer
        )
    elif item is not None:
        form = VisitItemForm(
            initial={
                "customer": item.customer_id,
                "contacts": [c.pk for c in item.contacts.all()],
                "planned_date": item.planned_date,
                "purpose": item.purpose,
                "target_type": item.target_type,
                "objective": item.objective,
                "materials": item.materials,
                "expense_estimate": item.expense_estimate,
                "version": item.version,
            },
            customers=customers,
            customer=customer if customer is not None else item.customer,
        )
        if customer is not None and customer.pk != item.customer_id:
            form.initial["customer"] = customer.pk
    else:
        form = VisitItemForm(
            initial={"customer": customer.pk if customer else None, "planned_date": plan.month},
            customers=customers,
            customer=customer,
        )
    context = {"plan": plan, "item": item, "form": form, "customer": customer}
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "web/visits/item_form.html", context, status=status)


def _refuse_unless_editable(request: MemberRequest, plan: VisitPlan) -> HttpResponse | None:
    """Only the owner changes visits (403 otherwise), and only while the plan is a draft or returned
    (back to the plan with a message otherwise)."""
    if plan.owner_id != request.user.pk:
        raise PermissionDenied(_("Only the rep who owns this plan can change it."))
    if plan.status not in EDITABLE_STATUSES:
        messages.error(request, _("Visits can be changed only in a draft or a returned plan."))
        return redirect("web:visit_plan_detail", plan.pk)
    return None


@require_http_methods(["GET", "POST"])
@member_view
def visit_item_create(request: MemberRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=pk)
    return _refuse_unless_editable(request, plan) or _item_form_page(request, plan, None)


@require_http_methods(["GET", "POST"])
@member_view
def visit_item_edit(request: MemberRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, item_id=pk)
    return _refuse_unless_editable(request, item.plan) or _item_form_page(request, item.plan, item)


@require_POST
@member_view
def visit_item_delete(request: MemberRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, item_id=pk)
    version = _posted_version(request)
    run_action(
        request,
        lambda: services.item_remove(actor=request.user, item=item, expected_version=version),
        success=_("Visit removed from the plan."),
        describe=_error_text,
    )
    return redirect("web:visit_plan_detail", item.plan_id)


@require_POST
@member_view
def visit_item_cancel(request: MemberRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, item_id=pk)
    run_action(
        request,
        lambda: services.item_cancel(actor=request.user, item=item),
        success=_("Visit cancelled."),
        refused=(ValidationFailed,),
        describe=_error_text,
    )
    return redirect("web:visit_plan_detail", item.plan_id)


# --- reports -------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view
def visit_report_file(request: MemberRequest, pk: int) -> HttpResponse:
    """The report of one visit: the objective next to the result. Shows the report once filed."""
    item = selectors.item_get(user=request.user, item_id=pk)
    report = VisitReport.objects.filter(item=item).select_related("interaction").first()
    reportable = item.plan.status in (PlanStatus.APPROVED, PlanStatus.IN_PROGRESS)
    if (
        report is not None
        or request.user.pk != item.plan.owner_id
        or item.status != ItemStatus.PLANNED
        or not reportable
    ):
        return render(request, "web/visits/report.html", {"item": item, "report": report, "form": None})
    form = VisitReportForm(request.POST or None, planned_date=item.planned_date)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_file(
                actor=request.user, item=item, data=form.report_data(), commitments=form.commitment_list()
            )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Visit report filed; the visit is on the customer's timeline."))
            return redirect("web:visit_plan_detail", item.plan_id)
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request, "web/visits/report.html", {"item": item, "report": None, "form": form}, status=status
    )


# --- compliance and the customer panel --------------------------------------------------------------


@require_GET
@member_view
def visit_compliance(request: MemberRequest) -> HttpResponse:
    """Per rep: the month's visits planned, done, reported on time and late, and reports overdue."""
    if request.user.role not in (Role.MANAGER, Role.DIRECTOR, Role.ARCHIVIST):
        raise PermissionDenied(_("Only managers see plan compliance."))
    form = ComplianceMonthForm(request.GET or None)
    month = services.first_of_month(timezone.localdate())
    if form.is_bound and form.is_valid() and form.cleaned_data.get("month"):
        chosen = form.cleaned_data["month"].replace(day=1)
        if selectors.MIN_MONTH <= chosen <= selectors.MAX_MONTH:
            month = chosen
    now = timezone.localtime()
    rows = selectors.compliance(user=request.user, month=month, now=now)
    context = {
        "form": form,
        "month": month,
        "previous": (month - datetime.timedelta(days=1)).replace(day=1),
        "following": services.next_month(month),
        "rows": rows,
        "late": selectors.late_items(user=request.user, month=month, now=now),
        "totals": {
            "planned": sum(r.planned for r in rows),
            "done": sum(r.done for r in rows),
            "on_time": sum(r.reported_on_time for r in rows),
            "late": sum(r.reported_late for r in rows),
            "missing": sum(r.missing for r in rows),
        },
    }
    return render(request, "web/visits/compliance.html", context)


@require_GET
@member_view
def visit_customer_panel(request: MemberRequest, pk: int) -> HttpResponse:
    """The customer page's panel: this customer's planned and reported visits the user may see."""
    customer = customer_get_for_user(user=request.user, pk=pk)
    visits = list(selectors.customer_visits(user=request.user, customer=customer)[:10])
    open_plan = selectors.open_plan(request.user) if request.user.role in (Role.REP, Role.MANAGER) else None
    context = {"customer": customer, "visits": visits, "open_plan": open_plan}
    return render(request, "web/visits/_customer_panel.html", context)
