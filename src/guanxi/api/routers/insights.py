"""Customer value (SPEC §3): per-customer figures and the dashboards' aggregates, scoped like the web."""

from decimal import Decimal
from typing import Any

from ninja import Query, Router

from guanxi.customers.selectors import customer_get_for_user
from guanxi.insights import selectors

from ..auth import AuthedRequest
from ..schemas.common import error_responses
from ..schemas.insights import (
    ChurnQuery,
    ChurnRow,
    CustomerInsightsOut,
    FlowQuery,
    FlowRow,
    MonthRow,
    ProductRow,
    RevenueQuery,
    RevenueRow,
    ScopeQuery,
    SegmentRow,
    ValueSummaryOut,
)

router = Router(tags=["insights"])

FIGURE_SKIP = {
    "id",
    "customer",
    "customer_id",
    "grade",
    "grade_reason",
    "customer_lifecycle_stage",
    "lifecycle_stage_locked",
}


@router.get("/customers/{customer_id}/insights", response={200: CustomerInsightsOut, **error_responses(404)})
def customer_insights_endpoint(request: AuthedRequest, customer_id: int) -> dict[str, Any]:
    """One customer's value figures with their reasons, the next best action and cross-sell suggestions."""
    user = request.auth
    action = selectors.next_best_action(user=user, customer_id=customer_id)  # 404 when hidden
    facts = selectors.customer_insights(user=user, customer_id=customer_id)
    cross_sell = selectors.cross_sell_for(user=user, customer_id=customer_id)
    customer = customer_get_for_user(user=user, pk=customer_id)
    figures = None
    if facts is not None:
        figures = {
            k: (float(v) if isinstance(v, Decimal) else v) for k, v in facts.items() if k not in FIGURE_SKIP
        }
    return {
        "customer_id": customer.pk,
        "as_of": facts["as_of"] if facts else None,
        "grade": customer.grade,
        "grade_reason": customer.grade_reason,
        "lifecycle_stage": customer.lifecycle_stage,
        "lifecycle_stage_locked": customer.lifecycle_stage_locked,
        "figures": figures,
        "next_action": action,
        "cross_sell": cross_sell,
    }


def _day(scope: ScopeQuery) -> Any:
    return scope.as_of or selectors.latest_as_of()


@router.get("/insights/summary", response={200: ValueSummaryOut, **error_responses(422)})
def insights_summary_endpoint(request: AuthedRequest, scope: Query[ScopeQuery]) -> dict[str, Any]:
    """Customers by value group, revenue class, suggested grade, value-score bucket and lifecycle stage."""
    kw = {"user": request.auth, "as_of": _day(scope), "owner_id": scope.owner_id}
    distribution = selectors.value_distribution(**kw)
    return {
        "as_of": kw["as_of"],
        **distribution,
        "value_scores": selectors.value_score_histogram(**kw),
        "lifecycle_stages": selectors.lifecycle_counts(**kw),
    }


@router.get("/insights/segments", response={200: list[SegmentRow], **error_responses(422)})
def insights_segments_endpoint(request: AuthedRequest, scope: Query[ScopeQuery]) -> list[dict[str, Any]]:
    """Customers, window revenue and 12-month CLV per RFM segment."""
    return selectors.segment_sizes(user=request.auth, as_of=_day(scope), owner_id=scope.owner_id)


@router.get("/insights/segment-flows", response={200: list[FlowRow], **error_responses(422)})
def insights_flows_endpoint(request: AuthedRequest, query: Query[FlowQuery]) -> list[dict[str, Any]]:
    """Customers per (segment on ``from_as_of``, segment on ``to_as_of``); "" = no snapshot then."""
    to_day = query.to_as_of or selectors.latest_as_of()
    if to_day is None:
        return []
    return selectors.segment_flows(
        user=request.auth, from_as_of=query.from_as_of, to_as_of=to_day, owner_id=query.owner_id
    )


@router.get("/insights/churn-risk", response={200: list[ChurnRow], **error_responses(422)})
def insights_churn_endpoint(request: AuthedRequest, query: Query[ChurnQuery]) -> list[dict[str, Any]]:
    """Valuable customers (high value or revenue class A) lowest P(alive) first, with its inputs."""
    return selectors.churn_risk_list(
        user=request.auth, as_of=_day(query), limit=query.limit, owner_id=query.owner_id
    )


@router.get("/insights/revenue", response={200: list[RevenueRow], **error_responses(422)})
def insights_revenue_endpoint(request: AuthedRequest, query: Query[RevenueQuery]) -> list[dict[str, Any]]:
    """Window and total revenue with customers by grade, industry or region."""
    return selectors.revenue_by(
        user=request.auth, dimension=query.dimension, as_of=_day(query), owner_id=query.owner_id
    )


@router.get("/insights/products", response={200: list[ProductRow], **error_responses(422)})
def insights_products_endpoint(request: AuthedRequest, scope: Query[ScopeQuery]) -> list[dict[str, Any]]:
    """Product ABC over the visible customers' order lines: volume, profit and potential classes."""
    return selectors.product_abc(user=request.auth, as_of=_day(scope), owner_id=scope.owner_id)


@router.get("/insights/revenue-by-month", response={200: list[MonthRow], **error_responses(422)})
def insights_months_endpoint(request: AuthedRequest, scope: Query[ScopeQuery]) -> list[dict[str, Any]]:
    """Order revenue and buying customers per calendar month, the 24 months up to ``as_of``."""
    return selectors.revenue_by_month(user=request.auth, as_of=_day(scope), owner_id=scope.owner_id)
