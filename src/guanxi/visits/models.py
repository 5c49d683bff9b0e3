"""Monthly visit plans (拜访计划), their planned visits and the reports filed after each visit (SPEC §4.4)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import ArchiveRecord
from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import Interaction


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


# Items may be added, changed and removed only while the rep holds the plan.
EDITABLE_STATUSES = (PlanStatus.DRAFT, PlanStatus.RETURNED)
# A plan whose visits count: the manager agreed to it.
APPROVED_STATUSES = (PlanStatus.APPROVED, PlanStatus.IN_PROGRESS, PlanStatus.CLOSED)


class Purpose(models.TextChoices):
    """Why a visit is made: the purposes a rep states before visiting."""

    MARKET_RESEARCH = "market_research", _("Market research")
    COMPETITORS = "competitors", _("Understand competitors")
    STRENGTHEN_TIES = "strengthen_ties", _("Maintain: strengthen ties")
    PUSH_VOLUME = "push_volume", _("Maintain: push volume")
    COLLECT_PAYMENT = "collect_payment", _("Maintain: collect payment")
    NEW_CUSTOMER = "new_customer", _("Develop a new customer")
    NEW_PROJECT = "new_project", _("Present a new project")
    INFLUENCE = "influence", _("Raise our influence")


class TargetType(models.TextChoices):
    EXISTING = "existing", _("Existing customer")
    TARGET = "target", _("Target customer")
    POTENTIAL = "potential", _("Potential customer")
    PEER = "peer", _("Peer in the industry")
    GOVERNMENT = "government", _("Government or public body")


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Achieved(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class VisitPlan(ArchiveRecord):
    """One rep's visits for one month; ``month`` is the first day of that month."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visit_plans", verbose_name=_("rep")
    )
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        ordering = ["-month", "owner_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "month"],
                condition=Q(deleted_at__isnull=True),
                name="visitplan_one_per_month",
            )
        ]
        indexes = [models.Index(fields=["status", "month"])]

    def __str__(self) -> str:
        return f"{self.owner} {self.month:%Y-%m}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class PlanEvent(models.Model):
    """One step in a plan's history: submitted, returned (with the manager's comment), approved, closed."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        STARTED = "started", _("First report filed")
        CLOSED = "closed", _("Closed")
        COMMENTED = "commented", _("Commented")

    plan = models.ForeignKey(VisitPlan, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("visit plan event")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.action}"


class VisitPlanItem(ArchiveRecord):
    """One planned visit."""

    plan = models.ForeignKey(VisitPlan, on_delete=models.CASCADE, related_name="items")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="planned_visits", verbose_name=_("customer")
    )
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="planned_visits", verbose_name=_("contacts")
    )
    planned_date = models.DateField(_("visit date"), db_index=True)
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    target_type = models.CharField(_("visiting"), max_length=20, choices=TargetType.choices)
    objective = models.TextField(_("objective"), max_length=2000)
    materials = models.TextField(_("materials to bring"), max_length=2000, blank=True)
    expense_estimate = models.DecimalField(
        _("expense estimate (CNY)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.PLANNED
    )
    late_flagged_at = models.DateTimeField(_("late report flagged at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("planned visit")
        verbose_name_plural = _("planned visits")
        ordering = ["planned_date", "pk"]

    def __str__(self) -> str:
        return f"{self.planned_date} {self.customer_id}"


class VisitReport(models.Model):
    """What came of a visit: the objective against the result. Filed once, within 24 hours to be on time."""

    item = models.OneToOneField(VisitPlanItem, on_delete=models.CASCADE, related_name="report")
    visited_at = models.DateTimeField(_("visited at"))
    result = models.TextField(_("actual result"), max_length=4000)
    achieved = models.CharField(_("objective achieved"), max_length=10, choices=Achieved.choices)
    why_not = models.TextField(_("why not achieved"), max_length=2000, blank=True)
    commitments = models.TextField(_("commitments made"), max_length=2000, blank=True)
    next_steps = models.TextField(_("next steps"), max_length=2000, blank=True)
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_time = models.BooleanField(_("filed on time"), default=True)
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="visit_reports"
    )

    class Meta:
        verbose_name = _("visit report")
        verbose_name_plural = _("visit reports")

    def __str__(self) -> str:
        return f"{self.item_id} {self.achieved}"
