"""Request typing and small response helpers for HTMX."""

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

from guanxi.people.models import User


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class MemberRequest(HtmxHttpRequest):
    """A request that went through ``member_view``: the user is signed in."""

    user: User


def wants_fragment(request: HtmxHttpRequest, target: str) -> bool:
    """Tell whether HTMX asked to swap only the element with id ``target`` (history restores get full pages)."""
    return bool(request.htmx) and request.htmx.target == target and not request.htmx.history_restore_request


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """A URL answers with a fragment or a full page depending on these headers; caches must know."""
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
