"""The product catalogue and customers' orders (采购记录) with their lines."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.core.errors import PermissionDenied, ValidationFailed, VersionConflict
from guanxi.customers.selectors import customer_get_for_user
from guanxi.sales.selectors import order_get_for_user, order_list, product_get, product_list
from guanxi.sales.services import CATALOGUE_ROLES, order_create, order_update, product_create, product_update

from ...decorators import member_view
from ...forms.base import apply_domain_errors
from ...forms.sales import ORDER_LINE_SLOTS, OrderForm, ProductForm
from ...http import MemberRequest
from .common import report_conflict

PAGE_SIZE = 50


def _may_edit_catalogue(request: MemberRequest) -> bool:
    return request.user.role in CATALOGUE_ROLES


@require_GET
@member_view
def product_list_page(request: MemberRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:60]
    page = Paginator(product_list(q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "products": page.object_list, "q": q, "may_edit": _may_edit_catalogue(request)}
    return render(request, "web/sales/product_list.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def product_form_page(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    if not _may_edit_catalogue(request):
        raise PermissionDenied(_("Only managers, the director and the archive administrator edit products."))
    product = product_get(pk=pk) if pk is not None else None
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        try:
            if product is None:
                product_create(actor=request.user, data=form.data_for_service())
            else:
                product_update(
                    actor=request.user,
                    product=product,
                    data=form.data_for_service(),
                    expected_version=form.cleaned_data.get("version"),
                )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        except VersionConflict:
            report_conflict(request)
        else:
            messages.success(request, _("Product saved."))
            return redirect("web:product_list")
    return render(request, "web/sales/product_form.html", {"form": form, "product": product})


@require_GET
@member_view
def order_list_page(request: MemberRequest) -> HttpResponse:
    customer = None
    if request.GET.get("customer"):
        customer = customer_get_for_user(user=request.user, pk=request.GET["customer"])
    orders = order_list(user=request.user, customer_id=customer.pk if customer else None)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "web/sales/order_list.html", {"page": page, "orders": page.object_list, "customer": customer}
    )


@require_GET
@member_view
def order_detail(request: MemberRequest, pk: int) -> HttpResponse:
    order = order_get_for_user(user=request.user, pk=pk)
    lines = order.lines.select_related("product").order_by("id")
    return render(request, "web/sales/order_detail.html", {"order": order, "lines": lines})


def _posted_version(request: MemberRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _line_initial(order: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "ordered_on": order.ordered_on,
        "amount": order.amount,
        "external_ref": order.external_ref,
    }
    for slot, line in enumerate(order.lines.order_by("id")[:ORDER_LINE_SLOTS], 1):
        initial[f"line{slot}_product"] = line.product_id
        initial[f"line{slot}_quantity"] = line.quantity
        initial[f"line{slot}_price"] = line.unit_price
    return initial


@require_http_methods(["GET", "POST"])
@member_view
def order_form_page(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    """Create an order for ``?customer=`` or edit one; the lines replace the order's lines."""
    order = order_get_for_user(user=request.user, pk=pk) if pk is not None else None
    customer = (
        order.customer if order else customer_get_for_user(user=request.user, pk=request.GET.get("customer"))
    )
    products = product_list()
    initial = _line_initial(order) if order else {}
    form = OrderForm(request.POST or None, products=products, initial=initial)
    version = order.version if order else None
    if request.method == "POST" and form.is_valid():
        try:
            if order is None:
                saved = order_create(
                    actor=request.user, customer=customer, data=form.data_for_service(), lines=form.lines()
                )
            else:
                saved = order_update(
                    actor=request.user,
                    order=order,
                    data=form.data_for_service(),
                    lines=form.lines(),
                    expected_version=_posted_version(request),
                )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        except VersionConflict:
            report_conflict(request)
            return redirect("web:order_detail", pk=order.pk if order else 0)
        else:
            messages.success(request, _("Order saved."))
            return redirect("web:order_detail", pk=saved.pk)
    context = {"form": form, "order": order, "customer": customer, "version": version}
    return render(request, "web/sales/order_form.html", context)
