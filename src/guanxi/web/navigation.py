"""The main navigation: its sections, who sees each, and which section the current page belongs to.

A page belongs to the section of the views module that answered it, so a new page of an area is in the
right place without touching this table.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guanxi.people.models import Role

VIEWS = "guanxi.web.views."


def _everyone(user: Any) -> bool:
    return True


def _not_admin(user: Any) -> bool:
    return getattr(user, "role", None) != Role.ADMIN


def _team_pages(user: Any) -> bool:
    from .views.team import sees_team_follow_up

    return sees_team_follow_up(user)


def _sellers(user: Any) -> bool:
    return getattr(user, "role", None) in {Role.REP, Role.MANAGER, Role.DIRECTOR}


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    url_name: str
    modules: tuple[str, ...]
    shown_to: Callable[[Any], bool] = _everyone


SECTIONS: tuple[Section, ...] = (
    Section("today", _("Today"), "web:today", ("today",)),
    Section(
        "customers",
        _("Customers"),
        "web:customer_list",
        ("customers", "contacts", "parts", "interactions", "relationship_map", "exports", "search"),
    ),
    Section("tasks", _("My tasks"), "web:task_list", ("tasks",)),
    Section("team", _("Team follow-up"), "web:team_follow_up", ("team",), _team_pages),
    Section("sales", _("Sales"), "web:pipeline_board", ("sales",), _not_admin),
    Section("visits", _("Visits"), "web:visit_plan_list", ("visits",), _not_admin),
    Section("keyaccounts", _("Key accounts"), "web:account_plan_list", ("keyaccounts",), _not_admin),
    Section("events", _("Events"), "web:event_list", ("events",), _not_admin),
    Section("value", _("Value"), "web:insights_dashboard", ("insights",)),
    Section("performance", _("Performance"), "web:performance_dashboard", ("performance",), _sellers),
    Section("inbox", _("Inbox"), "web:inbox", ("inbox",)),
)


def current_section(request: HttpRequest) -> str:
    """The key of the section the page being shown belongs to, or '' (e.g. the settings page)."""
    match = getattr(request, "resolver_match", None)
    module = getattr(getattr(match, "func", None), "__module__", "") or ""
    if not module.startswith(VIEWS):
        return ""
    area = module.removeprefix(VIEWS).split(".")[0]
    for section in SECTIONS:
        if area in section.modules:
            return section.key
    return ""


def nav_sections(request: HttpRequest, user: Any) -> list[dict[str, Any]]:
    current = current_section(request)
    return [
        {"key": s.key, "label": s.label, "url": reverse(s.url_name), "current": s.key == current}
        for s in SECTIONS
        if s.shown_to(user)
    ]
