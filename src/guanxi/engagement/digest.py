"""The morning e-mail (SPEC §4.2): each user's overdue and today's tasks and the care dates ahead.

One message per user and day, in the user's language, sent through the default mailer (``MAILERS``).
A ``DigestSent`` row is claimed before sending and stamped once the mail server accepted the message,
so a second run the same day sends nothing again. A send that fails releases its claim (the next run
retries it); a worker killed while sending leaves a claim that a later run takes over after
``CLAIM_LEASE`` — the one case in which a user could get the same digest twice.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.people.models import Role, User

from .models import DigestSent, Task, TaskKind, TaskStatus
from .policies import overdue_counts_by_team

logger = logging.getLogger(__name__)

CARE_HORIZON_DAYS = 7
LIST_LIMIT = 30
CLAIM_LEASE = datetime.timedelta(minutes=2)
OPEN = (TaskStatus.OPEN, TaskStatus.SNOOZED)


@dataclass
class DigestSection:
    tasks: list[Task] = field(default_factory=list)
    count: int = 0


@dataclass
class Digest:
    user: User
    day: datetime.date
    overdue: DigestSection
    today: DigestSection
    care: DigestSection
    team_overdue: int = 0
    team_escalated: int = 0

    @property
    def item_count(self) -> int:
        return self.overdue.count + self.today.count + self.care.count

    @property
    def is_empty(self) -> bool:
        return self.item_count == 0 and self.team_overdue == 0


def _section(tasks: QuerySet[Task]) -> DigestSection:
    return DigestSection(tasks=list(tasks[:LIST_LIMIT]), count=tasks.count())


def digest_for(*, user: User, day: datetime.date) -> Digest:
    """Return what the user's digest for ``day`` holds (their own open tasks; team counts for managers)."""
    mine = Task.objects.filter(owner_id=user.pk, status__in=OPEN).select_related("customer", "contact")
    mine = mine.order_by("due_on", "id")
    digest = Digest(
        user=user,
        day=day,
        overdue=_section(mine.filter(due_on__lt=day)),
        today=_section(mine.filter(due_on=day)),
        care=_section(
            mine.filter(
                kind=TaskKind.CARE,
                due_on__gt=day,
                due_on__lte=day + datetime.timedelta(days=CARE_HORIZON_DAYS),
            )
        ),
    )
    if user.role in (Role.MANAGER, Role.DIRECTOR):
        rows = overdue_counts_by_team(user=user, day=day)
        digest.team_overdue = sum(row["overdue"] for row in rows)
        digest.team_escalated = sum(row["escalated"] for row in rows)
    return digest


def _lines(section: DigestSection) -> list[str]:
    lines = [f"- {task.due_on.isoformat()}  {task.title}" for task in section.tasks]
    if section.count > len(section.tasks):
        lines.append("  " + _("… and %(count)s more") % {"count": section.count - len(section.tasks)})
    return lines


def digest_message(digest: Digest) -> EmailMessage:
    """Build the e-mail of a digest in its user's language."""
    user = digest.user
    with translation.override(user.language):
        subject = _(
            "guanxi %(date)s: %(overdue)s overdue, %(today)s due today, %(care)s care dates ahead"
        ) % {
            "date": digest.day.isoformat(),
            "overdue": digest.overdue.count,
            "today": digest.today.count,
            "care": digest.care.count,
        }
        lines = [_("Good morning, %(name)s.") % {"name": str(user)}, ""]
        sections = [
            (_("Overdue (%(count)s)"), digest.overdue),
            (_("Due today (%(count)s)"), digest.today),
            (_("Care dates in the next %(days)s days (%(count)s)"), digest.care),
        ]
        for heading, section in sections:
            if section.count:
                lines.append(heading % {"count": section.count, "days": CARE_HORIZON_DAYS})
                lines.extend(_lines(section))
                lines.append("")
        if digest.team_overdue:
            lines.append(
                _("Your team: %(overdue)s customers past their contact interval, %(escalated)s past twice.")
                % {"overdue": digest.team_overdue, "escalated": digest.team_escalated}
            )
            lines.append("")
        site = getattr(settings, "GUANXI_SITE_URL", "")
        if site:
            lines.append(_("Open guanxi: %(url)s") % {"url": site.rstrip("/") + "/tasks/"})
        lines.append(_("You get this e-mail because you have open tasks in guanxi."))
    return EmailMessage(subject=subject, body="\n".join(lines) + "\n", to=[user.email])


def _claim(user: User, day: datetime.date) -> DigestSent | None:
    """Take the (user, day) digest for this run, or return None when it is sent or being sent."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return DigestSent.objects.create(user=user, day=day, claimed_at=now)
    except IntegrityError:
        pass
    existing = DigestSent.objects.filter(user=user, day=day).first()
    if existing is None or existing.sent_at is not None or existing.claimed_at > now - CLAIM_LEASE:
        return None
    taken = DigestSent.objects.filter(
        pk=existing.pk, sent_at__isnull=True, claimed_at=existing.claimed_at
    ).update(claimed_at=now)
    return existing if taken == 1 else None


def digest_recipients(day: datetime.date) -> QuerySet[User]:
    """Active users with an e-mail address and something due by the care horizon."""
    horizon = day + datetime.timedelta(days=CARE_HORIZON_DAYS)
    owners = Task.objects.filter(status__in=OPEN, due_on__lte=horizon).values("owner_id")
    return (
        User.objects.filter(is_active=True, pk__in=owners)
        .exclude(email="")
        .exclude(pk__in=DigestSent.objects.filter(day=day, sent_at__isnull=False).values("user_id"))
        .order_by("pk")
    )


def daily_digest_send(*, day: datetime.date) -> dict[str, int]:
    """Send each user's digest for ``day`` once; return counts (sent, skipped as empty or taken, failed)."""
    counts = {"sent": 0, "empty": 0, "taken": 0, "failed": 0}
    for user in digest_recipients(day):
        digest = digest_for(user=user, day=day)
        if digest.is_empty:
            counts["empty"] += 1
            continue
        claim = _claim(user, day)
        if claim is None:
            counts["taken"] += 1
            continue
        try:
            digest_message(digest).send()
        except Exception:
            logger.exception("daily digest for user %s on %s could not be sent", user.pk, day)
            DigestSent.objects.filter(pk=claim.pk, sent_at__isnull=True).delete()
            counts["failed"] += 1
            continue
        DigestSent.objects.filter(pk=claim.pk).update(sent_at=timezone.now(), item_count=digest.item_count)
        counts["sent"] += 1
    return counts
