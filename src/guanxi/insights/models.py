"""Customer value snapshots, the model fit of each refresh, value alerts and the next-best-action playbook."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.models import ArchiveRecord
from guanxi.customers.choices import LifecycleStage
from guanxi.customers.models import Customer
from guanxi.engagement.models import Channel, Task


class ValueGroup(models.TextChoices):
    """The methodology's three groups (seed 004), plus customers who never ordered."""

    HIGH_VALUE = "high_value", _("High value")
    POTENTIAL = "potential", pgettext_lazy("value group", "Potential")
    SLEEPING = "sleeping", _("Sleeping")
    NO_ORDERS = "no_orders", _("No orders yet")


class Segment(models.TextChoices):
    """The 11-segment RFM map (``guanxi.insights.metrics.segment_map``)."""

    CHAMPIONS = "champions", _("Champions")
    LOYAL = "loyal", _("Loyal")
    POTENTIAL_LOYALIST = "potential_loyalist", _("Potential loyalists")
    NEW = "new", _("New customers")
    PROMISING = "promising", _("Promising")
    NEED_ATTENTION = "need_attention", _("Need attention")
    ABOUT_TO_SLEEP = "about_to_sleep", _("About to sleep")
    AT_RISK = "at_risk", _("At risk")
    CANT_LOSE = "cant_lose", _("Can't lose them")
    HIBERNATING = "hibernating", _("Hibernating")
    LOST = "lost", _("Lost")
    NO_ORDERS = "no_orders", _("No orders yet")


class CustomerSnapshot(models.Model):
    """Everything §3 computes for one customer on one day (``as_of``, the last day of observation).

    Money is in yuan, R in days, BG/NBD in weeks converted back to days for the window; every figure can
    be traced back to the order aggregates stored beside it.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="snapshots")
    as_of = models.DateField(_("as of"))
    # order history (the inputs)
    first_order_on = models.DateField(_("first order"), null=True, blank=True)
    last_order_on = models.DateField(_("last order"), null=True, blank=True)
    order_count = models.PositiveIntegerField(_("orders"), default=0)
    purchase_days = models.PositiveIntegerField(_("days with orders"), default=0)
    total_amount = models.DecimalField(_("total amount"), max_digits=16, decimal_places=2, default=0)
    # RFM over the window (365 days by default)
    recency_days = models.PositiveIntegerField(_("days since last order"), null=True, blank=True)
    frequency = models.PositiveIntegerField(_("orders in the window"), default=0)
    monetary = models.DecimalField(_("amount in the window"), max_digits=16, decimal_places=2, default=0)
    previous_monetary = models.DecimalField(
        _("amount in the window before"), max_digits=16, decimal_places=2, default=0
    )
    r_score = models.PositiveSmallIntegerField(default=0)
    f_score = models.PositiveSmallIntegerField(default=0)
    m_score = models.PositiveSmallIntegerField(default=0)
    fm_score = models.PositiveSmallIntegerField(default=0)
    segment = models.CharField(_("segment"), max_length=24, choices=Segment.choices)
    value_group = models.CharField(_("value group"), max_length=12, choices=ValueGroup.choices)
    # classification
    revenue_class = models.CharField(_("revenue class"), max_length=1)
    value_score = models.FloatField(_("value score"), null=True, blank=True)
    grade_suggestion = models.CharField(_("suggested grade"), max_length=1)
    grade_reasons = models.JSONField(_("why this grade"), default=list, blank=True)
    lifecycle_stage = models.CharField(_("lifecycle stage"), max_length=20, choices=LifecycleStage.choices)
    # BG/NBD and Gamma-Gamma
    p_alive = models.FloatField(_("probability still active"), null=True, blank=True)
    expected_purchases_30 = models.FloatField(null=True, blank=True)
    expected_purchases_90 = models.FloatField(null=True, blank=True)
    expected_purchases_365 = models.FloatField(null=True, blank=True)
    next_purchase_from_days = models.FloatField(null=True, blank=True)
    next_purchase_median_days = models.FloatField(null=True, blank=True)
    next_purchase_to_days = models.FloatField(null=True, blank=True)
    next_purchase_probability = models.FloatField(null=True, blank=True)
    expected_order_value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    clv_12_months = models.DecimalField(
        _("value of the next 12 months"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    median_interval_days = models.FloatField(_("median days between orders"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer value snapshot")
        constraints = [
            models.UniqueConstraint(fields=["customer", "as_of"], name="snapshot_one_per_customer_day")
        ]
        indexes = [
            models.Index(fields=["as_of", "segment"], name="snapshot_day_segment"),
            models.Index(fields=["as_of", "p_alive"], name="snapshot_day_p_alive"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.as_of} {self.segment}"


class InsightsRun(models.Model):
    """The fit behind one day's snapshots: model parameters, log-likelihood and sizes (one row per as_of;
    a rerun for the same day replaces it)."""

    as_of = models.DateField(_("as of"), unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    customers = models.PositiveIntegerField(default=0)
    customers_with_orders = models.PositiveIntegerField(default=0)
    window_days = models.PositiveIntegerField(default=365)
    time_unit = models.CharField(max_length=10, default="weeks")
    bgnbd = models.JSONField(default=dict, blank=True)  # params, log_likelihood, customers, converged
    gamma_gamma = models.JSONField(default=dict, blank=True)
    counts = models.JSONField(default=dict, blank=True)  # alerts, lifecycle updates, timings
    runs = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("insights refresh")
        ordering = ["-as_of"]

    def __str__(self) -> str:
        return f"insights {self.as_of}"


class AlertKind(models.TextChoices):
    SEGMENT_DROP = "segment_drop", _("Segment dropped")
    CHURN_RISK = "churn_risk", _("Likely to stop buying")
    GRADE_DROP = "grade_drop", _("Revenue class dropped")


class ValueAlert(models.Model):
    """A customer moving down between two refreshes (seed 003: watch the change in value)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="value_alerts")
    as_of = models.DateField(_("as of"))
    previous_as_of = models.DateField()
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    previous_value = models.CharField(max_length=40)
    current_value = models.CharField(max_length=40)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("value alert")
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind", "as_of"], name="value_alert_once_per_day")
        ]
        indexes = [models.Index(fields=["as_of", "kind"], name="value_alert_day_kind")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.previous_value}→{self.current_value}"


class PlaybookRule(ArchiveRecord):
    """One row of the next-best-action playbook: conditions → action, channel and cadence.

    A list condition that is empty means "any". The first active rule in ``priority`` order (then id)
    whose every condition holds is recommended (``guanxi.insights.playbook.recommend``).
    """

    priority = models.PositiveIntegerField(_("priority"), default=100)
    name = models.CharField(_("name"), max_length=80)
    is_active = models.BooleanField(_("active"), default=True)
    value_groups = models.JSONField(_("value groups"), default=list, blank=True)
    segments = models.JSONField(_("segments"), default=list, blank=True)
    lifecycle_stages = models.JSONField(_("lifecycle stages"), default=list, blank=True)
    grades = models.JSONField(_("grades"), default=list, blank=True)
    relationship_levels = models.JSONField(_("relationship levels"), default=list, blank=True)
    # None: either; True/False: only customers with/without an open complaint.
    has_open_complaints = models.BooleanField(_("has open complaints"), null=True, blank=True)
    min_days_since_contact = models.PositiveIntegerField(
        _("days since last contact, from"), null=True, blank=True
    )
    max_days_since_contact = models.PositiveIntegerField(
        _("days since last contact, to"), null=True, blank=True
    )
    action = models.TextField(_("recommended action"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    cadence = models.CharField(_("cadence"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("playbook rule")
        verbose_name_plural = _("playbook rules")
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_days_since_contact__isnull=True)
                | Q(max_days_since_contact__isnull=True)
                | Q(min_days_since_contact__lte=models.F("max_days_since_contact")),
                name="playbook_contact_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProductAffinity(models.Model):
    """Products bought by the same customers (cross-sell, seed 000), recomputed by each refresh.

    ``customers`` bought both ``product`` and ``other``; ``lift`` compares that with chance:
    customers × all buyers / (buyers of product × buyers of other). Pairs bought together by fewer
    than two customers are not kept.
    """

    product = models.ForeignKey("sales.Product", on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey("sales.Product", on_delete=models.CASCADE, related_name="+")
    customers = models.PositiveIntegerField()
    lift = models.FloatField()
    as_of = models.DateField()

    class Meta:
        verbose_name = _("products bought together")
        constraints = [models.UniqueConstraint(fields=["product", "other"], name="affinity_pair_once")]

    def __str__(self) -> str:
        return f"{self.product_id}+{self.other_id} ({self.customers})"
