"""The customer archive (SPEC §2): customers, their organisation, key people, needs, competitors, risks."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import ArchiveRecord
from guanxi.core.validators import validate_credit_code, validate_wechat_id

from . import choices as c

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("tag")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(ArchiveRecord):
    kind = models.CharField(
        _("kind"), max_length=20, choices=c.CustomerKind.choices, default=c.CustomerKind.COMPANY
    )
    # identity
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    industry = models.CharField(_("industry"), max_length=40, blank=True, db_index=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue_band = models.CharField(_("revenue"), max_length=20, choices=c.RevenueBand.choices, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    social_accounts = models.CharField(_("social accounts"), max_length=200, blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    branches = models.TextField(_("branches"), blank=True)
    lead_source = models.CharField(_("lead source"), max_length=20, choices=c.LeadSource.choices, blank=True)
    referred_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        verbose_name=_("referred by"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_customers",
        verbose_name=_("owner"),
    )
    collaborators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="collaborating_customers",
        verbose_name=_("collaborators"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers", verbose_name=_("tags"))
    # classification
    grade = models.CharField(_("grade"), max_length=1, choices=c.Grade.choices, blank=True, db_index=True)
    grade_reason = models.CharField(_("reason for the grade"), max_length=200, blank=True)
    score_purchasing_power = models.PositiveSmallIntegerField(
        _("purchasing power"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    score_cooperation_potential = models.PositiveSmallIntegerField(
        _("cooperation potential"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    score_industry_influence = models.PositiveSmallIntegerField(
        _("industry influence"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    score_cooperation_history = models.PositiveSmallIntegerField(
        _("cooperation history"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    score_loyalty = models.PositiveSmallIntegerField(
        _("loyalty"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=c.CustomerStatus.choices,
        default=c.CustomerStatus.POTENTIAL,
        db_index=True,
    )
    lifecycle_stage = models.CharField(
        _("lifecycle stage"), max_length=20, choices=c.LifecycleStage.choices, blank=True, db_index=True
    )
    # Set when someone chooses the stage by hand; the nightly inference then leaves it alone.
    lifecycle_stage_locked = models.BooleanField(_("lifecycle stage set by hand"), default=False)
    relationship_level = models.CharField(
        _("relationship level"), max_length=20, choices=c.RelationshipLevel.choices, blank=True
    )
    region = models.CharField(_("region"), max_length=20, choices=c.Region.choices, blank=True, db_index=True)
    cooperation_since = models.DateField(_("cooperating since"), null=True, blank=True)
    # needs summary and purchasing
    needs_summary = models.TextField(_("needs and pain points"), blank=True)
    budget_range = models.CharField(_("budget range"), max_length=60, blank=True)
    budget_cycle = models.CharField(_("budget cycle"), max_length=60, blank=True)
    approval_process = models.TextField(_("budget approval process"), blank=True)
    procurement_process = models.TextField(_("procurement process"), blank=True)
    purchase_cycle_days = models.PositiveIntegerField(
        _("typical purchase cycle (days)"), null=True, blank=True
    )
    key_milestones = models.TextField(_("key milestones"), blank=True)
    # archive meta
    last_verified_at = models.DateTimeField(_("last verified at"), null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True, db_index=True)
    contact_interval_days = models.PositiveSmallIntegerField(
        _("contact every (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Leave empty to follow the contact policy of the customer's grade."),
    )
    # search keys maintained by the services
    search_pinyin = models.CharField(max_length=400, blank=True, editable=False)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=Q(deleted_at__isnull=True) & ~Q(credit_code=""),
                name="customer_credit_code_unique_live",
                violation_error_message=_("Another customer already has this unified social credit code."),
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "updated_at"]),
            models.Index(fields=["name"]),
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def value_scores(self) -> list[tuple[str, int | None]]:
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))  # type: ignore[misc,union-attr]
            for name in (
                "score_purchasing_power",
                "score_cooperation_potential",
                "score_industry_influence",
                "score_cooperation_history",
                "score_loyalty",
            )
        ]


class Department(ArchiveRecord):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    class Meta:
        verbose_name = _("department")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Need(ArchiveRecord):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="needs")
    description = models.CharField(_("description"), max_length=300)
    kind = models.CharField(
        _("explicit or potential"), max_length=20, choices=c.NeedKind.choices, default=c.NeedKind.EXPLICIT
    )
    priority = models.CharField(
        _("priority"), max_length=20, choices=c.NeedPriority.choices, default=c.NeedPriority.PAIN
    )
    status = models.CharField(
        _("status"), max_length=20, choices=c.NeedStatus.choices, default=c.NeedStatus.OPEN
    )

    class Meta:
        verbose_name = _("need")

    def __str__(self) -> str:
        return self.description


class CompetitorPresence(ArchiveRecord):
    """A competitor active at this customer, and how we compare there."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="competitors")
    competitor = models.CharField(_("competitor"), max_length=100)
    products = models.CharField(_("products used"), max_length=200, blank=True)
    satisfaction = models.CharField(
        _("customer's satisfaction"), max_length=20, choices=c.Level.choices, blank=True
    )
    our_strengths = models.TextField(_("our strengths"), blank=True)
    our_weaknesses = models.TextField(_("our weaknesses"), blank=True)
    switch_likelihood = models.CharField(
        _("likelihood of switching"), max_length=20, choices=c.Level.choices, blank=True
    )

    class Meta:
        verbose_name = _("competitor")

    def __str__(self) -> str:
        return self.competitor


class Risk(ArchiveRecord):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="risks")
    category = models.CharField(_("category"), max_length=20, choices=c.RiskCategory.choices)
    level = models.CharField(_("level"), max_length=20, choices=c.Level.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("risk")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "category"],
                condition=Q(deleted_at__isnull=True),
                name="risk_one_per_category",
                violation_error_message=_(
                    "This customer already has a risk of this category; edit that one."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.get_level_display()}"


class Contact(ArchiveRecord):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("full name"), max_length=60)
    title = models.CharField(_("job title"), max_length=60, blank=True)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        verbose_name=_("department"),
    )
    mobile = models.CharField(_("mobile"), max_length=20, blank=True, db_index=True)
    office_phone = models.CharField(_("office phone"), max_length=20, blank=True)
    home_phone = models.CharField(_("home phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    wechat = models.CharField(_("WeChat ID"), max_length=20, blank=True, validators=[validate_wechat_id])
    decision_role = models.CharField(
        _("decision role"), max_length=20, choices=c.DecisionRole.choices, blank=True
    )
    decision_weight = models.PositiveSmallIntegerField(
        _("decision weight"),
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
        help_text=_("1 (little say) to 5 (decides)"),
    )
    concerns = models.TextField(_("concerns"), blank=True)
    reports_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("reports to"),
    )
    birthday_calendar = models.CharField(
        _("birthday calendar"), max_length=10, choices=c.CalendarKind.choices, default=c.CalendarKind.SOLAR
    )
    birthday_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    birthday_month = models.PositiveSmallIntegerField(
        _("birthday month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    birthday_day = models.PositiveSmallIntegerField(
        _("birthday day"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    birthday_leap_month = models.BooleanField(_("leap month"), default=False)
    gender = models.CharField(_("gender"), max_length=10, choices=c.Gender.choices, blank=True)
    age_band = models.CharField(_("age"), max_length=10, choices=c.AgeBand.choices, blank=True)
    education = models.CharField(_("education and professional background"), max_length=200, blank=True)
    personality = models.CharField(_("personality"), max_length=200, blank=True)
    communication_style = models.CharField(
        _("communication style"), max_length=10, choices=c.CommunicationStyle.choices, blank=True
    )
    hobbies = models.CharField(_("hobbies"), max_length=200, blank=True)
    family_notes = models.TextField(_("family notes"), blank=True)
    relationship_status = models.CharField(
        _("relationship with us"),
        max_length=20,
        choices=c.RelationshipStatus.choices,
        default=c.RelationshipStatus.NOT_ESTABLISHED,
    )
    preferred_channels = models.CharField(_("preferred channels"), max_length=100, blank=True)
    do_not_contact = models.BooleanField(_("do not contact"), default=False)
    lawful_basis = models.CharField(
        _("lawful basis"), max_length=20, choices=c.LawfulBasis.choices, default=c.LawfulBasis.CONTRACT
    )
    consent_note = models.CharField(_("consent record"), max_length=200, blank=True)
    search_pinyin = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.CheckConstraint(
                condition=Q(birthday_month__isnull=True) | Q(birthday_day__isnull=False),
                name="contact_birthday_month_has_day",
            ),
        ]
        indexes = [models.Index(fields=["customer", "name"])]

    def __str__(self) -> str:
        return self.name


class ImportantDate(ArchiveRecord):
    """A date that matters to a contact (wedding anniversary, child's exam …), solar or lunar."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="important_dates")
    label = models.CharField(_("what"), max_length=60)
    calendar = models.CharField(
        _("calendar"), max_length=10, choices=c.CalendarKind.choices, default=c.CalendarKind.SOLAR
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    day = models.PositiveSmallIntegerField(_("day"), validators=[MinValueValidator(1), MaxValueValidator(31)])
    is_leap_month = models.BooleanField(_("leap month"), default=False)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    def __str__(self) -> str:
        return self.label


class Counterpart(models.Model):
    """Which of our people holds the relationship with a contact, and how close it is (附表3)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="counterparts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="counterparts")
    closeness = models.CharField(
        _("closeness"), max_length=20, choices=c.Closeness.choices, default=c.Closeness.ACQUAINTED
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "user"], name="counterpart_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}→{self.contact_id}"


CustomerPart = Need | CompetitorPresence | Risk | Department
# The parts of a customer's archive edited one row at a time, by the name used in URLs and the API.
PART_MODELS: dict[str, type[CustomerPart]] = {
    "need": Need,
    "competitor": CompetitorPresence,
    "risk": Risk,
    "department": Department,
}
