"""Interactions (沟通记录) and tasks (待办)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import ArchiveRecord
from guanxi.customers.models import Contact, Customer


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WECHAT = "wechat", _("WeChat")
    FACE_TO_FACE = "face_to_face", _("Face to face")
    VIDEO = "video", _("Video meeting")
    EVENT = "event", _("Event")
    OTHER = "other", _("Other")


class Direction(models.TextChoices):
    OUTBOUND = "outbound", _("We reached out")
    INBOUND = "inbound", _("Customer reached out")


class Stance(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    HESITANT = "hesitant", _("Hesitant")
    NEGATIVE = "negative", _("Negative")


class Interaction(ArchiveRecord):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="interactions")
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="interactions", verbose_name=_("contacts")
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="interactions", verbose_name=_("our participants")
    )
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.OUTBOUND
    )
    topic = models.CharField(_("topic"), max_length=200)
    content = models.TextField(_("what was said"), blank=True)
    stance = models.CharField(_("customer's stance"), max_length=20, choices=Stance.choices, blank=True)
    feedback = models.TextField(_("feedback, doubts and objections"), blank=True)
    agreements = models.TextField(_("agreements reached"), blank=True)
    next_contact_on = models.DateField(_("next contact on"), null=True, blank=True)
    next_contact_channel = models.CharField(
        _("next contact by"), max_length=20, choices=Channel.choices, blank=True
    )
    is_non_sales = models.BooleanField(
        _("non-sales contact"),
        default=False,
        help_text=_("Care, greetings and events are counted separately."),
    )
    # Set on the one interaction that attendance of a customer event logs for each customer.
    event = models.ForeignKey(
        "engagement.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
        editable=False,
        verbose_name=_("event"),
    )

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [models.Index(fields=["customer", "-occurred_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "customer"],
                condition=Q(event__isnull=False, deleted_at__isnull=True),
                name="interaction_one_per_event_and_customer",
            )
        ]

    def __str__(self) -> str:
        return self.topic


class TaskKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up")
    ACTION_ITEM = "action_item", _("Action item")
    CARE = "care", _("Care")
    RENEWAL = "renewal", _("Renewal")
    SLA = "sla", _("SLA")
    REVIEW = "review", _("Review")
    CADENCE = "cadence", _("Cadence step")
    APPROVAL = "approval", _("Approval")
    VISIT = "visit", _("Visit")
    VISIT_REPORT = "visit_report", _("Visit report")
    COMMITMENT = "commitment", _("Commitment")
    PAYMENT = "payment", _("Payment collection")
    INTEL = "intel", _("Intel report")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class CareOccasion(models.TextChoices):
    """What a care task is for; festival values are the codes of ``guanxi.core.calendar.Festival``."""

    BIRTHDAY = "birthday", _("Birthday")
    IMPORTANT_DATE = "important_date", _("Important date")
    COMPANY_ANNIVERSARY = "company_anniversary", _("Company anniversary")
    NEW_YEARS_DAY = "new_years_day", _("New Year's Day")
    SPRING_FESTIVAL = "spring_festival", _("Spring Festival")
    LANTERN_FESTIVAL = "lantern_festival", _("Lantern Festival")
    DRAGON_BOAT_FESTIVAL = "dragon_boat_festival", _("Dragon Boat Festival")
    MID_AUTUMN_FESTIVAL = "mid_autumn_festival", _("Mid-Autumn Festival")
    NATIONAL_DAY = "national_day", _("National Day")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
    SNOOZED = "snoozed", _("Snoozed")


class Task(ArchiveRecord):
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"), db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("owner")
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    interaction = models.ForeignKey(
        Interaction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
        verbose_name=_("from interaction"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices, default=TaskKind.FOLLOW_UP)
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    result = models.TextField(_("result"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Set on care tasks: which greeting template fits (SPEC §4.2 care calendar).
    occasion = models.CharField(_("occasion"), max_length=30, choices=CareOccasion.choices, blank=True)
    # Rules that generate tasks set a key (rule + subject + date) so a second run makes no duplicate.
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=Q(dedupe_key__isnull=False), name="task_dedupe"
            )
        ]
        indexes = [models.Index(fields=["owner", "status", "due_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (TaskStatus.OPEN, TaskStatus.SNOOZED)
