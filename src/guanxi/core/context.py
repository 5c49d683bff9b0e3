"""Per-request facts (client IP, request id, user agent) that audit rows record.

Set by ``RequestIdMiddleware`` for the duration of a request, so services need not pass them along.
"""

from contextvars import ContextVar

request_context: ContextVar[dict[str, str]] = ContextVar("guanxi_request_context", default={})  # noqa: B039
