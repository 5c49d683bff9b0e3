"""Helpers shared by the sales pages."""

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from guanxi.core.errors import ValidationFailed, VersionConflict
from guanxi.governance.scope import managed_team_paths
from guanxi.people.models import Role, Team

from ...owners import owner_filter_choices


def report(request: HttpRequest, error: ValidationFailed | VersionConflict) -> None:
    """Put a refused change on the next page as one message."""
    if isinstance(error, VersionConflict):
        messages.error(
            request, _("Someone changed this record after you opened the page. Check it and try again.")
        )
        return
    texts = list(dict.fromkeys(str(m) for ms in error.details.values() for m in ms)) or [str(error.message)]
    messages.error(request, " ".join(texts))


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
