"""``Idempotency-Key`` on creates (SECURITY API-05, draft-ietf-httpapi-idempotency-key-header).

A client that is not sure its POST arrived sends it again with the same key: the first answer is replayed
instead of a second record being made. Keys are UUIDs, per user, kept for 24 hours. The same key with a
different body is refused (422); a retry while the first request still runs gets 409.
"""

import datetime
import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .auth import AuthedRequest
from .errors import ApiError
from .models import IdempotentRequest

HEADER = "Idempotency-Key"
KEY_LIFETIME = datetime.timedelta(hours=24)
# A first request that never finished (its worker died) stops blocking its key after this long.
IN_FLIGHT_TIMEOUT = datetime.timedelta(minutes=2)
REPLAYED_HEADERS = ("ETag", "Location")

OPENAPI = {
    "parameters": [
        {
            "in": "header",
            "name": HEADER,
            "required": False,
            "schema": {"type": "string", "format": "uuid"},
            "description": "a UUID; sending the same request again with it replays the first answer (24 h)",
        }
    ]
}


def _fingerprint(request: AuthedRequest, payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


def _key(request: AuthedRequest) -> uuid.UUID | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        raise ApiError(
            400, "invalid_idempotency_key", _("The Idempotency-Key header must be a UUID.")
        ) from None


def _claim(user: Any, key: uuid.UUID, fingerprint: str) -> IdempotentRequest:
    """Record that this request is running, or return the earlier request made with the key."""
    now = timezone.now()
    IdempotentRequest.objects.filter(user=user, key=key, created_at__lt=now - KEY_LIFETIME).delete()
    IdempotentRequest.objects.filter(
        user=user, key=key, status__isnull=True, created_at__lt=now - IN_FLIGHT_TIMEOUT
    ).delete()
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(user=user, key=key, fingerprint=fingerprint)
    except IntegrityError:
        earlier = IdempotentRequest.objects.filter(user=user, key=key).first()
    if earlier is None or earlier.status is None:
        if earlier is not None and earlier.fingerprint != fingerprint:
            raise _reused()
        raise ApiError(
            409, "idempotency_in_progress", _("A request with this Idempotency-Key is still being processed.")
        )
    if earlier.fingerprint != fingerprint:
        raise _reused()
    return earlier


def _reused() -> ApiError:
    return ApiError(
        422, "idempotency_key_reused", _("This Idempotency-Key was already used for a different request.")
    )


def idempotent_create(
    request: AuthedRequest,
    response: HttpResponse,
    payload: dict[str, Any],
    create: Callable[[], dict[str, Any]],
    status: int = 201,
) -> tuple[int, dict[str, Any]]:
    """Run ``create`` (which returns the JSON body) once per key, replaying its answer to repeats."""
    key = _key(request)
    if key is None:
        return status, create()
    record = _claim(request.auth, key, _fingerprint(request, payload))
    if record.status is not None:
        for name, value in record.headers.items():
            response[name] = value
        response["Idempotent-Replayed"] = "true"
        return record.status, record.body or {}
    try:
        body = create()
    except BaseException:
        IdempotentRequest.objects.filter(pk=record.pk).delete()
        raise
    headers = {name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)}
    IdempotentRequest.objects.filter(pk=record.pk).update(status=status, body=body, headers=headers)
    return status, body
