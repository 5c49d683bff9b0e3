"""Customer events (客户活动): seminars, launches, dinners, tours — who was invited and who came.

An attending contact is a non-sales contact with their customer: recording attendance logs one
interaction (channel "event") per customer and event, listing every attending contact of that customer.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import ArchiveRecord
from guanxi.customers.models import Contact, Customer

from .activity import Interaction


class EventKind(models.TextChoices):
    SEMINAR = "seminar", _("Seminar or forum")
    PRODUCT_LAUNCH = "product_launch", _("Product launch")
    EXHIBITION = "exhibition", _("Exhibition")
    TRAINING = "training", _("Training")
    CUSTOMER_DINNER = "customer_dinner", _("Customer dinner")
    FACTORY_TOUR = "factory_tour", _("Factory tour")
    FESTIVAL_GATHERING = "festival_gathering", _("Festival gathering")
    SPORTS = "sports", _("Sports")
    OTHER = "other", _("Other")


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class InvitationResponse(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", _("Not recorded")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Absent")


class Event(ArchiveRecord):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices, default=EventKind.SEMINAR)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_events",
        verbose_name=_("organiser"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.PLANNED
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start")
        ]
        indexes = [models.Index(fields=["organiser", "-starts_at"])]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    """One contact invited to one event. ``customer`` is the contact's, copied so scoping needs no join.

    ``interaction`` is the event interaction of the contact's customer while the contact is marked as
    attended (the same row for every attending contact of that customer).
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="event_invitations")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="event_invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    response = models.CharField(
        _("response"), max_length=20, choices=InvitationResponse.choices, default=InvitationResponse.INVITED
    )
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    interaction = models.ForeignKey(
        Interaction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logged interaction"),
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["event", "contact"], name="invitation_once_per_event_and_contact")
        ]
        indexes = [models.Index(fields=["customer", "event"])]

    def __str__(self) -> str:
        return f"{self.contact_id} @ {self.event_id}"
