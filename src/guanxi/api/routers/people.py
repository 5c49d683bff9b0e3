"""Tokens and the caller's own profile."""

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from guanxi.engagement.feeds import calendar_feed_token_of, calendar_feed_url
from guanxi.governance.audit import audit_record
from guanxi.people.models import ApiToken
from guanxi.people.services import api_token_create, api_token_revoke
from guanxi.people.throttle import blocked_message, was_blocked

from ..auth import AuthedRequest, bearer_auth
from ..errors import ApiError, not_authenticated_message
from ..schemas.common import error_responses
from ..schemas.people import TokenCreateIn, TokenOut
from ..schemas.relationship import MeOut

router = Router(tags=["auth"])


@router.post("/auth/token", auth=None, response={201: TokenOut, **error_responses(400, 422, 429)})
def token_create(request: HttpRequest, payload: TokenCreateIn) -> Status:
    """Exchange a username and password for a personal API token (shown once)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None and was_blocked(request):
        raise ApiError(429, "sign_in_blocked", blocked_message())
    if user is None:
        # The same answer for a wrong password, an unknown user and an inactive one (SECURITY AUTHN-02).
        raise ApiError(401, "invalid_credentials", _("Wrong username or password."))
    with transaction.atomic():
        token, raw = api_token_create(user=user, name=payload.name)
        audit_record(actor=user, action="api_token_create", object_type="api_token", object_id=str(token.pk))
    return Status(
        201, {"token": raw, "name": token.name, "prefix": token.prefix, "created_at": token.created_at}
    )


@router.delete("/auth/token", auth=bearer_auth, response={204: None, **error_responses()})
def token_revoke(request: AuthedRequest) -> Status:
    """Revoke the token this request was made with."""
    token = ApiToken.objects.filter(key_hash=request.api_token_hash, user=request.auth).first()
    if token is None:  # revoked by a parallel request since this one was authenticated
        raise ApiError(401, "not_authenticated", not_authenticated_message())
    with transaction.atomic():
        api_token_revoke(token=token)
        audit_record(
            actor=request.auth, action="api_token_revoke", object_type="api_token", object_id=str(token.pk)
        )
    return Status(204, None)


@router.get("/me", response={200: MeOut, **error_responses()})
def me(request: AuthedRequest) -> dict:
    """The signed-in user: who they are, their role, team and language, and their calendar feed URL.

    ``calendar_feed_url`` is the absolute URL of the live feed (``POST /me/calendar-feed`` makes one),
    or null when there is none.
    """
    token = calendar_feed_token_of(request.auth)
    data = MeOut.from_orm(request.auth).model_dump(mode="json")
    data["calendar_feed_url"] = calendar_feed_url(request, token) if token else None
    return data
