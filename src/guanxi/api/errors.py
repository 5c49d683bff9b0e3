"""One error shape for the whole API: ``{"code": ..., "message": ..., "details": {...}}``.

Domain errors (``guanxi.core.errors``) keep their code, status and field details; ninja's own errors
(request validation, authentication, unknown routes, wrong methods) and unexpected exceptions are turned
into the same shape. Messages are translated in the language active for the request (Chinese unless the
user chose English); pydantic's English messages are replaced by Django's translated ones.
"""

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja.errors import HttpError, ValidationErrorContext
from ninja.errors import ValidationError as NinjaValidationError

from guanxi.core.errors import GuanxiError, VersionConflict

logger = logging.getLogger("guanxi.api")

# The services report errors under model field names; the API speaks of ids.
API_FIELD_NAMES = {
    "owner": "owner_id",
    "referred_by": "referred_by_id",
    "department": "department_id",
    "reports_to": "reports_to_id",
    "customer": "customer_id",
    "contact": "contact_id",
    "contacts": "contact_ids",
    "participants": "participant_ids",
}

# How the record a stale write conflicted with is shown: model class -> f(record, user) returning JSON data.
CONFLICT_RENDERERS: dict[type, Callable[[Any, Any], Any]] = {}


def register_conflict_renderer(model: type, render: Callable[[Any, Any], Any]) -> None:
    """Say how to show the saved record of ``model`` to a user in a 412 ``version_conflict`` body."""
    CONFLICT_RENDERERS[model] = render


class ApiError(Exception):
    """An error raised by the API layer itself (bad headers, missing preconditions ...)."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


def error_response(
    status: int, code: str, message: Any, details: Mapping[str, Any] | None = None
) -> HttpResponse:
    body = {"code": code, "message": str(message), "details": dict(details or {})}
    return JsonResponse(
        body,
        status=status,
        json_dumps_params={"ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )


def field_details(details: Mapping[str, Any]) -> dict[str, list[str]]:
    return {API_FIELD_NAMES.get(name, name): [str(m) for m in messages] for name, messages in details.items()}


# --- request validation (pydantic) -------------------------------------------------------------------


def _choice_message(error: Mapping[str, Any]) -> str:
    return _("Select a valid choice. That choice is not one of the available choices.")


def _too_long(error: Mapping[str, Any]) -> str:
    limit = error.get("ctx", {}).get("max_length", 0)
    value = error.get("input")
    if isinstance(value, str):
        return ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            limit,
        ) % {"limit_value": limit, "show_value": len(value)}
    return ngettext(
        "Ensure this value has at most %(num)d item.", "Ensure this value has at most %(num)d items.", limit
    ) % {"num": limit}


def _too_short(error: Mapping[str, Any]) -> str:
    limit = error.get("ctx", {}).get("min_length", 0)
    if limit <= 1:
        return _("This field cannot be blank.")
    return ngettext(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        limit,
    ) % {"limit_value": limit, "show_value": len(error.get("input") or "")}


def _limit(key: str, message: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda error: _(message) % {"limit_value": error.get("ctx", {}).get(key)}


_MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda e: _("This field is required."),
    "extra_forbidden": lambda e: _("This field cannot be set."),
    "string_too_long": _too_long,
    "too_long": _too_long,
    "string_too_short": _too_short,
    "string_type": lambda e: _("Enter a valid value."),
    "int_parsing": lambda e: _("Enter a whole number."),
    "int_type": lambda e: _("Enter a whole number."),
    "int_from_float": lambda e: _("Enter a whole number."),
    "float_parsing": lambda e: _("Enter a number."),
    "bool_parsing": lambda e: _("Enter true or false."),
    "bool_type": lambda e: _("Enter true or false."),
    "date_parsing": lambda e: _("Enter a valid date."),
    "date_from_datetime_parsing": lambda e: _("Enter a valid date."),
    "date_from_datetime_inexact": lambda e: _("Enter a valid date."),
    "date_type": lambda e: _("Enter a valid date."),
    "datetime_parsing": lambda e: _("Enter a valid date/time."),
    "datetime_from_date_parsing": lambda e: _("Enter a valid date/time."),
    "datetime_type": lambda e: _("Enter a valid date/time."),
    "enum": _choice_message,
    "literal_error": _choice_message,
    "greater_than_equal": _limit("ge", "Ensure this value is greater than or equal to %(limit_value)s."),
    "less_than_equal": _limit("le", "Ensure this value is less than or equal to %(limit_value)s."),
    "greater_than": _limit("gt", "Ensure this value is greater than %(limit_value)s."),
    "less_than": _limit("lt", "Ensure this value is less than %(limit_value)s."),
    "list_type": lambda e: _("Enter a list of values."),
    "model_type": lambda e: _("Send a JSON object."),
    "model_attributes_type": lambda e: _("Send a JSON object."),
    "dict_type": lambda e: _("Send a JSON object."),
}


def pydantic_message(error: Mapping[str, Any]) -> str:
    """Translate one pydantic error into the user's language."""
    render = _MESSAGES.get(error.get("type", ""))
    if render is not None:
        return render(error)
    if error.get("type") == "value_error":
        return str(error.get("ctx", {}).get("error", "")) or _("Enter a valid value.")
    return _("Enter a valid value.")


def field_name(loc: tuple, body_param: str | None) -> str:
    """Turn ("payload", "action_items", 0, "title") into "action_items.0.title"."""
    parts = list(loc)
    if body_param and parts and parts[0] == body_param:
        parts = parts[1:]
    name = ".".join(str(p) for p in parts)
    return API_FIELD_NAMES.get(name, name) or "__all__"


class RequestInvalid(NinjaValidationError):
    """The request did not match the operation's schema; ``details`` maps fields to messages."""

    def __init__(self, details: dict[str, list[str]], unknown_fields: list[str]):
        super().__init__([{"field": name, "messages": messages} for name, messages in details.items()])
        self.details = details
        self.unknown_fields = unknown_fields


def request_invalid(error_contexts: list[ValidationErrorContext]) -> RequestInvalid:
    """Collect the pydantic errors of a request's parameter models into field -> translated messages."""
    details: dict[str, list[str]] = {}
    unknown: list[str] = []
    for context in error_contexts:
        model: Any = context.model
        reverse = getattr(model, "__ninja_flatten_map_reverse__", {})
        body_param = getattr(model, "__read_from_single_attr__", None)
        for error in context.pydantic_validation_error.errors(include_url=False):
            loc = reverse.get(error["loc"], error["loc"])
            name = field_name(tuple(loc), body_param)
            details.setdefault(name, []).append(pydantic_message(error))
            if error["type"] == "extra_forbidden":
                unknown.append(name)
    return RequestInvalid(details, unknown)


# --- exception handlers ------------------------------------------------------------------------------


def handle_request_invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
    if exc.unknown_fields:
        # Mass assignment (SECURITY API-03): refuse rather than silently ignore fields that cannot be set.
        message = _("These fields cannot be set: %(fields)s.") % {"fields": ", ".join(exc.unknown_fields)}
        return error_response(400, "unknown_field", message, exc.details)
    first = next(iter(exc.details.values()))[0] if exc.details else _("Enter a valid value.")
    return error_response(422, "validation_error", first, exc.details)


def handle_domain_error(request: HttpRequest, exc: GuanxiError) -> HttpResponse:
    if isinstance(exc, VersionConflict):
        return conflict_response(exc, getattr(request, "auth", None))
    details = field_details(exc.details) if exc.status == 422 else dict(exc.details)
    return error_response(exc.status, exc.code, exc.message, details)


def conflict_response(exc: VersionConflict, user: Any) -> HttpResponse:
    render = CONFLICT_RENDERERS.get(type(exc.current))
    current = render(exc.current, user) if render is not None and exc.current is not None else None
    response = error_response(
        412, exc.code, exc.message, {"current_version": exc.current_version, "current": current}
    )
    response["ETag"] = f'"v{exc.current_version}"'
    return response


def handle_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.message, exc.details)


def handle_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if status == 401:
        response = error_response(401, "not_authenticated", not_authenticated_message())
        response["WWW-Authenticate"] = 'Bearer realm="guanxi"'
        return response
    if status == 400:
        return error_response(400, "invalid_json", _("The request body is not valid JSON."))
    if status == 403:
        return error_response(403, "permission_denied", _("You do not have permission to do this."))
    if status == 429:
        return error_response(429, "throttled", _("Too many requests; please wait a moment and try again."))
    return error_response(status, "error", _("The request could not be processed."))


def not_authenticated_message() -> str:
    return _("Sign in or send a valid API token (Authorization: Bearer …).")


def handle_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return not_found_response()


def not_found_response() -> HttpResponse:
    return error_response(404, "not_found", _("Not found."))


def method_not_allowed_response(allowed: str) -> HttpResponse:
    response = error_response(
        405, "method_not_allowed", _("This method is not allowed here."), {"allowed": allowed.split(", ")}
    )
    response["Allow"] = allowed
    return response


def handle_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(403, "permission_denied", _("You do not have permission to do this."))


def handle_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    details = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    first = next(iter(details.values()))[0] if details else _("Enter a valid value.")
    return error_response(422, "validation_error", first, field_details(details))


def handle_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Two writers raced past validation (e.g. the same credit code at once); the database refused one.
    logger.warning("integrity error on %s %s: %s", request.method, request.path, exc)
    return error_response(
        409, "conflict", _("This change conflicts with another record; reload and try again.")
    )


def handle_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unexpected error on %s %s", request.method, request.path)
    return server_error_response()


def server_error_response() -> HttpResponse:
    return error_response(
        500, "server_error", _("Something went wrong on our side; the error has been logged.")
    )


HANDLERS: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
    (Exception, handle_unexpected),
    (Http404, handle_not_found),
    (HttpError, handle_http_error),
    (RequestInvalid, handle_request_invalid),
    (GuanxiError, handle_domain_error),
    (ApiError, handle_api_error),
    (DjangoPermissionDenied, handle_permission_denied),
    (DjangoValidationError, handle_django_validation),
    (IntegrityError, handle_integrity_error),
]
