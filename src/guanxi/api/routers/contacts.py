"""Contacts (key people) across the customers you can see; reps read them masked (SECURITY AZ-04)."""

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from guanxi.customers.models import Contact
from guanxi.customers.selectors import contact_get_for_user, contact_list
from guanxi.customers.services import contact_create, contact_delete, contact_update

from ..auth import AuthedRequest
from ..conditional import expected_version, set_etag
from ..errors import register_conflict_renderer
from ..idempotency import OPENAPI as IDEMPOTENCY
from ..idempotency import idempotent_create
from ..pagination import PageQuery, paginate
from ..presenters import contact_changes, contact_out
from ..references import contact_data, customer_ref
from ..schemas.common import error_responses
from ..schemas.customers import (
    ContactCreateIn,
    ContactIn,
    ContactListQuery,
    ContactPage,
    ContactPatchIn,
    ContactView,
)

router = Router(tags=["contacts"])

register_conflict_renderer(Contact, lambda contact, user: contact_out(user, contact))

WRITE_ERRORS = error_responses(400, 404, 412, 422, 428)


@router.get("/contacts", response={200: ContactPage, **error_responses(422)})
def contact_list_endpoint(
    request: AuthedRequest, filters: Query[ContactListQuery], paging: Query[PageQuery]
) -> dict:
    """Contacts of the customers you can see; ``q`` matches name, pinyin, initials or mobile digits."""
    queryset = contact_list(user=request.auth, customer_id=filters.customer_id, q=filters.q)
    return paginate(queryset, paging, present=lambda contact: contact_out(request.auth, contact))


@router.post(
    "/contacts", response={201: ContactView, **error_responses(400, 409, 422)}, openapi_extra=IDEMPOTENCY
)
def contact_create_endpoint(
    request: AuthedRequest, payload: ContactCreateIn, response: HttpResponse
) -> Status:
    """Add a contact to the customer ``customer_id``."""

    def create() -> dict:
        customer = customer_ref(request.auth, payload.customer_id)
        data = contact_data(request.auth, payload.model_dump())
        contact = contact_create(actor=request.auth, customer=customer, data=data)
        set_etag(response, contact)
        response["Location"] = reverse("api:contact_detail", kwargs={"contact_id": contact.pk})
        return contact_out(request.auth, contact)

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.get(
    "/contacts/{int:contact_id}",
    url_name="contact_detail",
    response={200: ContactView, **error_responses(404)},
)
def contact_get_endpoint(request: AuthedRequest, contact_id: int, response: HttpResponse) -> dict:
    """One contact (masked for reps); the ``ETag`` names its version for a later ``If-Match``."""
    contact = contact_get_for_user(user=request.auth, pk=contact_id)
    set_etag(response, contact)
    return contact_out(request.auth, contact)


@router.put("/contacts/{int:contact_id}", response={200: ContactView, **WRITE_ERRORS})
def contact_replace_endpoint(
    request: AuthedRequest, contact_id: int, payload: ContactIn, response: HttpResponse
) -> dict:
    """Replace every writable field you can read (left-out fields get their defaults). Requires ``If-Match``."""
    return _update(request, contact_id, payload.model_dump(), payload.model_fields_set, True, response)


@router.patch("/contacts/{int:contact_id}", response={200: ContactView, **WRITE_ERRORS})
def contact_patch_endpoint(
    request: AuthedRequest, contact_id: int, payload: ContactPatchIn, response: HttpResponse
) -> dict:
    """Change only the fields given. Requires ``If-Match``."""
    given = payload.model_fields_set
    return _update(request, contact_id, payload.model_dump(exclude_unset=True), given, False, response)


def _update(
    request: AuthedRequest,
    contact_id: int,
    payload: dict[str, Any],
    given: set[str],
    replace: bool,
    response: HttpResponse,
) -> dict:
    version = expected_version(request)
    contact = contact_get_for_user(user=request.auth, pk=contact_id)
    payload = contact_changes(request.auth, payload, current=contact, given=given, replace=replace)
    data = contact_data(request.auth, payload)
    contact = contact_update(actor=request.auth, contact=contact, data=data, expected_version=version)
    set_etag(response, contact)
    return contact_out(request.auth, contact)


@router.delete("/contacts/{int:contact_id}", response={204: None, **WRITE_ERRORS})
def contact_delete_endpoint(request: AuthedRequest, contact_id: int) -> Status:
    """Move a contact to the recycle bin. Requires ``If-Match``."""
    version = expected_version(request)
    contact = contact_get_for_user(user=request.auth, pk=contact_id)
    contact_delete(actor=request.auth, contact=contact, expected_version=version)
    return Status(204, None)
