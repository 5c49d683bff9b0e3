"""The key-person relationship map as plain data (附表3 and 附表4).

:func:`relationship_graph` reads a customer's key people through the visibility scope and returns a
:class:`RelationshipGraph`: people as nodes, reporting lines as edges, our colleagues who hold each
relationship as counterparts, and the legend. The same structure feeds the web map, the PDF dossier and
the API (``as_dict()`` is JSON-ready).
"""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from ..choices import Closeness, RelationshipStatus
from ..models import Contact, Counterpart
from ..selectors import customer_get_for_user
from .palette import STATUS_ORDER, status_style

CLOSENESS_ORDER: dict[str, int] = {Closeness.CLOSE: 0, Closeness.FAMILIAR: 1, Closeness.ACQUAINTED: 2}


@dataclass(frozen=True)
class MapCounterpart:
    """One of our people who holds the relationship with a key person, and how close it is."""

    contact_id: int
    user_id: int
    name: str
    position: str  # the colleague's role with us (附表3 asks for name and position)
    closeness: str
    closeness_label: str
    is_active: bool


@dataclass(frozen=True)
class MapNode:
    id: int
    name: str
    title: str
    department: str
    decision_role: str
    decision_role_label: str
    decision_weight: int | None
    relationship_status: str
    relationship_status_label: str
    concerns: str
    reports_to_id: int | None  # as recorded
    parent_id: int | None  # in the drawn chart: None for a root or when the recorded line was ignored
    counterparts: tuple[MapCounterpart, ...]


@dataclass(frozen=True)
class MapEdge:
    """A reporting line: ``target`` reports to ``source``."""

    source: int
    target: int


@dataclass(frozen=True)
class LegendEntry:
    status: str
    label: str
    fill: str
    stroke: str
    text: str
    symbol: str
    is_dashed: bool


@dataclass(frozen=True)
class RelationshipGraph:
    customer_id: int
    customer_name: str
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    counterparts: tuple[MapCounterpart, ...]
    roots: tuple[int, ...]
    # Contacts whose recorded reports-to was left out so that the chart stays a tree (a loop in old or
    # imported data, or a manager who is no longer in the archive).
    ignored_links: tuple[int, ...]
    legend: tuple[LegendEntry, ...]

    def node(self, node_id: int) -> MapNode:
        return next(n for n in self.nodes if n.id == node_id)

    def children(self) -> dict[int, list[int]]:
        """Map each node id to the ids of the people who report to it, in node order."""
        result: dict[int, list[int]] = {n.id: [] for n in self.nodes}
        for edge in self.edges:
            result[edge.source].append(edge.target)
        return result

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def build_forest(parents: Mapping[int, int | None]) -> tuple[dict[int, int | None], list[int]]:
    """Turn recorded reports-to links into a forest.

    Return each node's parent in the chart and the nodes whose link was dropped: links to somebody who
    is not in ``parents`` (deleted, or at another customer) and, in each reporting loop, the link of the
    member with the smallest id. Services refuse loops, but imported or old data may still hold one.
    """
    parent: dict[int, int | None] = {}
    ignored: list[int] = []
    for node_id, boss in parents.items():
        if boss is not None and (boss not in parents or boss == node_id):
            parent[node_id] = None
            ignored.append(node_id)
        else:
            parent[node_id] = boss
    unvisited, on_path, done = 0, 1, 2
    state = dict.fromkeys(parent, unvisited)
    for start in sorted(parent):
        path: list[int] = []
        current: int | None = start
        while current is not None and state[current] == unvisited:
            state[current] = on_path
            path.append(current)
            current = parent[current]
        if current is not None and state[current] == on_path:
            loop = path[path.index(current) :]
            cut = min(loop)
            parent[cut] = None
            ignored.append(cut)
        for node_id in path:
            state[node_id] = done
    return parent, sorted(ignored)


def _counterpart(row: Counterpart, contact_id: int) -> MapCounterpart:
    user = row.user
    return MapCounterpart(
        contact_id=contact_id,
        user_id=user.pk,
        name=str(user),
        position=str(user.get_role_display()),
        closeness=row.closeness,
        closeness_label=str(row.get_closeness_display()),
        is_active=user.is_active,
    )


def legend_entries() -> tuple[LegendEntry, ...]:
    labels = dict(RelationshipStatus.choices)
    entries = []
    for status in STATUS_ORDER:
        style = status_style(status)
        entries.append(
            LegendEntry(
                status=str(status),
                label=str(labels[status]),
                fill=style.fill,
                stroke=style.stroke,
                text=style.text,
                symbol=style.symbol,
                is_dashed=style.is_dashed,
            )
        )
    return tuple(entries)


def graph_from_contacts(
    *, customer_id: int, customer_name: str, contacts: list[Contact]
) -> RelationshipGraph:
    """Build the graph from contacts loaded with their department and counterparts (with users)."""
    contacts = sorted(contacts, key=lambda c: c.pk)
    parent, ignored = build_forest({c.pk: c.reports_to_id for c in contacts})
    nodes = []
    all_counterparts: list[MapCounterpart] = []
    for contact in contacts:
        rows = sorted(
            contact.counterparts.all(), key=lambda r: (CLOSENESS_ORDER.get(r.closeness, 9), r.user_id)
        )
        counterparts = tuple(_counterpart(row, contact.pk) for row in rows)
        all_counterparts.extend(counterparts)
        nodes.append(
            MapNode(
                id=contact.pk,
                name=contact.name,
                title=contact.title,
                department=contact.department.name if contact.department else "",
                decision_role=contact.decision_role,
                decision_role_label=str(contact.get_decision_role_display()) if contact.decision_role else "",
                decision_weight=contact.decision_weight,
                relationship_status=contact.relationship_status,
                relationship_status_label=str(contact.get_relationship_status_display()),
                concerns=contact.concerns,
                reports_to_id=contact.reports_to_id,
                parent_id=parent[contact.pk],
                counterparts=counterparts,
            )
        )
    edges = tuple(MapEdge(source=p, target=n.id) for n in nodes if (p := parent[n.id]) is not None)
    return RelationshipGraph(
        customer_id=customer_id,
        customer_name=customer_name,
        nodes=tuple(nodes),
        edges=edges,
        counterparts=tuple(all_counterparts),
        roots=tuple(n.id for n in nodes if n.parent_id is None),
        ignored_links=tuple(ignored),
        legend=legend_entries(),
    )


def relationship_graph(*, user: Any, customer_id: Any) -> RelationshipGraph:
    """Return the key-person map of a customer ``user`` may see.

    Labels are in the active language. Raise NotFound when the customer does not exist or is outside
    the user's scope (the two are never told apart). Three queries, whatever the number of people.
    """
    customer = customer_get_for_user(user=user, pk=customer_id)
    contacts = list(
        customer.contacts.select_related("department").prefetch_related(
            Prefetch("counterparts", queryset=Counterpart.objects.select_related("user"))
        )
    )
    return graph_from_contacts(customer_id=customer.pk, customer_name=customer.name, contacts=contacts)
