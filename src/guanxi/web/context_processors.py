from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Counts and links shown in the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from guanxi.engagement.notifications import notification_unread_count
    from guanxi.engagement.selectors import open_task_count

    from .navigation import nav_sections

    return {
        "nav_open_tasks": open_task_count(user),
        "nav_unread": notification_unread_count(user),
        "nav_sections": nav_sections(request, user),
    }
