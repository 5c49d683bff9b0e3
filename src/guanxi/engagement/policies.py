"""The contact-frequency policy (SPEC §4.2): who is overdue, who escalates, and the team follow-up reads.

A customer's contact clock starts at its last *qualifying* interaction — any live interaction, or only
sales conversations when the policy says greetings do not count — and, before the first one, at the
customer's creation. The interval is the customer's own ``contact_interval_days`` or its grade's; an
ungraded customer without an override, a churned customer and one without an owner are not tracked.
A customer is overdue the day after ``clock + interval`` (counted in local calendar days) and escalated
the day after ``clock + 2 × interval``. All of it is computed in SQL, so lists and counts cost a fixed
number of queries whatever the archive's size.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.customers.choices import CustomerStatus
from guanxi.customers.models import Customer
from guanxi.customers.services import customer_update
from guanxi.governance.records import record_update
from guanxi.governance.scope import visible
from guanxi.people.models import Role, Team, User

from .generation import (
    KEY_CHUNK,
    Announcement,
    GeneratedTask,
    audit_generation,
    chunked,
    insert_generated_tasks,
)
from .models import Interaction, NotificationKind, RelationshipPolicy, Task, TaskKind, TaskStatus
from .notifications import link_to

POLICY_MANAGERS = (Role.MANAGER, Role.DIRECTOR, Role.ADMIN)
MAX_INTERVAL_DAYS = 3650
EDITABLE_POLICY_FIELDS = (
    "interval_a_days",
    "interval_b_days",
    "interval_c_days",
    "non_sales_counts",
    "birthday_lead_days",
    "important_date_lead_days",
    "anniversary_lead_days",
    "festival_lead_days",
    "festival_grades",
)
ESCALATION_FACTOR = 2
OVERDUE_KEY = "policy:overdue"
ESCALATION_KEY = "policy:escalate"


class EpochDays(Func):
    """Days since 1970-01-01 00:00 UTC of a datetime, as a real number, on SQLite and PostgreSQL."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) / 86400.0)"
    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="(julianday(%(expressions)s) - 2440587.5)", **extra_context
        )


# --- the policy itself -------------------------------------------------------------------------------


def may_manage_policy(user: Any) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.role in POLICY_MANAGERS
    )


def relationship_policy() -> RelationshipPolicy:
    """Return the company's policy, creating it with the defaults on first use."""
    policy, _created = RelationshipPolicy.objects.get_or_create(pk=RelationshipPolicy.SINGLETON_ID)
    return policy


@transaction.atomic
def relationship_policy_update(
    *, actor: User, data: Mapping[str, Any], expected_version: int | None
) -> RelationshipPolicy:
    """Change the contact intervals, greeting rule, reminder lead times or festival grades.

    Only managers, the director and the system administrator may. Raise PermissionDenied,
    ValidationFailed (unknown field, out-of-range value, grades other than A/B/C) or VersionConflict.
    """
    if not may_manage_policy(actor):
        raise PermissionDenied(_("Only managers and administrators can change the relationship policy."))
    unknown = sorted(set(data) - set(EDITABLE_POLICY_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("These settings cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)},
            details={name: [_("Unknown setting.")] for name in unknown},
        )
    cleaned = dict(data)
    if "festival_grades" in cleaned:
        grades = str(cleaned["festival_grades"] or "").upper().replace(",", "").replace(" ", "")
        if set(grades) - set("ABC"):
            message = _("Choose among the grades A, B and C.")
            raise ValidationFailed(message, details={"festival_grades": [message]})
        cleaned["festival_grades"] = "".join(sorted(set(grades)))
    return record_update(
        instance=relationship_policy(), actor=actor, data=cleaned, expected_version=expected_version
    )


# --- the contact clock in SQL ------------------------------------------------------------------------


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _epoch_days(moment: datetime.datetime) -> float:
    return moment.timestamp() / 86400


# Annotated querysets are typed ``QuerySet[Any]``: the type checker cannot see annotations by name.
def with_contact_clock(
    customers: QuerySet[Customer], policy: RelationshipPolicy, day: datetime.date
) -> QuerySet[Any]:
    """Annotate ``last_qualifying_at``, ``clock_from`` and ``interval_days`` (None: not tracked) as they
    stood at the end of ``day`` (a run for a past day ignores later interactions)."""
    end_of_day = _local_midnight(day + datetime.timedelta(days=1))
    qualifying = Interaction.objects.filter(customer=OuterRef("pk"), occurred_at__lt=end_of_day)
    if not policy.non_sales_counts:
        qualifying = qualifying.filter(is_non_sales=False)
    last = Subquery(qualifying.order_by("-occurred_at").values("occurred_at")[:1])
    grade_interval = Case(
        When(grade="A", then=Value(policy.interval_a_days)),
        When(grade="B", then=Value(policy.interval_b_days)),
        When(grade="C", then=Value(policy.interval_c_days)),
        default=None,
        output_field=IntegerField(),
    )
    return customers.annotate(
        last_qualifying_at=last,
        clock_from=Coalesce(last, F("created_at")),
        interval_days=Coalesce(F("contact_interval_days"), grade_interval),
    )


def _past(day: datetime.date, factor: int) -> LessThan:
    """Whether the clock plus ``factor`` intervals ended before ``day`` began (local calendar days)."""
    due = EpochDays(F("clock_from")) + F("interval_days") * factor
    return LessThan(due, Value(_epoch_days(_local_midnight(day))))


def tracked_customers(policy: RelationshipPolicy, day: datetime.date) -> QuerySet[Any]:
    """Return every customer the policy applies to, with the contact clock of ``day`` annotated."""
    customers = Customer.objects.filter(owner__isnull=False).exclude(status=CustomerStatus.CHURNED)
    return with_contact_clock(customers, policy, day).filter(interval_days__isnull=False)


def _overdue(customers: QuerySet[Any], day: datetime.date) -> QuerySet[Any]:
    return customers.filter(_past(day, 1)).annotate(
        is_escalated=Case(When(_past(day, ESCALATION_FACTOR), then=Value(True)), default=Value(False))
    )


def days_without_contact(clock_from: datetime.datetime, day: datetime.date) -> int:
    """Return the calendar days from the clock's start to ``day``."""
    return (day - timezone.localtime(clock_from).date()).days


# --- selectors for the "team follow-up" page ---------------------------------------------------------


def overdue_customers(
    *, user: Any, day: datetime.date, owner_id: int | None = None, escalated_only: bool = False
) -> QuerySet[Any]:
    """Return the visible customers past their contact interval, longest-forgotten first.

    Each row carries ``clock_from``, ``last_qualifying_at``, ``interval_days`` and ``is_escalated``;
    ``days_without_contact(row.clock_from, day)`` gives the days since.
    """
    qs = _overdue(visible(tracked_customers(relationship_policy(), day), user), day)
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    if escalated_only:
        qs = qs.filter(is_escalated=True)
    return qs.select_related("owner").order_by("clock_from", "id")


def overdue_counts_by_owner(*, user: Any, day: datetime.date) -> list[dict[str, Any]]:
    """Return per owner (of the visible customers) how many are overdue and how many escalated.

    Rows: owner_id, owner__username, owner__display_name, owner__team_id, owner__team__name, overdue,
    escalated — most overdue first. Only owners with at least one overdue customer appear.
    """
    qs = visible(tracked_customers(relationship_policy(), day), user).filter(_past(day, 1))
    rows = (
        qs.values("owner_id", "owner__username", "owner__display_name", "owner__team_id", "owner__team__name")
        .annotate(overdue=Count("pk"), escalated=Count("pk", filter=_past(day, ESCALATION_FACTOR)))
        .order_by("-overdue", "owner__username")
    )
    return list(rows)


def overdue_counts_by_team(*, user: Any, day: datetime.date) -> list[dict[str, Any]]:
    """Return per team of the owners (team_id, team_name, overdue, escalated), most overdue first."""
    qs = visible(tracked_customers(relationship_policy(), day), user).filter(_past(day, 1))
    rows = (
        qs.values(team_id=F("owner__team_id"), team_name=F("owner__team__name"))
        .annotate(overdue=Count("pk"), escalated=Count("pk", filter=_past(day, ESCALATION_FACTOR)))
        .order_by("-overdue", "team_name")
    )
    return list(rows)


# --- the periodic rule -------------------------------------------------------------------------------


def _manager_of(owner: Mapping[str, Any], teams: Mapping[int, Mapping[str, Any]]) -> int | None:
    """Return the manager an owner's overdue customers escalate to: their team's, or above if they lead it."""
    team_id = owner["team_id"]
    while team_id is not None:
        team = teams[team_id]
        if team["manager_id"] is not None and team["manager_id"] != owner["id"]:
            return int(team["manager_id"])
        team_id = team["parent_id"]
    return None


def overdue_tasks_generate(*, day: datetime.date) -> dict[str, int]:
    """Give each owner a follow-up task per overdue customer and each manager one per escalation.

    Keys carry the customer and the clock's start date, so one lapse makes one task however many days
    it lasts, and a new lapse after a contact makes a new one. Open policy tasks whose lapse has ended
    (a qualifying contact was logged, or the interval changed) are closed.
    """
    policy = relationship_policy()
    rows = list(
        _overdue(tracked_customers(policy, day), day)
        .filter(owner__is_active=True)
        .values_list("pk", "name", "owner_id", "clock_from", "interval_days", "is_escalated")
    )
    owners = {
        u["id"]: u
        for u in User.objects.filter(pk__in={row[2] for row in rows}).values(
            "id", "team_id", "display_name", "username"
        )
    }
    teams = {t["id"]: t for t in Team.objects.values("id", "parent_id", "manager_id")}
    active_managers = set(
        User.objects.filter(is_active=True, pk__in={t["manager_id"] for t in teams.values()}).values_list(
            "pk", flat=True
        )
    )
    overdue: list[GeneratedTask] = []
    escalations: list[GeneratedTask] = []
    for pk, name, owner_id, clock_from, interval, escalated in rows:
        since = timezone.localtime(clock_from).date()
        days = (day - since).days
        overdue.append(
            GeneratedTask(
                owner_id=owner_id,
                dedupe_key=f"{OVERDUE_KEY}:{pk}:{since.isoformat()}",
                due_on=day,
                kind=TaskKind.FOLLOW_UP,
                customer_id=pk,
                title=_overdue_title(name, days, interval),
            )
        )
        manager_id = _manager_of(owners[owner_id], teams) if escalated else None
        if manager_id is not None and manager_id in active_managers:
            owner = owners[owner_id]
            escalations.append(
                GeneratedTask(
                    owner_id=manager_id,
                    dedupe_key=f"{ESCALATION_KEY}:{pk}:{since.isoformat()}",
                    due_on=day,
                    kind=TaskKind.FOLLOW_UP,
                    customer_id=pk,
                    title=_escalation_title(name, owner["display_name"] or owner["username"], days, interval),
                )
            )
    resolved = _close_ended_lapses({t.dedupe_key for t in overdue} | {t.dedupe_key for t in escalations})
    created = insert_generated_tasks(
        rule=OVERDUE_KEY,
        day=day,
        items=overdue,
        announcement=Announcement(
            NotificationKind.NEW_FOLLOW_UPS, _new_follow_ups_title, link_to("web:task_list")
        ),
    )
    escalated_created = insert_generated_tasks(
        rule=ESCALATION_KEY,
        day=day,
        items=escalations,
        announcement=Announcement(
            NotificationKind.ESCALATION,
            _new_escalations_title,
            link_to("web:team_follow_up") or link_to("web:task_list"),
        ),
    )
    counts = {
        "overdue": len(overdue),
        "escalated": len(escalations),
        "tasks_created": created,
        "escalations_created": escalated_created,
        "tasks_closed": resolved,
    }
    audit_generation(rule="contact_policy", day=day, counts=counts)
    return counts


def _overdue_title(customer: str, days: int, interval: int) -> Callable[[], str]:
    def title() -> str:
        return _("Follow up with %(customer)s: no contact for %(days)s days (every %(interval)s days)") % {
            "customer": customer,
            "days": days,
            "interval": interval,
        }

    return title


def _escalation_title(customer: str, owner: str, days: int, interval: int) -> Callable[[], str]:
    def title() -> str:
        return _(
            "%(owner)s has not contacted %(customer)s for %(days)s days (more than twice every %(interval)s days)"
        ) % {"owner": owner, "customer": customer, "days": days, "interval": interval}

    return title


def _new_follow_ups_title(count: int) -> str:
    return _("%(count)s customers are past their contact interval") % {"count": count}


def _new_escalations_title(count: int) -> str:
    return _("%(count)s customers of your team are past twice their contact interval") % {"count": count}


def _close_ended_lapses(current_keys: set[str]) -> int:
    """Close open policy tasks whose lapse is over (in bulk, like their creation); return how many."""
    open_tasks = Task.objects.filter(
        kind=TaskKind.FOLLOW_UP,
        status__in=(TaskStatus.OPEN, TaskStatus.SNOOZED),
        dedupe_key__startswith="policy:",
    ).values_list("pk", "dedupe_key", "owner__language")
    ended: dict[str, list[int]] = defaultdict(list)
    for pk, key, language in open_tasks:
        if key not in current_keys:
            ended[language or "zh-hans"].append(pk)
    now = timezone.now()
    closed = 0
    for language, pks in ended.items():
        with translation.override(language):
            result = _("Closed automatically: the customer is no longer past the contact interval.")
        for chunk in chunked(pks, KEY_CHUNK):
            closed += Task.objects.filter(
                pk__in=chunk, status__in=(TaskStatus.OPEN, TaskStatus.SNOOZED)
            ).update(
                status=TaskStatus.DONE,
                result=result,
                completed_at=now,
                updated_at=now,
                version=F("version") + 1,
            )
    return closed


# --- per-customer interval overrides -----------------------------------------------------------------


def interval_overrides(*, user: Any) -> QuerySet[Customer]:
    """The customers the user can see whose contact interval overrides their grade's, by name."""
    return (
        visible(Customer.objects.filter(contact_interval_days__isnull=False), user)
        .select_related("owner")
        .order_by("name", "id")
    )


@transaction.atomic
def customer_interval_override(
    *, actor: User, customer: Customer, interval_days: int | None, expected_version: int | None
) -> Customer:
    """Give one customer its own contact interval (None: back to its grade's). Managers, the director and
    administrators only, like the policy itself; the customer must be one the actor can see."""
    if not may_manage_policy(actor):
        raise PermissionDenied(_("Only managers and administrators can change the relationship policy."))
    if interval_days is not None and not 1 <= interval_days <= MAX_INTERVAL_DAYS:
        message = _("Choose between 1 and %(max)d days.") % {"max": MAX_INTERVAL_DAYS}
        raise ValidationFailed(message, details={"interval_days": [message]})
    return customer_update(
        actor=actor,
        customer=customer,
        data={"contact_interval_days": interval_days},
        expected_version=expected_version,
    )
