"""What the API itself has to remember: the answers to requests made with an ``Idempotency-Key``."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotentRequest(models.Model):
    """A create made with an ``Idempotency-Key`` (SECURITY API-05), kept so a retry is answered, not redone.

    ``status`` is empty while the first request is still running; the row is dropped when that request
    fails, so a corrected retry with the same key goes through.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
