import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """Speak the signed-in user's language; Chinese for everyone else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", None) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SessionTimeoutMiddleware:
    """Log a browser session out after a period without requests (the absolute limit is the cookie age)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get("last_seen")
            if last_seen is not None and now - int(last_seen) > settings.GUANXI_SESSION_IDLE_SECONDS:
                logout(request)
            elif last_seen is None or now - int(last_seen) > 60:
                # A minute's granularity is enough and spares a session write on every request.
                request.session["last_seen"] = now
        return self.get_response(request)
