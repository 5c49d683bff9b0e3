"""The ninja application behind ``/api/v1/``: JSON errors everywhere, private docs, stable operation ids."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import NoReverseMatch, URLPattern, URLResolver, path, re_path
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import ValidationErrorContext
from ninja.openapi.views import openapi_json, openapi_view

from .auth import API_AUTH, caller
from .errors import (
    HANDLERS,
    RequestInvalid,
    error_response,
    logger,
    method_not_allowed_response,
    not_authenticated_message,
    not_found_response,
    request_invalid,
    server_error_response,
)

URL = URLPattern | URLResolver


def _json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Give ninja's plain-text 405 the API's error shape and say which language the answer is in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            response = method_not_allowed_response(response["Allow"])
        # The language middleware answered before a token user's language was known.
        response["Content-Language"] = translation.get_language() or ""
        return response

    return wrapped


def _unauthenticated() -> HttpResponse:
    response = error_response(401, "not_authenticated", not_authenticated_message())
    response["WWW-Authenticate"] = 'Bearer realm="guanxi"'
    return response


@csrf_exempt  # nothing happens here, and the answer must be the API's JSON, not the CSRF failure page
def unknown_route(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Answer any path under /api/v1/ that names no operation."""
    return not_found_response()


class GuanxiAPI(NinjaAPI):
    """NinjaAPI with the project's error shape, authentication and a private schema."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("auth", API_AUTH)
        super().__init__(**kwargs)
        for exc_class, handler in HANDLERS:
            self.add_exception_handler(exc_class, handler)

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> RequestInvalid:
        return request_invalid(error_contexts)

    def get_openapi_operation_id(self, operation: Any) -> str:
        return str(operation.view_func.__name__).removesuffix("_endpoint")

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        # Summaries are the first line of each handler's docstring rather than its function name.
        for operations in schema["paths"].values():
            for operation in operations.values():
                description = operation.get("description") or ""
                if description:
                    operation["summary"] = description.splitlines()[0]
        return schema

    def _get_urls(self) -> list[URL]:
        # ninja's own schema and docs URLs are replaced by private ones (SECURITY API-02); every
        # operation answers errors in JSON, and so does any unknown path under the API's prefix.
        result: list[URL] = [
            path("openapi.json", self._schema_view, name="openapi-json"),
            path("docs", self._docs_view, name="openapi-view"),
        ]
        for bound_router in self._get_bound_routers():
            for pattern in bound_router.urls_paths(bound_router.prefix):
                if isinstance(pattern, URLPattern):
                    pattern.callback = _json_errors(pattern.callback)
                result.append(pattern)
        result.append(path("", unknown_route, name="api-root"))
        result.append(re_path(r"^.*$", unknown_route, name="unknown-route"))
        return result

    def _schema_view(self, request: HttpRequest) -> HttpResponse:
        if caller(request) is None:
            return _unauthenticated()
        return _with_language(openapi_json(request, api=self))

    def _docs_view(self, request: HttpRequest) -> HttpResponse:
        if caller(request) is None:
            try:
                return redirect_to_login(request.get_full_path())
            except NoReverseMatch:
                return _unauthenticated()
        return openapi_view(request, api=self)

    def on_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse:  # type: ignore[override]
        try:
            return super().on_exception(request, exc)
        except Exception:  # a failing handler must still answer JSON, never a stack trace
            logger.exception("error handler failed on %s %s", request.method, request.path)
            return server_error_response()


def _with_language(response: HttpResponse) -> HttpResponse:
    response["Content-Language"] = translation.get_language() or ""
    return response
