"""Interactions (沟通记录): logging one turns its action items and next contact plan into tasks."""

from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from guanxi.engagement.models import Interaction
from guanxi.engagement.selectors import interaction_get_for_user, interaction_list
from guanxi.engagement.services import ActionItem, interaction_delete, interaction_log, interaction_update
from guanxi.people.models import User

from ..auth import AuthedRequest
from ..conditional import expected_version, set_etag
from ..errors import register_conflict_renderer
from ..idempotency import OPENAPI as IDEMPOTENCY
from ..idempotency import idempotent_create
from ..pagination import PageQuery, paginate
from ..references import contacts_ref, customer_ref, user_ref, users_ref
from ..schemas.common import Page, error_responses
from ..schemas.engagement import (
    InteractionCreateIn,
    InteractionIn,
    InteractionListQuery,
    InteractionOut,
    InteractionPatchIn,
)

router = Router(tags=["interactions"])

register_conflict_renderer(
    Interaction, lambda interaction, user: InteractionOut.from_orm(interaction).model_dump(mode="json")
)

WRITE_ERRORS = error_responses(400, 404, 412, 422, 428)


@router.get("/interactions", response={200: Page[InteractionOut], **error_responses(422)})
def interaction_list_endpoint(
    request: AuthedRequest, filters: Query[InteractionListQuery], paging: Query[PageQuery]
) -> dict:
    """Interactions with the customers you can see, newest first."""
    queryset = interaction_list(user=request.auth, customer_id=filters.customer_id, q=filters.q)
    return paginate(queryset.prefetch_related("participants", "tasks"), paging)


@router.post(
    "/interactions",
    response={201: InteractionOut, **error_responses(400, 409, 422)},
    openapi_extra=IDEMPOTENCY,
)
def interaction_log_endpoint(
    request: AuthedRequest, payload: InteractionCreateIn, response: HttpResponse
) -> Status:
    """Log a contact with a customer. Action items and ``next_contact_on`` become tasks in the same step."""

    def create() -> dict:
        interaction = _log(request.auth, payload)
        set_etag(response, interaction)
        response["Location"] = reverse("api:interaction_detail", kwargs={"interaction_id": interaction.pk})
        return InteractionOut.from_orm(interaction).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


def _log(user: User, payload: InteractionCreateIn) -> Interaction:
    customer = customer_ref(user, payload.customer_id)
    contacts = contacts_ref(user, payload.contact_ids)
    participants = users_ref(payload.participant_ids, "participant_ids")
    action_items = [
        ActionItem(
            title=item.title,
            due_on=item.due_on,
            owner=user_ref(item.owner_id, f"action_items.{index}.owner_id") if item.owner_id else None,
        )
        for index, item in enumerate(payload.action_items)
    ]
    data = payload.model_dump(
        exclude={"customer_id", "contact_ids", "participant_ids", "action_items"}, exclude_none=True
    )
    return interaction_log(
        actor=user,
        customer=customer,
        data=data,
        contacts=contacts,
        participants=participants,
        action_items=action_items,
    )


@router.get(
    "/interactions/{int:interaction_id}",
    url_name="interaction_detail",
    response={200: InteractionOut, **error_responses(404)},
)
def interaction_get_endpoint(
    request: AuthedRequest, interaction_id: int, response: HttpResponse
) -> Interaction:
    """One interaction; the ``ETag`` names its version for a later ``If-Match``."""
    interaction = interaction_get_for_user(user=request.auth, pk=interaction_id)
    set_etag(response, interaction)
    return interaction


@router.put("/interactions/{int:interaction_id}", response={200: InteractionOut, **WRITE_ERRORS})
def interaction_replace_endpoint(
    request: AuthedRequest, interaction_id: int, payload: InteractionIn, response: HttpResponse
) -> Interaction:
    """Correct every editable field (left-out fields get their defaults). Requires ``If-Match``."""
    return _update(request, interaction_id, payload.model_dump(), response)


@router.patch("/interactions/{int:interaction_id}", response={200: InteractionOut, **WRITE_ERRORS})
def interaction_patch_endpoint(
    request: AuthedRequest, interaction_id: int, payload: InteractionPatchIn, response: HttpResponse
) -> Interaction:
    """Correct only the fields given. Requires ``If-Match``."""
    return _update(request, interaction_id, payload.model_dump(exclude_unset=True), response)


def _update(request: AuthedRequest, interaction_id: int, data: dict, response: HttpResponse) -> Interaction:
    version = expected_version(request)
    interaction = interaction_get_for_user(user=request.auth, pk=interaction_id)
    interaction = interaction_update(
        actor=request.auth,
        interaction=interaction,
        data=data,
        expected_version=version,
    )
    set_etag(response, interaction)
    return interaction


@router.delete("/interactions/{int:interaction_id}", response={204: None, **WRITE_ERRORS})
def interaction_delete_endpoint(request: AuthedRequest, interaction_id: int) -> Status:
    """Move an interaction to the recycle bin. Requires ``If-Match``."""
    version = expected_version(request)
    interaction = interaction_get_for_user(user=request.auth, pk=interaction_id)
    interaction_delete(actor=request.auth, interaction=interaction, expected_version=version)
    return Status(204, None)
