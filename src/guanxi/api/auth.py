"""Who is calling: a personal API token (``Authorization: Bearer …``) or the browser session.

These are the API's only two pathways (SECURITY AUTHN-05); both refuse inactive users. The session
pathway checks CSRF on unsafe methods. A token caller's language is activated here, because the
language middleware runs before the token is known.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from guanxi.people.models import User, hash_token
from guanxi.people.services import api_token_authenticate

from .errors import ApiError

MAX_TOKEN_LENGTH = 200


class AuthedRequest(HttpRequest):
    """What an API operation receives: ``auth`` is the signed-in (active) user."""

    auth: User
    api_token_hash: str


def speak_users_language(request: HttpRequest, user: Any) -> None:
    language = getattr(user, "language", "") or translation.get_language()
    translation.activate(language)
    request.LANGUAGE_CODE = language  # type: ignore[attr-defined]


class BearerTokenAuth(HttpBearer):
    """A personal API token; only its SHA-256 is stored, so the lookup is by hash."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        request.api_token_hash = hash_token(token)  # type: ignore[attr-defined]
        speak_users_language(request, user)
        return user


class CsrfSessionAuth(APIKeyCookie):
    """The browser session, with Django's CSRF check on unsafe methods.

    Unlike ninja's ``SessionAuth`` an anonymous caller gets 401 (not a CSRF 403): there is no session
    to protect, and the answer should say what is missing.
    """

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise ApiError(
                403, "csrf_failed", translation.gettext("CSRF check failed; reload the page and try again.")
            )
        return "session"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        return request.user if request.user.is_active else None


bearer_auth = BearerTokenAuth()
session_auth = CsrfSessionAuth()
API_AUTH = [bearer_auth, session_auth]


def caller(request: HttpRequest) -> Any:
    """Return the signed-in user of a request outside an API operation (docs, schema), or None."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        return user
    return bearer_auth(request)
