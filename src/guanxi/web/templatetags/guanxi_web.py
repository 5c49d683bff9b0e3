"""Template helpers of the web interface."""

from typing import Any

from django import template

from guanxi.governance.disclosure import mask_value

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """Return the current query string with some parameters replaced (``page`` links keep the filters)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else {}
    for name, value in changes.items():
        if value in (None, ""):
            params.pop(name, None)  # type: ignore[union-attr]
        else:
            params[name] = str(value)  # type: ignore[index]
    encoded = params.urlencode() if hasattr(params, "urlencode") else ""
    return f"?{encoded}" if encoded else "?"


@register.filter
def disclosed(value: str, full_access: bool) -> str:
    """Show a phone, e-mail or WeChat ID in full to the full-archive roles, masked to everyone else."""
    return value if full_access else mask_value(value or "")


@register.filter
def initial(value: str) -> str:
    """The first character of a name, for avatars."""
    return (value or "?")[:1]
