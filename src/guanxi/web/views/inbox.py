"""The in-app inbox: messages about tasks given by others, replies and each day's generated reminders."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from guanxi.engagement.notifications import (
    notification_list,
    notification_mark_all_read,
    notification_mark_read,
)

from ..decorators import member_view
from ..http import MemberRequest

INBOX_LIMIT = 100


@require_GET
@member_view
def inbox_page(request: MemberRequest) -> HttpResponse:
    notifications = list(notification_list(user=request.user)[:INBOX_LIMIT])
    return render(request, "web/inbox/page.html", {"notifications": notifications})


@require_POST
@member_view
def notification_read_action(request: MemberRequest, pk: int) -> HttpResponse:
    """Mark one message read; with ``open`` go on to the page it links to (only ever a path of this site)."""
    notification = notification_mark_read(actor=request.user, notification_id=pk)
    link = notification.link_url
    if request.POST.get("open") and link.startswith("/") and not link.startswith(("//", "/\\")):
        return redirect(link)
    return redirect("web:inbox")


@require_POST
@member_view
def notification_read_all_action(request: MemberRequest) -> HttpResponse:
    notification_mark_all_read(actor=request.user)
    return redirect("web:inbox")
