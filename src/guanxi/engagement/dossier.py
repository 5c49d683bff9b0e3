"""The archive dossier PDF with what engagement knows: recent interactions and the contact plan.

The customer layer builds the six forms from the archive; this module adds the rows that live here —
what the customer told us lately (附表5) and the next agreed contact with the open tasks (附表6) — then
renders the PDF and records the export.
"""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.customers.dossier import (
    Dossier,
    Fields,
    Table,
    customer_dossier,
    reader_language,
    render_dossier_pdf,
)
from guanxi.customers.dossier.build import DASH, label, local_time, value
from guanxi.governance.audit import audit_record

from .models import Interaction, Task
from .selectors import interaction_list, task_list

RECENT_INTERACTIONS = 10
OPEN_TASKS = 30
EXCERPT = 240


def excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def add_recent_interactions(dossier: Dossier, interactions: list[Interaction]) -> None:
    rows = []
    for interaction in interactions:
        said = "\n".join(
            part
            for part in (
                excerpt(interaction.content),
                excerpt(interaction.feedback)
                and f"{label(Interaction, 'feedback')}: {excerpt(interaction.feedback)}",
            )
            if part
        )
        rows.append(
            [
                local_time(interaction.occurred_at),
                value(interaction, "channel"),
                _(", ").join(c.name for c in interaction.contacts.all()) or DASH,
                interaction.topic,
                said or DASH,
                interaction.agreements or DASH,
            ]
        )
    dossier.section(5).blocks.append(
        Table(
            caption=_("What the customer told us lately"),
            columns=[
                label(Interaction, "occurred_at"),
                label(Interaction, "channel"),
                label(Interaction, "contacts"),
                label(Interaction, "topic"),
                label(Interaction, "content"),
                label(Interaction, "agreements"),
            ],
            rows=rows,
            widths=[13, 8, 12, 15, 34, 18],
            empty=_("No interactions recorded yet."),
        )
    )


def next_contact_text(interaction: Interaction | None) -> str:
    if interaction is None or interaction.next_contact_on is None:
        return DASH
    parts = [interaction.next_contact_on.isoformat()]
    if interaction.next_contact_channel:
        parts.append(str(interaction.get_next_contact_channel_display()))
    return " ".join(parts)


def add_contact_plan(dossier: Dossier, next_contact: Interaction | None, tasks: list[Task]) -> None:
    section = dossier.section(6)
    people = next(block for block in section.blocks if isinstance(block, Fields))
    people.pairs.append((_("Next agreed contact"), next_contact_text(next_contact)))
    section.blocks.insert(
        1,
        Table(
            caption=_("Open tasks"),
            columns=[
                label(Task, "due_on"),
                label(Task, "title"),
                label(Task, "kind"),
                label(Task, "owner"),
                _("Key person"),
                label(Task, "status"),
            ],
            rows=[
                [
                    task.due_on.isoformat(),
                    task.title,
                    value(task, "kind"),
                    str(task.owner),
                    task.contact.name if task.contact else DASH,
                    value(task, "status"),
                ]
                for task in tasks
            ],
            widths=[13, 37, 12, 14, 13, 11],
            empty=_("No open tasks."),
        ),
    )


def dossier_pdf(*, user: Any, customer_id: Any, now: datetime.datetime | None = None) -> bytes:
    """Return the printable archive dossier of a customer as PDF bytes, and record the export.

    The dossier is the full archive (SPEC §1): for now whoever sees the customer under the visibility
    scope may have it. Labels are in the user's language, data as stored; every page says for whom and
    when it was generated. Raise NotFound outside the user's scope, ImproperlyConfigured when no CJK
    font is installed.
    """
    now = now or timezone.now()
    with reader_language(user):
        dossier = customer_dossier(user=user, customer_id=customer_id, now=now)
        interactions = list(
            interaction_list(user=user, customer_id=dossier.customer_id)[:RECENT_INTERACTIONS]
        )
        tasks = list(
            task_list(user=user, mine=False, status="open", customer_id=dossier.customer_id)[:OPEN_TASKS]
        )
        add_recent_interactions(dossier, interactions)
        next_contact = (
            interaction_list(user=user, customer_id=dossier.customer_id)
            .filter(next_contact_on__gte=timezone.localdate(now))
            .order_by("next_contact_on", "id")
            .first()
        )
        add_contact_plan(dossier, next_contact, tasks)
        document = render_dossier_pdf(dossier)
    audit_record(
        actor=user, action="export_dossier", object_type="customer", object_id=str(dossier.customer_id)
    )
    return document
