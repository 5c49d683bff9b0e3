"""Contracts (合同): writes, the payment position (回款: planned vs received, overdue instalments) and the
daily renewal job.

Payments settle the payment plan oldest instalment first: an instalment is paid once everything received
covers it and every instalment due before it. One that is due before today and not covered is overdue
(for the part not covered).
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.core.validators import to_halfwidth
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customer_get_for_user
from guanxi.engagement.models import NotificationKind, Task, TaskKind
from guanxi.engagement.notifications import link_to, notify
from guanxi.governance.audit import audit_record
from guanxi.governance.records import full_clean_or_raise, record_create, record_soft_delete, record_update
from guanxi.governance.scope import can_own_customers, visible
from guanxi.people.models import User

from . import stages
from .models import Contract, ContractStatus, Opportunity, Payment, PaymentPlanItem, StageChange

ZERO = Decimal("0")
CONTRACT_FIELDS = (
    "number",
    "title",
    "opportunity",
    "owner",
    "signed_on",
    "starts_on",
    "ends_on",
    "amount",
    "status",
    "renewal_lead_days",
)


def renewal_lead_days_default() -> int:
    return int(getattr(settings, "GUANXI_CONTRACT_RENEWAL_DAYS", 60))


# --- reads ------------------------------------------------------------------------------------------------


def contracts_visible(user: Any) -> QuerySet[Contract]:
    """Return the live contracts of live customers ``user`` may see."""
    return visible(Contract.objects.filter(customer__deleted_at__isnull=True), user, via="customer")


def with_money(qs: QuerySet[Contract]) -> QuerySet[Contract]:
    """Annotate planned and received totals (subqueries: no row multiplication)."""
    planned = (
        PaymentPlanItem.objects.filter(contract=OuterRef("pk"))
        .values("contract")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    received = (
        Payment.objects.filter(contract=OuterRef("pk"))
        .values("contract")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return qs.annotate(
        planned_total=Coalesce(Subquery(planned), ZERO), received_total=Coalesce(Subquery(received), ZERO)
    )


def contract_list(
    *,
    user: Any,
    customer_id: int | None = None,
    status: str = "",
    owner_id: int | None = None,
    ending_within: int | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Contract]:
    """Return visible contracts with customer, owner and money totals, ending soonest first."""
    qs = contracts_visible(user)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if status:
        qs = qs.filter(status=status)
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    if ending_within is not None:
        day = today or timezone.localdate()
        qs = qs.filter(ends_on__range=(day, day + datetime.timedelta(days=ending_within)))
    return with_money(qs.select_related("customer", "owner")).order_by("ends_on", "id")


def contract_get_for_user(*, user: Any, pk: Any) -> Contract:
    try:
        return with_money(contracts_visible(user).select_related("customer", "owner", "opportunity")).get(
            pk=int(pk)
        )
    except (Contract.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Contract not found.")) from exc


@dataclass
class InstalmentPosition:
    item: PaymentPlanItem
    paid: Decimal
    outstanding: Decimal
    overdue: bool
    days_overdue: int


def instalment_positions(
    items: Sequence[PaymentPlanItem], received: Decimal, today: datetime.date
) -> list[InstalmentPosition]:
    """Settle ``received`` against ``items`` oldest first and tell what is still open and overdue."""
    left = received
    positions = []
    for item in sorted(items, key=lambda i: (i.due_on, i.pk or 0)):
        paid = min(item.amount, max(left, ZERO))
        left -= paid
        outstanding = item.amount - paid
        overdue = outstanding > 0 and item.due_on < today
        days = (today - item.due_on).days if overdue else 0
        positions.append(InstalmentPosition(item, paid, outstanding, overdue, days))
    return positions


@dataclass
class OverdueInstalment:
    contract: Contract
    position: InstalmentPosition


def overdue_instalments(
    *,
    user: Any = None,
    customer_id: int | None = None,
    today: datetime.date | None = None,
    everyone: bool = False,
) -> list[OverdueInstalment]:
    """Return the overdue instalments of the contracts ``user`` may see (of all contracts with
    ``everyone``, for the daily job), most overdue first. Three queries whatever the number."""
    day = today or timezone.localdate()
    qs = Contract.objects.filter(customer__deleted_at__isnull=True) if everyone else contracts_visible(user)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    qs = qs.exclude(status__in=[ContractStatus.DRAFT, ContractStatus.TERMINATED])
    qs = qs.filter(Exists(PaymentPlanItem.objects.filter(contract=OuterRef("pk"), due_on__lt=day)))
    qs = with_money(qs.select_related("customer", "owner")).prefetch_related(
        Prefetch("plan_items", queryset=PaymentPlanItem.objects.order_by("due_on", "id"))
    )
    result: list[OverdueInstalment] = []
    for contract in qs:
        received: Decimal = contract.received_total  # type: ignore[attr-defined]
        positions = instalment_positions(list(contract.plan_items.all()), received, day)
        result.extend(OverdueInstalment(contract, p) for p in positions if p.overdue)
    result.sort(key=lambda o: (o.position.item.due_on, o.contract.pk))
    return result


def contract_position(*, contract: Contract, today: datetime.date | None = None) -> dict[str, Any]:
    """Return a contract's instalments with their position, its payments and totals."""
    day = today or timezone.localdate()
    items = list(contract.plan_items.order_by("due_on", "id"))
    payments = list(contract.payments.select_related("recorded_by").order_by("received_on", "id"))
    received = sum((p.amount for p in payments), ZERO)
    planned = sum((i.amount for i in items), ZERO)
    positions = instalment_positions(items, received, day)
    return {
        "positions": positions,
        "payments": payments,
        "planned": planned,
        "received": received,
        "outstanding": max(planned - received, ZERO),
        "overdue": sum((p.outstanding for p in positions if p.overdue), ZERO),
    }


# --- writes -----------------------------------------------------------------------------------------------


def _visible_or_404(actor: User, contract: Contract) -> None:
    if not contracts_visible(actor).filter(pk=contract.pk).exists():
        raise NotFound(_("Contract not found."))


def _prepare(
    actor: User, data: Mapping[str, Any], customer: Customer, current_owner_id: int | None
) -> dict[str, Any]:
    fields = {k: v for k, v in data.items() if k in CONTRACT_FIELDS}
    for name in ("number", "title"):
        if isinstance(fields.get(name), str):
            fields[name] = to_halfwidth(fields[name]).strip()
    owner = fields.get("owner")
    if owner is not None and owner.pk != current_owner_id and not can_own_customers(actor, owner):
        message = _("You cannot give this contract to that user.")
        raise ValidationFailed(message, details={"owner": [message]})
    opportunity = fields.get("opportunity")
    if opportunity is not None and opportunity.customer_id != customer.pk:
        message = _("The opportunity belongs to another customer.")
        raise ValidationFailed(message, details={"opportunity": [message]})
    return fields


def _number_free(number: str, exclude_pk: int | None = None) -> None:
    qs = Contract.objects.filter(number=number)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if number and qs.exists():
        message = _("Another contract already has this number.")
        raise ValidationFailed(message, details={"number": [message]})


def _validate_items(items: Iterable[Mapping[str, Any]], contract: Contract) -> list[PaymentPlanItem]:
    prepared = []
    for data in items:
        item = PaymentPlanItem(
            contract=contract, **{k: v for k, v in data.items() if k in ("due_on", "amount", "note")}
        )
        full_clean_or_raise(item, exclude=["contract"])
        prepared.append(item)
    return prepared


@transaction.atomic
def contract_create(
    *,
    actor: User,
    customer: Customer,
    data: Mapping[str, Any],
    plan_items: Iterable[Mapping[str, Any]] = (),
) -> Contract:
    """Record a contract of a customer the actor may see, with its payment plan; the owner defaults to
    the customer's owner (or the actor). Refuse a number in use."""
    customer_get_for_user(user=actor, pk=customer.pk)
    fields = _prepare(actor, data, customer, None)
    fields.setdefault("owner", customer.owner or actor)
    if fields["owner"] is None:
        fields["owner"] = actor
    _number_free(fields.get("number", ""))
    contract = record_create(instance=Contract(customer=customer, **fields), actor=actor)
    items = _validate_items(plan_items, contract)
    if items:
        PaymentPlanItem.objects.bulk_create(items)
        summary = "; ".join(f"{i.due_on} {i.amount}" for i in items)
        audit_record(actor=actor, action="update", obj=contract, before={}, after={"payment plan": summary})
    return contract


@transaction.atomic
def contract_update(
    *, actor: User, contract: Contract, data: Mapping[str, Any], expected_version: int | None
) -> Contract:
    _visible_or_404(actor, contract)
    fields = _prepare(actor, data, contract.customer, contract.owner_id)
    if "number" in fields:
        _number_free(fields["number"], exclude_pk=contract.pk)
    return record_update(instance=contract, actor=actor, data=fields, expected_version=expected_version)


def contract_delete(*, actor: User, contract: Contract, expected_version: int | None) -> Contract:
    _visible_or_404(actor, contract)
    return record_soft_delete(instance=contract, actor=actor, expected_version=expected_version)


@transaction.atomic
def plan_item_add(*, actor: User, contract: Contract, data: Mapping[str, Any]) -> PaymentPlanItem:
    """Add an instalment to a contract's payment plan (audited on the contract)."""
    _visible_or_404(actor, contract)
    (item,) = _validate_items([data], contract)
    item.save()
    audit_record(
        actor=actor,
        action="update",
        obj=contract,
        before={},
        after={"payment plan": f"+ {item.due_on} {item.amount}"},
    )
    return item


@transaction.atomic
def plan_item_delete(*, actor: User, contract: Contract, item_id: int) -> None:
    """Remove one of the contract's instalments (audited on the contract); another contract's is NotFound."""
    _visible_or_404(actor, contract)
    item = contract.plan_items.filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("Instalment not found."))
    audit_record(
        actor=actor,
        action="update",
        obj=contract,
        before={"payment plan": f"{item.due_on} {item.amount}"},
        after={},
    )
    item.delete()


@transaction.atomic
def payment_add(*, actor: User, contract: Contract, data: Mapping[str, Any]) -> Payment:
    """Record money received against a contract; not in the future."""
    _visible_or_404(actor, contract)
    fields = {k: v for k, v in data.items() if k in ("received_on", "amount", "method", "reference")}
    if isinstance(fields.get("reference"), str):
        fields["reference"] = to_halfwidth(fields["reference"]).strip()
    payment = Payment(contract=contract, recorded_by=actor, **fields)
    full_clean_or_raise(payment, exclude=["contract"])
    if payment.received_on > timezone.localdate():
        message = _("A payment cannot be received in the future.")
        raise ValidationFailed(message, details={"received_on": [message]})
    if payment.amount <= 0:
        message = _("Enter an amount above 0.")
        raise ValidationFailed(message, details={"amount": [message]})
    payment.save()
    audit_record(
        actor=actor,
        action="update",
        obj=contract,
        before={},
        after={"payment": f"{payment.received_on} {payment.amount} {payment.reference}".strip()},
    )
    return payment


@transaction.atomic
def payment_delete(*, actor: User, contract: Contract, payment_id: int) -> None:
    """Remove one of the contract's payments (audited on the contract); another contract's is NotFound."""
    _visible_or_404(actor, contract)
    payment = contract.payments.filter(pk=payment_id).first()
    if payment is None:
        raise NotFound(_("Payment not found."))
    audit_record(
        actor=actor,
        action="update",
        obj=contract,
        before={"payment": f"{payment.received_on} {payment.amount}"},
        after={},
    )
    payment.delete()


# --- the daily job ----------------------------------------------------------------------------------------


def _renewal_due(day: datetime.date) -> QuerySet[Contract]:
    default = renewal_lead_days_default()
    horizon = day + datetime.timedelta(days=max(default, 366))
    has_renewal = Opportunity.objects.filter(renewal_of=OuterRef("pk"))
    candidates = (
        Contract.objects.filter(
            status=ContractStatus.ACTIVE,
            ends_on__gte=day,
            ends_on__lte=horizon,
            customer__deleted_at__isnull=True,
        )
        .exclude(Exists(has_renewal))
        .select_related("customer", "owner")
    )
    return candidates


def _renewal_title(contract: Contract) -> str:
    return _("Renewal: %(title)s") % {"title": contract.title}


@transaction.atomic
def _open_renewal(contract: Contract, day: datetime.date) -> bool:
    # Locks the contract row so that two workers cannot both open one (the unique constraint backs it up).
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    if Opportunity.objects.filter(renewal_of=contract).exists():
        return False
    owner = contract.owner if contract.owner.is_active else (contract.customer.owner or contract.owner)
    now = timezone.now()
    with translation.override(owner.language):
        title = _renewal_title(contract)
        task_title = _("Prepare the renewal of contract %(number)s (ends on %(date)s)") % {
            "number": contract.number,
            "date": contract.ends_on.isoformat(),
        }
    opportunity = Opportunity(
        customer=contract.customer,
        title=title[:200],
        owner=owner,
        amount=contract.amount,
        stage=stages.DISCOVERY,
        probability=stages.default_probability(stages.DISCOVERY),
        expected_close_on=contract.ends_on,
        renewal_of=contract,
        stage_entered_at=now,
        background=_("Contract %(number)s ends on %(date)s.")
        % {"number": contract.number, "date": contract.ends_on},
    )
    opportunity.save()
    StageChange.objects.create(
        opportunity=opportunity,
        from_stage="",
        to_stage=opportunity.stage,
        probability=opportunity.probability,
        at=now,
    )
    audit_record(
        actor=None, action="create", obj=opportunity, before={}, after={"renewal_of": contract.number}
    )
    key = f"renewal:{contract.pk}"
    if not Task.all_objects.filter(dedupe_key=key).exists():
        Task.objects.create(
            title=task_title[:200],
            due_on=max(day, contract.ends_on - datetime.timedelta(days=30)),
            owner=owner,
            customer=contract.customer,
            kind=TaskKind.RENEWAL,
            dedupe_key=key,
        )
    return True


def contract_renewals_generate(*, day: datetime.date) -> dict[str, int]:
    """Open one renewal opportunity and one renewal task per active contract whose end is within its
    renewal lead time; tell owners about overdue instalments once per instalment. Idempotent per day."""
    default = renewal_lead_days_default()
    opened = 0
    for contract in _renewal_due(day):
        lead = contract.renewal_lead_days if contract.renewal_lead_days is not None else default
        if contract.ends_on - day > datetime.timedelta(days=lead):
            continue
        opened += int(_open_renewal(contract, day))
    notified = 0
    for overdue in overdue_instalments(today=day, everyone=True):
        contract, item = overdue.contract, overdue.position.item
        owner = contract.owner
        with translation.override(owner.language):
            title = _("Payment overdue: contract %(number)s, %(amount)s due on %(date)s") % {
                "number": contract.number,
                "amount": overdue.position.outstanding,
                "date": item.due_on.isoformat(),
            }
            body = str(contract.customer)
        sent = notify(
            user=owner,
            kind=NotificationKind.CONTRACT,
            title=title,
            body=body,
            link_url=link_to("web:contract_detail", contract.pk),
            dedupe_key=f"payment-overdue:{item.pk}",
        )
        notified += int(sent is not None)
    return {"renewals": opened, "overdue_notices": notified}
