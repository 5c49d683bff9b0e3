"""Slowing down password guessing without letting anyone lock a colleague out (SECURITY AUTHN-02).

Failed sign-ins are counted in three windows; while any count is at its limit, no password is checked:

- the same username from the same address: ``per_user_and_ip`` failures within ``cool_off``;
- the same address, any usernames (credential stuffing): ``per_ip`` within ``cool_off``;
- the same username from any addresses (a botnet on one account): ``per_user`` within an hour.

A sign-in refused this way is not counted again, so the block ends when the oldest failures leave their
window (the cool-off). A successful sign-in forgets its username's failures from that address. The web
sign-in page and ``POST /api/v1/auth/token`` both go through ``ThrottledModelBackend``; a blocked attempt
looks the same for a real and an unknown username.
"""

import datetime
import hashlib
import ipaddress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SignInFailure

BLOCKED_FLAG = "_guanxi_sign_in_blocked"
KEEP = datetime.timedelta(hours=2)


@dataclass(frozen=True)
class Limits:
    per_user_and_ip: int = 11
    per_ip: int = 50
    per_user: int = 100
    cool_off: datetime.timedelta = datetime.timedelta(minutes=15)
    user_window: datetime.timedelta = datetime.timedelta(hours=1)


def limits() -> Limits:
    values = getattr(settings, "GUANXI_SIGN_IN_LIMITS", {}) or {}
    return Limits(**values)


def client_ip(request: HttpRequest) -> str:
    """The address the request came from. Behind a trusted reverse proxy (``GUANXI_TRUSTED_PROXIES``) it is
    the right-most X-Forwarded-For entry that is not itself a trusted proxy; nothing else is believed."""
    # "::" is the unspecified address: no peer is known (a request built in code).
    address = request.META.get("REMOTE_ADDR") or "::"
    trusted = set(getattr(settings, "GUANXI_TRUSTED_PROXIES", ()))
    if address in trusted:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        for candidate in reversed(forwarded):
            if candidate not in trusted:
                return candidate if _is_ip(candidate) else address
    return address


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def username_digest(username: Any) -> str:
    text = str(username or "").strip().casefold()
    return hashlib.sha256(text.encode()).hexdigest()


def sign_in_blocked(request: HttpRequest, username: Any) -> bool:
    """Tell whether a sign-in as ``username`` from this request's address must wait."""
    rule = limits()
    now = timezone.now()
    digest, ip = username_digest(username), client_ip(request)
    recent = Q(at__gte=now - rule.cool_off)
    # The three counts in one query over the failures of this username or this address.
    counts = SignInFailure.objects.filter(
        Q(username_digest=digest) | Q(ip_address=ip), at__gte=now - max(rule.cool_off, rule.user_window)
    ).aggregate(
        pair=Count("pk", filter=recent & Q(username_digest=digest, ip_address=ip)),
        address=Count("pk", filter=recent & Q(ip_address=ip)),
        user=Count("pk", filter=Q(at__gte=now - rule.user_window, username_digest=digest)),
    )
    return (
        counts["pair"] >= rule.per_user_and_ip
        or counts["address"] >= rule.per_ip
        or counts["user"] >= rule.per_user
    )


def blocked_message() -> str:
    minutes = max(1, int(limits().cool_off.total_seconds() // 60))
    return _("Too many failed sign-ins. Wait %(minutes)d minutes, then try again.") % {"minutes": minutes}


def was_blocked(request: HttpRequest | None) -> bool:
    return bool(request is not None and getattr(request, BLOCKED_FLAG, False))


class ThrottledModelBackend(ModelBackend):
    """Django's model backend behind the three counters above."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is not None:
            name = username if username is not None else kwargs.get("username")
            if sign_in_blocked(request, name):
                setattr(request, BLOCKED_FLAG, True)
                # Django stops at PermissionDenied, checks no other backend and reports a failed sign-in.
                raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)


def on_sign_in_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    if request is None or was_blocked(request):
        return
    now = timezone.now()
    SignInFailure.objects.filter(at__lt=now - KEEP).delete()
    SignInFailure.objects.create(
        username_digest=username_digest(credentials.get("username")), ip_address=client_ip(request), at=now
    )


def on_signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    SignInFailure.objects.filter(
        username_digest=username_digest(user.get_username()), ip_address=client_ip(request)
    ).delete()
