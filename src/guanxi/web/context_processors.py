from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Counts shown in the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from guanxi.engagement.selectors import open_task_count

    return {"nav_open_tasks": open_task_count(user)}
