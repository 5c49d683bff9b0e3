import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import request_context


def client_ip(request: HttpRequest) -> str:
    """The peer address. X-Forwarded-For is not trusted: a TLS proxy in front must set REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR", "")


class RequestIdMiddleware:
    """Tag every request with an id (echoed as ``X-Request-ID``) and expose it to the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_context.set(
            {
                "ip": client_ip(request),
                "request_id": request_id,
                "user_agent": request.META.get("HTTP_USER_AGENT", "")[:255],
            }
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request_id
        return response
