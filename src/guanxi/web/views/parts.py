"""Needs, competitors, risks and departments: small forms on the customer page, one row at a time."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.core.errors import ValidationFailed, VersionConflict
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customer_get_for_user, customer_part_get_for_user
from guanxi.customers.services import customer_part_create, customer_part_delete, customer_part_update

from ..conflicts import conflict_rows, rebase, saved_values
from ..decorators import member_view
from ..forms.base import apply_domain_errors
from ..forms.customers import PART_TITLES, part_data, part_form
from ..http import MemberRequest


def _back_to_section(customer: Customer, kind: str) -> HttpResponse:
    return redirect(reverse("web:customer_detail", kwargs={"pk": customer.pk}) + f"#{kind}s")


@require_http_methods(["GET", "POST"])
@member_view
def part_create_page(request: MemberRequest, customer_pk: int, kind: str) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, pk=customer_pk)
    form = part_form(kind, request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            customer_part_create(actor=request.user, customer=customer, kind=kind, data=part_data(form))
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return _back_to_section(customer, kind)
    context = {"form": form, "customer": customer, "kind": kind, "title": PART_TITLES[kind]}
    return render(request, "web/parts/form.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def part_edit_page(request: MemberRequest, kind: str, pk: int) -> HttpResponse:
    part = customer_part_get_for_user(user=request.user, kind=kind, pk=pk)
    customer = part.customer
    form = part_form(kind, request.POST or None, instance=part, customer=customer)
    form.fields["version"].required = True
    context = {
        "customer": customer,
        "kind": kind,
        "title": PART_TITLES[kind],
        "part_pk": part.pk,
        "part_version": part.version,
    }
    if request.method == "POST" and form.is_valid():
        try:
            customer_part_update(
                actor=request.user,
                part=part,
                data=part_data(form),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        except VersionConflict as conflict:
            saved = conflict.current
            data = part_data(form)
            rows = conflict_rows(form=form, submitted=data, saved=saved_values(saved, data))
            form = part_form(
                kind,
                rebase(request.POST, f"{kind}-version", saved.version),
                instance=saved,
                customer=customer,
            )
            context |= {"conflict_rows": rows, "part_version": saved.version}
            return render(request, "web/parts/form.html", {**context, "form": form}, status=409)
        else:
            messages.success(request, _("Changes saved."))
            return _back_to_section(customer, kind)
    return render(request, "web/parts/form.html", {**context, "form": form})


@require_POST
@member_view
def part_delete(request: MemberRequest, kind: str, pk: int) -> HttpResponse:
    part = customer_part_get_for_user(user=request.user, kind=kind, pk=pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1  # no version given: refuse rather than delete blindly
    try:
        customer_part_delete(actor=request.user, part=part, expected_version=version)
    except VersionConflict:
        messages.error(
            request, _("Someone changed this entry after you opened the page; it was not deleted.")
        )
    else:
        messages.success(request, _("Deleted."))
    return _back_to_section(part.customer, kind)
