"""Products, orders (采购记录) and their lines, and the record of each import (SPEC §2, §8)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.models import ArchiveRecord
from guanxi.customers.models import Customer

from . import stages

NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


class Product(ArchiveRecord):
    code = models.CharField(_("product code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=60, blank=True, db_index=True)
    unit_price = models.DecimalField(
        _("unit price"), max_digits=14, decimal_places=2, default=Decimal("0"), validators=NOT_NEGATIVE
    )
    unit_cost = models.DecimalField(
        _("unit cost"), max_digits=14, decimal_places=2, default=Decimal("0"), validators=NOT_NEGATIVE
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(deleted_at__isnull=True), name="product_code_unique_live"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class OrderSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported file")
    ERP = "erp", _("ERP")
    API = "api", _("API")


class ImportRun(models.Model):
    """One committed import of a file: who, which file (by SHA-256), how many rows it wrote.

    Re-importing the same file as the same user within a day finds this run and writes nothing again
    (SECURITY IO-05). Rows written by the import point back at it.
    """

    entity = models.CharField(_("what was imported"), max_length=20)
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.JSONField(_("created"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["actor", "entity", "sha256"])]

    def __str__(self) -> str:
        return f"{self.entity} {self.file_name} ({self.rows})"


class Order(ArchiveRecord):
    # Indexed by ``order_customer_day`` below, which starts with the customer.
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="orders", verbose_name=_("customer"), db_index=False
    )
    ordered_on = models.DateField(_("order date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, validators=NOT_NEGATIVE)
    source = models.CharField(_("source"), max_length=20, default=OrderSource.MANUAL)
    # The order's id in the system it came from (ERP number, 单号); unique per source when given.
    external_ref = models.CharField(_("external reference"), max_length=64, blank=True)
    import_run = models.ForeignKey(
        ImportRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        editable=False,
        db_constraint=False,  # see below
    )
    # An import writes up to a million orders at once, and PostgreSQL checks every foreign key row by row
    # (measured: about a third of the import's time). Users and import runs are never deleted (users are
    # deactivated), and the ORM still applies SET_NULL, so these three references keep no database
    # constraint — and no index: nothing looks orders up by who typed them.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_constraint=False,
        db_index=False,
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_constraint=False,
        db_index=False,
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_ref"],
                condition=~Q(external_ref="") & Q(deleted_at__isnull=True),
                name="order_external_ref_unique_per_source",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="order_amount_not_negative"),
        ]
        indexes = [
            # Per-customer history reads this index in order; with the amount and the deletion mark in it,
            # the insights refresh answers its one GROUP BY (customer, day) from the index alone.
            models.Index(
                fields=["customer", "ordered_on", "amount", "deleted_at"], name="order_customer_day"
            ),
            models.Index(fields=["ordered_on"], name="order_day"),
        ]

    def __str__(self) -> str:
        return f"{self.ordered_on} {self.amount}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="order_lines",
        verbose_name=_("product"),
        db_index=False,  # ``order_line_product`` (product, order) serves it
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=Decimal("1"))
    unit_price = models.DecimalField(
        _("unit price"), max_digits=14, decimal_places=2, default=Decimal("0"), validators=NOT_NEGATIVE
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
        ]
        indexes = [models.Index(fields=["product", "order"], name="order_line_product")]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"

    @property
    def line_total(self) -> Decimal:
        return self.quantity * self.unit_price


# --- opportunities (商机) and contracts (合同) ------------------------------------------------------------


class Opportunity(ArchiveRecord):
    """A deal in the making. Its stage moves along ``guanxi.sales.stages``; each move leaves a history row."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="opportunities", verbose_name=_("customer")
    )
    title = models.CharField(_("title"), max_length=200)
    background = models.TextField(_("background"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("owner"),
    )
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, default=Decimal("0"), validators=NOT_NEGATIVE
    )
    stage = models.CharField(_("stage"), max_length=20, choices=stages.CHOICES, default=stages.LEAD)
    probability = models.DecimalField(
        _("probability (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    expected_close_on = models.DateField(_("expected close date"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    lost_reason = models.TextField(_("lost reason"), blank=True)
    competitors = models.TextField(_("competitors"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now, editable=False)
    # Set on the renewal opportunity the renewal job opens for a contract: one per contract.
    renewal_of = models.ForeignKey(
        "Contract",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewals",
        editable=False,
        verbose_name=_("renewal of"),
    )

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [
            models.UniqueConstraint(
                fields=["renewal_of"],
                condition=Q(renewal_of__isnull=False) & Q(deleted_at__isnull=True),
                name="opportunity_one_renewal_per_contract",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "stage"], name="opportunity_owner_stage"),
            models.Index(fields=["expected_close_on"], name="opportunity_close"),
            models.Index(fields=["customer", "stage"], name="opportunity_customer_stage"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def stage_info(self) -> stages.Stage:
        return stages.stage(self.stage)

    @property
    def weighted_amount(self) -> Decimal:
        return (self.amount * self.probability / Decimal("100")).quantize(Decimal("0.01"))


class StageChange(models.Model):
    """One move of an opportunity between stages (the first row records its creation: ``from_stage`` empty)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=20, blank=True)
    to_stage = models.CharField(_("to"), max_length=20)
    probability = models.DecimalField(_("probability (%)"), max_digits=5, decimal_places=2)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["opportunity", "at"], name="stage_change_opportunity_at")]

    def __str__(self) -> str:
        return f"{self.from_stage or '-'} → {self.to_stage}"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("contract status", "Draft")
    ACTIVE = "active", pgettext_lazy("contract status", "Active")
    EXPIRED = "expired", pgettext_lazy("contract status", "Expired")
    TERMINATED = "terminated", pgettext_lazy("contract status", "Terminated")
    RENEWED = "renewed", pgettext_lazy("contract status", "Renewed")


class Contract(ArchiveRecord):
    number = models.CharField(_("contract number"), max_length=60)
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("customer")
    )
    opportunity = models.ForeignKey(
        Opportunity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
        verbose_name=_("opportunity"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("owner")
    )
    title = models.CharField(_("title"), max_length=200)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, default=Decimal("0"), validators=NOT_NEGATIVE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    renewal_lead_days = models.PositiveIntegerField(_("renewal lead time (days)"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=Q(deleted_at__isnull=True), name="contract_number_unique_live"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="contract_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "ends_on"], name="contract_status_end"),
            models.Index(fields=["customer", "ends_on"], name="contract_customer_end"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def clean(self) -> None:
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})


class PaymentPlanItem(models.Model):
    """An instalment the customer is due to pay (回款计划)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="plan_items")
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, validators=NOT_NEGATIVE)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("payment plan item")
        verbose_name_plural = _("payment plan items")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["contract", "due_on"], name="plan_item_contract_due")]

    def __str__(self) -> str:
        return f"{self.due_on} {self.amount}"


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    ACCEPTANCE = "acceptance", _("Bank acceptance bill")
    CHEQUE = "cheque", _("Cheque")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class Payment(models.Model):
    """Money received against a contract (回款). Payments settle the plan's instalments oldest first."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="payments")
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, validators=NOT_NEGATIVE)
    method = models.CharField(
        _("method"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["received_on", "id"]
        indexes = [models.Index(fields=["contract", "received_on"], name="payment_contract_day")]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount}"
