"""The care calendar (SPEC §4.2): birthdays, important dates, company anniversaries and festivals.

Every day the rule looks a few days ahead (the policy's lead times) and gives the customer's owner one
care task per occasion, due on the day itself, so it shows on the rep's list ``lead`` days before:

- a contact's birthday and important dates, solar or lunar (leap months and short months follow the
  business calendar's rules) — not for contacts marked do-not-contact;
- a customer's founding anniversary (周年庆), from its first anniversary on;
- the six festivals, for customers of the policy's festival grades (A and B by default): one task per
  customer, addressed to its key person — the decision maker with the most weight, else the contact
  with the most weight — or to the company when it has no contact. One task per customer rather than
  one per contact keeps a rep with 150 key accounts at 150 greetings, not 600.

Churned customers, customers in the recycle bin and customers without an active owner get none. The
rule is bulk: it never loads every contact — it asks the database which distinct dates are recorded,
asks the business calendar which of them fall in the window, then loads only the matching rows.
"""

import datetime
import string
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Case, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth
from django.utils import translation
from django.utils.translation import gettext as _

from guanxi.core.calendar import CalendarError, festivals_between, occurrences_between
from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.customers.choices import CalendarKind, CustomerStatus, DecisionRole
from guanxi.customers.models import Contact, Customer, ImportantDate
from guanxi.governance.records import record_create, record_update
from guanxi.people.models import User

from .generation import (
    KEY_CHUNK,
    Announcement,
    GeneratedTask,
    audit_generation,
    chunked,
    insert_generated_tasks,
)
from .models import (
    CareOccasion,
    Direction,
    GreetingTemplate,
    Interaction,
    NotificationKind,
    RelationshipPolicy,
    Task,
    TaskKind,
)
from .notifications import link_to
from .policies import may_manage_policy, relationship_policy

PLACEHOLDERS = ("name", "title", "customer", "festival", "years", "sender")
CARE_KEY = "care"
RecurringKey = tuple[str, int, int, bool]


# --- greeting templates ------------------------------------------------------------------------------


def greeting_placeholders_check(text: str) -> None:
    """Refuse a template with unbalanced braces or a placeholder other than ``PLACEHOLDERS``."""
    message = _("Use only the placeholders %(names)s, each in braces like {name}.") % {
        "names": ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    }
    try:
        fields = [
            (name, spec, conversion)
            for _literal, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError as exc:
        raise ValidationFailed(message, details={"text": [message]}) from exc
    if any(name not in PLACEHOLDERS or spec or conversion for name, spec, conversion in fields):
        raise ValidationFailed(message, details={"text": [message]})


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def greeting_render(text: str, values: Mapping[str, Any]) -> str:
    """Fill a template's placeholders; a template that fails the check is returned as it is.

    Only plain names are substituted (``str.format_map`` over strings): no attribute or index access
    and no conversions can run, because the check refuses them first.
    """
    try:
        greeting_placeholders_check(text)
    except ValidationFailed:
        return text
    return text.format_map(_Values({name: str(values.get(name) or "") for name in PLACEHOLDERS}))


def greeting_templates() -> QuerySet[GreetingTemplate]:
    return GreetingTemplate.objects.order_by("occasion", "language")


@transaction.atomic
def greeting_template_save(
    *, actor: User, occasion: str, language: str, text: str, expected_version: int | None = None
) -> GreetingTemplate:
    """Create or change the greeting of an occasion in a language (managers and administrators only).

    Raise PermissionDenied, ValidationFailed (unknown occasion or language, bad placeholders, empty
    text) or VersionConflict.
    """
    if not may_manage_policy(actor):
        raise PermissionDenied(_("Only managers and administrators can change greeting templates."))
    text = text.strip()
    if not text:
        message = _("Write the greeting.")
        raise ValidationFailed(message, details={"text": [message]})
    greeting_placeholders_check(text)
    existing = GreetingTemplate.objects.filter(occasion=occasion, language=language).first()
    if existing is None:
        return record_create(
            instance=GreetingTemplate(occasion=occasion, language=language, text=text), actor=actor
        )
    return record_update(
        instance=existing, actor=actor, data={"text": text}, expected_version=expected_version
    )


def greeting_texts() -> dict[str, dict[str, str]]:
    """Return every greeting template text by occasion and language (one query; the table is small)."""
    texts: dict[str, dict[str, str]] = {}
    for occasion, language, text in GreetingTemplate.objects.values_list("occasion", "language", "text"):
        texts.setdefault(occasion, {})[language] = text
    return texts


def greeting_for_task(*, user: User, task: Task, texts: dict[str, dict[str, str]] | None = None) -> str:
    """Return the suggested greeting for a care task in ``user``'s language ('' when there is none).

    Pass ``texts`` from :func:`greeting_texts` when rendering many tasks, so the templates load once.
    """
    if not task.occasion:
        return ""
    templates = (texts if texts is not None else greeting_texts()).get(task.occasion, {})
    text = templates.get(user.language) or templates.get("zh-hans") or next(iter(templates.values()), "")
    customer = task.customer
    contact = task.contact
    years = ""
    if task.occasion == CareOccasion.COMPANY_ANNIVERSARY and customer and customer.founded_on:
        years = str(task.due_on.year - customer.founded_on.year)
    with translation.override(user.language):
        festival = str(CareOccasion(task.occasion).label)
    return greeting_render(
        text,
        {
            "name": contact.name if contact else (customer.name if customer else ""),
            "title": contact.title if contact else "",
            "customer": customer.name if customer else "",
            "festival": festival,
            "years": years,
            "sender": user.display_name or user.get_full_name() or user.username,
        },
    )


# --- the greeted service -----------------------------------------------------------------------------


@transaction.atomic
def care_greeted(
    *, actor: User, task: Task, channel: str, text: str = "", expected_version: int | None = None
) -> Interaction:
    """Mark a care task done and log the greeting as a non-sales interaction with its contact.

    Raise ValidationFailed for a task that is not a care task or already closed, PermissionDenied when
    the actor is neither the task's owner nor their manager, VersionConflict on a stale version.
    """
    from .services import interaction_log, task_complete  # services imports this app's rules

    if task.kind != TaskKind.CARE or task.customer_id is None:
        raise ValidationFailed(_("Only care reminders can be marked as greeted."), code="not_care_task")
    text = text.strip()
    task_complete(actor=actor, task=task, result=text or _("Greeted"), expected_version=expected_version)
    customer = Customer.objects.filter(pk=task.customer_id).first()
    if customer is None:
        raise NotFound(_("This record does not exist or has been deleted."))
    contacts = list(Contact.objects.filter(pk=task.contact_id)) if task.contact_id else []
    return interaction_log(
        actor=actor,
        customer=customer,
        data={
            "channel": channel,
            "direction": Direction.OUTBOUND,
            "topic": task.title[:200],
            "content": text,
            "is_non_sales": True,
        },
        contacts=contacts,
    )


# --- the daily rule ----------------------------------------------------------------------------------


def care_tasks_generate(*, day: datetime.date) -> dict[str, int]:
    """Create the care tasks whose occasion is within its lead time of ``day`` (idempotent)."""
    policy = relationship_policy()
    items: dict[str, list[GeneratedTask]] = {
        "birthdays": _birthday_items(day, policy.birthday_lead_days),
        "important_dates": _important_date_items(day, policy.important_date_lead_days),
        "anniversaries": _anniversary_items(day, policy.anniversary_lead_days),
        "festivals": _festival_items(day, policy),
    }
    created = insert_generated_tasks(
        rule=CARE_KEY,
        day=day,
        items=[item for group in items.values() for item in group],
        announcement=Announcement(NotificationKind.NEW_CARE_TASKS, _new_care_title, link_to("web:task_list")),
    )
    counts = {name: len(group) for name, group in items.items()} | {"tasks_created": created}
    audit_generation(rule="care_calendar", day=day, counts=counts)
    return counts


def _new_care_title(count: int) -> str:
    return _("%(count)s new care reminders: birthdays, anniversaries and festivals ahead") % {"count": count}


def _cared_customers() -> QuerySet[Customer]:
    return Customer.objects.filter(owner__isnull=False, owner__is_active=True).exclude(
        status=CustomerStatus.CHURNED
    )


def _cared_contacts() -> QuerySet[Contact]:
    return Contact.objects.filter(do_not_contact=False, customer__in=_cared_customers())


def _hits(keys: Iterable[RecurringKey], start: datetime.date, end: datetime.date) -> dict[RecurringKey, list]:
    """Return the recorded recurring dates that fall in [start, end], with their solar dates."""
    hits = {}
    for calendar, month, day, is_leap in keys:
        try:
            dates = occurrences_between(calendar, month, day, bool(is_leap), start, end)
        except CalendarError:  # a date no year has (bad import); nothing to remind of
            continue
        if dates:
            hits[(calendar, month, day, bool(is_leap))] = dates
    return hits


def _matching(hits: Iterable[RecurringKey], prefix: str, leap_field: str, calendar_field: str) -> Q:
    condition = Q(pk__in=[])
    for calendar, month, day, is_leap in hits:
        condition |= Q(
            **{calendar_field: calendar, f"{prefix}month": month, f"{prefix}day": day, leap_field: is_leap}
        )
    return condition


def _date_label(occurs_on: datetime.date, key: RecurringKey) -> Callable[[], str]:
    calendar, month, day, is_leap = key

    def label() -> str:
        values = {"date": occurs_on.isoformat(), "month": month, "day": day}
        if calendar != CalendarKind.LUNAR:
            return occurs_on.isoformat()
        if is_leap:
            return _("%(date)s (lunar leap %(month)s/%(day)s)") % values
        return _("%(date)s (lunar %(month)s/%(day)s)") % values

    return label


def _birthday_items(day: datetime.date, lead: int) -> list[GeneratedTask]:
    keys = (
        Contact.objects.filter(birthday_month__isnull=False, birthday_day__isnull=False)
        .values_list("birthday_calendar", "birthday_month", "birthday_day", "birthday_leap_month")
        .distinct()
    )
    hits = _hits(keys, day, day + datetime.timedelta(days=lead))
    if not hits:
        return []
    rows = (
        _cared_contacts()
        .filter(_matching(hits, "birthday_", "birthday_leap_month", "birthday_calendar"))
        .values_list(
            "pk",
            "name",
            "customer_id",
            "customer__name",
            "customer__owner_id",
            "birthday_calendar",
            "birthday_month",
            "birthday_day",
            "birthday_leap_month",
        )
    )
    items = []
    for pk, name, customer_id, customer, owner_id, *key in rows:
        recurring: RecurringKey = (str(key[0]), int(key[1] or 0), int(key[2] or 0), bool(key[3]))
        for occurs_on in hits[recurring]:
            items.append(
                GeneratedTask(
                    owner_id=owner_id,
                    dedupe_key=f"{CARE_KEY}:birthday:{pk}:{occurs_on.isoformat()}",
                    due_on=occurs_on,
                    kind=TaskKind.CARE,
                    occasion=CareOccasion.BIRTHDAY,
                    customer_id=customer_id,
                    contact_id=pk,
                    title=_birthday_title(name, customer, _date_label(occurs_on, recurring)),
                )
            )
    return items


def _birthday_title(name: str, customer: str, when: Callable[[], str]) -> Callable[[], str]:
    def title() -> str:
        return _("Birthday of %(name)s (%(customer)s) on %(date)s") % {
            "name": name,
            "customer": customer,
            "date": when(),
        }

    return title


def _important_date_items(day: datetime.date, lead: int) -> list[GeneratedTask]:
    keys = ImportantDate.objects.values_list("calendar", "month", "day", "is_leap_month").distinct()
    hits = _hits(keys, day, day + datetime.timedelta(days=lead))
    if not hits:
        return []
    rows = (
        ImportantDate.objects.filter(contact__in=_cared_contacts())
        .filter(_matching(hits, "", "is_leap_month", "calendar"))
        .values_list(
            "pk",
            "label",
            "contact_id",
            "contact__name",
            "contact__customer_id",
            "contact__customer__name",
            "contact__customer__owner_id",
            "calendar",
            "month",
            "day",
            "is_leap_month",
        )
    )
    items = []
    for pk, label, contact_id, name, customer_id, customer, owner_id, *key in rows:
        recurring: RecurringKey = (key[0], key[1], key[2], bool(key[3]))
        for occurs_on in hits[recurring]:
            items.append(
                GeneratedTask(
                    owner_id=owner_id,
                    dedupe_key=f"{CARE_KEY}:date:{pk}:{occurs_on.isoformat()}",
                    due_on=occurs_on,
                    kind=TaskKind.CARE,
                    occasion=CareOccasion.IMPORTANT_DATE,
                    customer_id=customer_id,
                    contact_id=contact_id,
                    title=_important_date_title(label, name, customer, _date_label(occurs_on, recurring)),
                )
            )
    return items


def _important_date_title(label: str, name: str, customer: str, when: Callable[[], str]) -> Callable[[], str]:
    def title() -> str:
        return _("%(what)s of %(name)s (%(customer)s) on %(date)s") % {
            "what": label,
            "name": name,
            "customer": customer,
            "date": when(),
        }

    return title


def _key_person() -> Subquery:
    """The contact a company-wide greeting is addressed to (see the module docstring)."""
    return Subquery(
        Contact.objects.filter(customer=OuterRef("pk"), do_not_contact=False)
        .annotate(
            is_decision_maker=Case(
                When(decision_role=DecisionRole.DECISION_MAKER, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("is_decision_maker", F("decision_weight").desc(nulls_last=True), "pk")
        .values("pk")[:1]
    )


def _anniversary_items(day: datetime.date, lead: int) -> list[GeneratedTask]:
    keys = (
        Customer.objects.filter(founded_on__isnull=False)
        .annotate(m=ExtractMonth("founded_on"), d=ExtractDay("founded_on"))
        .values_list("m", "d")
        .distinct()
    )
    hits = _hits(
        ((CalendarKind.SOLAR, m, d, False) for m, d in keys), day, day + datetime.timedelta(days=lead)
    )
    if not hits:
        return []
    condition = Q(pk__in=[])
    for _calendar, month, month_day, _leap in hits:
        condition |= Q(founded_on__month=month, founded_on__day=month_day)
    rows = (
        _cared_customers()
        .filter(condition)
        .annotate(key_person=_key_person())
        .values_list("pk", "name", "owner_id", "founded_on", "key_person")
    )
    items = []
    for pk, name, owner_id, founded_on, key_person in rows:
        assert founded_on is not None  # filtered above
        for occurs_on in hits[(CalendarKind.SOLAR, founded_on.month, founded_on.day, False)]:
            years = occurs_on.year - founded_on.year
            if years < 1:
                continue
            items.append(
                GeneratedTask(
                    owner_id=owner_id,
                    dedupe_key=f"{CARE_KEY}:anniversary:{pk}:{occurs_on.isoformat()}",
                    due_on=occurs_on,
                    kind=TaskKind.CARE,
                    occasion=CareOccasion.COMPANY_ANNIVERSARY,
                    customer_id=pk,
                    contact_id=key_person,
                    title=_anniversary_title(name, years, occurs_on),
                )
            )
    return items


def _anniversary_title(customer: str, years: int, occurs_on: datetime.date) -> Callable[[], str]:
    def title() -> str:
        return _("%(customer)s turns %(years)s on %(date)s") % {
            "customer": customer,
            "years": years,
            "date": occurs_on.isoformat(),
        }

    return title


def _festival_items(day: datetime.date, policy: RelationshipPolicy) -> list[GeneratedTask]:
    festivals = festivals_between(day, day + datetime.timedelta(days=policy.festival_lead_days))
    grades = list(policy.festival_grades)
    if not festivals or not grades:
        return []
    customers = list(
        _cared_customers()
        .filter(grade__in=grades)
        .annotate(key_person=_key_person())
        .values_list("pk", "name", "owner_id", "key_person")
    )
    names = _contact_names({row[3] for row in customers if row[3] is not None})
    items = []
    for occurs_on, festival in festivals:
        occasion = CareOccasion(festival.value)
        for pk, customer, owner_id, key_person in customers:
            items.append(
                GeneratedTask(
                    owner_id=owner_id,
                    dedupe_key=f"{CARE_KEY}:{festival.value}:{occurs_on.year}:{pk}",
                    due_on=occurs_on,
                    kind=TaskKind.CARE,
                    occasion=occasion,
                    customer_id=pk,
                    contact_id=key_person,
                    title=_festival_title(occasion, names.get(key_person, ""), customer, occurs_on),
                )
            )
    return items


def _contact_names(pks: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for chunk in chunked(sorted(pks), KEY_CHUNK):
        names.update(Contact.objects.filter(pk__in=chunk).values_list("pk", "name"))
    return names


def _festival_title(
    occasion: CareOccasion, name: str, customer: str, occurs_on: datetime.date
) -> Callable[[], str]:
    def title() -> str:
        values = {
            "festival": occasion.label,
            "name": name,
            "customer": customer,
            "date": occurs_on.isoformat(),
        }
        if name:
            return _("%(festival)s greeting for %(name)s (%(customer)s) on %(date)s") % values
        return _("%(festival)s greeting for %(customer)s on %(date)s") % values

    return title
