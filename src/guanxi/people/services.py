"""Writes on users, teams and tokens."""

from django.db import transaction
from django.utils import timezone

from .models import ApiToken, Role, Team, User, hash_token


@transaction.atomic
def team_create(*, name: str, parent: Team | None = None, manager: User | None = None) -> Team:
    team = Team.objects.create(name=name, parent=parent, manager=manager)
    team.path = f"{parent.path if parent else '/'}{team.pk}/"
    team.save(update_fields=["path"])
    return team


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str = Role.REP,
    team: Team | None = None,
    display_name: str = "",
    email: str = "",
    language: str = "zh-hans",
) -> User:
    user = User(
        username=username, role=role, team=team, display_name=display_name, email=email, language=language
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a personal token; return it with the raw key, which is never stored."""
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), prefix=raw[3:9])
    return token, raw


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_authenticate(raw: str) -> User | None:
    """Return the active user owning a live token, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_set_language(*, user: User, language: str) -> None:
    if language not in {"zh-hans", "en"}:
        raise ValueError(language)
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
