"""Customer events (客户活动): the list, the form, and the detail page with invitations and attendance."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.core.errors import GuanxiError, PermissionDenied, ValidationFailed, VersionConflict
from guanxi.customers.selectors import contact_list, customer_get_for_user
from guanxi.engagement.events import (
    event_cancel,
    event_create,
    event_get_for_user,
    event_invite,
    event_list,
    event_record_attendance,
    event_update,
    invitation_get_for_user,
    invitation_list,
    invitation_remove,
    invitation_respond,
    may_change_event,
)
from guanxi.engagement.models import Event, EventStatus
from guanxi.people.models import Role

from ..actions import run_action
from ..conflicts import rebase
from ..decorators import member_view
from ..forms.base import apply_domain_errors
from ..forms.events import AttendanceForm, EventForm, InviteForm, RespondForm
from ..http import MemberRequest, vary_on_htmx, wants_fragment

LIST_ID = "event-rows"
SEARCH_ID = "invite-results"
SEARCH_LIMIT = 20
PANEL_LIMIT = 10


def _may_organise(request: MemberRequest) -> bool:
    return request.user.role in (Role.REP, Role.MANAGER, Role.DIRECTOR)


def _error_text(error: GuanxiError) -> str:
    texts = [str(m) for messages_ in error.details.values() for m in messages_]
    return " ".join(texts) or str(error.message)


def _form_error_text(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@require_GET
@member_view
def event_list_page(request: MemberRequest) -> HttpResponse:
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    mine = request.GET.get("scope") == "mine"
    q = request.GET.get("q", "").strip()[:100]
    events = event_list(user=request.user, when=when, mine=mine, q=q)
    page = Paginator(events, settings.GUANXI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "events": page.object_list,
        "when": when,
        "mine": mine,
        "q": q,
        "may_organise": _may_organise(request),
    }
    template = "web/events/_rows.html" if wants_fragment(request, LIST_ID) else "web/events/list.html"
    return vary_on_htmx(render(request, template, context))


@require_http_methods(["GET", "POST"])
@member_view
def event_create_page(request: MemberRequest) -> HttpResponse:
    if not _may_organise(request):
        raise PermissionDenied(_("Only sales people organise events."))
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(actor=request.user, data=form.event_data())
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Event created. Now invite contacts."))
            return redirect("web:event_detail", pk=event.pk)
    return render(request, "web/events/form.html", {"form": form, "event": None})


@require_http_methods(["GET", "POST"])
@member_view
def event_edit_page(request: MemberRequest, pk: int) -> HttpResponse:
    event = event_get_for_user(user=request.user, pk=pk)
    if not may_change_event(request.user, event):
        raise PermissionDenied(_("Only the event's organiser or their manager can change it."))
    form = EventForm(request.POST or None, instance=event)
    context = {"form": form, "event": event}
    if request.method == "POST" and form.is_valid():
        try:
            event_update(
                actor=request.user,
                event=event,
                data=form.event_data(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        except VersionConflict as conflict:
            form.add_error(
                None,
                _(
                    "Someone changed this event after you opened it (now version %(version)d). "
                    "Your changes are still below: check them and save again."
                )
                % {"version": conflict.current_version},
            )
            data = rebase(request.POST, "version", conflict.current_version)
            context["form"] = form = _rebound(data, event, form)
            return render(request, "web/events/form.html", context, status=409)
        else:
            messages.success(request, _("Event saved."))
            return redirect("web:event_detail", pk=event.pk)
    return render(request, "web/events/form.html", context)


def _rebound(data: object, event: Event, old: EventForm) -> EventForm:
    form = EventForm(data, instance=event)
    form.is_valid()
    for error in old.non_field_errors():
        form.add_error(None, error)
    return form


def _detail_context(request: MemberRequest, event: Event) -> dict:
    q = request.GET.get("q", "").strip()[:100]
    invitations = list(invitation_list(user=request.user, event=event))
    return {
        "event": event,
        "invitations": invitations,
        "may_change": may_change_event(request.user, event),
        "may_invite": event.status != EventStatus.CANCELLED,
        "may_record": event.status != EventStatus.CANCELLED and event.starts_at <= timezone.now(),
        "q": q,
        "results": _search(request, event, q, {i.contact_id for i in invitations}),
        "responses": RespondForm.base_fields["response"].choices,  # type: ignore[attr-defined]
    }


def _search(request: MemberRequest, event: Event, q: str, invited: set[int]) -> list:
    if not q:
        return []
    found = contact_list(user=request.user, q=q).exclude(pk__in=invited)
    return list(found.order_by("customer__name", "name")[:SEARCH_LIMIT])


@require_GET
@member_view
def event_detail_page(request: MemberRequest, pk: int) -> HttpResponse:
    event = event_get_for_user(user=request.user, pk=pk)
    context = _detail_context(request, event)
    if wants_fragment(request, SEARCH_ID):
        return vary_on_htmx(render(request, "web/events/_search.html", context))
    return vary_on_htmx(render(request, "web/events/detail.html", context))


@require_POST
@member_view
def event_cancel_action(request: MemberRequest, pk: int) -> HttpResponse:
    event = event_get_for_user(user=request.user, pk=pk)
    run_action(
        request,
        lambda: event_cancel(actor=request.user, event=event),
        success=_("The event was cancelled."),
        refused=(ValidationFailed,),
        describe=_error_text,
    )
    return redirect("web:event_detail", pk=event.pk)


@require_POST
@member_view
def event_invite_action(request: MemberRequest, pk: int) -> HttpResponse:
    event = event_get_for_user(user=request.user, pk=pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error_text(form))
        return redirect("web:event_detail", pk=event.pk)
    run_action(
        request,
        lambda: event_invite(actor=request.user, event=event, contact_ids=form.cleaned_data["contacts"]),
        success=lambda created: _("Invited: %(count)d.") % {"count": len(created)},
        refused=(ValidationFailed,),
        describe=_error_text,
    )
    return redirect("web:event_detail", pk=event.pk)


@require_POST
@member_view
def invitation_remove_action(request: MemberRequest, pk: int, invitation_pk: int) -> HttpResponse:
    event = event_get_for_user(user=request.user, pk=pk)
    invitation = invitation_get_for_user(user=request.user, event=event, pk=invitation_pk)
    run_action(
        request,
        lambda: invitation_remove(actor=request.user, invitation=invitation),
        success=_("Invitation withdrawn."),
        refused=(ValidationFailed,),
        describe=_error_text,
    )
    return redirect("web:event_detail", pk=event.pk)


@require_POST
@member_view
def invitation_respond_action(request: MemberRequest, pk: int, invitation_pk: int) -> HttpResponse:
    event = event_get_for_user(user=request.user, pk=pk)
    invitation = invitation_get_for_user(user=request.user, event=event, pk=invitation_pk)
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid response."))
    else:
        invitation_respond(actor=request.user, invitation=invitation, response=form.cleaned_data["response"])
        messages.success(request, _("Response saved."))
    return redirect("web:event_detail", pk=event.pk)


@require_POST
@member_view
def event_attendance_action(request: MemberRequest, pk: int) -> HttpResponse:
    event = event_get_for_user(user=request.user, pk=pk)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error_text(form))
        return redirect("web:event_detail", pk=event.pk)
    run_action(
        request,
        lambda: event_record_attendance(
            actor=request.user,
            event=event,
            attended=form.cleaned_data["attended"],
            absent=form.cleaned_data["absent"],
        ),
        success=lambda result: (
            _("Attendance saved: %(marked)d changed, %(logged)d interactions logged.")
            % {"marked": result["marked"], "logged": result["interactions_logged"]}
        ),
        refused=(ValidationFailed,),
        describe=_error_text,
    )
    return redirect("web:event_detail", pk=event.pk)


@require_GET
@member_view
def customer_events_panel(request: MemberRequest, pk: int) -> HttpResponse:
    """The customer page's panel: events inviting this customer's contacts, latest first."""
    customer = customer_get_for_user(user=request.user, pk=pk)
    events = list(event_list(user=request.user, when="", customer_id=customer.pk)[:PANEL_LIMIT])
    return render(request, "web/events/_customer_panel.html", {"customer": customer, "events": events})
