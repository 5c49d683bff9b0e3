"""The manager's team follow-up page: who is past their contact interval, by team, by owner, by customer."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from guanxi.engagement.policies import (
    days_without_contact,
    overdue_counts_by_owner,
    overdue_counts_by_team,
    overdue_customers,
)
from guanxi.people.models import Role

from ..decorators import member_view
from ..forms.relationships import TeamFollowUpFilterForm
from ..http import MemberRequest

TEAM_PAGE_ROLES = (Role.MANAGER, Role.DIRECTOR, Role.ARCHIVIST)


def sees_team_follow_up(user: object) -> bool:
    return getattr(user, "role", None) in TEAM_PAGE_ROLES


@require_GET
@member_view
def team_follow_up_page(request: MemberRequest) -> HttpResponse:
    if not sees_team_follow_up(request.user):
        raise PermissionDenied(_("Only managers, the director and archive administrators see the team page."))
    day = timezone.localdate()
    by_owner = overdue_counts_by_owner(user=request.user, day=day)
    owner_choices = [
        (row["owner_id"], row["owner__display_name"] or row["owner__username"]) for row in by_owner
    ]
    form = TeamFollowUpFilterForm(request.GET or None, owner_choices=owner_choices)
    owner_id, escalated_only = None, False
    if form.is_valid():
        owner_id = form.cleaned_data["owner"]
        escalated_only = form.cleaned_data["escalated"]
    customers = overdue_customers(
        user=request.user, day=day, owner_id=owner_id, escalated_only=escalated_only
    )
    page = Paginator(customers, settings.GUANXI_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"customer": c, "days": days_without_contact(c.clock_from, day)} for c in page]
    context = {
        "day": day,
        "by_team": overdue_counts_by_team(user=request.user, day=day),
        "by_owner": by_owner,
        "form": form,
        "page": page,
        "rows": rows,
        "filtered": bool(owner_id or escalated_only),
    }
    return render(request, "web/team/follow_up.html", context)
