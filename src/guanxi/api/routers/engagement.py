"""Relationship maintenance, the parts managed by managers: cadences with their steps, and per-customer
contact intervals (SPEC §4.2).

Reading is open to every member (cadences) or scoped like the customer list (overrides); changing is for
managers, the director and administrators, as for the relationship policy itself (403 for others). A
customer the caller cannot see is not found (404).
"""

from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from guanxi.customers.models import Customer
from guanxi.customers.selectors import customer_get_for_user
from guanxi.engagement.cadences import cadence_create, cadence_get, cadence_update
from guanxi.engagement.models import Cadence
from guanxi.engagement.policies import customer_interval_override, interval_overrides

from ..auth import AuthedRequest
from ..conditional import expected_version, set_etag
from ..errors import register_conflict_renderer
from ..idempotency import OPENAPI as IDEMPOTENCY
from ..idempotency import idempotent_create
from ..pagination import PageQuery, paginate
from ..schemas.common import Page, error_responses
from ..schemas.engagement import CadenceDetailOut, CadenceIn, IntervalOverrideIn, IntervalOverrideOut
from .relationship import router as relationship_router

router = Router(tags=["relationship"])

register_conflict_renderer(
    Cadence,
    lambda cadence, user: CadenceDetailOut.from_orm(cadence_get(pk=cadence.pk)).model_dump(mode="json"),
)


def _split(payload: CadenceIn) -> tuple[dict, list[dict]]:
    data = payload.model_dump()
    return {k: v for k, v in data.items() if k != "steps"}, data["steps"]


@router.get(
    "/cadences/{int:cadence_id}",
    url_name="cadence_detail",
    response={200: CadenceDetailOut, **error_responses(404)},
)
def cadence_get_endpoint(request: AuthedRequest, cadence_id: int, response: HttpResponse) -> Cadence:
    """One cadence (in use or not) with its steps; the ``ETag`` names its version."""
    cadence = cadence_get(pk=cadence_id)
    set_etag(response, cadence)
    return cadence


# ``GET /cadences`` lives on the relationship router; a path belongs to one router, so the create joins it.
@relationship_router.post(
    "/cadences",
    response={201: CadenceDetailOut, **error_responses(400, 403, 409, 422)},
    openapi_extra=IDEMPOTENCY,
)
def cadence_create_endpoint(request: AuthedRequest, payload: CadenceIn, response: HttpResponse) -> Status:
    """Create a cadence with its steps in order (managers, the director and administrators)."""

    def create() -> dict:
        data, steps = _split(payload)
        cadence = cadence_create(actor=request.auth, data=data, steps=steps)
        set_etag(response, cadence)
        response["Location"] = reverse("api:cadence_detail", kwargs={"cadence_id": cadence.pk})
        return CadenceDetailOut.from_orm(cadence_get(pk=cadence.pk)).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.put(
    "/cadences/{int:cadence_id}",
    response={200: CadenceDetailOut, **error_responses(400, 403, 404, 412, 422, 428)},
)
def cadence_replace_endpoint(
    request: AuthedRequest, cadence_id: int, payload: CadenceIn, response: HttpResponse
) -> Cadence:
    """Replace a cadence and its steps. Requires ``If-Match``; contacts in it keep their step."""
    version = expected_version(request)
    cadence = cadence_get(pk=cadence_id)
    data, steps = _split(payload)
    cadence = cadence_update(
        actor=request.auth, cadence=cadence, data=data, steps=steps, expected_version=version
    )
    set_etag(response, cadence)
    return cadence_get(pk=cadence.pk)


# --- per-customer contact intervals ------------------------------------------------------------------


def _override(customer: Customer) -> dict:
    return {
        "id": customer.pk,
        "customer_id": customer.pk,
        "customer_name": customer.name,
        "grade": customer.grade,
        "owner_id": customer.owner_id,
        "interval_days": customer.contact_interval_days,
        "version": customer.version,
    }


@router.get(
    "/policies/relationship/overrides", response={200: Page[IntervalOverrideOut], **error_responses(422)}
)
def interval_override_list_endpoint(request: AuthedRequest, paging: Query[PageQuery]) -> dict:
    """The customers you can see that have their own contact interval instead of their grade's."""
    return paginate(interval_overrides(user=request.auth), paging, present=_override)


@router.put(
    "/customers/{int:customer_id}/contact-interval",
    response={200: IntervalOverrideOut, **error_responses(400, 403, 404, 412, 422, 428)},
)
def interval_override_set_endpoint(
    request: AuthedRequest, customer_id: int, payload: IntervalOverrideIn, response: HttpResponse
) -> dict:
    """Set (or clear, with null) a customer's own contact interval; managers and administrators only.

    Requires ``If-Match`` with the customer's version (its ``ETag``).
    """
    version = expected_version(request)
    customer = customer_get_for_user(user=request.auth, pk=customer_id)
    customer = customer_interval_override(
        actor=request.auth, customer=customer, interval_days=payload.interval_days, expected_version=version
    )
    set_etag(response, customer)
    return _override(customer)
