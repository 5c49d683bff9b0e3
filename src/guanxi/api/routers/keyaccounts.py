"""Key accounts: yearly account plans with review and versions, intel reports, referrals."""

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from guanxi.keyaccounts.models import AccountPlan, IntelReport, PlanAction, Referral
from guanxi.keyaccounts.selectors import (
    account_plan_get_for_user,
    account_plan_list,
    account_plan_version_get,
    account_plan_versions,
    intel_report_get_for_user,
    intel_report_list,
    key_person_relationships,
    referral_get_for_user,
    referral_list,
    referrer_report,
)
from guanxi.keyaccounts.services import (
    PLAN_SECTIONS,
    account_plan_approve,
    account_plan_create,
    account_plan_delete,
    account_plan_return,
    account_plan_submit,
    account_plan_update,
    intel_report_create,
    intel_report_delete,
    intel_report_update,
    referral_create,
    referral_delete,
)
from guanxi.people.models import User

from ..auth import AuthedRequest
from ..conditional import expected_version, optional_expected_version, set_etag
from ..errors import register_conflict_renderer
from ..idempotency import OPENAPI as IDEMPOTENCY
from ..idempotency import idempotent_create
from ..pagination import PageQuery, paginate
from ..references import contact_ref, customer_ref, user_ref
from ..schemas.common import Page, error_responses
from ..schemas.keyaccounts import (
    AccountPlanCreateIn,
    AccountPlanIn,
    AccountPlanOut,
    AccountPlanPatchIn,
    AccountPlanSummaryOut,
    IntelListQuery,
    IntelReportIn,
    IntelReportOut,
    PlanListQuery,
    PlanReturnIn,
    PlanVersionOut,
    PlanVersionSummaryOut,
    ReferralIn,
    ReferralListQuery,
    ReferralOut,
    ReferrerRowOut,
)

router = Router(tags=["key accounts"])

WRITE_ERRORS = error_responses(400, 403, 404, 412, 422, 428)
ACTION_ERRORS = error_responses(400, 403, 404, 412, 422)


def _plan_out(plan: AccountPlan) -> dict[str, Any]:
    actions = PlanAction.objects.filter(plan=plan)
    data = AccountPlanSummaryOut.from_orm(plan).model_dump(mode="json")
    data.update({name: getattr(plan, name) for name in (*PLAN_SECTIONS, "review_comment", "approved_by_id")})
    data["swot"] = plan.swot
    data["actions"] = [
        {"what": a.what, "owner_id": a.owner_id, "due_on": a.due_on, "status": a.status} for a in actions
    ]
    data["key_persons"] = key_person_relationships(customer=plan.customer)
    return AccountPlanOut.model_validate(data).model_dump(mode="json")


register_conflict_renderer(AccountPlan, lambda plan, user: _plan_out(plan))
register_conflict_renderer(
    IntelReport, lambda report, user: IntelReportOut.from_orm(report).model_dump(mode="json")
)


def _action_owner(pk: int | None) -> User | None:
    # An unknown or inactive user is refused here; the service refuses the other non-sales owners.
    return None if pk is None else user_ref(pk, "actions")


def _plan_data(payload: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in payload.items() if k not in ("customer_id", "year")}
    if data.get("actions") is not None:
        data["actions"] = [
            {**item, "owner": _action_owner(item.pop("owner_id", None))} for item in data["actions"]
        ]
    elif "actions" in data:
        data.pop("actions")
    if "swot" in data and data["swot"] is None:
        data.pop("swot")
    return data


@router.get("/account-plans", response={200: Page[AccountPlanSummaryOut], **error_responses(422)})
def account_plan_list_endpoint(
    request: AuthedRequest, filters: Query[PlanListQuery], paging: Query[PageQuery]
) -> dict:
    """The account plans you can see: ``mine``, ``team`` (all visible) or ``pending`` (in review)."""
    plans = account_plan_list(
        user=request.auth, scope=filters.scope, year=filters.year, status=filters.status
    )
    return paginate(plans, paging)


@router.post(
    "/account-plans",
    response={201: AccountPlanOut, **error_responses(400, 403, 404, 409, 422)},
    openapi_extra=IDEMPOTENCY,
)
def account_plan_create_endpoint(
    request: AuthedRequest, payload: AccountPlanCreateIn, response: HttpResponse
) -> Status:
    """Start a draft plan for a customer and year (one per customer and year), owned by the customer's owner."""

    def create() -> dict:
        customer = customer_ref(request.auth, payload.customer_id)
        data = _plan_data(payload.model_dump(mode="python"))
        plan = account_plan_create(actor=request.auth, customer=customer, year=payload.year, data=data)
        plan = account_plan_get_for_user(user=request.auth, pk=plan.pk)
        set_etag(response, plan)
        response["Location"] = reverse("api:account_plan_detail", kwargs={"plan_id": plan.pk})
        return _plan_out(plan)

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.get(
    "/account-plans/{int:plan_id}",
    url_name="account_plan_detail",
    response={200: AccountPlanOut, **error_responses(404)},
)
def account_plan_get_endpoint(request: AuthedRequest, plan_id: int, response: HttpResponse) -> dict:
    """One plan with its SWOT, actions and the key persons read live; the ``ETag`` names its version."""
    plan = account_plan_get_for_user(user=request.auth, pk=plan_id)
    set_etag(response, plan)
    return _plan_out(plan)


def _update(request: AuthedRequest, plan_id: int, data: dict[str, Any], response: HttpResponse) -> dict:
    version = expected_version(request)
    plan = account_plan_get_for_user(user=request.auth, pk=plan_id)
    plan = account_plan_update(actor=request.auth, plan=plan, data=_plan_data(data), expected_version=version)
    plan = account_plan_get_for_user(user=request.auth, pk=plan.pk)
    set_etag(response, plan)
    return _plan_out(plan)


@router.put("/account-plans/{int:plan_id}", response={200: AccountPlanOut, **WRITE_ERRORS})
def account_plan_replace_endpoint(
    request: AuthedRequest, plan_id: int, payload: AccountPlanIn, response: HttpResponse
) -> dict:
    """Replace the sections, SWOT and actions. Requires ``If-Match``. After approval only the director may;
    the director's change of an approved plan is kept as a new version."""
    return _update(request, plan_id, payload.model_dump(mode="python"), response)


@router.patch("/account-plans/{int:plan_id}", response={200: AccountPlanOut, **WRITE_ERRORS})
def account_plan_patch_endpoint(
    request: AuthedRequest, plan_id: int, payload: AccountPlanPatchIn, response: HttpResponse
) -> dict:
    """Change only the parts given. Requires ``If-Match``; the same rules as PUT."""
    return _update(request, plan_id, payload.model_dump(mode="python", exclude_unset=True), response)


@router.delete("/account-plans/{int:plan_id}", response={204: None, **WRITE_ERRORS})
def account_plan_delete_endpoint(request: AuthedRequest, plan_id: int) -> Status:
    """Move a plan to the recycle bin (a draft by its authors; otherwise the director). Requires ``If-Match``."""
    version = expected_version(request)
    plan = account_plan_get_for_user(user=request.auth, pk=plan_id)
    account_plan_delete(actor=request.auth, plan=plan, expected_version=version)
    return Status(204, None)


def _act(request: AuthedRequest, plan_id: int, response: HttpResponse, run: Any) -> dict:
    version = optional_expected_version(request)
    plan = account_plan_get_for_user(user=request.auth, pk=plan_id)
    run(plan, version)
    plan = account_plan_get_for_user(user=request.auth, pk=plan_id)
    set_etag(response, plan)
    return _plan_out(plan)


@router.post("/account-plans/{int:plan_id}/submit", response={200: AccountPlanOut, **ACTION_ERRORS})
def account_plan_submit_endpoint(request: AuthedRequest, plan_id: int, response: HttpResponse) -> dict:
    """Send a draft to the director for review (``If-Match`` honoured when sent)."""
    return _act(
        request,
        plan_id,
        response,
        lambda p, v: account_plan_submit(actor=request.auth, plan=p, expected_version=v),
    )


@router.post("/account-plans/{int:plan_id}/approve", response={200: AccountPlanOut, **ACTION_ERRORS})
def account_plan_approve_endpoint(request: AuthedRequest, plan_id: int, response: HttpResponse) -> dict:
    """Approve a plan in review (the director only)."""
    return _act(
        request,
        plan_id,
        response,
        lambda p, v: account_plan_approve(actor=request.auth, plan=p, expected_version=v),
    )


@router.post("/account-plans/{int:plan_id}/return", response={200: AccountPlanOut, **ACTION_ERRORS})
def account_plan_return_endpoint(
    request: AuthedRequest, plan_id: int, payload: PlanReturnIn, response: HttpResponse
) -> dict:
    """Return a plan in review to draft with a comment (the director only)."""
    return _act(
        request,
        plan_id,
        response,
        lambda p, v: account_plan_return(
            actor=request.auth, plan=p, comment=payload.comment, expected_version=v
        ),
    )


@router.get(
    "/account-plans/{int:plan_id}/versions",
    response={200: list[PlanVersionSummaryOut], **error_responses(404)},
)
def account_plan_versions_endpoint(request: AuthedRequest, plan_id: int) -> list:
    """Every saved version of the plan, newest first."""
    plan = account_plan_get_for_user(user=request.auth, pk=plan_id)
    return list(account_plan_versions(plan=plan))


@router.get(
    "/account-plans/{int:plan_id}/versions/{int:number}",
    response={200: PlanVersionOut, **error_responses(404)},
)
def account_plan_version_endpoint(request: AuthedRequest, plan_id: int, number: int) -> Any:
    """One saved version: the whole plan as it was, with the key-person relationships of that day."""
    plan = account_plan_get_for_user(user=request.auth, pk=plan_id)
    return account_plan_version_get(plan=plan, number=number)


# --- intel reports -----------------------------------------------------------------------------------


def _intel_data(user: User, payload: IntelReportIn) -> dict[str, Any]:
    data = payload.model_dump(exclude={"customer_id"})
    if data.get("reported_on") is None:
        data.pop("reported_on", None)
    data["customer"] = customer_ref(user, payload.customer_id) if payload.customer_id is not None else None
    return data


@router.get("/intel-reports", response={200: Page[IntelReportOut], **error_responses(422)})
def intel_list_endpoint(
    request: AuthedRequest, filters: Query[IntelListQuery], paging: Query[PageQuery]
) -> dict:
    """Intel reports you can see (your customers' and the market's), newest first."""
    reports = intel_report_list(
        user=request.auth,
        source_level=filters.source_level,
        importance=filters.importance,
        customer_id=filters.customer_id,
    )
    return paginate(reports, paging)


@router.post(
    "/intel-reports",
    response={201: IntelReportOut, **error_responses(400, 403, 409, 422)},
    openapi_extra=IDEMPOTENCY,
)
def intel_create_endpoint(request: AuthedRequest, payload: IntelReportIn, response: HttpResponse) -> Status:
    """File an intel report; a major one notifies every director at once."""

    def create() -> dict:
        report = intel_report_create(actor=request.auth, data=_intel_data(request.auth, payload))
        set_etag(response, report)
        response["Location"] = reverse("api:intel_report_detail", kwargs={"report_id": report.pk})
        return IntelReportOut.from_orm(report).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.get(
    "/intel-reports/{int:report_id}",
    url_name="intel_report_detail",
    response={200: IntelReportOut, **error_responses(404)},
)
def intel_get_endpoint(request: AuthedRequest, report_id: int, response: HttpResponse) -> IntelReport:
    """One intel report; the ``ETag`` names its version for a later ``If-Match``."""
    report = intel_report_get_for_user(user=request.auth, pk=report_id)
    set_etag(response, report)
    return report


@router.put("/intel-reports/{int:report_id}", response={200: IntelReportOut, **WRITE_ERRORS})
def intel_replace_endpoint(
    request: AuthedRequest, report_id: int, payload: IntelReportIn, response: HttpResponse
) -> IntelReport:
    """Correct a report (its author or the director). Requires ``If-Match``."""
    version = expected_version(request)
    report = intel_report_get_for_user(user=request.auth, pk=report_id)
    report = intel_report_update(
        actor=request.auth, report=report, data=_intel_data(request.auth, payload), expected_version=version
    )
    set_etag(response, report)
    return report


@router.delete("/intel-reports/{int:report_id}", response={204: None, **WRITE_ERRORS})
def intel_delete_endpoint(request: AuthedRequest, report_id: int) -> Status:
    """Move a report to the recycle bin (its author or the director). Requires ``If-Match``."""
    version = expected_version(request)
    report = intel_report_get_for_user(user=request.auth, pk=report_id)
    intel_report_delete(actor=request.auth, report=report, expected_version=version)
    return Status(204, None)


# --- referrals ---------------------------------------------------------------------------------------


@router.get("/referrals", response={200: Page[ReferralOut], **error_responses(422)})
def referral_list_endpoint(
    request: AuthedRequest, filters: Query[ReferralListQuery], paging: Query[PageQuery]
) -> dict:
    """Who referred whom, among the customers you can see."""
    return paginate(referral_list(user=request.auth, customer_id=filters.customer_id), paging)


@router.get("/referrals/report", response={200: list[ReferrerRowOut]})
def referrer_report_endpoint(request: AuthedRequest) -> list:
    """Per referrer: how many customers it brought us and their order revenue."""
    return referrer_report(user=request.auth)


@router.post(
    "/referrals",
    response={201: ReferralOut, **error_responses(400, 403, 409, 422)},
    openapi_extra=IDEMPOTENCY,
)
def referral_create_endpoint(request: AuthedRequest, payload: ReferralIn, response: HttpResponse) -> Status:
    """Record that one customer (optionally one of its contacts) referred another."""

    def create() -> dict:
        data: dict[str, Any] = {
            "referrer": customer_ref(request.auth, payload.referrer_id, "referrer_id"),
            "referred": customer_ref(request.auth, payload.referred_id, "referred_id"),
            "note": payload.note,
            "referred_on": payload.referred_on,
        }
        if payload.referrer_contact_id is not None:
            data["referrer_contact"] = contact_ref(
                request.auth, payload.referrer_contact_id, "referrer_contact_id"
            )
        referral = referral_create(actor=request.auth, data=data)
        referral = referral_get_for_user(user=request.auth, pk=referral.pk)
        set_etag(response, referral)
        return ReferralOut.from_orm(referral).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.delete("/referrals/{int:referral_id}", response={204: None, **WRITE_ERRORS})
def referral_delete_endpoint(request: AuthedRequest, referral_id: int) -> Status:
    """Move a referral to the recycle bin. Requires ``If-Match``."""
    version = expected_version(request)
    referral: Referral = referral_get_for_user(user=request.auth, pk=referral_id)
    referral_delete(actor=request.auth, referral=referral, expected_version=version)
    return Status(204, None)
