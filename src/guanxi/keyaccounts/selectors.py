"""Scoped reads of account plans, intel reports and referrals.

Everything is scoped through the customer it is about (``guanxi.governance.scope``); an intel report
about the market as a whole belongs to no customer and is shared with every member of the sales side.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum

from guanxi.core.errors import NotFound
from guanxi.customers.models import Contact, Counterpart, Customer
from guanxi.governance.scope import customer_q, visible
from guanxi.people.models import Role
from guanxi.sales import stages
from guanxi.sales.models import Opportunity, Order

from .models import AccountPlan, AccountPlanVersion, IntelReport, PlanStatus, Referral

PLAN_SCOPES = ("mine", "team", "pending")
CENT = Decimal("0.01")


# --- account plans -----------------------------------------------------------------------------------


def plans_visible(user: Any) -> QuerySet[AccountPlan]:
    """Plans of live customers the user may see (a customer in the recycle bin hides its plans)."""
    return visible(AccountPlan.objects.filter(customer__deleted_at__isnull=True), user, via="customer")


def account_plan_list(
    *, user: Any, scope: str = "team", year: int | None = None, status: str = ""
) -> QuerySet[AccountPlan]:
    """Return the plans ``user`` may see: ``mine`` (they own), ``team`` (all visible), ``pending`` (in review)."""
    plans = plans_visible(user).select_related("customer", "owner", "owner__team", "approved_by")
    if scope == "mine":
        plans = plans.filter(owner_id=user.pk)
    elif scope == "pending":
        plans = plans.filter(status=PlanStatus.IN_REVIEW)
    if year is not None:
        plans = plans.filter(year=year)
    if status:
        plans = plans.filter(status=status)
    return plans.order_by("-year", "customer__name", "pk")


def account_plan_get_for_user(*, user: Any, pk: Any) -> AccountPlan:
    """Return one plan the user may see; NotFound otherwise (never a hint that it exists)."""
    plan = (
        plans_visible(user)
        .select_related("customer", "owner", "approved_by", "updated_by")
        .prefetch_related(Prefetch("actions", to_attr="action_rows"))
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise NotFound("Account plan not found.")
    return plan


def account_plan_versions(*, plan: AccountPlan) -> QuerySet[AccountPlanVersion]:
    return AccountPlanVersion.objects.filter(plan=plan).select_related("author").defer("snapshot")


def account_plan_version_get(*, plan: AccountPlan, number: Any) -> AccountPlanVersion:
    version = AccountPlanVersion.objects.filter(plan=plan, number=number).select_related("author").first()
    if version is None:
        raise NotFound("Version not found.")
    return version


def key_person_relationships(*, customer: Customer) -> list[dict[str, Any]]:
    """Return the customer's key persons, most influential first, with which of our people holds each
    relationship and how closely — read live from the archive (the contacts and their counterparts)."""
    contacts = (
        Contact.objects.filter(customer=customer)
        .filter(Q(decision_weight__isnull=False) | ~Q(decision_role="") | Q(counterparts__isnull=False))
        .distinct()
        .prefetch_related(
            Prefetch(
                "counterparts", queryset=Counterpart.objects.select_related("user").order_by("user__username")
            )
        )
        .order_by("-decision_weight", "name")
    )
    rows = []
    for contact in contacts:
        rows.append(
            {
                "contact_id": contact.pk,
                "name": contact.name,
                "title": contact.title,
                "decision_role": contact.get_decision_role_display() if contact.decision_role else "",
                "decision_weight": contact.decision_weight,
                "relationship": contact.get_relationship_status_display(),
                "counterparts": [
                    {"user": str(c.user), "closeness": c.get_closeness_display()}
                    for c in contact.counterparts.all()
                ],
            }
        )
    return rows


# --- intel reports -----------------------------------------------------------------------------------


def _intel_q(user: Any) -> Q:
    """Reports about a visible customer, and market reports for everybody on the sales side."""
    condition = customer_q(user, via="customer")
    if user is None or not user.is_authenticated or not user.is_active or user.role == Role.ADMIN:
        return condition
    if not condition:  # everything visible already; OR-ing with an empty Q would narrow it
        return condition
    return condition | Q(customer__isnull=True)


def intel_reports_visible(user: Any) -> QuerySet[IntelReport]:
    live = Q(customer__isnull=True) | Q(customer__deleted_at__isnull=True)
    return IntelReport.objects.filter(live).filter(_intel_q(user))


def intel_report_list(
    *,
    user: Any,
    source_level: int | None = None,
    importance: str = "",
    customer_id: int | None = None,
) -> QuerySet[IntelReport]:
    """Return the intel reports ``user`` may see, newest first, optionally filtered."""
    reports = intel_reports_visible(user).select_related("customer", "reported_by")
    if source_level is not None:
        reports = reports.filter(source_level=source_level)
    if importance:
        reports = reports.filter(importance=importance)
    if customer_id is not None:
        reports = reports.filter(customer_id=customer_id)
    return reports.order_by("-reported_on", "-pk")


def intel_report_get_for_user(*, user: Any, pk: Any) -> IntelReport:
    report = intel_reports_visible(user).select_related("customer", "reported_by").filter(pk=pk).first()
    if report is None:
        raise NotFound("Intel report not found.")
    return report


# --- referrals ---------------------------------------------------------------------------------------


def referrals_visible(user: Any) -> QuerySet[Referral]:
    """Referrals whose referred customer the user may see (the referrer's name is then no secret)."""
    live = Referral.objects.filter(referred__deleted_at__isnull=True, referrer__deleted_at__isnull=True)
    return visible(live, user, via="referred")


def referral_list(*, user: Any, customer_id: int | None = None) -> QuerySet[Referral]:
    """Return the visible referrals, newest first; ``customer_id`` keeps those made or received by it."""
    referrals = referrals_visible(user).select_related("referrer", "referrer_contact", "referred")
    if customer_id is not None:
        referrals = referrals.filter(Q(referrer_id=customer_id) | Q(referred_id=customer_id))
    return referrals.order_by("-referred_on", "-pk")


def referral_get_for_user(*, user: Any, pk: Any) -> Referral:
    referral = referral_list(user=user).filter(pk=pk).first()
    if referral is None:
        raise NotFound("Referral not found.")
    return referral


def referrer_report(*, user: Any) -> list[dict[str, Any]]:
    """Return per referrer: how many customers it brought, what they have ordered and won deals (three queries).

    The value is the order revenue of the referred customers (live orders, any date); ``won_amount`` adds
    up their won opportunities, shown beside it (a won deal usually becomes orders, so never summed).
    """
    pairs = list(
        referrals_visible(user)
        .values_list("referrer_id", "referrer__name", "referred_id")
        .order_by("referrer_id")
    )
    referred_ids = {referred for _, _, referred in pairs}
    revenue = dict(
        Order.objects.filter(customer_id__in=referred_ids)
        .values_list("customer_id")
        .annotate(total=Sum("amount"))
        .values_list("customer_id", "total")
    )
    won = dict(
        Opportunity.objects.filter(customer_id__in=referred_ids, stage=stages.WON)
        .values_list("customer_id")
        .annotate(total=Sum("amount"))
        .values_list("customer_id", "total")
    )
    rows: dict[int, dict[str, Any]] = defaultdict(dict)
    for referrer_id, name, referred_id in pairs:
        row = rows[referrer_id]
        row.setdefault("referrer_id", referrer_id)
        row.setdefault("referrer_name", name)
        row["count"] = row.get("count", 0) + 1
        row["value"] = row.get("value", Decimal("0")) + (revenue.get(referred_id) or Decimal("0"))
        row["won_amount"] = row.get("won_amount", Decimal("0")) + (won.get(referred_id) or Decimal("0"))
    for row in rows.values():
        row["value"] = row["value"].quantize(CENT)
        row["won_amount"] = row["won_amount"].quantize(CENT)
    return sorted(rows.values(), key=lambda r: (-r["value"], -r["count"], r["referrer_name"]))


# --- the customer page -------------------------------------------------------------------------------


def customer_key_account_panel(*, user: Any, customer: Customer) -> dict[str, Any]:
    """What the customer page shows of this area: its plans, latest intel and referrals (fixed queries)."""
    return {
        "plans": list(
            plans_visible(user).filter(customer=customer).order_by("-year").only("pk", "year", "status")[:3]
        ),
        "intel": list(intel_report_list(user=user, customer_id=customer.pk)[:3]),
        "intel_count": intel_reports_visible(user).filter(customer=customer).count(),
        "referrals": list(referral_list(user=user, customer_id=customer.pk)[:5]),
    }
