"""The team's relationship-maintenance policy and its greeting templates (SPEC §4.2)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import ArchiveRecord

from .activity import CareOccasion

INTERVAL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(3650)]
LEAD_VALIDATORS = [MinValueValidator(0), MaxValueValidator(60)]


class RelationshipPolicy(ArchiveRecord):
    """How often each grade is contacted and how far ahead care reminders come. One row for the company.

    A customer past its interval since the last qualifying interaction is overdue for its owner; past
    twice the interval it escalates to the owner's manager. A customer's own ``contact_interval_days``
    overrides its grade's interval.
    """

    SINGLETON_ID = 1

    interval_a_days = models.PositiveSmallIntegerField(
        _("contact grade A every (days)"), default=14, validators=INTERVAL_VALIDATORS
    )
    interval_b_days = models.PositiveSmallIntegerField(
        _("contact grade B every (days)"), default=30, validators=INTERVAL_VALIDATORS
    )
    interval_c_days = models.PositiveSmallIntegerField(
        _("contact grade C every (days)"), default=90, validators=INTERVAL_VALIDATORS
    )
    non_sales_counts = models.BooleanField(
        _("greetings and care count as contact"),
        default=True,
        help_text=_("When off, only sales conversations reset a customer's contact clock."),
    )
    birthday_lead_days = models.PositiveSmallIntegerField(
        _("remind of birthdays (days ahead)"), default=3, validators=LEAD_VALIDATORS
    )
    important_date_lead_days = models.PositiveSmallIntegerField(
        _("remind of important dates (days ahead)"), default=3, validators=LEAD_VALIDATORS
    )
    anniversary_lead_days = models.PositiveSmallIntegerField(
        _("remind of company anniversaries (days ahead)"), default=7, validators=LEAD_VALIDATORS
    )
    festival_lead_days = models.PositiveSmallIntegerField(
        _("remind of festivals (days ahead)"), default=7, validators=LEAD_VALIDATORS
    )
    festival_grades = models.CharField(
        _("festival greetings for grades"),
        max_length=3,
        default="AB",
        blank=True,
        help_text=_("Customers of these grades get a festival greeting task for their key person."),
    )

    class Meta:
        verbose_name = _("relationship policy")
        verbose_name_plural = _("relationship policies")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="relationship_policy_single_row"),
        ]

    def __str__(self) -> str:
        return str(_("relationship policy"))

    def interval_for_grade(self, grade: str) -> int | None:
        return {"A": self.interval_a_days, "B": self.interval_b_days, "C": self.interval_c_days}.get(grade)


class GreetingTemplate(ArchiveRecord):
    """The suggested greeting for an occasion in one language.

    ``text`` may use the placeholders {name}, {title}, {customer}, {festival}, {years} and {sender};
    anything else in braces is refused when saved.
    """

    occasion = models.CharField(_("occasion"), max_length=30, choices=CareOccasion.choices)
    language = models.CharField(
        _("language"), max_length=10, choices=[("zh-hans", "简体中文"), ("en", "English")]
    )
    text = models.TextField(_("greeting"), max_length=1000)

    class Meta:
        verbose_name = _("greeting template")
        verbose_name_plural = _("greeting templates")
        constraints = [
            models.UniqueConstraint(
                fields=["occasion", "language"],
                condition=Q(deleted_at__isnull=True),
                name="greeting_template_one_per_occasion_language",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} ({self.language})"
