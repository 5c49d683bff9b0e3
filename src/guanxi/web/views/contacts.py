"""Adding and editing a customer's key people."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from guanxi.core.errors import ValidationFailed, VersionConflict
from guanxi.customers.selectors import contact_get_for_user, contact_list, customer_get_for_user
from guanxi.customers.services import contact_create, contact_update
from guanxi.governance.disclosure import MASKED_FIELDS, PRIVATE_FIELDS, sees_full_archive

from ..conflicts import conflict_rows, rebase, saved_values
from ..decorators import member_view
from ..forms.base import apply_domain_errors
from ..forms.contacts import CONTACT_FIELDS, ContactForm
from ..http import MemberRequest


def _back_to_customer(customer_pk: int) -> HttpResponse:
    return redirect(reverse("web:customer_detail", kwargs={"pk": customer_pk}) + "#contacts")


@require_http_methods(["GET", "POST"])
@member_view
def contact_create_page(request: MemberRequest, customer_pk: int) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, pk=customer_pk)
    form = ContactForm(
        request.POST or None,
        customer=customer,
        colleagues=contact_list(user=request.user, customer_id=customer.pk),
        full_access=sees_full_archive(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = contact_create(actor=request.user, customer=customer, data=form.contact_data())
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Contact %(name)s added.") % {"name": contact.name})
            return _back_to_customer(customer.pk)
    return render(request, "web/contacts/form.html", {"form": form, "customer": customer})


@require_http_methods(["GET", "POST"])
@member_view
def contact_edit_page(request: MemberRequest, pk: int) -> HttpResponse:
    """Edit a key person; a stale version shows both versions (masked for roles without the full archive)."""
    contact = contact_get_for_user(user=request.user, pk=pk)
    customer = contact.customer
    heading = {"pk": contact.pk, "name": contact.name}
    full_access = sees_full_archive(request.user)
    colleagues = contact_list(user=request.user, customer_id=customer.pk)
    form = ContactForm(
        request.POST or None,
        instance=contact,
        customer=customer,
        colleagues=colleagues,
        full_access=full_access,
    )
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        try:
            contact_update(
                actor=request.user,
                contact=contact,
                data=form.contact_data(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        except VersionConflict as conflict:
            saved = conflict.current
            rows = conflict_rows(
                form=form,
                submitted=form.contact_data(),
                saved=saved_values(saved, CONTACT_FIELDS),
                masked=() if full_access else MASKED_FIELDS,
                hidden=() if full_access else PRIVATE_FIELDS,
            )
            form = ContactForm(
                rebase(request.POST, "version", saved.version),
                instance=saved,
                customer=customer,
                colleagues=colleagues,
                full_access=full_access,
            )
            context = {"form": form, "customer": customer, "heading": heading, "conflict_rows": rows}
            return render(request, "web/contacts/form.html", context, status=409)
        else:
            messages.success(request, _("Changes saved."))
            return _back_to_customer(customer.pk)
    return render(request, "web/contacts/form.html", {"form": form, "customer": customer, "heading": heading})
