"""Customer events (客户活动): the events you can see, their invitations and attendance.

Visibility is the web's: an event is seen by its organiser, their managers, the director and archive
administrator, and by anybody who can see a customer with an invited contact; invitations only of the
customers the caller can see. Another user's event is not found (404).
"""

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.engagement.events import (
    event_cancel,
    event_create,
    event_delete,
    event_invite,
    event_list,
    event_record_attendance,
    event_update,
    invitation_get_for_user,
    invitation_list,
    invitation_remove,
    invitation_respond,
)
from guanxi.engagement.models import Event
from guanxi.people.models import User

from ..auth import AuthedRequest
from ..conditional import expected_version, optional_expected_version, set_etag
from ..errors import register_conflict_renderer
from ..idempotency import OPENAPI as IDEMPOTENCY
from ..idempotency import idempotent_create
from ..pagination import PageQuery, paginate
from ..references import user_ref
from ..schemas.common import Page, error_responses
from ..schemas.events import (
    AttendanceIn,
    AttendanceOut,
    EventIn,
    EventListQuery,
    EventOut,
    EventPatchIn,
    InvitationOut,
    InviteIn,
    RespondIn,
)

router = Router(tags=["events"])

WRITE_ERRORS = error_responses(400, 403, 404, 412, 422, 428)
ACTION_ERRORS = error_responses(400, 403, 404, 412, 422)


def _get(user: User, event_id: Any) -> Event:
    """One visible event with its counts, or NotFound."""
    try:
        return event_list(user=user, when="").get(pk=int(event_id))
    except (Event.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Event not found.")) from exc


def _out(user: User, event_id: int) -> dict:
    return EventOut.from_orm(_get(user, event_id)).model_dump(mode="json")


register_conflict_renderer(Event, lambda event, user: _out(user, event.pk))


def _data(payload: dict, *, replace: bool = True) -> dict:
    organiser_id = payload.pop("organiser_id", None)
    if organiser_id is not None:
        payload["organiser"] = user_ref(organiser_id, "organiser_id")
    if "ends_at" in payload and payload["ends_at"] is None:
        # No end given: on a create or a full replacement the event ends when it starts (as in the
        # web form); a PATCH with null keeps the stored end.
        if replace and payload.get("starts_at") is not None:
            payload["ends_at"] = payload["starts_at"]
        else:
            payload.pop("ends_at")
    return payload


@router.get("/events", response={200: Page[EventOut], **error_responses(422)})
def event_list_endpoint(
    request: AuthedRequest, filters: Query[EventListQuery], paging: Query[PageQuery]
) -> dict:
    """The events you can see: upcoming (soonest first) by default, or past, or all (latest first)."""
    queryset = event_list(
        user=request.auth,
        when="" if filters.when == "all" else filters.when,
        mine=filters.mine,
        q=filters.q,
        customer_id=filters.customer_id,
    )
    return paginate(queryset, paging)


@router.post(
    "/events", response={201: EventOut, **error_responses(400, 403, 409, 422)}, openapi_extra=IDEMPOTENCY
)
def event_create_endpoint(request: AuthedRequest, payload: EventIn, response: HttpResponse) -> Status:
    """Plan an event; you organise it unless you name a colleague you may give work to."""

    def create() -> dict:
        event = event_create(actor=request.auth, data=_data(payload.model_dump()))
        set_etag(response, event)
        response["Location"] = reverse("api:event_detail", kwargs={"event_id": event.pk})
        return _out(request.auth, event.pk)

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.get(
    "/events/{int:event_id}", url_name="event_detail", response={200: EventOut, **error_responses(404)}
)
def event_get_endpoint(request: AuthedRequest, event_id: int, response: HttpResponse) -> Event:
    """One event; the ``ETag`` names its version for a later ``If-Match``."""
    event = _get(request.auth, event_id)
    set_etag(response, event)
    return event


@router.put("/events/{int:event_id}", response={200: EventOut, **WRITE_ERRORS})
def event_replace_endpoint(
    request: AuthedRequest, event_id: int, payload: EventIn, response: HttpResponse
) -> Event:
    """Replace the writable fields (the organiser or their manager). Requires ``If-Match``."""
    return _update(request, event_id, payload.model_dump(), response)


@router.patch("/events/{int:event_id}", response={200: EventOut, **WRITE_ERRORS})
def event_patch_endpoint(
    request: AuthedRequest, event_id: int, payload: EventPatchIn, response: HttpResponse
) -> Event:
    """Change only the fields given. Requires ``If-Match``."""
    return _update(request, event_id, payload.model_dump(exclude_unset=True), response, replace=False)


def _update(
    request: AuthedRequest, event_id: int, data: dict, response: HttpResponse, *, replace: bool = True
) -> Event:
    version = expected_version(request)
    event = _get(request.auth, event_id)
    event = event_update(
        actor=request.auth, event=event, data=_data(data, replace=replace), expected_version=version
    )
    set_etag(response, event)
    return _get(request.auth, event.pk)


@router.delete("/events/{int:event_id}", response={204: None, **WRITE_ERRORS})
def event_delete_endpoint(request: AuthedRequest, event_id: int) -> Status:
    """Move an event without recorded attendance to the recycle bin. Requires ``If-Match``."""
    version = expected_version(request)
    event_delete(actor=request.auth, event=_get(request.auth, event_id), expected_version=version)
    return Status(204, None)


@router.post("/events/{int:event_id}/cancel", response={200: EventOut, **ACTION_ERRORS})
def event_cancel_endpoint(request: AuthedRequest, event_id: int, response: HttpResponse) -> Event:
    """Call the event off (``If-Match`` honoured when sent)."""
    version = optional_expected_version(request)
    event = event_cancel(actor=request.auth, event=_get(request.auth, event_id), expected_version=version)
    set_etag(response, event)
    return _get(request.auth, event.pk)


# --- invitations -------------------------------------------------------------------------------------


@router.get("/events/{int:event_id}/invitations", response={200: list[InvitationOut], **error_responses(404)})
def invitation_list_endpoint(request: AuthedRequest, event_id: int) -> list:
    """The invitations of the event for the customers you can see."""
    return list(invitation_list(user=request.auth, event=_get(request.auth, event_id)))


@router.post(
    "/events/{int:event_id}/invitations",
    response={201: list[InvitationOut], **error_responses(400, 404, 409, 422)},
    openapi_extra=IDEMPOTENCY,
)
def invitation_create_endpoint(
    request: AuthedRequest, event_id: int, payload: InviteIn, response: HttpResponse
) -> Status:
    """Invite contacts (those already invited are left as they are); answers with the new invitations."""
    event = _get(request.auth, event_id)

    def create() -> dict:
        try:
            created = event_invite(actor=request.auth, event=event, contact_ids=payload.contact_ids)
        except NotFound as exc:
            raise ValidationFailed(exc.message, details={"contact_ids": [str(exc.message)]}) from exc
        ids = [invitation.pk for invitation in created]
        rows = invitation_list(user=request.auth, event=event).filter(pk__in=ids)
        return {"items": [InvitationOut.from_orm(row).model_dump(mode="json") for row in rows]}

    status, body = idempotent_create(request, response, payload.model_dump(mode="json"), create)
    return Status(status, body.get("items", []))


@router.delete(
    "/events/{int:event_id}/invitations/{int:invitation_id}",
    response={204: None, **error_responses(403, 404, 422)},
)
def invitation_delete_endpoint(request: AuthedRequest, event_id: int, invitation_id: int) -> Status:
    """Withdraw an invitation (not one of a contact recorded as attended)."""
    event = _get(request.auth, event_id)
    invitation = invitation_get_for_user(user=request.auth, event=event, pk=invitation_id)
    invitation_remove(actor=request.auth, invitation=invitation)
    return Status(204, None)


@router.post(
    "/events/{int:event_id}/invitations/{int:invitation_id}/respond",
    response={200: InvitationOut, **error_responses(404, 422)},
)
def invitation_respond_endpoint(
    request: AuthedRequest, event_id: int, invitation_id: int, payload: RespondIn
) -> object:
    """Record the contact's answer: accepted, declined, or back to invited."""
    event = _get(request.auth, event_id)
    invitation = invitation_get_for_user(user=request.auth, event=event, pk=invitation_id)
    invitation_respond(actor=request.auth, invitation=invitation, response=payload.response)
    return invitation_get_for_user(user=request.auth, event=event, pk=invitation_id)


@router.post("/events/{int:event_id}/attendance", response={200: AttendanceOut, **ACTION_ERRORS})
def event_attendance_endpoint(request: AuthedRequest, event_id: int, payload: AttendanceIn) -> dict:
    """Mark invitations attended or absent; each attending customer gets one event interaction.

    Repeating the same call changes nothing. Un-marking the last attendee of a customer moves its event
    interaction to the recycle bin.
    """
    event = _get(request.auth, event_id)
    result = event_record_attendance(
        actor=request.auth, event=event, attended=payload.attended, absent=payload.absent
    )
    return {**result, "invitations": list(invitation_list(user=request.auth, event=event))}
