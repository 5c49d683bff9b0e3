"""My settings: the secret calendar feed of my open tasks (create, rotate, revoke, and see its link)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from guanxi.engagement.feeds import (
    calendar_feed_create,
    calendar_feed_live,
    calendar_feed_revoke,
    calendar_feed_rotate,
    calendar_feed_url,
    calendar_feed_url_token,
)

from ..decorators import member_view
from ..http import MemberRequest


def _settings_page(request: MemberRequest, is_new: bool = False) -> HttpResponse:
    live = calendar_feed_live(request.user)
    token = calendar_feed_url_token(live)
    context = {"feed": live, "feed_url": calendar_feed_url(request, token) if token else "", "is_new": is_new}
    return render(request, "web/me/settings.html", context)


@require_GET
@never_cache
@member_view
def settings_page(request: MemberRequest) -> HttpResponse:
    return _settings_page(request)


@require_POST
@never_cache
@member_view
def calendar_feed_action(request: MemberRequest) -> HttpResponse:
    """Create, rotate or revoke the calendar link."""
    action = request.POST.get("action")
    if action == "revoke":
        if calendar_feed_revoke(actor=request.user):
            messages.success(request, _("The calendar link no longer works."))
        return redirect("web:me")
    if action == "rotate":
        calendar_feed_rotate(actor=request.user)
    elif action == "create":
        calendar_feed_create(actor=request.user)
    else:
        return redirect("web:me")
    return _settings_page(request, is_new=True)
