"""The customer list, the 360° page, and creating and editing a customer."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.core.errors import ValidationFailed, VersionConflict
from guanxi.customers.selectors import CustomerFilters, customer_360, customer_get_for_user, customer_list
from guanxi.customers.services import customer_create, customer_update
from guanxi.engagement.selectors import interaction_list, task_list
from guanxi.governance.disclosure import sees_full_archive
from guanxi.governance.scope import owner_candidates

from ..conflicts import conflict_rows, rebase, saved_values
from ..decorators import member_view
from ..forms.base import apply_domain_errors
from ..forms.customers import (
    ADDRESS_FIELDS,
    CLASSIFICATION_FIELDS,
    CUSTOMER_FIELDS,
    IDENTITY_FIELDS,
    PART_TITLES,
    PURCHASING_FIELDS,
    CustomerFilterForm,
    CustomerForm,
    part_form,
)
from ..http import MemberRequest, vary_on_htmx, wants_fragment
from ..owners import owner_filter_choices
from ..presenters import field_rows

TIMELINE_LENGTH = 30
FILTER_NAMES = (
    "q",
    "grade",
    "status",
    "lifecycle_stage",
    "industry",
    "region",
    "owner",
    "tag",
    "kind",
    "sort",
)


@require_GET
@member_view
def customer_list_page(request: MemberRequest) -> HttpResponse:
    """List visible customers; filter changes swap only the results when HTMX is there."""
    form = CustomerFilterForm(request.GET or None, owner_choices=owner_filter_choices(request.user))
    values = form.values()
    filters = CustomerFilters(**{name: values[name] for name in FILTER_NAMES if name in values})
    paginator = Paginator(customer_list(user=request.user, filters=filters), settings.GUANXI_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "filtered": any(values.get(n) for n in FILTER_NAMES if n != "sort"),
        "may_create": owner_candidates(request.user).exists(),
    }
    template = "web/customers/list.html"
    if wants_fragment(request, "customer-results"):
        template = "web/customers/_results.html"
    return vary_on_htmx(render(request, template, context))


@require_GET
@member_view
def customer_detail(request: MemberRequest, pk: int) -> HttpResponse:
    """The 360° page: profile, scores, key people, needs, competitors, risks, timeline and open tasks."""
    page = customer_360(user=request.user, pk=pk)
    customer = page["customer"]
    profile = [
        (_("Identity"), field_rows(customer, [n for n in IDENTITY_FIELDS if n != "name"])),
        (_("Address"), field_rows(customer, ADDRESS_FIELDS)),
        (_("Classification"), field_rows(customer, CLASSIFICATION_FIELDS)),
        (_("Needs and purchasing"), field_rows(customer, PURCHASING_FIELDS)),
    ]
    parts = [
        {"kind": kind, "title": title, "items": page[f"{kind}s"], "form": part_form(kind, customer=customer)}
        for kind, title in PART_TITLES.items()
    ]
    context = {
        **page,
        "profile": [(title, rows) for title, rows in profile if rows],
        "parts": parts,
        "interactions": interaction_list(user=request.user, customer_id=customer.pk)[:TIMELINE_LENGTH],
        "open_tasks": task_list(user=request.user, mine=False, customer_id=customer.pk),
        "full_access": sees_full_archive(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "web/customers/detail.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def customer_create_page(request: MemberRequest) -> HttpResponse:
    if not owner_candidates(request.user).exists():
        raise PermissionDenied(_("Your role does not own customers."))
    form = CustomerForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            customer = customer_create(
                actor=request.user, data=form.archive_data(), tags=form.cleaned_data["tags"]
            )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
            return redirect("web:customer_detail", pk=customer.pk)
    return render(request, "web/customers/form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@member_view
def customer_edit_page(request: MemberRequest, pk: int) -> HttpResponse:
    """Edit the archive; a stale version shows both versions and lets the user save on top of the new one."""
    customer = customer_get_for_user(user=request.user, pk=pk)
    heading = {"pk": customer.pk, "name": customer.name}  # the form changes the instance while validating
    form = CustomerForm(request.POST or None, instance=customer, actor=request.user)
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        try:
            customer_update(
                actor=request.user,
                customer=customer,
                data=form.archive_data(),
                expected_version=form.cleaned_data["version"],
                tags=form.cleaned_data["tags"],
            )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        except VersionConflict as conflict:
            saved = conflict.current
            rows = conflict_rows(
                form=form,
                submitted={**form.archive_data(), "tags": form.cleaned_data["tags"]},
                saved={**saved_values(saved, CUSTOMER_FIELDS), "tags": [t.name for t in saved.tags.all()]},
            )
            form = CustomerForm(
                rebase(request.POST, "version", saved.version), instance=saved, actor=request.user
            )
            context = {"form": form, "heading": heading, "conflict_rows": rows}
            return render(request, "web/customers/form.html", context, status=409)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("web:customer_detail", pk=customer.pk)
    return render(request, "web/customers/form.html", {"form": form, "heading": heading})
