"""Writes of account plans (with their approval flow and versions), intel reports and referrals."""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.errors import PermissionDenied, ValidationFailed, VersionConflict
from guanxi.customers.models import Customer
from guanxi.engagement.models import NotificationKind, Task, TaskKind
from guanxi.engagement.notifications import link_to, notify
from guanxi.engagement.services import task_create
from guanxi.governance.audit import audit_record
from guanxi.governance.records import record_create, record_soft_delete, record_update
from guanxi.governance.scope import can_own_customers
from guanxi.people.models import Role, User

from .models import (
    SWOT_KEYS,
    AccountPlan,
    AccountPlanVersion,
    ActionStatus,
    Importance,
    IntelReport,
    PlanAction,
    PlanStatus,
    Referral,
    VersionReason,
)
from .selectors import key_person_relationships

# The text sections of a plan, in the order of the seed's outline.
PLAN_SECTIONS = (
    "summary",
    "customer_situation",
    "goals",
    "our_position",
    "competition",
    "strategy",
    "resources",
)
SWOT_ITEM_MAX = 300
SWOT_ITEMS_MAX = 30
ACTIONS_MAX = 50

# The approval flow as data: action → (from, to, who may do it).
TRANSITIONS: dict[str, tuple[str, str, str]] = {
    "submit": (PlanStatus.DRAFT, PlanStatus.IN_REVIEW, "author"),
    "approve": (PlanStatus.IN_REVIEW, PlanStatus.APPROVED, "director"),
    "return": (PlanStatus.IN_REVIEW, PlanStatus.DRAFT, "director"),
}


def _conflict(current: Any) -> VersionConflict:
    return VersionConflict(
        _("Someone else saved this record after you opened it. Compare both versions and save again."),
        current=current,
        current_version=current.version,
    )


# --- who may do what ---------------------------------------------------------------------------------


def is_director(user: Any) -> bool:
    return getattr(user, "role", None) == Role.DIRECTOR


def may_author_plan(actor: Any, plan: AccountPlan) -> bool:
    """The owner, the owner's manager and the director write a plan (the archivist only reads it)."""
    if is_director(actor):
        return True
    if actor.pk == plan.owner_id:
        return True
    return actor.role == Role.MANAGER and can_own_customers(actor, plan.owner)


def edit_refusal(actor: Any, plan: AccountPlan) -> str:
    """Return why ``actor`` may not change ``plan`` now, or '' when they may."""
    if not may_author_plan(actor, plan):
        return _("Only the plan's owner, their manager or the marketing director can change this plan.")
    if is_director(actor):
        return ""
    if plan.status == PlanStatus.APPROVED:
        return _(
            "This plan has been approved. Only the marketing director can change it now; "
            "ask the director if it needs adjusting."
        )
    if plan.status == PlanStatus.IN_REVIEW:
        return _("This plan is waiting for the director's review. It can be changed again if it is returned.")
    return ""


def may_edit_plan(actor: Any, plan: AccountPlan) -> bool:
    return not edit_refusal(actor, plan)


def may_transition(actor: Any, plan: AccountPlan, action: str) -> bool:
    source, _target, who = TRANSITIONS[action]
    if plan.status != source:
        return False
    return is_director(actor) if who == "director" else may_author_plan(actor, plan)


# --- account plans -----------------------------------------------------------------------------------


def _clean_swot(swot: Any) -> dict[str, list[str]]:
    if not isinstance(swot, Mapping) or set(swot) - set(SWOT_KEYS):
        raise ValidationFailed(_("SWOT must list strengths, weaknesses, opportunities and threats."))
    clean: dict[str, list[str]] = {}
    for key in SWOT_KEYS:
        items = swot.get(key) or []
        if not isinstance(items, Sequence) or isinstance(items, str):
            raise ValidationFailed(_("Each SWOT part is a list of items."), details={"swot": [key]})
        texts = [str(item).strip() for item in items if str(item).strip()]
        if len(texts) > SWOT_ITEMS_MAX or any(len(t) > SWOT_ITEM_MAX for t in texts):
            message = _("Keep each SWOT part to %(count)d items of at most %(length)d characters.") % {
                "count": SWOT_ITEMS_MAX,
                "length": SWOT_ITEM_MAX,
            }
            raise ValidationFailed(message, details={"swot": [message]})
        clean[key] = texts
    return clean


def _clean_actions(actions: Sequence[Mapping[str, Any]]) -> list[PlanAction]:
    if len(actions) > ACTIONS_MAX:
        message = _("A plan holds at most %(count)d actions.") % {"count": ACTIONS_MAX}
        raise ValidationFailed(message, details={"actions": [message]})
    rows = []
    for position, item in enumerate(actions):
        what = str(item.get("what") or "").strip()
        if not what:
            message = _("Say what each action is.")
            raise ValidationFailed(message, details={"actions": [message]})
        if len(what) > 300:
            message = _("Describe each action in at most 300 characters.")
            raise ValidationFailed(message, details={"actions": [message]})
        status = item.get("status") or ActionStatus.OPEN
        if status not in ActionStatus.values:
            message = _("Choose the status of each action.")
            raise ValidationFailed(message, details={"actions": [message]})
        owner = item.get("owner")
        if owner is not None and (not owner.is_active or owner.role == Role.ADMIN):
            message = _("Give each action to an active member of the sales team.")
            raise ValidationFailed(message, details={"actions": [message]})
        rows.append(
            PlanAction(position=position, what=what, owner=owner, due_on=item.get("due_on"), status=status)
        )
    return rows


def _actions_signature(rows: Sequence[PlanAction]) -> list[tuple]:
    return [(r.what, r.owner_id, r.due_on, r.status) for r in rows]


def plan_snapshot(plan: AccountPlan) -> dict[str, Any]:
    """Freeze the whole plan as it is now: sections, SWOT, actions and the key-person relationships."""
    actions = list(PlanAction.objects.filter(plan=plan).select_related("owner"))
    return {
        "customer": plan.customer.name,
        "year": plan.year,
        "owner": str(plan.owner),
        "status": plan.status,
        "sections": {name: getattr(plan, name) for name in PLAN_SECTIONS},
        "swot": {key: list((plan.swot or {}).get(key, [])) for key in SWOT_KEYS},
        "actions": [
            {
                "what": a.what,
                "owner": str(a.owner) if a.owner else "",
                "due_on": a.due_on.isoformat() if a.due_on else "",
                "status": a.status,
            }
            for a in actions
        ],
        "key_persons": key_person_relationships(customer=plan.customer),
    }


def _save_version(*, plan: AccountPlan, actor: User, note: VersionReason) -> AccountPlanVersion:
    latest = AccountPlanVersion.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0
    return AccountPlanVersion.objects.create(
        plan=plan,
        number=latest + 1,
        author=actor,
        status=plan.status,
        note=note,
        snapshot=plan_snapshot(plan),
    )


@transaction.atomic
def account_plan_create(
    *, actor: User, customer: Customer, year: int, data: Mapping[str, Any] | None = None
) -> AccountPlan:
    """Start a draft plan for ``customer`` and ``year``, owned by the customer's owner.

    The caller has checked the customer is visible. Raises PermissionDenied for anybody who may not
    write plans for this customer, ValidationFailed for a second plan of the same year.
    """
    owner = customer.owner
    if owner is None:
        raise ValidationFailed(_("Give this customer an owner before planning for it."))
    plan = AccountPlan(customer=customer, year=year, owner=owner)
    if not may_author_plan(actor, plan):
        raise PermissionDenied(_("Only the customer's owner, their manager or the director can plan for it."))
    fields = dict(data or {})
    actions = fields.pop("actions", None)
    if "swot" in fields:
        fields["swot"] = _clean_swot(fields["swot"])
    for name, value in fields.items():
        if name not in PLAN_SECTIONS and name != "swot":
            raise ValidationFailed(_("Unknown field: %(name)s") % {"name": name})
        setattr(plan, name, value)
    if AccountPlan.objects.filter(customer=customer, year=year).exists():
        message = _("This customer already has an account plan for %(year)d.") % {"year": year}
        raise ValidationFailed(message, code="duplicate", details={"year": [message]})
    try:
        with transaction.atomic():
            plan = record_create(instance=plan, actor=actor, exclude_validation=["customer", "year"])
    except IntegrityError as error:
        message = _("This customer already has an account plan for %(year)d.") % {"year": year}
        raise ValidationFailed(message, code="duplicate", details={"year": [message]}) from error
    if actions:
        rows = _clean_actions(actions)
        for row in rows:
            row.plan = plan
        PlanAction.objects.bulk_create(rows)
    return plan


@transaction.atomic
def account_plan_update(
    *, actor: User, plan: AccountPlan, data: Mapping[str, Any], expected_version: int | None
) -> AccountPlan:
    """Change a plan's sections, SWOT and/or actions (``actions`` replaces the whole list).

    A draft is changed by its authors; a plan in review or approved only by the director, and the
    director's change of an approved plan is kept as a new version. Raises PermissionDenied (with the
    reason), VersionConflict on a stale version, ValidationFailed on bad input.
    """
    current = AccountPlan.objects.select_for_update().select_related("customer", "owner").get(pk=plan.pk)
    refusal = edit_refusal(actor, current)
    if refusal:
        raise PermissionDenied(refusal, code="plan_locked" if current.status != PlanStatus.DRAFT else None)
    if expected_version is not None and current.version != expected_version:
        raise _conflict(current)
    fields = dict(data)
    actions = fields.pop("actions", None)
    unknown = [name for name in fields if name not in PLAN_SECTIONS and name != "swot"]
    if unknown:
        raise ValidationFailed(_("Unknown field: %(name)s") % {"name": unknown[0]})
    if "swot" in fields:
        fields["swot"] = _clean_swot(fields["swot"])
    version_before = current.version
    updated = record_update(instance=current, actor=actor, data=fields, expected_version=current.version)
    actions_changed = False
    if actions is not None:
        rows = _clean_actions(actions)
        existing = list(PlanAction.objects.filter(plan=updated))
        if _actions_signature(existing) != _actions_signature(rows):
            actions_changed = True
            PlanAction.objects.filter(plan=updated).delete()
            for row in rows:
                row.plan = updated
            PlanAction.objects.bulk_create(rows)
            if updated.version == version_before:
                updated = _bump_version(updated, actor)
            audit_record(
                actor=actor,
                action="update",
                obj=updated,
                before={"actions": "; ".join(a.what for a in existing)},
                after={"actions": "; ".join(a.what for a in rows)},
            )
    changed = updated.version != version_before or actions_changed
    if changed and updated.status == PlanStatus.APPROVED:
        _save_version(plan=updated, actor=actor, note=VersionReason.ADJUSTED)
    return updated


def _bump_version(plan: AccountPlan, actor: User) -> AccountPlan:
    now = timezone.now()
    count = AccountPlan.all_objects.filter(pk=plan.pk, version=plan.version).update(
        version=F("version") + 1, updated_at=now, updated_by=actor
    )
    if count != 1:
        raise _conflict(AccountPlan.all_objects.get(pk=plan.pk))
    plan.version += 1
    plan.updated_at = now
    plan.updated_by = actor
    return plan


def _transition(
    *, actor: User, plan: AccountPlan, action: str, expected_version: int | None, extra: Mapping[str, Any]
) -> AccountPlan:
    current = AccountPlan.objects.select_for_update().select_related("customer", "owner").get(pk=plan.pk)
    source, target, who = TRANSITIONS[action]
    if who == "director" and not is_director(actor):
        raise PermissionDenied(_("Only the marketing director can approve or return an account plan."))
    if who == "author" and not may_author_plan(actor, current):
        raise PermissionDenied(_("Only the plan's owner or their manager can submit it."))
    if current.status != source:
        message = _("This plan is %(status)s; it cannot be %(action)s now.") % {
            "status": current.get_status_display(),
            "action": {"submit": _("submitted"), "approve": _("approved"), "return": _("returned")}[action],
        }
        raise ValidationFailed(message, code="wrong_status", details={"status": [message]})
    if expected_version is not None and current.version != expected_version:
        raise _conflict(current)
    return record_update(
        instance=current, actor=actor, data={"status": target, **extra}, expected_version=current.version
    )


def _notify_owner(plan: AccountPlan, title_of: Any, key: str) -> None:
    with translation.override(plan.owner.language):
        title = title_of()
    notify(
        user=plan.owner,
        kind=NotificationKind.ACCOUNT_PLAN,
        title=title,
        body=plan.review_comment,
        link_url=link_to("web:account_plan_detail", plan.pk),
        dedupe_key=key,
    )


@transaction.atomic
def account_plan_submit(
    *, actor: User, plan: AccountPlan, expected_version: int | None = None
) -> AccountPlan:
    """Send a draft to the director for review; the summary and the goals must be written first."""
    if not (plan.summary.strip() and plan.goals.strip()):
        message = _("Write the summary and the goals for the year before submitting the plan.")
        raise ValidationFailed(message, code="incomplete", details={"goals": [message]})
    plan = _transition(
        actor=actor,
        plan=plan,
        action="submit",
        expected_version=expected_version,
        extra={"submitted_at": timezone.now(), "review_comment": ""},
    )
    version = _save_version(plan=plan, actor=actor, note=VersionReason.SUBMITTED)
    for director in User.objects.filter(role=Role.DIRECTOR, is_active=True):
        with translation.override(director.language):
            title = _("Account plan to review: %(customer)s %(year)d") % {
                "customer": plan.customer.name,
                "year": plan.year,
            }
        notify(
            user=director,
            kind=NotificationKind.ACCOUNT_PLAN,
            title=title,
            link_url=link_to("web:account_plan_detail", plan.pk),
            dedupe_key=f"account-plan:{plan.pk}:v{version.number}:review:{director.pk}",
        )
    return plan


@transaction.atomic
def account_plan_approve(
    *, actor: User, plan: AccountPlan, expected_version: int | None = None
) -> AccountPlan:
    """Approve a plan in review (director only); the approved plan is kept as a version."""
    plan = _transition(
        actor=actor,
        plan=plan,
        action="approve",
        expected_version=expected_version,
        extra={"approved_at": timezone.now(), "approved_by": actor},
    )
    version = _save_version(plan=plan, actor=actor, note=VersionReason.APPROVED)
    _notify_owner(
        plan,
        lambda: (
            _("Your account plan for %(customer)s %(year)d was approved")
            % {"customer": plan.customer.name, "year": plan.year}
        ),
        f"account-plan:{plan.pk}:v{version.number}:approved",
    )
    return plan


@transaction.atomic
def account_plan_return(
    *, actor: User, plan: AccountPlan, comment: str, expected_version: int | None = None
) -> AccountPlan:
    """Send a plan in review back to draft with the director's comment (required)."""
    comment = (comment or "").strip()
    if not comment:
        message = _("Say what needs changing when returning a plan.")
        raise ValidationFailed(message, code="comment_required", details={"comment": [message]})
    plan = _transition(
        actor=actor,
        plan=plan,
        action="return",
        expected_version=expected_version,
        extra={"review_comment": comment},
    )
    _notify_owner(
        plan,
        lambda: (
            _("Your account plan for %(customer)s %(year)d was returned")
            % {"customer": plan.customer.name, "year": plan.year}
        ),
        f"account-plan:{plan.pk}:returned:{plan.version}",
    )
    return plan


@transaction.atomic
def account_plan_delete(*, actor: User, plan: AccountPlan, expected_version: int | None) -> None:
    """Move a plan to the recycle bin: a draft by its authors, a submitted or approved one by the director
    only. Its versions stay with it."""
    refusal = edit_refusal(actor, plan)
    if refusal:
        raise PermissionDenied(refusal, code="plan_locked" if plan.status != PlanStatus.DRAFT else None)
    record_soft_delete(instance=plan, actor=actor, expected_version=expected_version)


# --- intel reports -----------------------------------------------------------------------------------

INTEL_FIELDS = ("customer", "market", "title", "content", "source_level", "importance", "reported_on")


def _notify_directors_of_major(report: IntelReport) -> int:
    if report.importance != Importance.MAJOR:
        return 0
    sent = 0
    for director in User.objects.filter(role=Role.DIRECTOR, is_active=True):
        with translation.override(director.language):
            subject = report.customer.name if report.customer is not None else report.market
            title = _("Major intel: %(title)s (%(subject)s)") % {"title": report.title, "subject": subject}
        made = notify(
            user=director,
            kind=NotificationKind.INTEL_REPORT,
            title=title,
            body=report.content[:500],
            link_url=link_to("web:intel_detail", report.pk),
            dedupe_key=f"intel-major:{report.pk}:{director.pk}",
        )
        sent += made is not None
    return sent


def _check_intel_subject(fields: Mapping[str, Any]) -> None:
    if fields.get("customer") is None and not str(fields.get("market") or "").strip():
        message = _("Choose a customer or name the market this report is about.")
        raise ValidationFailed(message, details={"market": [message]})


@transaction.atomic
def intel_report_create(*, actor: User, data: Mapping[str, Any]) -> IntelReport:
    """File an intel report as ``actor``; a major one tells every active director at once.

    The caller has resolved ``customer`` (if any) among the customers the actor can see.
    """
    if actor.role == Role.ADMIN:
        raise PermissionDenied(_("Intel reports are filed by the sales side."))
    fields = {name: value for name, value in data.items() if name in INTEL_FIELDS}
    _check_intel_subject(fields)
    report = record_create(instance=IntelReport(reported_by=actor, **fields), actor=actor)
    _notify_directors_of_major(report)
    return report


def may_change_intel(actor: Any, report: IntelReport) -> bool:
    return actor.pk == report.reported_by_id or is_director(actor)


@transaction.atomic
def intel_report_update(
    *, actor: User, report: IntelReport, data: Mapping[str, Any], expected_version: int | None
) -> IntelReport:
    """Correct a report (its author or the director); raising it to major notifies the directors."""
    if not may_change_intel(actor, report):
        raise PermissionDenied(_("Only the author or the director can change this report."))
    fields = {name: value for name, value in data.items() if name in INTEL_FIELDS}
    merged = {"customer": report.customer, "market": report.market, **fields}
    _check_intel_subject(merged)
    report = record_update(instance=report, actor=actor, data=fields, expected_version=expected_version)
    _notify_directors_of_major(report)
    return report


@transaction.atomic
def intel_report_delete(*, actor: User, report: IntelReport, expected_version: int | None) -> None:
    if not may_change_intel(actor, report):
        raise PermissionDenied(_("Only the author or the director can delete this report."))
    record_soft_delete(instance=report, actor=actor, expected_version=expected_version)


def first_monday(day: datetime.date) -> bool:
    """Tell whether ``day`` is the first Monday of its month (the seed's day for the intel report)."""
    return day.weekday() == 0 and day.day <= 7


def intel_reminders_generate(*, day: datetime.date) -> dict[str, int]:
    """On the first Monday of a month, give every active rep a task to file their intel report.

    Keyed per user and month, so running again (the same day or later that month) adds nothing.
    """
    if not first_monday(day):
        return {"created": 0}
    month = day.strftime("%Y-%m")
    reps = {
        f"intel-reminder:{rep.pk}:{month}": rep for rep in User.objects.filter(role=Role.REP, is_active=True)
    }
    done = set(Task.all_objects.filter(dedupe_key__in=list(reps)).values_list("dedupe_key", flat=True))
    created = 0
    for key, rep in sorted(reps.items()):
        if key in done:
            continue
        with translation.override(rep.language):
            title = _("File this month's customer and market intel report")
        task_create(
            actor=rep,
            data={"title": title, "due_on": day, "owner": rep, "kind": TaskKind.INTEL, "dedupe_key": key},
        )
        created += 1
    return {"created": created}


# --- referrals ---------------------------------------------------------------------------------------


@transaction.atomic
def referral_create(*, actor: User, data: Mapping[str, Any]) -> Referral:
    """Record that ``referrer`` (optionally one of its contacts) brought us ``referred``.

    The caller has resolved both customers among those the actor can see. A customer has one referrer.
    """
    if actor.role == Role.ADMIN:
        raise PermissionDenied(_("Referrals are recorded by the sales side."))
    referrer, referred = data["referrer"], data["referred"]
    contact = data.get("referrer_contact")
    if referrer.pk == referred.pk:
        message = _("A customer cannot refer itself.")
        raise ValidationFailed(message, details={"referred": [message]})
    if contact is not None and contact.customer_id != referrer.pk:
        message = _("Choose a contact of the referring customer.")
        raise ValidationFailed(message, details={"referrer_contact": [message]})
    if Referral.objects.filter(referred=referred).exists():
        message = _("This customer's referrer is already recorded.")
        raise ValidationFailed(message, code="duplicate", details={"referred": [message]})
    referral = Referral(
        referrer=referrer,
        referrer_contact=contact,
        referred=referred,
        note=data.get("note", ""),
    )
    if data.get("referred_on"):
        referral.referred_on = data["referred_on"]
    return record_create(instance=referral, actor=actor)


@transaction.atomic
def referral_delete(*, actor: User, referral: Referral, expected_version: int | None) -> None:
    if actor.role not in (Role.DIRECTOR, Role.MANAGER) and actor.pk != referral.created_by_id:
        raise PermissionDenied(_("Only whoever recorded this referral or a manager can delete it."))
    record_soft_delete(instance=referral, actor=actor, expected_version=expected_version)
