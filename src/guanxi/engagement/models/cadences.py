"""Cadences (触达节奏): a fixed series of touches with a contact, paced by how interested they are.

The default cadence follows the three-touch rule (awareness → value → call to action); an enrolment walks
one contact through it, one task per step, and stops when the customer answers.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import ArchiveRecord
from guanxi.customers.models import Contact

from .activity import Channel, Task

WAIT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(90)]


class CadencePurpose(models.TextChoices):
    AWARENESS = "awareness", _("Build awareness")
    VALUE = "value", _("Deepen the value")
    CALL_TO_ACTION = "call_to_action", _("Call to action")


class IntentLevel(models.TextChoices):
    HIGH = "high", _("High intent")
    OBSERVING = "observing", _("Observing")


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    STOPPED = "stopped", _("Stopped")
    FINISHED = "finished", _("Finished")


class StopReason(models.TextChoices):
    CUSTOMER_REPLIED = "customer_replied", _("The customer replied")
    MANUAL = "manual", _("Stopped by hand")
    DO_NOT_CONTACT = "do_not_contact", _("Do not contact")


class Cadence(ArchiveRecord):
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("cadence")
        verbose_name_plural = _("cadences")
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=Q(deleted_at__isnull=True), name="cadence_name_unique_live"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CadenceStep(models.Model):
    """One touch. The wait is counted from the previous step's completion (from enrolment for step 1)."""

    cadence = models.ForeignKey(Cadence, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("step"), validators=[MinValueValidator(1)])
    purpose = models.CharField(_("purpose"), max_length=20, choices=CadencePurpose.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    title = models.CharField(_("title"), max_length=100)
    template = models.TextField(_("suggested message"), blank=True)
    wait_days_high_intent = models.PositiveSmallIntegerField(
        _("wait for high-intent contacts (days)"), default=2, validators=WAIT_VALIDATORS
    )
    wait_days_observing = models.PositiveSmallIntegerField(
        _("wait for observing contacts (days)"), default=7, validators=WAIT_VALIDATORS
    )

    class Meta:
        verbose_name = _("cadence step")
        ordering = ["cadence", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cadence", "position"], name="cadence_step_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    def wait_days(self, intent: str) -> int:
        return self.wait_days_high_intent if intent == IntentLevel.HIGH else self.wait_days_observing


class CadenceEnrollment(ArchiveRecord):
    """One contact walking through one cadence; ``current_task`` is the open task of ``current_step``."""

    cadence = models.ForeignKey(Cadence, on_delete=models.PROTECT, related_name="enrollments")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="cadence_enrollments")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cadence_enrollments",
        verbose_name=_("owner"),
    )
    intent = models.CharField(_("intent"), max_length=20, choices=IntentLevel.choices)
    current_step = models.PositiveSmallIntegerField(_("current step"), default=1)
    next_due_on = models.DateField(_("current step due on"))
    current_task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE
    )
    stop_reason = models.CharField(_("stop reason"), max_length=20, choices=StopReason.choices, blank=True)
    stop_note = models.CharField(_("note"), max_length=200, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("cadence enrolment")
        verbose_name_plural = _("cadence enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "cadence"],
                condition=Q(status="active", deleted_at__isnull=True),
                name="cadence_one_active_enrollment_per_contact",
            )
        ]
        indexes = [models.Index(fields=["status", "next_due_on"])]

    def __str__(self) -> str:
        return f"{self.contact_id} @ {self.cadence_id} step {self.current_step}"
