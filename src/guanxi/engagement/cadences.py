"""Cadences: enrol a contact, one task per step, advance on completion, stop when the customer answers.

The flow is explicit: ``task_complete`` calls ``cadence_advance`` for cadence tasks and
``interaction_log`` calls ``cadences_stop_on_reply`` for inbound interactions (this module creates its
step tasks itself, with their dedupe key, so that ``services`` can import it without a cycle). The periodic job creates
the task of a step whose day has come but which has none yet (an enrolment that starts later); the task's
key (enrolment + step) makes every path idempotent.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.customers.models import Contact, Customer
from guanxi.governance.audit import audit_record
from guanxi.governance.records import record_create, record_update
from guanxi.governance.scope import can_own_customers, visible
from guanxi.people.models import Role, User

from .models import (
    Cadence,
    CadenceEnrollment,
    CadenceStep,
    EnrollmentStatus,
    IntentLevel,
    Interaction,
    NotificationKind,
    StopReason,
    Task,
    TaskKind,
    TaskStatus,
)
from .notifications import link_to, notify, notify_task_assigned
from .policies import may_manage_policy

CADENCE_KEY = "cadence"


# --- reads -------------------------------------------------------------------------------------------


def cadences_available() -> QuerySet[Cadence]:
    return Cadence.objects.filter(is_active=True).prefetch_related("steps").order_by("name")


def enrollments_visible(user: Any) -> QuerySet[CadenceEnrollment]:
    return visible(
        CadenceEnrollment.objects.filter(
            contact__deleted_at__isnull=True, contact__customer__deleted_at__isnull=True
        ),
        user,
        via="contact__customer",
    )


def enrollment_list(
    *, user: Any, contact_id: int | None = None, status: str = EnrollmentStatus.ACTIVE
) -> QuerySet[CadenceEnrollment]:
    """Return the visible enrolments (of one contact), most recent first."""
    qs = enrollments_visible(user).select_related("cadence", "contact", "contact__customer", "owner")
    if contact_id is not None:
        qs = qs.filter(contact_id=contact_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def enrollment_get_for_user(*, user: Any, pk: Any) -> CadenceEnrollment:
    try:
        return enrollments_visible(user).select_related("cadence", "contact").get(pk=int(pk))
    except (CadenceEnrollment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Enrolment not found.")) from exc


# --- writes ------------------------------------------------------------------------------------------


@transaction.atomic
def cadence_enrol(
    *,
    actor: User,
    contact: Contact,
    cadence: Cadence,
    intent: str,
    start_on: datetime.date | None = None,
) -> CadenceEnrollment:
    """Start ``cadence`` with a contact; the first step's task is due on ``start_on`` (today by default).

    The customer's owner does the touches. Raise NotFound when the actor may not see the contact,
    ValidationFailed for a do-not-contact contact, an inactive or empty cadence, an unknown intent, a
    start in the past or a contact already in this cadence.
    """
    customer = visible(Customer.objects.filter(pk=contact.customer_id), actor).first()
    if customer is None or contact.deleted_at is not None:
        raise NotFound(_("Contact not found."))
    today = timezone.localdate()
    start_on = start_on or today
    errors: dict[str, list[str]] = {}
    if contact.do_not_contact:
        errors["contact"] = [_("This contact does not want to be contacted.")]
    if not cadence.is_active or cadence.deleted_at is not None or not cadence.steps.exists():
        errors["cadence"] = [_("Choose a cadence in use.")]
    if intent not in IntentLevel.values:
        errors["intent"] = [_("Choose high intent or observing.")]
    if start_on < today:
        errors["start_on"] = [_("The cadence cannot start in the past.")]
    if (
        not errors
        and CadenceEnrollment.objects.filter(
            contact=contact, cadence=cadence, status=EnrollmentStatus.ACTIVE
        ).exists()
    ):
        errors["contact"] = [_("This contact is already in this cadence.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    owner = customer.owner if customer.owner is not None and customer.owner.is_active else actor
    enrollment = record_create(
        instance=CadenceEnrollment(
            cadence=cadence, contact=contact, owner=owner, intent=intent, current_step=1, next_due_on=start_on
        ),
        actor=actor,
    )
    if start_on <= today:
        _create_step_task(enrollment, actor=actor)
    return enrollment


@transaction.atomic
def cadence_advance(*, actor: User, task: Task) -> CadenceEnrollment | None:
    """After the task of a step is done, schedule the next step's task (or finish the enrolment).

    The next task is due the step's wait (by the contact's intent) after today. Return the enrolment
    moved, or None when the task is no active enrolment's current step.
    """
    enrollment = (
        CadenceEnrollment.objects.select_for_update()
        .filter(current_task_id=task.pk, status=EnrollmentStatus.ACTIVE)
        .select_related("cadence")
        .first()
    )
    if enrollment is None:
        return None
    following = CadenceStep.objects.filter(
        cadence_id=enrollment.cadence_id, position__gt=enrollment.current_step
    ).first()
    if following is None:
        return record_update(
            instance=enrollment,
            actor=actor,
            expected_version=enrollment.version,
            data={"status": EnrollmentStatus.FINISHED, "current_task": None, "ended_at": timezone.now()},
        )
    due = timezone.localdate() + datetime.timedelta(days=following.wait_days(enrollment.intent))
    enrollment = record_update(
        instance=enrollment,
        actor=actor,
        expected_version=enrollment.version,
        data={"current_step": following.position, "next_due_on": due, "current_task": None},
    )
    _create_step_task(enrollment, actor=actor)
    return enrollment


def _check_may_stop(actor: User, enrollment: CadenceEnrollment) -> None:
    if enrollment.owner_id == actor.pk or enrollment.created_by_id == actor.pk:
        return
    if actor.role in (Role.MANAGER, Role.DIRECTOR) and can_own_customers(actor, enrollment.owner):
        return
    raise PermissionDenied(_("Only the enrolment's owner or their manager can stop it."))


@transaction.atomic
def cadence_stop(
    *, actor: User, enrollment: CadenceEnrollment, reason: str = StopReason.MANUAL, note: str = ""
) -> CadenceEnrollment:
    """Stop an active enrolment and cancel its open step task.

    Raise PermissionDenied (neither owner nor their manager) or ValidationFailed (already ended, or an
    unknown reason).
    """
    _check_may_stop(actor, enrollment)
    if reason not in StopReason.values:
        message = _("Choose a reason from the list.")
        raise ValidationFailed(message, details={"reason": [message]})
    return _stop(actor=actor, enrollment=enrollment, reason=reason, note=note)


def _stop(*, actor: Any, enrollment: CadenceEnrollment, reason: str, note: str) -> CadenceEnrollment:
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise ValidationFailed(_("This enrolment has already ended."), code="enrollment_ended")
    if enrollment.current_task_id is not None:
        with translation.override(enrollment.owner.language):
            result = str(StopReason(reason).label)
        Task.objects.filter(
            pk=enrollment.current_task_id, status__in=(TaskStatus.OPEN, TaskStatus.SNOOZED)
        ).update(
            status=TaskStatus.CANCELLED, result=result, updated_at=timezone.now(), version=F("version") + 1
        )
    return record_update(
        instance=enrollment,
        actor=actor,
        expected_version=None,
        data={
            "status": EnrollmentStatus.STOPPED,
            "stop_reason": reason,
            "stop_note": note[:200],
            "ended_at": timezone.now(),
        },
    )


def cadences_stop_on_reply(*, actor: User, interaction: Interaction, contacts: list[Contact]) -> int:
    """Stop the active enrolments of the contacts who reached out (of the whole customer when the
    interaction names nobody) and tell their owners; return how many stopped."""
    enrollments = CadenceEnrollment.objects.filter(status=EnrollmentStatus.ACTIVE).select_related(
        "owner", "contact", "cadence"
    )
    if contacts:
        enrollments = enrollments.filter(contact__in=[c.pk for c in contacts])
    else:
        enrollments = enrollments.filter(contact__customer_id=interaction.customer_id)
    stopped = 0
    for enrollment in list(enrollments):
        _stop(actor=actor, enrollment=enrollment, reason=StopReason.CUSTOMER_REPLIED, note=interaction.topic)
        stopped += 1
        if enrollment.owner_id != actor.pk:
            with translation.override(enrollment.owner.language):
                title = _("%(contact)s replied; the cadence “%(cadence)s” stopped") % {
                    "contact": enrollment.contact.name,
                    "cadence": enrollment.cadence.name,
                }
            notify(
                user=enrollment.owner,
                kind=NotificationKind.CUSTOMER_REPLIED,
                title=title,
                body=interaction.topic,
                link_url=link_to("web:customer_detail", interaction.customer_id),
            )
    return stopped


def _create_step_task(enrollment: CadenceEnrollment, *, actor: User | None) -> Task:
    """Create (or find, by its key) the task of the enrolment's current step and link it."""
    step = CadenceStep.objects.get(cadence_id=enrollment.cadence_id, position=enrollment.current_step)
    key = f"{CADENCE_KEY}:{enrollment.pk}:{step.position}"
    task = Task.all_objects.filter(dedupe_key=key).first()
    if task is None:
        contact = enrollment.contact
        owner = enrollment.owner
        step_count = CadenceStep.objects.filter(cadence_id=enrollment.cadence_id).count()
        with translation.override(owner.language):
            title = _("%(cadence)s %(step)s/%(steps)s: %(title)s — %(contact)s") % {
                "cadence": enrollment.cadence.name,
                "step": step.position,
                "steps": step_count,
                "title": step.title,
                "contact": contact.name,
            }
        task = record_create(
            instance=Task(
                title=title[:200],
                due_on=enrollment.next_due_on,
                owner=owner,
                customer_id=contact.customer_id,
                contact=contact,
                kind=TaskKind.CADENCE,
                dedupe_key=key,
            ),
            actor=actor,
        )
        if actor is not None:
            notify_task_assigned(task=task, actor=actor)
    CadenceEnrollment.objects.filter(pk=enrollment.pk).update(current_task=task)
    enrollment.current_task = task
    return task


def cadence_steps_generate(*, day: datetime.date) -> dict[str, int]:
    """Create the task of every active enrolment whose current step is due by ``day`` and has none."""
    due = CadenceEnrollment.objects.filter(
        status=EnrollmentStatus.ACTIVE, current_task__isnull=True, next_due_on__lte=day
    ).select_related("cadence", "contact", "contact__customer", "owner")
    created = 0
    for enrollment in due.iterator(chunk_size=500):
        with transaction.atomic():
            _create_step_task(enrollment, actor=None)
        created += 1
    return {"tasks_created": created}


# --- managing cadences -------------------------------------------------------------------------------

STEP_FIELDS = (
    "purpose",
    "channel",
    "title",
    "template",
    "wait_days_high_intent",
    "wait_days_observing",
)
CADENCE_FIELDS = ("name", "description", "is_active")
MAX_STEPS = 12


def cadence_list_all() -> QuerySet[Cadence]:
    """Every live cadence, in use or not, with its steps (for those who manage them)."""
    return Cadence.objects.prefetch_related("steps").order_by("name", "id")


def cadence_get(*, pk: Any) -> Cadence:
    try:
        return cadence_list_all().get(pk=int(pk))
    except (Cadence.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Cadence not found.")) from exc


def _check_may_manage(actor: User) -> None:
    if not may_manage_policy(actor):
        raise PermissionDenied(_("Only managers and administrators can change cadences."))


def _steps_summary(cadence: Cadence) -> str:
    steps = CadenceStep.objects.filter(cadence=cadence).order_by("position")
    return " | ".join(
        f"{s.position}:{s.purpose}/{s.channel}/{s.title}/{s.wait_days_high_intent}/{s.wait_days_observing}"
        for s in steps
    )


def _replace_steps(cadence: Cadence, steps: list[dict[str, Any]]) -> None:
    """Make the cadence's steps exactly ``steps`` (positions 1..n in the given order)."""
    if not steps:
        message = _("A cadence needs at least one step.")
        raise ValidationFailed(message, details={"steps": [message]})
    if len(steps) > MAX_STEPS:
        message = _("A cadence has at most %(count)d steps.") % {"count": MAX_STEPS}
        raise ValidationFailed(message, details={"steps": [message]})
    furthest = (
        CadenceEnrollment.objects.filter(cadence=cadence, status=EnrollmentStatus.ACTIVE)
        .order_by("-current_step")
        .values_list("current_step", flat=True)
        .first()
    )
    if furthest and len(steps) < furthest:
        message = _("Contacts are at step %(step)d of this cadence; keep at least that many steps.") % {
            "step": furthest
        }
        raise ValidationFailed(message, details={"steps": [message]})
    built = []
    for position, data in enumerate(steps, start=1):
        step = CadenceStep(
            cadence=cadence, position=position, **{k: data[k] for k in STEP_FIELDS if k in data}
        )
        try:
            step.full_clean(exclude=["cadence"], validate_unique=False, validate_constraints=False)
        except DjangoValidationError as error:
            details = {f"steps.{position}.{k}": [str(m) for m in v] for k, v in error.message_dict.items()}
            raise ValidationFailed(next(iter(details.values()))[0], details=details) from error
        built.append(step)
    CadenceStep.objects.filter(cadence=cadence).delete()
    CadenceStep.objects.bulk_create(built)


@transaction.atomic
def cadence_create(*, actor: User, data: dict[str, Any], steps: list[dict[str, Any]]) -> Cadence:
    """A new cadence with its steps (managers, the director and administrators)."""
    _check_may_manage(actor)
    cadence = record_create(
        instance=Cadence(**{k: data[k] for k in CADENCE_FIELDS if k in data}), actor=actor
    )
    _replace_steps(cadence, steps)
    audit_record(
        actor=actor,
        action="update",
        obj=cadence,
        before={"steps": ""},
        after={"steps": _steps_summary(cadence)},
    )
    return cadence


@transaction.atomic
def cadence_update(
    *,
    actor: User,
    cadence: Cadence,
    data: dict[str, Any],
    steps: list[dict[str, Any]] | None,
    expected_version: int | None,
) -> Cadence:
    """Change a cadence and, when ``steps`` is given, replace its steps; active enrolments keep their place
    (the step list cannot shrink below the furthest step a contact is at)."""
    _check_may_manage(actor)
    fields = {k: data[k] for k in CADENCE_FIELDS if k in data}
    before = _steps_summary(cadence)
    updated = record_update(instance=cadence, actor=actor, data=fields, expected_version=expected_version)
    if steps is not None:
        _replace_steps(updated, steps)
        after = _steps_summary(updated)
        if after != before:
            if updated.version == cadence.version:  # only the steps changed: the cadence still moves on
                Cadence.all_objects.filter(pk=updated.pk, version=updated.version).update(
                    version=F("version") + 1, updated_at=timezone.now(), updated_by=actor
                )
                updated.version += 1
            audit_record(
                actor=actor, action="update", obj=updated, before={"steps": before}, after={"steps": after}
            )
    return updated
