"""Base models shared by every archive record: who and when, a version, soft delete."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LiveManager(models.Manager):
    """Hide soft-deleted rows; ``all_objects`` still sees them (recycle bin, audits)."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class ArchiveRecord(models.Model):
    """Created/updated by and at, an optimistic-locking version and a soft-delete mark."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("updated by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)

    objects: ClassVar[models.Manager] = LiveManager()
    all_objects: ClassVar[models.Manager] = models.Manager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"


class JobRun(models.Model):
    """One periodic job on one business day. A run that never finished is simply run again: every job is
    idempotent, so a worker killed mid-run loses nothing and duplicates nothing."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    name = models.CharField(max_length=60)
    day = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    attempts = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="jobrun_once_per_day")]

    def __str__(self) -> str:
        return f"{self.name} {self.day} {self.status}"
