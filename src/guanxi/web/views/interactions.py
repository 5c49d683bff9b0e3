"""Logging an interaction from the customer page, updating the archive in the same step (SPEC §4.1)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from guanxi.core.errors import ValidationFailed, VersionConflict
from guanxi.customers.selectors import contact_list, customer_get_for_user
from guanxi.engagement.services import interaction_log

from ..conflicts import conflict_rows, rebase, saved_values
from ..decorators import member_view
from ..forms.base import apply_domain_errors
from ..forms.engagement import ARCHIVE_FIELDS, ArchiveChangesForm, InteractionForm
from ..http import MemberRequest


@require_http_methods(["GET", "POST"])
@member_view
def interaction_create_page(request: MemberRequest, customer_pk: int) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, pk=customer_pk)
    data = request.POST or None
    form = InteractionForm(data, contacts=contact_list(user=request.user, customer_id=customer.pk))
    archive = ArchiveChangesForm(data, customer=customer)
    context = {"customer": customer, "form": form, "archive": archive}
    if request.method == "POST" and all([form.is_valid(), archive.is_valid()]):
        try:
            interaction_log(
                actor=request.user,
                customer=customer,
                data=form.interaction_data(),
                contacts=form.cleaned_data["contacts"],
                action_items=form.action_items(),
                archive_changes=archive.changes() or None,
                archive_version=archive.cleaned_data["version"],
            )
        except ValidationFailed as error:
            archive_details = {k: v for k, v in error.details.items() if k in ARCHIVE_FIELDS}
            if archive_details:
                apply_domain_errors(archive, ValidationFailed(error.message, details=archive_details))
            other = {k: v for k, v in error.details.items() if k not in ARCHIVE_FIELDS}
            if other or not error.details:
                apply_domain_errors(form, ValidationFailed(error.message, details=other))
        except VersionConflict as conflict:
            # Nothing was saved: the interaction and the archive change are one transaction.
            saved = conflict.current
            rows = conflict_rows(
                form=archive, submitted=archive.changes(), saved=saved_values(saved, ARCHIVE_FIELDS)
            )
            context["archive"] = ArchiveChangesForm(
                rebase(request.POST, "archive-version", saved.version), customer=saved
            )
            context["conflict_rows"] = rows
            return render(request, "web/interactions/form.html", context, status=409)
        else:
            messages.success(request, _("Interaction logged."))
            return redirect(reverse("web:customer_detail", kwargs={"pk": customer.pk}) + "#timeline")
    return render(request, "web/interactions/form.html", context)
