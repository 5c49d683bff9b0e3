"""My settings: the secret calendar feed of my open tasks (create, rotate, revoke)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from guanxi.engagement.feeds import calendar_feed_create, calendar_feed_revoke, calendar_feed_rotate
from guanxi.engagement.models import CalendarFeed

from ..decorators import member_view
from ..http import MemberRequest


def _settings_page(request: MemberRequest, feed_url: str = "") -> HttpResponse:
    # The only read of a feed is "does a live one exist, since when": no selector for it yet.
    live = CalendarFeed.objects.filter(user_id=request.user.pk, revoked_at__isnull=True).first()
    return render(request, "web/me/settings.html", {"feed": live, "feed_url": feed_url})


@require_GET
@member_view
def settings_page(request: MemberRequest) -> HttpResponse:
    return _settings_page(request)


@require_POST
@never_cache
@member_view
def calendar_feed_action(request: MemberRequest) -> HttpResponse:
    """Create, rotate or revoke; the new URL is shown in this one response and never again."""
    action = request.POST.get("action")
    if action == "revoke":
        if calendar_feed_revoke(actor=request.user):
            messages.success(request, _("The calendar link no longer works."))
        return redirect("web:me")
    if action == "rotate":
        _feed, token = calendar_feed_rotate(actor=request.user)
    elif action == "create":
        _feed, token = calendar_feed_create(actor=request.user)
    else:
        return redirect("web:me")
    url = request.build_absolute_uri(reverse("web:calendar_feed", kwargs={"token": token}))
    return _settings_page(request, feed_url=url)
