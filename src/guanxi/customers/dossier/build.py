"""Gather a customer's archive into the dossier's six forms (seed 002, 附表1–附表6).

What goes where:

1. Basic information — identity, scale, address, branches, classification, purchasing, and the key
   people with their phones.
2. Key persons' personal information — one block of personal details per contact.
3. Relationship map — the org chart by reports-to with status colours and our counterparts, then the
   same as a table (key person, our people and their position, role, relationship status).
4. Decision roles and concerns — every contact by decision weight, with what they care about.
5. What the customer's business changes mean for us — the needs summary, needs and pain points, risks
   and competitors here; recent interactions are added by :mod:`guanxi.engagement.dossier`.
6. Contact plan — owner, collaborators and last contact here; the next agreed contact and open tasks are
   added by :mod:`guanxi.engagement.dossier`.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ..models import CompetitorPresence, Contact, Counterpart, Customer, Need, Risk
from ..relationship_map.graph import RelationshipGraph, graph_from_contacts
from ..relationship_map.scene import map_scene
from ..relationship_map.svg import map_labels
from ..selectors import customer_get_for_user
from .document import Dossier, Fields, MapFigure, Note, Section, Table

DASH = "—"


@contextmanager
def reader_language(user: Any) -> Iterator[None]:
    """Translate labels into the reader's language for the duration of the block."""
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        yield


def label(model: type[models.Model], name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))  # type: ignore[union-attr]


def value(instance: models.Model, name: str) -> str:
    """Show a field as text: choice labels, dates as ISO, yes/no, a dash for nothing."""
    field = instance._meta.get_field(name)
    raw = getattr(instance, name)
    if raw is None or raw == "":
        return DASH
    if getattr(field, "choices", None):
        return str(getattr(instance, f"get_{name}_display")())
    if isinstance(raw, bool):
        return _("Yes") if raw else _("No")
    if isinstance(raw, datetime.datetime):
        return local_time(raw)
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    return str(raw)


def local_time(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def pairs(instance: models.Model, names: list[str]) -> list[tuple[str, str]]:
    return [(label(type(instance), name), value(instance, name)) for name in names]


def separator() -> str:
    return _(", ")


def join(parts: list[str], separator: str = " ") -> str:
    return separator.join(p for p in parts if p) or DASH


def calendar_date(calendar: str, year: int | None, month: int | None, day: int | None, leap: bool) -> str:
    if not month or not day:
        return DASH
    if calendar == "lunar":
        text = _("Lunar %(leap)s%(month)d/%(day)d") % {
            "leap": _("leap ") if leap else "",
            "month": month,
            "day": day,
        }
    else:
        text = f"{month:02d}-{day:02d}"
    return f"{year} {text}" if year else text


def weight_text(weight: int | None) -> str:
    return f"{'★' * weight}{'☆' * (5 - weight)} {weight}/5" if weight else DASH


# --- the sections ---------------------------------------------------------------------------------

IDENTITY = [
    "name",
    "short_name",
    "kind",
    "credit_code",
    "industry",
    "employees",
    "revenue_band",
    "founded_on",
    "website",
    "social_accounts",
    "lead_source",
    "referred_by",
]
CLASSIFICATION = [
    "grade",
    "grade_reason",
    "status",
    "lifecycle_stage",
    "relationship_level",
    "region",
    "cooperation_since",
    "score_purchasing_power",
    "score_cooperation_potential",
    "score_industry_influence",
    "score_cooperation_history",
    "score_loyalty",
]
PURCHASING = [
    "budget_range",
    "budget_cycle",
    "purchase_cycle_days",
    "approval_process",
    "procurement_process",
    "key_milestones",
]
LONG_TEXT = {"approval_process", "procurement_process", "key_milestones", "branches", "grade_reason"}
PERSONAL = [
    "gender",
    "age_band",
    "education",
    "personality",
    "communication_style",
    "hobbies",
    "family_notes",
    "preferred_channels",
    "email",
    "wechat",
    "consent_note",
]


def basic_information(customer: Customer, contacts: list[Contact]) -> Section:
    address = join([customer.province, customer.city, customer.district, customer.street], "")
    identity = Fields(pairs(customer, IDENTITY), caption=_("Identity"))
    identity.pairs.append((_("Address"), address))
    identity.pairs.append((label(Customer, "branches"), value(customer, "branches")))
    identity.pairs.append((label(Customer, "tags"), join([t.name for t in customer.tags.all()], separator())))
    identity.wide = {label(Customer, "branches")}
    classification = Fields(pairs(customer, CLASSIFICATION), caption=_("Classification"))
    classification.wide = {label(Customer, "grade_reason")}
    purchasing = Fields(pairs(customer, PURCHASING), caption=_("Purchasing"))
    purchasing.wide = {label(Customer, n) for n in LONG_TEXT}
    people = Table(
        caption=_("Key people and how to reach them"),
        columns=[
            _("Key person"),
            _("Position"),
            label(Contact, "department"),
            label(Contact, "mobile"),
            label(Contact, "office_phone"),
            label(Contact, "home_phone"),
        ],
        rows=[
            [
                c.name,
                c.title or DASH,
                c.department.name if c.department else DASH,
                c.mobile or DASH,
                c.office_phone or DASH,
                c.home_phone or DASH,
            ]
            for c in contacts
        ],
        widths=[16, 18, 16, 17, 17, 16],
        empty=_("No key persons recorded yet."),
    )
    return Section(
        1,
        _("Form %(number)d: %(title)s") % {"number": 1, "title": _("Basic information")},
        _("Who the customer is, where it works, how we rate it and whom to call."),
        [identity, classification, purchasing, people],
    )


def personal_information(contacts: list[Contact]) -> Section:
    blocks: list[Fields | Table | Note | MapFigure] = []
    for contact in contacts:
        birthday = calendar_date(
            contact.birthday_calendar,
            contact.birthday_year,
            contact.birthday_month,
            contact.birthday_day,
            contact.birthday_leap_month,
        )
        dates = [
            f"{d.label} {calendar_date(d.calendar, d.year, d.month, d.day, d.is_leap_month)}"
            for d in contact.important_dates.all()
        ]
        details = [(_("Birthday"), birthday), *pairs(contact, PERSONAL)]
        if contact.do_not_contact:  # a flag: worth saying only when set
            details.insert(0, (label(Contact, "do_not_contact"), _("Yes")))
        details.append((_("Important dates"), join(dates, separator())))
        # A form per person full of dashes hides what is known: show what is, name what is missing.
        known = [(name, text) for name, text in details if text != DASH]
        missing = [name for name, text in details if text == DASH]
        if missing:
            known.append((_("Not filled in yet"), separator().join(missing)))
        blocks.append(
            Fields(
                known,
                caption=join([contact.name, contact.title], " · "),
                wide={label(Contact, "family_notes"), _("Important dates"), _("Not filled in yet")},
            )
        )
    if not contacts:
        blocks.append(Note(_("No key persons recorded yet.")))
    return Section(
        2,
        _("Form %(number)d: %(title)s") % {"number": 2, "title": _("Key persons' personal information")},
        _("What we know about each key person as a person: background, style, family and dates to remember."),
        blocks,
    )


def relationship_map_section(graph: RelationshipGraph) -> Section:
    rows = []
    for node in graph.nodes:
        ours = separator().join(
            _("%(name)s (%(position)s, %(closeness)s)")
            % {"name": c.name, "position": c.position, "closeness": c.closeness_label}
            for c in node.counterparts
        )
        rows.append(
            [
                node.name,
                node.title or DASH,
                ours or DASH,
                node.decision_role_label or DASH,
                node.relationship_status_label,
            ]
        )
    table = Table(
        caption=_("Who holds each relationship"),
        columns=[
            _("Key person"),
            _("Position"),
            _("Our people (position, closeness)"),
            _("Role"),
            _("Relationship"),
        ],
        rows=rows,
        widths=[14, 16, 36, 14, 14],
        empty=_("No key persons recorded yet."),
    )
    meanings = Note(
        _(
            "Positive: we know them well and they think well of us, even if they do not back us yet. "
            "Neutral: we know them, but they lean neither to us nor against us. "
            "Negative: we know them and the relationship is poor; they are cool to us or favour a "
            "competitor. Not established: we know who they are but have not met them."
        )
    )
    return Section(
        3,
        _("Form %(number)d: %(title)s") % {"number": 3, "title": _("Key-person relationship map")},
        _("Who reports to whom at the customer, and which of our people hold each relationship."),
        [MapFigure(map_scene(graph, map_labels())), table, meanings],
    )


def decision_roles(contacts: list[Contact]) -> Section:
    ordered = sorted(contacts, key=lambda c: (-(c.decision_weight or 0), c.pk))
    table = Table(
        columns=[
            _("Key person"),
            _("Position"),
            label(Contact, "department"),
            label(Contact, "decision_role"),
            label(Contact, "decision_weight"),
            label(Contact, "concerns"),
        ],
        rows=[
            [
                c.name,
                c.title or DASH,
                c.department.name if c.department else DASH,
                value(c, "decision_role"),
                weight_text(c.decision_weight),
                c.concerns or DASH,
            ]
            for c in ordered
        ],
        widths=[12, 14, 12, 11, 13, 38],
        empty=_("No key persons recorded yet."),
    )
    return Section(
        4,
        _("Form %(number)d: %(title)s") % {"number": 4, "title": _("Decision roles and concerns")},
        _("The part each key person plays in a purchase decision and what matters to them."),
        [table],
    )


def business_changes(customer: Customer) -> Section:
    needs = Table(
        caption=label(Customer, "needs_summary"),
        columns=[label(Need, n) for n in ("description", "kind", "priority", "status")],
        rows=[
            [n.description, value(n, "kind"), value(n, "priority"), value(n, "status")]
            for n in customer.needs.all()
        ],
        widths=[52, 16, 18, 14],
        empty=_("None recorded."),
    )
    risks = Table(
        caption=_("Risks"),
        columns=[label(Risk, n) for n in ("category", "level", "note")],
        rows=[[value(r, "category"), value(r, "level"), r.note or DASH] for r in customer.risks.all()],
        widths=[22, 12, 66],
        empty=_("None recorded."),
    )
    competitor_fields = [
        "competitor",
        "products",
        "satisfaction",
        "our_strengths",
        "our_weaknesses",
        "switch_likelihood",
    ]
    competitors = Table(
        caption=_("Competitors at this customer"),
        columns=[label(CompetitorPresence, n) for n in competitor_fields],
        rows=[[value(c, n) for n in competitor_fields] for c in customer.competitors.all()],
        widths=[14, 16, 12, 23, 23, 12],
        empty=_("None recorded."),
    )
    summary = Fields([(label(Customer, "needs_summary"), value(customer, "needs_summary"))])
    summary.wide = {label(Customer, "needs_summary")}
    return Section(
        5,
        _("Form %(number)d: %(title)s")
        % {"number": 5, "title": _("What the customer's business changes mean for us")},
        _(
            "How the customer's situation is moving — needs, risks, competitors and what they told us "
            "lately — and what that asks of us."
        ),
        [summary, needs, risks, competitors],
    )


def contact_plan(customer: Customer) -> Section:
    people = Fields(
        [
            (label(Customer, "owner"), str(customer.owner) if customer.owner else DASH),
            (
                label(Customer, "collaborators"),
                join([str(u) for u in customer.collaborators.all()], separator()),
            ),
            (label(Customer, "last_contact_at"), value(customer, "last_contact_at")),
        ]
    )
    return Section(
        6,
        _("Form %(number)d: %(title)s") % {"number": 6, "title": _("Contact plan")},
        _("Who looks after the customer, when we are next in touch and what is still to do."),
        [
            people,
            Note(_("After every letter, call or meeting, whoever took part records a short report of it.")),
        ],
    )


def customer_dossier(*, user: Any, customer_id: Any, now: datetime.datetime | None = None) -> Dossier:
    """Return the dossier of a customer ``user`` may see, its labels in the active language.

    The dossier is the full archive: callers decide who may have it (the visibility scope does for
    now) and wrap the call in :func:`reader_language`. Raise NotFound outside the user's scope.
    """
    customer = customer_get_for_user(user=user, pk=customer_id)
    contacts = list(
        customer.contacts.select_related("department")
        .prefetch_related(
            Prefetch("counterparts", queryset=Counterpart.objects.select_related("user")), "important_dates"
        )
        .order_by("id")
    )
    graph = graph_from_contacts(customer_id=customer.pk, customer_name=customer.name, contacts=contacts)
    moment = timezone.localtime(now or timezone.now())
    reader = str(user)
    if getattr(user, "username", "") and user.username != reader:
        reader = f"{reader} ({user.username})"
    summary = Fields(
        [
            (label(Customer, "owner"), str(customer.owner) if customer.owner else DASH),
            (label(Customer, "grade"), value(customer, "grade")),
            (label(Customer, "status"), value(customer, "status")),
            (label(Customer, "last_verified_at"), value(customer, "last_verified_at")),
            (_("Archive version"), str(customer.version)),
            (_("Key persons"), str(len(contacts))),
        ]
    )
    return Dossier(
        customer_id=customer.pk,
        customer_name=customer.name,
        title=_("Customer archive"),
        confidentiality=_(
            "Confidential business information. For the people who look after this customer and their "
            "managers only. Do not read it in public places or while travelling; do not pass it on."
        ),
        summary=summary,
        sections=[
            basic_information(customer, contacts),
            personal_information(contacts),
            relationship_map_section(graph),
            decision_roles(contacts),
            business_changes(customer),
            contact_plan(customer),
        ],
        reader=reader,
        generated_at=moment,
        attribution=_("Generated for %(reader)s at %(time)s")
        % {"reader": reader, "time": moment.strftime("%Y-%m-%d %H:%M")},
        page_label=_("Page %(page)s of %(pages)s"),
    )
