"""Helpers shared by the sales pages."""

from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from guanxi.customers.models import Customer
from guanxi.customers.selectors import customers_visible
from guanxi.governance.scope import managed_team_paths
from guanxi.people.models import Role, Team

from ...owners import owner_filter_choices

CUSTOMER_CHOICES_LIMIT = 500


def report_conflict(request: HttpRequest) -> None:
    """Tell on the next page that a change was refused because the record changed meanwhile (a refused
    value is shown on the re-rendered form instead)."""
    messages.error(
        request, _("Someone changed this record after you opened the page. Check it and try again.")
    )


def safe_next(request: HttpRequest, value: str | None, fallback: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=False
    ):
        return value
    return fallback


def team_choices(user: Any) -> list[tuple[int, str]]:
    """Teams a manager (their subtree) or the director may filter by; none for a rep."""
    if user.role in (Role.DIRECTOR, Role.ARCHIVIST):
        teams = Team.objects.order_by("path")
    elif user.role == Role.MANAGER:
        condition = Q(pk__in=[])
        for path in managed_team_paths(user):
            condition |= Q(path__startswith=path)
        teams = Team.objects.filter(condition)
    else:
        return []
    return [(t.pk, str(t)) for t in teams.order_by("path")]


def filter_choices(user: Any) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    return owner_filter_choices(user), team_choices(user)


def customer_choices(request: HttpRequest, selected_pk: Any = None) -> QuerySet[Customer]:
    """Customers a create form offers: all visible ones when checking a submission, only the one already
    chosen when the page was opened from a customer, else the first ``CUSTOMER_CHOICES_LIMIT`` by name."""
    base = customers_visible(request.user).order_by("name")
    if request.method == "POST":
        return base
    if selected_pk is not None:
        return base.filter(pk=selected_pk)
    return base[:CUSTOMER_CHOICES_LIMIT]
