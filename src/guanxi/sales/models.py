"""Products, orders (采购记录) and their lines, and the record of each import (SPEC §2, §8)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import ArchiveRecord
from guanxi.customers.models import Customer

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
