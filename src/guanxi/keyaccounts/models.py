"""Account plans with their versions, intel reports and referrals."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import ArchiveRecord
from guanxi.customers.models import Contact, Customer

# --- account plans (客户开发计划) ----------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


# The four SWOT lists, in the order they are shown.
SWOT_KEYS = ("strengths", "weaknesses", "opportunities", "threats")


def empty_swot() -> dict[str, list[str]]:
    return {key: [] for key in SWOT_KEYS}


class AccountPlan(ArchiveRecord):
    """One key customer's plan for one year, written by the customer's owner, approved by the director."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="account_plans", verbose_name=_("customer")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="account_plans",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    # The sections of the plan (seed 002 第十四条).
    summary = models.TextField(_("summary: goal and overall view"), blank=True)
    customer_situation = models.TextField(
        _("customer situation: key persons, recent moves, market, strategy, needs"), blank=True
    )
    goals = models.TextField(_("goals for the year, with measurable targets"), blank=True)
    our_position = models.TextField(
        _("our position: relationship history, current business, lifecycle"), blank=True
    )
    competition = models.TextField(
        _("competitors: strengths, weaknesses, position, counter-strategy"), blank=True
    )
    strategy = models.TextField(_("strategy"), blank=True)
    resources = models.TextField(_("resources needed"), blank=True)
    swot = models.JSONField(_("SWOT"), default=empty_swot, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )

    class Meta:
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "year"],
                condition=Q(deleted_at__isnull=True),
                name="account_plan_one_per_customer_year",
            )
        ]
        indexes = [models.Index(fields=["owner", "year"]), models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.customer} {self.year}"


class PlanAction(models.Model):
    """One step of the action plan: what, who, by when, and where it stands."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(default=0)
    what = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.what


class VersionReason(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    ADJUSTED = "adjusted", _("Changed by the director after approval")


class AccountPlanVersion(models.Model):
    """An immutable snapshot of a whole plan, taken when it is submitted, approved or changed after approval."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices)
    note = models.CharField(_("note"), max_length=20, choices=VersionReason.choices, blank=True)
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="account_plan_version_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


# --- intel reports (客户行业和市场信息报告) -----------------------------------------------------------


class SourceLevel(models.IntegerChoices):
    """The four grades of information channel of seed 002 第十条, from public to inside."""

    PUBLIC = 1, _("1 · Public materials (annual reports, brochures, websites, press)")
    ANALYSTS = 2, _("2 · Industry reports, analysts, trade press, government data")
    CONTACTS = 3, _("3 · The customer's contacts and close partners")
    INSIDER = 4, _("4 · An insider who wants us to win (tender criteria, exact needs)")


class Importance(models.TextChoices):
    NORMAL = "normal", _("Normal")
    IMPORTANT = "important", _("Important")
    MAJOR = "major", _("Major")


class IntelReport(ArchiveRecord):
    """Information about a customer or the market, graded by its channel and importance."""

    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="intel_reports",
        verbose_name=_("customer"),
    )
    market = models.CharField(
        _("market or industry"), max_length=100, blank=True, help_text=_("when it is not about one customer")
    )
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), max_length=20000)
    source_level = models.PositiveSmallIntegerField(_("source level"), choices=SourceLevel.choices)
    importance = models.CharField(
        _("importance"), max_length=10, choices=Importance.choices, default=Importance.NORMAL
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="intel_reports",
        verbose_name=_("reported by"),
    )
    reported_on = models.DateField(_("date"), default=timezone.localdate)

    class Meta:
        verbose_name = _("intel report")
        verbose_name_plural = _("intel reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(source_level__gte=1) & Q(source_level__lte=4), name="intel_source_level_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | ~Q(market=""), name="intel_customer_or_market"
            ),
        ]
        indexes = [models.Index(fields=["reported_on"]), models.Index(fields=["customer", "reported_on"])]

    def __str__(self) -> str:
        return self.title


# --- referrals (转介绍) -------------------------------------------------------------------------------


class Referral(ArchiveRecord):
    """Who referred whom: a customer (optionally one of its contacts) brought us another customer."""

    referrer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="referrals_made", verbose_name=_("referred by")
    )
    referrer_contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_made",
        verbose_name=_("contact who referred"),
    )
    referred = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="referrals_received",
        verbose_name=_("customer referred"),
    )
    referred_on = models.DateField(_("date"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(
                fields=["referred"], condition=Q(deleted_at__isnull=True), name="referral_one_referrer"
            ),
            models.CheckConstraint(condition=~Q(referrer=models.F("referred")), name="referral_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.referrer_id}→{self.referred_id}"
