"""How reminders reach people: the in-app inbox, the daily e-mail digest, the calendar feed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .activity import Task


class NotificationKind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", _("Task assigned to you")
    NEW_FOLLOW_UPS = "new_follow_ups", _("New follow-ups")
    ESCALATION = "escalation", _("Escalation")
    NEW_CARE_TASKS = "new_care_tasks", _("New care reminders")
    NEW_CADENCE_TASKS = "new_cadence_tasks", _("New cadence steps")
    CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
    VALUE_ALERT = "value_alert", _("Customer value alert")
    EVENT = "event", _("Event")
    OPPORTUNITY = "opportunity", _("Opportunity")
    CONTRACT = "contract", _("Contract and payments")
    VISIT_PLAN = "visit_plan", _("Visit plan")
    VISIT_REPORT = "visit_report", _("Visit report")
    ACCOUNT_PLAN = "account_plan", _("Account plan")
    INTEL_REPORT = "intel_report", _("Intel report")
    TRAINING = "training", _("Training")


class Notification(models.Model):
    """One message in a user's inbox. Jobs set ``dedupe_key`` so a re-run adds nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link_url = models.CharField(_("link"), max_length=300, blank=True)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=Q(dedupe_key__isnull=False), name="notification_dedupe"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class DigestSent(models.Model):
    """The daily digest of one user on one day: claimed before sending, stamped once the server took it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    item_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_user_and_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class CalendarFeed(models.Model):
    """A secret iCalendar URL of a user's open tasks. Only the token's SHA-256 is stored.

    The token is an HMAC of the row's id and ``salt`` under the server's secret key, so the database alone
    never yields a working URL, while the server can show its owner the URL again.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    salt = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="calendar_feed_one_live_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"
