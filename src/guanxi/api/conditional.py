"""Optimistic locking over HTTP (SECURITY CD-01): ``ETag: "v<version>"`` out, ``If-Match`` required in.

A write that names no version is refused with 428 so that no client can overwrite somebody's change by
accident; a stale version is refused by the service (412 with the saved record).
"""

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .errors import ApiError

_ENTITY_TAG = re.compile(r'^(?:W/)?"?v?(\d{1,10})"?$')


def etag(record: Any) -> str:
    return f'"v{record.version}"'


def set_etag(response: HttpResponse, record: Any) -> None:
    response["ETag"] = etag(record)


def expected_version(request: HttpRequest) -> int:
    """Return the version the client's ``If-Match`` names; 428 without one, 400 when unreadable."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise ApiError(
            428,
            "precondition_required",
            _(
                'Send the version you are changing in an If-Match header, e.g. If-Match: "v3" (from the ETag).'
            ),
        )
    match = _ENTITY_TAG.match(header)
    if match is None:
        raise ApiError(
            400, "invalid_if_match", _('The If-Match header must name one version, e.g. If-Match: "v3".')
        )
    return int(match.group(1))


def optional_expected_version(request: HttpRequest) -> int | None:
    """For actions (complete, snooze): honour If-Match when sent, do not require it."""
    if not request.headers.get("If-Match", "").strip():
        return None
    return expected_version(request)
