"""Run a POST action that changes one record and tell the user how it went on the next page."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest

from guanxi.core.errors import GuanxiError, ValidationFailed, VersionConflict


def run_action[Result](
    request: HttpRequest,
    action: Callable[[], Result],
    *,
    success: str | Callable[[Result], str],
    describe: Callable[[GuanxiError], str],
    refused: tuple[type[GuanxiError], ...] = (ValidationFailed, VersionConflict),
) -> bool:
    """Call ``action``; on one of the ``refused`` errors show ``describe(error)``, else the success message.

    ``success`` is the message itself or, when it depends on what the action returned, a function of that.
    Other errors (NotFound, and PermissionDenied unless listed) reach the view's decorator unchanged.
    Return whether the action went through, so the view can choose where to send the user.
    """
    try:
        result = action()
    except refused as error:
        messages.error(request, describe(error))
        return False
    messages.success(request, success if isinstance(success, str) else success(result))
    return True
