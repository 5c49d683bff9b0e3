"""Visit plans (拜访计划): plans, their visits, approval actions, visit reports and compliance."""

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.errors import PermissionDenied
from guanxi.people.models import Role
from guanxi.visits import selectors, services
from guanxi.visits.models import VisitPlan, VisitPlanItem, VisitReport

from ..auth import AuthedRequest
from ..conditional import expected_version, optional_expected_version, set_etag
from ..errors import register_conflict_renderer
from ..idempotency import OPENAPI as IDEMPOTENCY
from ..idempotency import idempotent_create
from ..pagination import PageQuery, paginate
from ..references import contacts_ref, customer_ref
from ..schemas.common import Page, error_responses
from ..schemas.visits import (
    ComplianceOut,
    ComplianceQuery,
    ItemIn,
    ItemOut,
    ItemPatchIn,
    PlanCreateIn,
    PlanDecisionIn,
    PlanDetailOut,
    PlanOut,
    ReportIn,
    ReportOut,
    VisitPlanListQuery,
)

router = Router(tags=["visit plans"])

register_conflict_renderer(VisitPlan, lambda plan, user: PlanOut.from_orm(plan).model_dump(mode="json"))
register_conflict_renderer(VisitPlanItem, lambda item, user: ItemOut.from_orm(item).model_dump(mode="json"))

WRITE_ERRORS = error_responses(400, 403, 404, 412, 422, 428)
ACTION_ERRORS = error_responses(400, 403, 404, 412, 422)


@router.get("/visit-plans", response={200: Page[PlanOut], **error_responses(422)})
def visit_plan_list_endpoint(
    request: AuthedRequest, filters: Query[VisitPlanListQuery], paging: Query[PageQuery]
) -> dict:
    """The plans you may see: yours; a manager also their team's; the director all. Newest month first."""
    plans = selectors.plan_list(
        user=request.auth, month=filters.month.replace(day=1) if filters.month else None
    )
    if filters.owner_id is not None:
        plans = plans.filter(owner_id=filters.owner_id)
    if filters.status:
        plans = plans.filter(status=filters.status)
    return paginate(plans, paging)


@router.post(
    "/visit-plans",
    response={201: PlanDetailOut, **error_responses(400, 403, 409, 422)},
    openapi_extra=IDEMPOTENCY,
)
def visit_plan_create_endpoint(
    request: AuthedRequest, payload: PlanCreateIn, response: HttpResponse
) -> Status:
    """Start your plan for a month (one per month)."""

    def create() -> dict:
        plan = services.plan_create(actor=request.auth, month=payload.month)
        set_etag(response, plan)
        response["Location"] = f"/api/v1/visit-plans/{plan.pk}"
        return PlanDetailOut.from_orm(plan).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.get("/visit-plans/{int:plan_id}", response={200: PlanDetailOut, **error_responses(404)})
def visit_plan_get_endpoint(request: AuthedRequest, plan_id: int, response: HttpResponse) -> VisitPlan:
    """One plan with its visits and history; the ``ETag`` names its version."""
    plan = selectors.plan_get(user=request.auth, plan_id=plan_id)
    set_etag(response, plan)
    return plan


def _action(request: AuthedRequest, plan_id: int, response: HttpResponse, run: Any) -> VisitPlan:
    version = optional_expected_version(request)
    plan = selectors.plan_get(user=request.auth, plan_id=plan_id)
    plan = run(plan, version)
    set_etag(response, plan)
    return plan


@router.post("/visit-plans/{int:plan_id}/submit", response={200: PlanDetailOut, **ACTION_ERRORS})
def visit_plan_submit_endpoint(request: AuthedRequest, plan_id: int, response: HttpResponse) -> VisitPlan:
    """Hand a draft or returned plan (with at least one visit) to your manager."""
    return _action(
        request,
        plan_id,
        response,
        lambda p, v: services.plan_submit(actor=request.auth, plan=p, expected_version=v),
    )


@router.post("/visit-plans/{int:plan_id}/approve", response={200: PlanDetailOut, **ACTION_ERRORS})
def visit_plan_approve_endpoint(
    request: AuthedRequest, plan_id: int, payload: PlanDecisionIn, response: HttpResponse
) -> VisitPlan:
    """Approve a submitted plan of your rep: each visit becomes a task on its date."""
    return _action(
        request,
        plan_id,
        response,
        lambda p, v: services.plan_approve(
            actor=request.auth, plan=p, comment=payload.comment, expected_version=v
        ),
    )


@router.post("/visit-plans/{int:plan_id}/return", response={200: PlanDetailOut, **ACTION_ERRORS})
def visit_plan_return_endpoint(
    request: AuthedRequest, plan_id: int, payload: PlanDecisionIn, response: HttpResponse
) -> VisitPlan:
    """Send a submitted plan back to the rep; ``comment`` is required."""
    return _action(
        request,
        plan_id,
        response,
        lambda p, v: services.plan_return(
            actor=request.auth, plan=p, comment=payload.comment, expected_version=v
        ),
    )


@router.post("/visit-plans/{int:plan_id}/close", response={200: PlanDetailOut, **ACTION_ERRORS})
def visit_plan_close_endpoint(request: AuthedRequest, plan_id: int, response: HttpResponse) -> VisitPlan:
    """Close an approved plan; visits not made are no longer expected."""
    return _action(
        request,
        plan_id,
        response,
        lambda p, v: services.plan_close(actor=request.auth, plan=p, expected_version=v),
    )


# --- planned visits ----------------------------------------------------------------------------------


@router.post(
    "/visit-plans/{int:plan_id}/items",
    response={201: ItemOut, **error_responses(400, 403, 404, 409, 422)},
    openapi_extra=IDEMPOTENCY,
)
def visit_item_create_endpoint(
    request: AuthedRequest, plan_id: int, payload: ItemIn, response: HttpResponse
) -> Status:
    """Add a visit to your draft or returned plan."""
    plan = selectors.plan_get(user=request.auth, plan_id=plan_id)

    def create() -> dict:
        data = payload.model_dump(exclude={"customer_id", "contact_ids"})
        item = services.item_add(
            actor=request.auth,
            plan=plan,
            customer=customer_ref(request.auth, payload.customer_id),
            data=data,
            contacts=contacts_ref(request.auth, payload.contact_ids),
        )
        set_etag(response, item)
        response["Location"] = f"/api/v1/visit-items/{item.pk}"
        return ItemOut.from_orm(item).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.get("/visit-items/{int:item_id}", response={200: ItemOut, **error_responses(404)})
def visit_item_get_endpoint(request: AuthedRequest, item_id: int, response: HttpResponse) -> VisitPlanItem:
    """One planned visit; the ``ETag`` names its version for a later ``If-Match``."""
    item = selectors.item_get(user=request.auth, item_id=item_id)
    set_etag(response, item)
    return item


@router.patch("/visit-items/{int:item_id}", response={200: ItemOut, **WRITE_ERRORS})
def visit_item_patch_endpoint(
    request: AuthedRequest, item_id: int, payload: ItemPatchIn, response: HttpResponse
) -> VisitPlanItem:
    """Change a visit of your draft or returned plan. Requires ``If-Match``."""
    version = expected_version(request)
    item = selectors.item_get(user=request.auth, item_id=item_id)
    data = payload.model_dump(exclude_unset=True)
    contact_ids = data.pop("contact_ids", None)
    customer_id = data.pop("customer_id", None)
    if customer_id is not None:
        data["customer"] = customer_ref(request.auth, customer_id)
    contacts = contacts_ref(request.auth, contact_ids) if contact_ids is not None else None
    item = services.item_update(
        actor=request.auth, item=item, data=data, contacts=contacts, expected_version=version
    )
    set_etag(response, item)
    return item


@router.delete("/visit-items/{int:item_id}", response={204: None, **WRITE_ERRORS})
def visit_item_delete_endpoint(request: AuthedRequest, item_id: int) -> Status:
    """Remove a visit from your draft or returned plan. Requires ``If-Match``."""
    version = expected_version(request)
    item = selectors.item_get(user=request.auth, item_id=item_id)
    services.item_remove(actor=request.auth, item=item, expected_version=version)
    return Status(204, None)


# --- reports -------------------------------------------------------------------------------------------


@router.post(
    "/visit-items/{int:item_id}/report",
    response={201: ReportOut, **error_responses(400, 403, 404, 409, 422)},
    openapi_extra=IDEMPOTENCY,
)
def visit_report_create_endpoint(
    request: AuthedRequest, item_id: int, payload: ReportIn, response: HttpResponse
) -> Status:
    """File the report of a visit of your approved plan: logs a face-to-face interaction, turns the
    commitments into tasks; on time when filed within 24 hours of ``visited_at``."""
    item = selectors.item_get(user=request.auth, item_id=item_id)

    def create() -> dict:
        report = services.report_file(
            actor=request.auth,
            item=item,
            data=payload.model_dump(exclude={"commitments"}),
            commitments=[services.Commitment(c.title, c.due_on) for c in payload.commitments],
        )
        return ReportOut.from_orm(report).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.get("/visit-items/{int:item_id}/report", response={200: ReportOut, **error_responses(404)})
def visit_report_get_endpoint(request: AuthedRequest, item_id: int) -> VisitReport:
    """The report filed for a visit (404 while none is filed)."""
    return selectors.report_get(user=request.auth, item_id=item_id)


@router.get("/visit-compliance", response={200: ComplianceOut, **error_responses(403, 422)})
def visit_compliance_endpoint(request: AuthedRequest, query: Query[ComplianceQuery]) -> dict:
    """Per rep you may see: the month's approved visits planned, done, reported on time and late."""
    if request.auth.role not in (Role.MANAGER, Role.DIRECTOR, Role.ARCHIVIST):
        raise PermissionDenied(_("Only managers see plan compliance."))
    month = (query.month or timezone.localdate()).replace(day=1)
    now = timezone.localtime()
    rows = selectors.compliance(user=request.auth, month=month, now=now)
    return {
        "month": month,
        "rows": [
            {
                "rep": row.rep,
                "plan_id": row.plan.pk if row.plan else None,
                "plan_status": row.plan.status if row.plan else "",
                "planned": row.planned,
                "done": row.done,
                "reported_on_time": row.reported_on_time,
                "reported_late": row.reported_late,
                "missing": row.missing,
            }
            for row in rows
        ],
        "late_item_ids": list(
            selectors.late_items(user=request.auth, month=month, now=now).values_list("pk", flat=True)
        ),
    }
