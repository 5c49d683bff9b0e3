"""Customers, and the contacts and interactions listed under a customer."""

from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from guanxi.customers.models import Customer
from guanxi.customers.selectors import CustomerFilters, contact_list, customer_get_for_user, customer_list
from guanxi.customers.services import contact_create, customer_create, customer_delete, customer_update
from guanxi.engagement.selectors import interaction_list

from ..auth import AuthedRequest
from ..conditional import expected_version, set_etag
from ..errors import register_conflict_renderer
from ..idempotency import OPENAPI as IDEMPOTENCY
from ..idempotency import idempotent_create
from ..pagination import PageQuery, paginate
from ..presenters import contact_out
from ..references import contact_data, customer_data
from ..schemas.common import Page, SearchQuery, error_responses
from ..schemas.customers import (
    ContactIn,
    ContactPage,
    ContactView,
    CustomerIn,
    CustomerListQuery,
    CustomerOut,
    CustomerPatchIn,
)
from ..schemas.engagement import InteractionOut

router = Router(tags=["customers"])

register_conflict_renderer(
    Customer, lambda customer, user: CustomerOut.from_orm(customer).model_dump(mode="json")
)

READ_ERRORS = error_responses(404)
WRITE_ERRORS = error_responses(400, 404, 412, 422, 428)


@router.get("/customers", response={200: Page[CustomerOut], **error_responses(422)})
def customer_list_endpoint(
    request: AuthedRequest, filters: Query[CustomerListQuery], paging: Query[PageQuery]
) -> dict:
    """The customers you can see, filtered, searched (``q``) and sorted, one page at a time."""
    queryset = customer_list(user=request.auth, filters=CustomerFilters(**filters.model_dump()))
    return paginate(queryset.prefetch_related("collaborators"), paging)


@router.post(
    "/customers", response={201: CustomerOut, **error_responses(400, 409, 422)}, openapi_extra=IDEMPOTENCY
)
def customer_create_endpoint(request: AuthedRequest, payload: CustomerIn, response: HttpResponse) -> Status:
    """Create a customer, owned by you unless ``owner_id`` names someone you may hand it to."""

    def create() -> dict:
        data, tags = customer_data(request.auth, payload.model_dump())
        customer = customer_create(actor=request.auth, data=data, tags=tags or ())
        set_etag(response, customer)
        response["Location"] = reverse("api:customer_detail", kwargs={"customer_id": customer.pk})
        return CustomerOut.from_orm(customer).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.get(
    "/customers/{int:customer_id}", url_name="customer_detail", response={200: CustomerOut, **READ_ERRORS}
)
def customer_get_endpoint(request: AuthedRequest, customer_id: int, response: HttpResponse) -> Customer:
    """One customer; the ``ETag`` names its version for a later ``If-Match``."""
    customer = customer_get_for_user(user=request.auth, pk=customer_id)
    set_etag(response, customer)
    return customer


@router.put("/customers/{int:customer_id}", response={200: CustomerOut, **WRITE_ERRORS})
def customer_replace_endpoint(
    request: AuthedRequest, customer_id: int, payload: CustomerIn, response: HttpResponse
) -> Customer:
    """Replace every writable field (left-out fields get their defaults; ``owner_id`` left out: unchanged)."""
    return _update(request, customer_id, payload.model_dump(), response)


@router.patch("/customers/{int:customer_id}", response={200: CustomerOut, **WRITE_ERRORS})
def customer_patch_endpoint(
    request: AuthedRequest, customer_id: int, payload: CustomerPatchIn, response: HttpResponse
) -> Customer:
    """Change only the fields given. Requires ``If-Match`` with the version you read."""
    return _update(request, customer_id, payload.model_dump(exclude_unset=True), response)


def _update(request: AuthedRequest, customer_id: int, payload: dict, response: HttpResponse) -> Customer:
    version = expected_version(request)
    customer = customer_get_for_user(user=request.auth, pk=customer_id)
    data, tags = customer_data(request.auth, payload)
    customer = customer_update(
        actor=request.auth,
        customer=customer,
        data=data,
        expected_version=version,
        tags=tags,
    )
    set_etag(response, customer)
    return customer


@router.delete("/customers/{int:customer_id}", response={204: None, **WRITE_ERRORS})
def customer_delete_endpoint(request: AuthedRequest, customer_id: int) -> Status:
    """Move a customer to the recycle bin. Requires ``If-Match``."""
    version = expected_version(request)
    customer = customer_get_for_user(user=request.auth, pk=customer_id)
    customer_delete(actor=request.auth, customer=customer, expected_version=version)
    return Status(204, None)


@router.get("/customers/{int:customer_id}/contacts", response={200: ContactPage, **READ_ERRORS})
def customer_contacts_endpoint(
    request: AuthedRequest, customer_id: int, filters: Query[SearchQuery], paging: Query[PageQuery]
) -> dict:
    """The contacts (key people) of one customer."""
    customer = customer_get_for_user(user=request.auth, pk=customer_id)
    queryset = contact_list(user=request.auth, customer_id=customer.pk, q=filters.q)
    return paginate(queryset, paging, present=lambda contact: contact_out(request.auth, contact))


@router.post(
    "/customers/{int:customer_id}/contacts",
    response={201: ContactView, **error_responses(400, 404, 409, 422)},
    openapi_extra=IDEMPOTENCY,
)
def customer_contact_create_endpoint(
    request: AuthedRequest, customer_id: int, payload: ContactIn, response: HttpResponse
) -> Status:
    """Add a contact to this customer."""
    customer = customer_get_for_user(user=request.auth, pk=customer_id)

    def create() -> dict:
        data = contact_data(request.auth, payload.model_dump())
        contact = contact_create(actor=request.auth, customer=customer, data=data)
        set_etag(response, contact)
        response["Location"] = reverse("api:contact_detail", kwargs={"contact_id": contact.pk})
        return contact_out(request.auth, contact)

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.get("/customers/{int:customer_id}/interactions", response={200: Page[InteractionOut], **READ_ERRORS})
def customer_interactions_endpoint(
    request: AuthedRequest, customer_id: int, filters: Query[SearchQuery], paging: Query[PageQuery]
) -> dict:
    """The interactions with one customer, newest first."""
    customer = customer_get_for_user(user=request.auth, pk=customer_id)
    queryset = interaction_list(user=request.auth, customer_id=customer.pk, q=filters.q)
    return paginate(queryset.prefetch_related("participants", "tasks"), paging)
