"""The sales endpoints: products, orders with lines, opportunities with stage moves and the forecast,
contracts with payment plans and payments. Everything on a customer follows the customer's visibility."""

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.sales import stages
from guanxi.sales.contracts import (
    contract_create,
    contract_delete,
    contract_get_for_user,
    contract_list,
    contract_position,
    contract_update,
    overdue_instalments,
    payment_add,
    payment_delete,
    plan_item_add,
    plan_item_delete,
)
from guanxi.sales.models import Contract, Opportunity, Order, Payment, Product
from guanxi.sales.pipeline import opportunity_create, opportunity_delete, opportunity_move, opportunity_update
from guanxi.sales.selectors import (
    forecast,
    opportunities_visible,
    opportunity_get_for_user,
    opportunity_list,
    order_get_for_user,
    order_list,
    product_get,
    product_list,
    stage_history,
)
from guanxi.sales.services import (
    order_create,
    order_delete,
    order_update,
    product_create,
    product_delete,
    product_update,
)

from ..auth import AuthedRequest
from ..conditional import expected_version, optional_expected_version, set_etag
from ..errors import ApiError, register_conflict_renderer
from ..idempotency import OPENAPI as IDEMPOTENCY
from ..idempotency import idempotent_create
from ..pagination import PageQuery, paginate
from ..references import customer_ref, owner_ref
from ..schemas.common import Page, error_responses
from ..schemas.sales import (
    ContractCreateIn,
    ContractListQuery,
    ContractOut,
    ContractPatchIn,
    ForecastOut,
    ForecastQuery,
    OpportunityCreateIn,
    OpportunityListQuery,
    OpportunityMoveIn,
    OpportunityOut,
    OpportunityPatchIn,
    OrderCreateIn,
    OrderListQuery,
    OrderOut,
    OrderPatchIn,
    OverdueOut,
    PaymentIn,
    PaymentOut,
    PlanItemIn,
    PlanItemOut,
    ProductIn,
    ProductListQuery,
    ProductOut,
    ProductPatchIn,
    StageChangeOut,
    StageOut,
)

router = Router(tags=["sales"])

register_conflict_renderer(Product, lambda p, user: ProductOut.from_orm(p).model_dump(mode="json"))
register_conflict_renderer(Order, lambda o, user: OrderOut.from_orm(o).model_dump(mode="json"))
register_conflict_renderer(Opportunity, lambda o, user: OpportunityOut.from_orm(o).model_dump(mode="json"))

WRITE_ERRORS = error_responses(400, 403, 404, 412, 422, 428)
ACTION_ERRORS = error_responses(400, 403, 404, 412, 422)
CREATE_ERRORS = error_responses(400, 403, 404, 409, 422)


def _created(response: HttpResponse, record: Any, url_name: str, kwarg: str) -> None:
    set_etag(response, record)
    response["Location"] = reverse(f"api:{url_name}", kwargs={kwarg: record.pk})


# --- products ----------------------------------------------------------------------------------------


@router.get("/products", response={200: Page[ProductOut], **error_responses(422)})
def product_list_endpoint(
    request: AuthedRequest, filters: Query[ProductListQuery], paging: Query[PageQuery]
) -> dict:
    """The product catalogue, by code."""
    return paginate(product_list(q=filters.q, category=filters.category), paging)


@router.post("/products", response={201: ProductOut, **CREATE_ERRORS}, openapi_extra=IDEMPOTENCY)
def product_create_endpoint(request: AuthedRequest, payload: ProductIn, response: HttpResponse) -> Status:
    """Add a product (managers, the director and the archive administrator)."""

    def create() -> dict:
        product = product_create(actor=request.auth, data=payload.model_dump())
        _created(response, product, "product_detail", "product_id")
        return ProductOut.from_orm(product).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.get(
    "/products/{int:product_id}",
    url_name="product_detail",
    response={200: ProductOut, **error_responses(404)},
)
def product_get_endpoint(request: AuthedRequest, product_id: int, response: HttpResponse) -> Product:
    """One product; the ``ETag`` names its version for a later ``If-Match``."""
    product = product_get(pk=product_id)
    set_etag(response, product)
    return product


@router.patch("/products/{int:product_id}", response={200: ProductOut, **WRITE_ERRORS})
def product_patch_endpoint(
    request: AuthedRequest, product_id: int, payload: ProductPatchIn, response: HttpResponse
) -> Product:
    """Change the fields given. Requires ``If-Match``."""
    version = expected_version(request)
    product = product_update(
        actor=request.auth,
        product=product_get(pk=product_id),
        data=payload.model_dump(exclude_unset=True),
        expected_version=version,
    )
    set_etag(response, product)
    return product


@router.delete("/products/{int:product_id}", response={204: None, **WRITE_ERRORS})
def product_delete_endpoint(request: AuthedRequest, product_id: int) -> Status:
    """Move a product to the recycle bin. Requires ``If-Match``."""
    version = expected_version(request)
    product_delete(actor=request.auth, product=product_get(pk=product_id), expected_version=version)
    return Status(204, None)


# --- orders ------------------------------------------------------------------------------------------


def _product_ref(pk: int | None, field: str = "lines") -> Product | None:
    if pk is None:
        return None
    try:
        return product_get(pk=pk)
    except NotFound as exc:
        raise ValidationFailed(exc.message, details={field: [str(exc.message)]}) from exc


def _lines(lines: list) -> list[dict]:
    return [
        {"product": _product_ref(line.product_id), "quantity": line.quantity, "unit_price": line.unit_price}
        for line in lines
    ]


@router.get("/orders", response={200: Page[OrderOut], **error_responses(422)})
def order_list_endpoint(
    request: AuthedRequest, filters: Query[OrderListQuery], paging: Query[PageQuery]
) -> dict:
    """Orders of the customers you can see, newest first, with their lines."""
    qs = order_list(
        user=request.auth,
        customer_id=filters.customer_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    return paginate(qs, paging)


@router.post("/orders", response={201: OrderOut, **CREATE_ERRORS}, openapi_extra=IDEMPOTENCY)
def order_create_endpoint(request: AuthedRequest, payload: OrderCreateIn, response: HttpResponse) -> Status:
    """Record an order with its lines; without ``amount`` it is worth the sum of the lines."""

    def create() -> dict:
        customer = customer_ref(request.auth, payload.customer_id)
        data = payload.model_dump(exclude={"customer_id", "lines"})
        order = order_create(actor=request.auth, customer=customer, data=data, lines=_lines(payload.lines))
        order = order_get_for_user(user=request.auth, pk=order.pk)
        _created(response, order, "order_detail", "order_id")
        return OrderOut.from_orm(order).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.get(
    "/orders/{int:order_id}", url_name="order_detail", response={200: OrderOut, **error_responses(404)}
)
def order_get_endpoint(request: AuthedRequest, order_id: int, response: HttpResponse) -> Order:
    """One order with its lines; the ``ETag`` names its version."""
    order = order_get_for_user(user=request.auth, pk=order_id)
    set_etag(response, order)
    return order


@router.patch("/orders/{int:order_id}", response={200: OrderOut, **WRITE_ERRORS})
def order_patch_endpoint(
    request: AuthedRequest, order_id: int, payload: OrderPatchIn, response: HttpResponse
) -> Order:
    """Change the fields given; ``lines`` replaces all lines. Requires ``If-Match``."""
    version = expected_version(request)
    order = order_get_for_user(user=request.auth, pk=order_id)
    data = payload.model_dump(exclude_unset=True, exclude={"lines"})
    lines = _lines(payload.lines) if payload.lines is not None else None
    order_update(actor=request.auth, order=order, data=data, lines=lines, expected_version=version)
    order = order_get_for_user(user=request.auth, pk=order_id)
    set_etag(response, order)
    return order


@router.delete("/orders/{int:order_id}", response={204: None, **WRITE_ERRORS})
def order_delete_endpoint(request: AuthedRequest, order_id: int) -> Status:
    """Move an order to the recycle bin. Requires ``If-Match``."""
    version = expected_version(request)
    order_delete(
        actor=request.auth, order=order_get_for_user(user=request.auth, pk=order_id), expected_version=version
    )
    return Status(204, None)


# --- opportunities -----------------------------------------------------------------------------------


@router.get("/opportunity-stages", response={200: list[StageOut]})
def stage_list_endpoint(request: AuthedRequest) -> list[dict]:
    """The stage table: order, default probability and the stages each may move to."""
    return [
        {
            "code": s.code,
            "label": str(s.label),
            "order": s.order,
            "probability": s.probability,
            "moves_to": list(s.moves_to),
            "is_open": s.is_open,
        }
        for s in stages.STAGES
    ]


@router.get("/opportunities", response={200: Page[OpportunityOut], **error_responses(422)})
def opportunity_list_endpoint(
    request: AuthedRequest, filters: Query[OpportunityListQuery], paging: Query[PageQuery]
) -> dict:
    """Opportunities on the customers you can see, soonest expected close first."""
    qs = opportunity_list(
        user=request.auth,
        owner_id=filters.owner_id,
        team_id=filters.team_id,
        customer_id=filters.customer_id,
        stage=filters.stage,
        open_only=filters.open,
    )
    return paginate(qs, paging)


def _owner(request: AuthedRequest, owner_id: int | None) -> dict:
    return {"owner": owner_ref(owner_id)} if owner_id is not None else {}


@router.post("/opportunities", response={201: OpportunityOut, **CREATE_ERRORS}, openapi_extra=IDEMPOTENCY)
def opportunity_create_endpoint(
    request: AuthedRequest, payload: OpportunityCreateIn, response: HttpResponse
) -> Status:
    """Open an opportunity on a customer you can see; the probability defaults to the stage's."""

    def create() -> dict:
        customer = customer_ref(request.auth, payload.customer_id)
        data = payload.model_dump(exclude={"customer_id", "owner_id"})
        data.update(_owner(request, payload.owner_id))
        opportunity = opportunity_create(actor=request.auth, customer=customer, data=data)
        _created(response, opportunity, "opportunity_detail", "opportunity_id")
        return OpportunityOut.from_orm(opportunity).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.get(
    "/opportunities/{int:opportunity_id}",
    url_name="opportunity_detail",
    response={200: OpportunityOut, **error_responses(404)},
)
def opportunity_get_endpoint(
    request: AuthedRequest, opportunity_id: int, response: HttpResponse
) -> Opportunity:
    """One opportunity; the ``ETag`` names its version for a later ``If-Match``."""
    opportunity = opportunity_get_for_user(user=request.auth, pk=opportunity_id)
    set_etag(response, opportunity)
    return opportunity


@router.patch("/opportunities/{int:opportunity_id}", response={200: OpportunityOut, **WRITE_ERRORS})
def opportunity_patch_endpoint(
    request: AuthedRequest, opportunity_id: int, payload: OpportunityPatchIn, response: HttpResponse
) -> Opportunity:
    """Change the fields given (the stage changes through ``/move``). Requires ``If-Match``."""
    version = expected_version(request)
    opportunity = opportunity_get_for_user(user=request.auth, pk=opportunity_id)
    data = payload.model_dump(exclude_unset=True, exclude={"owner_id"})
    data.update(_owner(request, payload.owner_id))
    opportunity = opportunity_update(
        actor=request.auth, opportunity=opportunity, data=data, expected_version=version
    )
    set_etag(response, opportunity)
    return opportunity


@router.delete("/opportunities/{int:opportunity_id}", response={204: None, **WRITE_ERRORS})
def opportunity_delete_endpoint(request: AuthedRequest, opportunity_id: int) -> Status:
    """Move an opportunity to the recycle bin. Requires ``If-Match``."""
    version = expected_version(request)
    opportunity = opportunity_get_for_user(user=request.auth, pk=opportunity_id)
    opportunity_delete(actor=request.auth, opportunity=opportunity, expected_version=version)
    return Status(204, None)


@router.post("/opportunities/{int:opportunity_id}/move", response={200: OpportunityOut, **ACTION_ERRORS})
def opportunity_move_endpoint(
    request: AuthedRequest, opportunity_id: int, payload: OpportunityMoveIn, response: HttpResponse
) -> Opportunity:
    """Move to another stage along the stage table. Lost needs ``lost_reason`` (400
    ``lost_reason_required``); a move the table forbids is 400 ``stage_not_allowed``. ``If-Match`` is
    honoured when sent."""
    version = optional_expected_version(request)
    opportunity = opportunity_get_for_user(user=request.auth, pk=opportunity_id)
    try:
        opportunity = opportunity_move(
            actor=request.auth,
            opportunity=opportunity,
            to_stage=payload.stage,
            lost_reason=payload.lost_reason,
            probability=payload.probability,
            expected_version=version,
        )
    except ValidationFailed as error:
        if error.code in ("lost_reason_required", "stage_not_allowed"):
            raise ApiError(400, error.code, str(error.message), dict(error.details)) from error
        raise
    set_etag(response, opportunity)
    return opportunity


@router.get(
    "/opportunities/{int:opportunity_id}/history",
    response={200: list[StageChangeOut], **error_responses(404)},
)
def opportunity_history_endpoint(request: AuthedRequest, opportunity_id: int) -> list[dict]:
    """The stage changes, oldest first, with the seconds spent in each stage (to now for the current one)."""
    opportunity = opportunity_get_for_user(user=request.auth, pk=opportunity_id)
    return [
        {
            "id": row["change"].pk,
            "from_stage": row["change"].from_stage,
            "to_stage": row["change"].to_stage,
            "probability": row["change"].probability,
            "at": row["change"].at,
            "by_id": row["change"].by_id,
            "note": row["change"].note,
            "seconds_in_stage": int(row["duration"].total_seconds()),
        }
        for row in stage_history(opportunity=opportunity)
    ]


@router.get("/forecast", response={200: ForecastOut, **error_responses(422)})
def forecast_endpoint(request: AuthedRequest, query: Query[ForecastQuery]) -> dict:
    """Weighted forecast by month × owner (and by team): amount × probability of the open opportunities you
    can see by expected close month, plus what was won by close month."""
    result = forecast(
        user=request.auth,
        start=query.start or timezone.localdate(),
        months=query.months,
        owner_id=query.owner_id,
        team_id=query.team_id,
    )

    def cells(values: list[dict]) -> list[dict]:
        return [{"month": m, **v} for m, v in zip(result.months, values, strict=True)]

    return {
        "months": result.months,
        "rows": [
            {
                "owner": owner,
                "team_id": owner.team_id,
                "cells": cells([result.cell(m, owner.pk) for m in result.months]),
            }
            for owner in result.owners
        ],
        "teams": [
            {
                "team_id": team.pk,
                "team": team.name,
                "cells": cells(
                    [
                        result.month_total(m, [o.pk for o in result.owners if o.team_id == team.pk])
                        for m in result.months
                    ]
                ),
            }
            for team in result.teams
        ],
        "totals": cells([result.month_total(m) for m in result.months]),
    }


# --- contracts ---------------------------------------------------------------------------------------


def _opportunity_ref(request: AuthedRequest, pk: int | None) -> dict:
    if pk is None:
        return {}
    opportunity = opportunities_visible(request.auth).filter(pk=pk).first()
    if opportunity is None:
        message = _("Opportunity not found.")
        raise ValidationFailed(message, details={"opportunity_id": [message]})
    return {"opportunity": opportunity}


def _contract_out(request: AuthedRequest, pk: int) -> Contract:
    return contract_get_for_user(user=request.auth, pk=pk)


register_conflict_renderer(
    Contract,
    lambda c, user: ContractOut.from_orm(contract_get_for_user(user=user, pk=c.pk)).model_dump(mode="json"),
)


@router.get("/contracts", response={200: Page[ContractOut], **error_responses(422)})
def contract_list_endpoint(
    request: AuthedRequest, filters: Query[ContractListQuery], paging: Query[PageQuery]
) -> dict:
    """Contracts of the customers you can see, ending soonest first, with planned and received totals."""
    qs = contract_list(
        user=request.auth,
        customer_id=filters.customer_id,
        owner_id=filters.owner_id,
        status=filters.status,
        ending_within=filters.ending_within,
    )
    return paginate(qs, paging)


@router.post("/contracts", response={201: ContractOut, **CREATE_ERRORS}, openapi_extra=IDEMPOTENCY)
def contract_create_endpoint(
    request: AuthedRequest, payload: ContractCreateIn, response: HttpResponse
) -> Status:
    """Record a contract of a customer you can see, with its payment plan."""

    def create() -> dict:
        customer = customer_ref(request.auth, payload.customer_id)
        data = payload.model_dump(exclude={"customer_id", "owner_id", "opportunity_id", "plan_items"})
        data.update(_owner(request, payload.owner_id))
        data.update(_opportunity_ref(request, payload.opportunity_id))
        items = [item.model_dump() for item in payload.plan_items]
        contract = contract_create(actor=request.auth, customer=customer, data=data, plan_items=items)
        contract = _contract_out(request, contract.pk)
        _created(response, contract, "contract_detail", "contract_id")
        return ContractOut.from_orm(contract).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.get(
    "/contracts/{int:contract_id}",
    url_name="contract_detail",
    response={200: ContractOut, **error_responses(404)},
)
def contract_get_endpoint(request: AuthedRequest, contract_id: int, response: HttpResponse) -> Contract:
    """One contract with its planned and received totals; the ``ETag`` names its version."""
    contract = _contract_out(request, contract_id)
    set_etag(response, contract)
    return contract


@router.patch("/contracts/{int:contract_id}", response={200: ContractOut, **WRITE_ERRORS})
def contract_patch_endpoint(
    request: AuthedRequest, contract_id: int, payload: ContractPatchIn, response: HttpResponse
) -> Contract:
    """Change the fields given. Requires ``If-Match``."""
    version = expected_version(request)
    contract = _contract_out(request, contract_id)
    data = payload.model_dump(exclude_unset=True, exclude={"owner_id", "opportunity_id"})
    data.update(_owner(request, payload.owner_id))
    if "opportunity_id" in payload.model_fields_set:
        data["opportunity"] = _opportunity_ref(request, payload.opportunity_id).get("opportunity")
    contract_update(actor=request.auth, contract=contract, data=data, expected_version=version)
    contract = _contract_out(request, contract_id)
    set_etag(response, contract)
    return contract


@router.delete("/contracts/{int:contract_id}", response={204: None, **WRITE_ERRORS})
def contract_delete_endpoint(request: AuthedRequest, contract_id: int) -> Status:
    """Move a contract to the recycle bin. Requires ``If-Match``."""
    version = expected_version(request)
    contract_delete(
        actor=request.auth, contract=_contract_out(request, contract_id), expected_version=version
    )
    return Status(204, None)


def _plan_rows(contract: Contract) -> list[dict]:
    position = contract_position(contract=contract)
    return [
        {
            "id": p.item.pk,
            "contract_id": contract.pk,
            "due_on": p.item.due_on,
            "amount": p.item.amount,
            "note": p.item.note,
            "paid": p.paid,
            "outstanding": p.outstanding,
            "overdue": p.overdue,
        }
        for p in position["positions"]
    ]


@router.get(
    "/contracts/{int:contract_id}/plan-items", response={200: list[PlanItemOut], **error_responses(404)}
)
def plan_item_list_endpoint(request: AuthedRequest, contract_id: int) -> list[dict]:
    """The payment plan, each instalment with what was paid of it (payments settle oldest first)."""
    return _plan_rows(_contract_out(request, contract_id))


@router.post(
    "/contracts/{int:contract_id}/plan-items",
    response={201: PlanItemOut, **CREATE_ERRORS},
    openapi_extra=IDEMPOTENCY,
)
def plan_item_create_endpoint(
    request: AuthedRequest, contract_id: int, payload: PlanItemIn, response: HttpResponse
) -> Status:
    """Add an instalment to the contract's payment plan."""

    def create() -> dict:
        contract = _contract_out(request, contract_id)
        item = plan_item_add(actor=request.auth, contract=contract, data=payload.model_dump())
        row = next(r for r in _plan_rows(contract) if r["id"] == item.pk)
        return PlanItemOut(**row).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.delete("/contracts/{int:contract_id}/plan-items/{int:item_id}", response={204: None, **ACTION_ERRORS})
def plan_item_delete_endpoint(request: AuthedRequest, contract_id: int, item_id: int) -> Status:
    """Remove an instalment from the payment plan."""
    plan_item_delete(actor=request.auth, contract=_contract_out(request, contract_id), item_id=item_id)
    return Status(204, None)


@router.get("/contracts/{int:contract_id}/payments", response={200: list[PaymentOut], **error_responses(404)})
def payment_list_endpoint(request: AuthedRequest, contract_id: int) -> list[Payment]:
    """Payments received against the contract, oldest first."""
    return list(_contract_out(request, contract_id).payments.order_by("received_on", "id"))


@router.post(
    "/contracts/{int:contract_id}/payments",
    response={201: PaymentOut, **CREATE_ERRORS},
    openapi_extra=IDEMPOTENCY,
)
def payment_create_endpoint(
    request: AuthedRequest, contract_id: int, payload: PaymentIn, response: HttpResponse
) -> Status:
    """Record money received (not in the future)."""

    def create() -> dict:
        contract = _contract_out(request, contract_id)
        payment = payment_add(actor=request.auth, contract=contract, data=payload.model_dump())
        return PaymentOut.from_orm(payment).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.delete(
    "/contracts/{int:contract_id}/payments/{int:payment_id}", response={204: None, **ACTION_ERRORS}
)
def payment_delete_endpoint(request: AuthedRequest, contract_id: int, payment_id: int) -> Status:
    """Remove a payment recorded by mistake."""
    payment_delete(actor=request.auth, contract=_contract_out(request, contract_id), payment_id=payment_id)
    return Status(204, None)


@router.get("/overdue-payments", response={200: list[OverdueOut]})
def overdue_list_endpoint(request: AuthedRequest, customer_id: int | None = None) -> list[dict]:
    """Instalments due before today and not covered by payments, on contracts you can see."""
    return [
        {
            "contract_id": o.contract.pk,
            "contract_number": o.contract.number,
            "customer_id": o.contract.customer_id,
            "owner_id": o.contract.owner_id,
            "item_id": o.position.item.pk,
            "due_on": o.position.item.due_on,
            "amount": o.position.item.amount,
            "outstanding": o.position.outstanding,
            "days_overdue": o.position.days_overdue,
        }
        for o in overdue_instalments(user=request.auth, customer_id=customer_id)
    ]
