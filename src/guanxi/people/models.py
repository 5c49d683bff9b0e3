"""Users, the team tree and personal API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REP = "rep", _("Sales rep")
    MANAGER = "manager", _("Sales manager")
    ARCHIVIST = "archivist", _("Archive administrator")
    DIRECTOR = "director", _("Marketing director")
    ADMIN = "admin", _("System administrator")


class Team(models.Model):
    """A department. ``path`` (/1/4/9/) makes "this team and everything below" one prefix filter."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    manager = models.ForeignKey(
        "people.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_teams",
        verbose_name=_("manager"),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.REP)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members", verbose_name=_("team")
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=[("zh-hans", "简体中文"), ("en", "English")], default="zh-hans"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def sees_everything(self) -> bool:
        return self.role in {Role.DIRECTOR, Role.ARCHIVIST}


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @staticmethod
    def generate() -> str:
        return "gx_" + secrets.token_urlsafe(32)


class SignInFailure(models.Model):
    """One failed sign-in, kept for an hour or so to slow down password guessing (SECURITY AUTHN-02).

    The attempted username is stored only as a SHA-256 digest: it may be a password typed in the wrong box.
    """

    username_digest = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField()
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["username_digest", "at"]),
            models.Index(fields=["ip_address", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.ip_address} {self.at:%Y-%m-%d %H:%M}"
