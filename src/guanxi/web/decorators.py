"""Wrap web views: sign-in required, and domain errors turned into the pages Django knows."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from guanxi.core.errors import NotFound, PermissionDenied

View = Callable[..., HttpResponse]


def member_view(view: View) -> View:
    """Require a signed-in user; answer NotFound with 404 and PermissionDenied with 403.

    A customer the user may not see is "not found" (SECURITY AZ-02), so a guessed id confirms nothing.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc)) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc)) from exc

    return login_required(wrapper)
