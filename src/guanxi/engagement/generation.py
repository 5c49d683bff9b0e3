"""The bulk path for tasks that rules generate (overdue follow-ups, care reminders).

A rule may produce tens of thousands of tasks on one day (a festival for every A/B customer), so tasks
are not created one by one through ``task_create``. Instead, for each owner, one transaction inserts the
owner's new tasks in bulk, skipping used keys (``ON CONFLICT DO NOTHING`` on the unique ``dedupe_key``:
a second run, or a worker racing this one, adds nothing), together with one inbox message telling the
owner how many arrived. A worker killed mid-run leaves whole owners done and others untouched; the re-run
completes the rest. Instead of one audit event per generated task, each run writes one summary event
(see ``audit_generation``): the tasks carry their rule in ``dedupe_key`` and ``created_by`` is empty.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone, translation

from guanxi.governance.audit import audit_record
from guanxi.people.models import User

from .models import Notification, NotificationKind, Task, TaskStatus

# SQLite allows 999 parameters in older builds; stay under it for IN lists.
KEY_CHUNK = 900


@dataclass(frozen=True, slots=True)
class GeneratedTask:
    """A task a rule wants to exist. ``title`` is called with the owner's language active."""

    owner_id: int
    dedupe_key: str
    due_on: datetime.date
    kind: str
    title: Callable[[], str]
    customer_id: int | None = None
    contact_id: int | None = None
    occasion: str = ""


@dataclass(frozen=True, slots=True)
class Announcement:
    """The inbox message for an owner's new tasks of one run; ``title(count)`` runs in their language."""

    kind: NotificationKind
    title: Callable[[int], str]
    link_url: str = ""


def chunked[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_keys(keys: Sequence[str]) -> set[str]:
    """Return which of ``keys`` are already used by a task (also one in the recycle bin)."""
    found: set[str] = set()
    for chunk in chunked(keys, KEY_CHUNK):
        found.update(Task.all_objects.filter(dedupe_key__in=chunk).values_list("dedupe_key", flat=True))
    return found


def insert_generated_tasks(
    *, rule: str, day: datetime.date, items: Iterable[GeneratedTask], announcement: Announcement
) -> int:
    """Create the tasks among ``items`` whose key is unused, owner by owner; return how many were new.

    Each owner with new tasks gets one notification (deduplicated per rule, day and owner) in the same
    transaction as the tasks.
    """
    by_key = {item.dedupe_key: item for item in items}  # a rule naming one key twice makes one task
    if not by_key:
        return 0
    used = existing_keys(list(by_key))
    by_owner: dict[int, list[GeneratedTask]] = defaultdict(list)
    for key, item in by_key.items():
        if key not in used:
            by_owner[item.owner_id].append(item)
    languages = dict(User.objects.filter(pk__in=list(by_owner)).values_list("pk", "language"))
    created = 0
    for owner_id in sorted(by_owner):
        new = by_owner[owner_id]
        with translation.override(languages.get(owner_id) or "zh-hans"), transaction.atomic():
            inserted = _insert_tasks(new)
            if inserted:  # zero when a racing worker took every key first: it announced them
                Notification.objects.bulk_create(
                    [
                        Notification(
                            user_id=owner_id,
                            kind=announcement.kind,
                            title=announcement.title(inserted)[:200],
                            link_url=announcement.link_url,
                            dedupe_key=f"{rule}:{day.isoformat()}:{owner_id}",
                        )
                    ],
                    ignore_conflicts=True,
                )
        created += inserted
    return created


# Written as multi-row statements rather than through ``bulk_create``: at tens of thousands of rows the
# ORM's per-object work dominated the run (about 0.6 ms a task). ``ON CONFLICT DO NOTHING`` (SQLite and
# PostgreSQL) skips only a used dedupe key, like ``bulk_create(ignore_conflicts=True)`` on PostgreSQL;
# any other constraint violation still fails the owner's transaction.
_TASK_FIELDS = (
    "title",
    "due_on",
    "owner",
    "customer",
    "contact",
    "kind",
    "status",
    "result",
    "occasion",
    "dedupe_key",
    "created_at",
    "updated_at",
    "version",
)
INSERT_CHUNK = 1000


def _insert_tasks(items: Sequence[GeneratedTask]) -> int:
    """Insert the tasks, skipping any whose key was taken meanwhile; return how many were inserted."""
    ops = connection.ops
    columns = ", ".join(ops.quote_name(str(Task._meta.get_field(name).column)) for name in _TASK_FIELDS)  # type: ignore[union-attr]
    placeholders = ", ".join(["%s"] * len(_TASK_FIELDS))
    sql = (
        f"INSERT INTO {ops.quote_name(Task._meta.db_table)} ({columns}) "  # noqa: S608 - names from the model
        f"VALUES ({placeholders}) ON CONFLICT DO NOTHING"
    )
    now = ops.adapt_datetimefield_value(timezone.now())
    rows = [
        (
            item.title()[:200],
            ops.adapt_datefield_value(item.due_on),
            item.owner_id,
            item.customer_id,
            item.contact_id,
            item.kind,
            TaskStatus.OPEN.value,
            "",
            item.occasion,
            item.dedupe_key,
            now,
            now,
            1,
        )
        for item in items
    ]
    inserted = 0
    with connection.cursor() as cursor:
        for chunk in chunked(rows, INSERT_CHUNK):
            cursor.executemany(sql, chunk)
            inserted += max(cursor.rowcount, 0)
    return inserted


def audit_generation(*, rule: str, day: datetime.date, counts: dict[str, Any]) -> None:
    """Record one audit event for a run of a task-generating rule, with its counts."""
    audit_record(
        actor=None,
        action="generate",
        object_type="job",
        object_id=f"{rule}:{day.isoformat()}",
        after={name: str(value) for name, value in counts.items()},
    )
