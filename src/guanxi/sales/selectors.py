"""Reads of products and orders. Orders are customer data: always through the visibility scope."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound
from guanxi.core.validators import to_halfwidth
from guanxi.customers.models import Customer
from guanxi.governance.scope import visible
from guanxi.people.models import Team, User

from . import stages
from .models import Opportunity, Order, OrderLine, Product, StageChange


def orders_visible(user: Any) -> QuerySet[Order]:
    """Return the live orders of live customers ``user`` may see."""
    return visible(Order.objects.filter(customer__deleted_at__isnull=True), user, via="customer")


def order_list(
    *,
    user: Any,
    customer_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Order]:
    """Return visible orders, newest first, with customer and lines loaded (a fixed number of queries)."""
    qs = orders_visible(user)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if date_from is not None:
        qs = qs.filter(ordered_on__gte=date_from)
    if date_to is not None:
        qs = qs.filter(ordered_on__lte=date_to)
    lines = Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("id"))
    return qs.select_related("customer").prefetch_related(lines).order_by("-ordered_on", "-id")


def order_get_for_user(*, user: Any, pk: Any) -> Order:
    """Return an order of a customer the user may see, or raise NotFound (hidden and missing look alike)."""
    try:
        return orders_visible(user).select_related("customer").get(pk=int(pk))
    except (Order.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Order not found.")) from exc


def customer_purchase_summary(*, user: Any, customer_id: int) -> dict[str, Any]:
    """Return a customer's order count, total, first and last order date (one query)."""
    summary = (
        orders_visible(user)
        .filter(customer_id=customer_id)
        .aggregate(orders=Count("id"), total=Sum("amount"), first=Min("ordered_on"), last=Max("ordered_on"))
    )
    return summary


def product_list(*, q: str = "", category: str = "") -> QuerySet[Product]:
    """Return live products matching a code or name fragment. The catalogue is not customer data."""
    qs = Product.objects.all()
    text = to_halfwidth(q).strip()[:60]
    if text:
        qs = qs.filter(Q(code__icontains=text) | Q(name__contains=text))
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("code")


def product_get(*, pk: Any) -> Product:
    try:
        return Product.objects.get(pk=int(pk))
    except (Product.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Product not found.")) from exc


# --- opportunities -----------------------------------------------------------------------------------

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


def opportunities_visible(user: Any) -> QuerySet[Opportunity]:
    """Return the live opportunities on live customers ``user`` may see."""
    return visible(Opportunity.objects.filter(customer__deleted_at__isnull=True), user, via="customer")


def opportunity_get_for_user(*, user: Any, pk: Any) -> Opportunity:
    """Return a visible opportunity or raise NotFound (hidden and missing look alike)."""
    try:
        return opportunities_visible(user).select_related("customer", "owner", "renewal_of").get(pk=int(pk))
    except (Opportunity.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Opportunity not found.")) from exc


def _owner_filter(
    qs: QuerySet, *, owner_id: int | None, team_id: int | None, field: str = "owner"
) -> QuerySet:
    if owner_id is not None:
        qs = qs.filter(**{f"{field}_id": owner_id})
    if team_id is not None:
        team = Team.objects.filter(pk=team_id).first()
        qs = qs.filter(**{f"{field}__team__path__startswith": team.path}) if team else qs.none()
    return qs


def opportunity_list(
    *,
    user: Any,
    owner_id: int | None = None,
    team_id: int | None = None,
    customer_id: int | None = None,
    stage: str = "",
    open_only: bool = False,
) -> QuerySet[Opportunity]:
    """Return visible opportunities with customer and owner loaded, by expected close date."""
    qs = _owner_filter(opportunities_visible(user), owner_id=owner_id, team_id=team_id)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if stage:
        qs = qs.filter(stage=stage)
    if open_only:
        qs = qs.filter(stage__in=stages.OPEN_CODES)
    return qs.select_related("customer", "owner").order_by(F("expected_close_on").asc(nulls_last=True), "id")


@dataclass
class BoardColumn:
    stage: stages.Stage
    cards: list[Opportunity]
    total: Decimal
    weighted: Decimal


def opportunity_board(
    *,
    user: Any,
    owner_id: int | None = None,
    team_id: int | None = None,
    closed_since: datetime.date | None = None,
) -> list[BoardColumn]:
    """Return one column per stage: open opportunities, and won/lost ones closed since ``closed_since``
    (default: the last 30 days). One query whatever the number of cards."""
    since = closed_since or (timezone.localdate() - datetime.timedelta(days=30))
    qs = opportunity_list(user=user, owner_id=owner_id, team_id=team_id).filter(
        Q(stage__in=stages.OPEN_CODES) | Q(closed_on__gte=since)
    )
    by_stage: dict[str, list[Opportunity]] = defaultdict(list)
    for opportunity in qs:
        by_stage[opportunity.stage].append(opportunity)
    columns = []
    for stage in stages.STAGES:
        cards = by_stage.get(stage.code, [])
        total = sum((c.amount for c in cards), Decimal("0"))
        weighted = sum((c.weighted_amount for c in cards), Decimal("0"))
        columns.append(BoardColumn(stage=stage, cards=cards, total=total, weighted=weighted))
    return columns


def stage_history(*, opportunity: Opportunity) -> list[dict[str, Any]]:
    """Return the opportunity's stage changes, oldest first, each with the time spent in that stage."""
    changes = list(opportunity.stage_changes.select_related("by").order_by("at", "id"))
    now = timezone.now()
    rows = []
    for index, change in enumerate(changes):
        left = changes[index + 1].at if index + 1 < len(changes) else None
        rows.append(
            {
                "change": change,
                "from_stage": stages.BY_CODE.get(change.from_stage),
                "to_stage": stages.BY_CODE.get(change.to_stage),
                "left_at": left,
                "duration": (left or now) - change.at,
                "current": left is None,
            }
        )
    return rows


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass
class Forecast:
    months: list[datetime.date]
    # (month, owner id) → weighted open amount / won amount
    weighted: dict[tuple[datetime.date, int], Decimal]
    won: dict[tuple[datetime.date, int], Decimal]
    owners: list[Any]
    teams: list[Any]
    owner_team: dict[int, int | None]

    def cell(self, month: datetime.date, owner_id: int) -> dict[str, Decimal]:
        weighted = self.weighted.get((month, owner_id), Decimal("0"))
        won = self.won.get((month, owner_id), Decimal("0"))
        return {"weighted": weighted, "won": won, "total": weighted + won}

    def month_total(self, month: datetime.date, owner_ids: Iterable[int] | None = None) -> dict[str, Decimal]:
        ids = [o.pk for o in self.owners] if owner_ids is None else list(owner_ids)
        weighted = sum((self.weighted.get((month, i), Decimal("0")) for i in ids), Decimal("0"))
        won = sum((self.won.get((month, i), Decimal("0")) for i in ids), Decimal("0"))
        return {"weighted": weighted, "won": won, "total": weighted + won}


def forecast(
    *,
    user: Any,
    start: datetime.date,
    months: int = 6,
    owner_id: int | None = None,
    team_id: int | None = None,
) -> Forecast:
    """Weighted forecast by month × rep: amount × probability of the visible open opportunities by
    expected close month, plus the amount won by close month. Two queries whatever the data."""
    first = month_start(start)
    month_list = [add_months(first, i) for i in range(months)]
    end = add_months(first, months) - datetime.timedelta(days=1)
    qs = _owner_filter(opportunities_visible(user), owner_id=owner_id, team_id=team_id).filter(
        Q(stage__in=stages.OPEN_CODES, expected_close_on__range=(first, end))
        | Q(stage=stages.WON, closed_on__range=(first, end))
    )
    weighted: dict[tuple[datetime.date, int], Decimal] = defaultdict(Decimal)
    won: dict[tuple[datetime.date, int], Decimal] = defaultdict(Decimal)
    owner_ids: set[int] = set()
    rows = qs.values_list("owner_id", "stage", "amount", "probability", "expected_close_on", "closed_on")
    for owner, stage, amount, probability, expected, closed in rows:
        owner_ids.add(owner)
        if stage == stages.WON:
            won[(month_start(closed), owner)] += amount
        else:
            weighted[(month_start(expected), owner)] += (amount * probability / HUNDRED).quantize(CENT)
    owners = list(
        User.objects.filter(pk__in=owner_ids).select_related("team").order_by("team__path", "username")
    )
    teams: dict[int, Any] = {}
    for owner_user in owners:
        if owner_user.team_id is not None:
            teams[owner_user.team_id] = owner_user.team
    return Forecast(
        months=month_list,
        weighted=dict(weighted),
        won=dict(won),
        owners=owners,
        teams=sorted(teams.values(), key=lambda t: t.path),
        owner_team={o.pk: o.team_id for o in owners},
    )


# --- figures for KPIs (no user: the caller narrows by owner) ----------------------------------------


def won_amount_by_owner(*, start: datetime.date, end: datetime.date) -> dict[int, Decimal]:
    """Return user id → amount of the opportunities won with a close date in [start, end]."""
    rows = (
        Opportunity.objects.filter(
            stage=stages.WON, closed_on__range=(start, end), customer__deleted_at__isnull=True
        )
        .values("owner_id")
        .annotate(total=Sum("amount"))
        .values_list("owner_id", "total")
    )
    return {owner: Decimal(total or 0).quantize(CENT) for owner, total in rows}


def forecast_by_owner(
    *, start: datetime.date, end: datetime.date, as_of: datetime.date | None = None
) -> dict[int, Decimal]:
    """Return user id → weighted amount of the opportunities expected to close in [start, end].

    Without ``as_of`` the pipeline as it stands now: open opportunities at their probability. With it,
    as it stood at the end of that day, rebuilt from the stage history: each opportunity that existed
    then counts at the probability of its stage then (won counts in full, lost not at all). The amount,
    owner and expected close date are today's values.
    """
    qs = Opportunity.objects.filter(expected_close_on__range=(start, end), customer__deleted_at__isnull=True)
    result: dict[int, Decimal] = defaultdict(Decimal)
    if as_of is None:
        for owner, amount, probability in qs.filter(stage__in=stages.OPEN_CODES).values_list(
            "owner_id", "amount", "probability"
        ):
            result[owner] += (amount * probability / HUNDRED).quantize(CENT)
        return dict(result)
    moment = timezone.make_aware(
        datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time())
    )
    last = StageChange.objects.filter(opportunity=OuterRef("pk"), at__lt=moment).order_by("-at", "-id")
    rows = (
        qs.filter(created_at__lt=moment)
        .annotate(
            then_stage=Subquery(last.values("to_stage")[:1]),
            then_probability=Subquery(last.values("probability")[:1]),
        )
        .filter(then_stage__in=(*stages.OPEN_CODES, stages.WON))
        .values_list("owner_id", "amount", "then_stage", "then_probability")
    )
    for owner, amount, then_stage, then_probability in rows:
        probability = HUNDRED if then_stage == stages.WON else Decimal(then_probability or 0)
        result[owner] += (amount * probability / HUNDRED).quantize(CENT)
    return dict(result)


def new_customers_by_owner(*, start: datetime.date, end: datetime.date) -> dict[int, int]:
    """Return user id → number of their customers whose first order or first won opportunity (whichever
    came first) falls in [start, end]."""
    first_order = (
        Order.objects.filter(customer=OuterRef("pk")).order_by("ordered_on").values("ordered_on")[:1]
    )
    first_won = (
        Opportunity.objects.filter(customer=OuterRef("pk"), stage=stages.WON, closed_on__isnull=False)
        .order_by("closed_on")
        .values("closed_on")[:1]
    )
    rows = (
        Customer.objects.filter(owner__isnull=False)
        .annotate(first_order=Subquery(first_order), first_won=Subquery(first_won))
        .filter(Q(first_order__range=(start, end)) | Q(first_won__range=(start, end)))
        .values_list("owner_id", "first_order", "first_won")
    )
    result: dict[int, int] = defaultdict(int)
    for owner, order_day, won_day in rows:
        first = min(d for d in (order_day, won_day) if d is not None)
        if start <= first <= end:
            result[owner] += 1
    return dict(result)
