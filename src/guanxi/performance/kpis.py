"""KPIs per rep and per team for a period, in a fixed number of queries whatever the number of reps.

What each figure means (the dashboard and the API show the same definitions):

* **Interactions** — live interactions on live customers that occurred in the period, credited to the
  person who logged them (``created_by``). Participants are not credited as well, so that a joint visit
  counts once in the team total.
* **Visits** — from the approved visit plans (``guanxi.visits``): visits dated in the period that were
  planned (not cancelled), done, and reported within 24 hours or later.
* **New customers** — customers of the rep whose first order or first won deal falls in the period.
* **Won amount** — opportunities won with a close date in the period.
* **Forecast accuracy** — won amount in the period ÷ the weighted forecast for the period as it stood at
  the end of its first day, in percent. 100 % means the forecast was met exactly; above 100 % the rep won
  more than forecast. With no forecast (zero) the accuracy is undefined and shown as "—".
* **Training** — the average score of the quizzes finished in the period.
* **Archive completeness** — a snapshot as of now, not bound to the period: the share of the rep's live
  customers whose archive has every key field of the archive guide filled (see ``KEY_ARCHIVE_FIELDS``).
* **Complaint SLA compliance** — not available: complaints are not part of the product yet.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.errors import NotFound
from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import Interaction
from guanxi.people.models import Team, User
from guanxi.sales import selectors as sales_selectors
from guanxi.visits.selectors import visit_counts_by_owner

from .models import Attempt
from .periods import Period
from .selectors import people_in_scope

ZERO = Decimal("0")
CENT = Decimal("0.01")
ONE_DECIMAL = Decimal("0.1")

# The key fields of a customer archive (seed 001, "core elements"): who they are (industry, size,
# location), how we rate them (grade), what they need, their budget, and at least one contact person.
KEY_ARCHIVE_FIELDS = (
    ("industry", gettext_lazy("Industry")),
    ("size", gettext_lazy("Size (employees or revenue)")),
    ("city", gettext_lazy("City")),
    ("grade", gettext_lazy("Grade")),
    ("needs_summary", gettext_lazy("Needs and pain points")),
    ("budget_range", gettext_lazy("Budget range")),
    ("contact", gettext_lazy("At least one contact")),
)


def _archive_complete_q() -> Q:
    return (
        ~Q(industry="")
        & (Q(employees__isnull=False) | ~Q(revenue_band=""))
        & ~Q(city="")
        & ~Q(grade="")
        & ~Q(needs_summary="")
        & ~Q(budget_range="")
        & Q(has_contact=True)
    )


def _share(part: Decimal | int, whole: Decimal | int, places: Decimal = ONE_DECIMAL) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(places, rounding=ROUND_HALF_UP)


@dataclass
class KpiFigures:
    """The figures of one rep, or the sums of several (a team, everybody)."""

    interactions: int = 0
    visits_planned: int = 0
    visits_done: int = 0
    visits_reported_on_time: int = 0
    visits_reported_late: int = 0
    new_customers: int = 0
    won_amount: Decimal = ZERO
    forecast_amount: Decimal = ZERO
    training_score_sum: Decimal = ZERO
    training_attempts: int = 0
    customers: int = 0
    customers_complete: int = 0

    @property
    def forecast_accuracy(self) -> Decimal | None:
        """Won ÷ forecast in percent, or None when nothing was forecast."""
        return _share(self.won_amount, self.forecast_amount)

    @property
    def training_average(self) -> Decimal | None:
        if not self.training_attempts:
            return None
        return (self.training_score_sum / self.training_attempts).quantize(
            ONE_DECIMAL, rounding=ROUND_HALF_UP
        )

    @property
    def archive_completeness(self) -> Decimal | None:
        return _share(self.customers_complete, self.customers)

    @property
    def visits_on_time_rate(self) -> Decimal | None:
        return _share(self.visits_reported_on_time, self.visits_done)

    @property
    def complaint_sla_compliance(self) -> None:
        """Not available: the product has no complaints yet."""
        return None

    def add(self, other: "KpiFigures") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class KpiRow:
    user: User
    figures: KpiFigures


@dataclass
class TeamKpis:
    team: Team | None
    rows: list[KpiRow] = field(default_factory=list)
    totals: KpiFigures = field(default_factory=KpiFigures)


@dataclass
class KpiReport:
    period: Period
    teams: list[TeamKpis]
    totals: KpiFigures

    @property
    def rows(self) -> list[KpiRow]:
        return [row for team in self.teams for row in team.rows]


def _day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time()), zone)
    after = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time()), zone
    )
    return first, after


def interactions_by_author(
    *, start: datetime.date, end: datetime.date, user_ids: Iterable[int]
) -> dict[int, int]:
    """Return user id → interactions they logged that occurred in [start, end] (one query)."""
    first, after = _day_bounds(start, end)
    rows = (
        Interaction.objects.filter(
            created_by_id__in=list(user_ids),
            occurred_at__gte=first,
            occurred_at__lt=after,
            customer__deleted_at__isnull=True,
        )
        .values("created_by_id")
        .annotate(n=Count("pk"))
        .values_list("created_by_id", "n")
    )
    return dict(rows)


def training_by_user(
    *, start: datetime.date, end: datetime.date, user_ids: Iterable[int]
) -> dict[int, tuple[Decimal, int]]:
    """Return user id → (sum of scores, number) of the quizzes they finished in [start, end] (one query)."""
    first, after = _day_bounds(start, end)
    rows = (
        Attempt.objects.filter(user_id__in=list(user_ids), finished_at__gte=first, finished_at__lt=after)
        .values("user_id")
        .annotate(total=Sum("score"), n=Count("pk"))
        .values_list("user_id", "total", "n")
    )
    return {user_id: (Decimal(total or 0), n) for user_id, total, n in rows}


def archive_completeness_by_owner(*, user_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Return user id → (live customers they own, of which complete archives) as of now (one query)."""
    live_contact = Contact.objects.filter(customer=OuterRef("pk"), deleted_at__isnull=True)
    rows = (
        Customer.objects.filter(owner_id__in=list(user_ids))
        .annotate(has_contact=Exists(live_contact))
        .values("owner_id")
        .annotate(total=Count("pk"), complete=Count("pk", filter=_archive_complete_q()))
        .values_list("owner_id", "total", "complete")
    )
    return {owner: (total, complete) for owner, total, complete in rows}


def _teams_in(people: list[User], team_id: int | None) -> list[User]:
    if team_id is None:
        return people
    team = next((p.team for p in people if p.team_id == team_id), None)
    if team is None:
        raise NotFound(_("Team not found."))
    return [p for p in people if p.team is not None and p.team.path.startswith(team.path)]


def kpi_report(*, user: Any, period: Period, team_id: int | None = None) -> KpiReport:
    """Return the KPIs of the people ``user`` may see (a rep: themselves; a manager: their team and
    themselves; the director: every rep and manager), grouped by team with team and overall totals.

    A fixed number of queries: each figure is one aggregate over all the people at once. Raises NotFound
    for a ``team_id`` with nobody the user may see.
    """
    people = _teams_in(list(people_in_scope(user)), team_id)
    ids = [p.pk for p in people]
    start, end = period.start, period.end
    interactions = interactions_by_author(start=start, end=end, user_ids=ids) if ids else {}
    visits = visit_counts_by_owner(start=start, end=end, owner_ids=ids) if ids else {}
    new_customers = sales_selectors.new_customers_by_owner(start=start, end=end) if ids else {}
    won = sales_selectors.won_amount_by_owner(start=start, end=end) if ids else {}
    forecast = sales_selectors.forecast_by_owner(start=start, end=end, as_of=start) if ids else {}
    training = training_by_user(start=start, end=end, user_ids=ids) if ids else {}
    archives = archive_completeness_by_owner(user_ids=ids) if ids else {}

    by_team: dict[int | None, TeamKpis] = {}
    totals = KpiFigures()
    for person in people:
        visit = visits.get(person.pk)
        score_sum, attempts = training.get(person.pk, (ZERO, 0))
        customers, complete = archives.get(person.pk, (0, 0))
        figures = KpiFigures(
            interactions=interactions.get(person.pk, 0),
            visits_planned=visit.planned if visit else 0,
            visits_done=visit.done if visit else 0,
            visits_reported_on_time=visit.reported_on_time if visit else 0,
            visits_reported_late=visit.reported_late if visit else 0,
            new_customers=new_customers.get(person.pk, 0),
            won_amount=won.get(person.pk, ZERO),
            forecast_amount=forecast.get(person.pk, ZERO),
            training_score_sum=score_sum,
            training_attempts=attempts,
            customers=customers,
            customers_complete=complete,
        )
        block = by_team.setdefault(person.team_id, TeamKpis(team=person.team))
        block.rows.append(KpiRow(user=person, figures=figures))
        block.totals.add(figures)
        totals.add(figures)
    teams = sorted(by_team.values(), key=lambda t: t.team.path if t.team else "")
    return KpiReport(period=period, teams=teams, totals=totals)
