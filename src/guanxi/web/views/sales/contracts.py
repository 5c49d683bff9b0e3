"""Contracts: the list, overdue payments, a contract's page with its payment plan and payments, creating
and editing; and the customer page's sales panel."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.core.errors import ValidationFailed, VersionConflict
from guanxi.customers.selectors import customer_get_for_user
from guanxi.sales.contracts import (
    contract_create,
    contract_get_for_user,
    contract_list,
    contract_position,
    contract_update,
    overdue_instalments,
    payment_add,
    payment_delete,
    plan_item_add,
    plan_item_delete,
    renewal_lead_days_default,
)
from guanxi.sales.models import ContractStatus
from guanxi.sales.selectors import opportunities_visible, opportunity_list

from ...conflicts import conflict_rows, rebase, saved_values
from ...decorators import member_view
from ...forms.base import apply_domain_errors
from ...forms.sales import CONTRACT_FIELDS, ContractForm, PaymentForm, PlanItemForm
from ...http import MemberRequest
from .common import customer_choices

PAGE_SIZE = 50
ENDING_CHOICES = (30, 60, 90)


@require_GET
@member_view
def contract_list_page(request: MemberRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ContractStatus.values:
        status = ""
    try:
        ending = int(request.GET.get("ending", ""))
    except ValueError:
        ending = None
    if ending not in ENDING_CHOICES:
        ending = None
    contracts = contract_list(user=request.user, status=status, ending_within=ending)
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for contract in page.object_list:
        active = contract.status == ContractStatus.ACTIVE and contract.ends_on >= today
        contract.days_left = (contract.ends_on - today).days if active else None  # type: ignore[attr-defined]
    context = {
        "page": page,
        "contracts": page.object_list,
        "status": status,
        "ending": ending,
        "statuses": ContractStatus.choices,
        "ending_choices": ENDING_CHOICES,
        "today": today,
        "overdue_count": len(overdue_instalments(user=request.user)),
    }
    return render(request, "web/sales/contract_list.html", context)


@require_GET
@member_view
def overdue_payments_page(request: MemberRequest) -> HttpResponse:
    overdue = overdue_instalments(user=request.user)
    total = sum((o.position.outstanding for o in overdue), start=0)
    return render(request, "web/sales/overdue.html", {"overdue": overdue, "total": total})


def _detail_context(contract: Any, **extra: Any) -> dict[str, Any]:
    return {
        "contract": contract,
        "position": contract_position(contract=contract),
        "renewals": contract.renewals.all().order_by("-created_at"),
        "plan_form": extra.pop("plan_form", None) or PlanItemForm(prefix="plan"),
        "payment_form": extra.pop("payment_form", None)
        or PaymentForm(prefix="pay", initial={"received_on": timezone.localdate()}),
        "lead_days": contract.renewal_lead_days or renewal_lead_days_default(),
        **extra,
    }


@require_GET
@member_view
def contract_detail(request: MemberRequest, pk: int) -> HttpResponse:
    contract = contract_get_for_user(user=request.user, pk=pk)
    return render(request, "web/sales/contract_detail.html", _detail_context(contract))


@require_POST
@member_view
def plan_item_add_action(request: MemberRequest, pk: int) -> HttpResponse:
    contract = contract_get_for_user(user=request.user, pk=pk)
    form = PlanItemForm(request.POST, prefix="plan")
    if form.is_valid():
        try:
            plan_item_add(actor=request.user, contract=contract, data=form.cleaned_data)
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Instalment added."))
            return redirect("web:contract_detail", pk=contract.pk)
    context = _detail_context(contract, plan_form=form)
    return render(request, "web/sales/contract_detail.html", context, status=422)


@require_POST
@member_view
def payment_add_action(request: MemberRequest, pk: int) -> HttpResponse:
    contract = contract_get_for_user(user=request.user, pk=pk)
    form = PaymentForm(request.POST, prefix="pay")
    if form.is_valid():
        try:
            payment_add(actor=request.user, contract=contract, data=form.cleaned_data)
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect("web:contract_detail", pk=contract.pk)
    context = _detail_context(contract, payment_form=form)
    return render(request, "web/sales/contract_detail.html", context, status=422)


@require_POST
@member_view
def plan_item_delete_action(request: MemberRequest, pk: int, item_pk: int) -> HttpResponse:
    contract = contract_get_for_user(user=request.user, pk=pk)
    plan_item_delete(actor=request.user, contract=contract, item_id=item_pk)
    messages.success(request, _("Instalment removed."))
    return redirect("web:contract_detail", pk=contract.pk)


@require_POST
@member_view
def payment_delete_action(request: MemberRequest, pk: int, payment_pk: int) -> HttpResponse:
    contract = contract_get_for_user(user=request.user, pk=pk)
    payment_delete(actor=request.user, contract=contract, payment_id=payment_pk)
    messages.success(request, _("Payment removed."))
    return redirect("web:contract_detail", pk=contract.pk)


@require_http_methods(["GET", "POST"])
@member_view
def contract_create_page(request: MemberRequest) -> HttpResponse:
    initial: dict[str, Any] = {"status": ContractStatus.ACTIVE}
    customer_pk = request.POST.get("customer") or request.GET.get("customer")
    opportunities = opportunities_visible(request.user).none()
    if customer_pk:
        customer = customer_get_for_user(user=request.user, pk=customer_pk)
        initial["customer"] = customer.pk
        opportunities = opportunity_list(user=request.user, customer_id=customer.pk)
    if request.GET.get("opportunity"):
        opportunity = opportunities_visible(request.user).filter(pk=request.GET["opportunity"]).first()
        if opportunity is not None:
            initial.update(opportunity=opportunity.pk, amount=opportunity.amount, title=opportunity.title)
    customers = customer_choices(request, initial.get("customer"))
    form = ContractForm(
        request.POST or None,
        actor=request.user,
        customers=customers,
        opportunities=opportunities,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            contract = contract_create(
                actor=request.user, customer=form.cleaned_data["customer"], data=form.data_for_service()
            )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Contract %(number)s created.") % {"number": contract.number})
            return redirect("web:contract_detail", pk=contract.pk)
    return render(request, "web/sales/contract_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@member_view
def contract_edit_page(request: MemberRequest, pk: int) -> HttpResponse:
    contract = contract_get_for_user(user=request.user, pk=pk)
    heading = {"pk": contract.pk, "number": contract.number}
    opportunities = opportunity_list(user=request.user, customer_id=contract.customer_id)
    form = ContractForm(
        request.POST or None, instance=contract, actor=request.user, opportunities=opportunities
    )
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        try:
            contract_update(
                actor=request.user,
                contract=contract,
                data=form.data_for_service(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        except VersionConflict as conflict:
            saved = conflict.current
            rows = conflict_rows(
                form=form, submitted=form.data_for_service(), saved=saved_values(saved, CONTRACT_FIELDS)
            )
            form = ContractForm(
                rebase(request.POST, "version", saved.version),
                instance=saved,
                actor=request.user,
                opportunities=opportunities,
            )
            context = {"form": form, "heading": heading, "conflict_rows": rows}
            return render(request, "web/sales/contract_form.html", context, status=409)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("web:contract_detail", pk=contract.pk)
    return render(request, "web/sales/contract_form.html", {"form": form, "heading": heading})


@require_GET
@member_view
def customer_sales_panel(request: MemberRequest, pk: int) -> HttpResponse:
    """The customer page's fragment: open opportunities, contracts and overdue payments."""
    customer = customer_get_for_user(user=request.user, pk=pk)
    context = {
        "customer": customer,
        "opportunities": opportunity_list(user=request.user, customer_id=customer.pk, open_only=True),
        "contracts": contract_list(user=request.user, customer_id=customer.pk).exclude(
            status__in=[ContractStatus.EXPIRED, ContractStatus.TERMINATED, ContractStatus.RENEWED]
        ),
        "overdue": overdue_instalments(user=request.user, customer_id=customer.pk),
        "today": timezone.localdate(),
    }
    return render(request, "web/sales/_customer_panel.html", context)
