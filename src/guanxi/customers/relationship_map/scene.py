"""Lay out the relationship map as a list of shapes, for the SVG renderer and the PDF painter alike.

Pure computation: no database, no translation lookups (the caller passes :class:`MapLabels`), no
markup. Coordinates are in CSS pixels; text ``y`` is the baseline.

The layout is an org chart by reports-to: roots on top, the people who report to them below, each
manager centred over their team. To keep the chart narrow enough for a phone or an A4 page, three or
more people who have nobody reporting to them are stacked in columns under their manager instead of
side by side, separate charts wrap into rows, and people outside any reporting line are gathered in a
grid at the end.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .graph import MapCounterpart, MapNode, RelationshipGraph
from .palette import CARD_BACKGROUND, CONNECTOR, INK, MUTED, STAR_OFF, STAR_ON, status_style
from .text import clean, text_width, truncate, wrap_items

CARD_WIDTH = 212.0
CARD_HEIGHT = 136.0
PADDING = 12.0
H_GAP = 28.0
V_GAP = 44.0
STACK_INDENT = 22.0
STACK_TOP = 14.0
STACK_GAP = 12.0
STACK_AT_LEAST = 3  # leaves under one manager from which on they are stacked
STACK_ROWS = 4  # cards per stacked column, until there are as many columns as allowed
STACK_COLUMNS = 3  # at most; more people make the columns longer, not the chart wider
ROW_WIDTH = 4 * CARD_WIDTH + 3 * H_GAP  # charts wrap into a new row past this width
MARGIN = 20.0
MIN_WIDTH = 480.0  # room for the legend on two lines
MAX_WEIGHT = 5

NAME_SIZE = 15.0
SMALL_SIZE = 11.5
BODY_SIZE = 12.0
BADGE_RADIUS = 9.0


@dataclass(frozen=True)
class MapLabels:
    """The words the map shows around the data, already in the reader's language."""

    title: str = "Key-person relationship map"
    relationship: str = "Relationship: %(status)s"
    our_side: str = "Ours: "
    counterpart: str = "%(name)s (%(closeness)s)"
    inactive: str = "inactive"
    separator: str = ", "
    more: str = "+%(count)d"
    nobody_on_our_side: str = "Nobody on our side yet"
    no_role: str = "Role not set"
    weight: str = "Decision weight %(weight)d/5"
    weight_legend: str = "Decision weight (1–5)"
    reports_to: str = "Reports to"
    unattached: str = "Not in a reporting line"
    empty: str = "No key persons recorded yet."


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    stroke: str = ""
    stroke_width: float = 1.0
    is_dashed: bool = False
    radius: float = 0.0


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: str


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    stroke: str
    stroke_width: float = 1.0
    is_dashed: bool = False


@dataclass(frozen=True)
class Text:
    """A line of text made of runs of one colour each; ``anchor`` is start, middle or end."""

    x: float
    y: float
    runs: tuple[tuple[str, str], ...]
    size: float
    is_bold: bool = False
    anchor: str = "start"

    @property
    def text(self) -> str:
        return "".join(run for run, _ in self.runs)


@dataclass(frozen=True)
class Group:
    """Shapes that belong together (a person's card); ``description`` says in words what they show."""

    description: str
    items: tuple["Shape", ...]


Shape = Rect | Circle | Polyline | Text | Group


@dataclass(frozen=True)
class Scene:
    width: float
    height: float
    title: str
    description: str
    items: tuple[Shape, ...]


# --- cards ----------------------------------------------------------------------------------------


def counterpart_text(counterpart: MapCounterpart, labels: MapLabels) -> str:
    closeness = counterpart.closeness_label
    if not counterpart.is_active:
        closeness = f"{closeness}{labels.separator}{labels.inactive}"
    return labels.counterpart % {"name": counterpart.name, "closeness": closeness}


def card_description(node: MapNode, labels: MapLabels) -> str:
    """Say in one line everything the card shows (tooltip and screen readers)."""
    parts = [node.name, node.title, node.department, node.decision_role_label]
    if node.decision_weight:
        parts.append(labels.weight % {"weight": node.decision_weight})
    parts.append(labels.relationship % {"status": node.relationship_status_label})
    parts.extend(counterpart_text(c, labels) for c in node.counterparts)
    return " · ".join(clean(p) for p in parts if p)


def card(node: MapNode, x: float, y: float, labels: MapLabels) -> Group:
    style = status_style(node.relationship_status)
    inner = CARD_WIDTH - 2 * PADDING
    left = x + PADDING
    right = x + CARD_WIDTH - PADDING
    badge_x = right - BADGE_RADIUS
    badge_y = y + PADDING + BADGE_RADIUS
    items: list[Shape] = [
        Rect(
            x,
            y,
            CARD_WIDTH,
            CARD_HEIGHT,
            fill=style.fill,
            stroke=style.stroke,
            stroke_width=1.5,
            is_dashed=style.is_dashed,
            radius=8,
        ),
        Circle(badge_x, badge_y, BADGE_RADIUS, fill=style.stroke),
        Text(badge_x, badge_y + 4.5, ((style.symbol, CARD_BACKGROUND),), 13, is_bold=True, anchor="middle"),
        Text(
            left,
            y + 27,
            # bold glyphs run wider than the estimate: measure as a slightly larger size
            ((truncate(node.name, NAME_SIZE * 1.1, inner - 2 * BADGE_RADIUS - 8), INK),),
            NAME_SIZE,
            is_bold=True,
        ),
    ]
    subtitle = " · ".join(p for p in (clean(node.title), clean(node.department)) if p)
    if subtitle:
        items.append(Text(left, y + 46, ((truncate(subtitle, SMALL_SIZE, inner), MUTED),), SMALL_SIZE))
    stars_width = 0.0
    if node.decision_weight:
        weight = max(0, min(MAX_WEIGHT, node.decision_weight))
        runs = (("★" * weight, STAR_ON), ("★" * (MAX_WEIGHT - weight), STAR_OFF))
        items.append(Text(right, y + 66, tuple(r for r in runs if r[0]), BODY_SIZE, anchor="end"))
        stars_width = text_width("★" * MAX_WEIGHT, BODY_SIZE) + 6
    role, role_colour = (
        (node.decision_role_label, INK) if node.decision_role_label else (labels.no_role, MUTED)
    )
    items.append(
        Text(left, y + 66, ((truncate(role, BODY_SIZE, inner - stars_width), role_colour),), BODY_SIZE)
    )
    status = labels.relationship % {"status": node.relationship_status_label}
    items.append(
        Text(left, y + 86, ((truncate(status, BODY_SIZE, inner), style.text),), BODY_SIZE, is_bold=True)
    )
    items.append(Polyline(((left, y + 96), (right, y + 96)), stroke=style.stroke, stroke_width=0.5))
    if node.counterparts:
        lines = wrap_items(
            [counterpart_text(c, labels) for c in node.counterparts],
            prefix=labels.our_side,
            separator=labels.separator,
            more=labels.more,
            size=SMALL_SIZE,
            width=inner,
            lines=2,
        )
        colour = INK
    else:
        lines, colour = [truncate(labels.nobody_on_our_side, SMALL_SIZE, inner)], MUTED
    for number, line in enumerate(lines):
        items.append(Text(left, y + 113 + number * 16, ((line, colour),), SMALL_SIZE))
    return Group(card_description(node, labels), tuple(items))


# --- layout ---------------------------------------------------------------------------------------

Point = tuple[float, float]


@dataclass
class Block:
    """A laid-out part of the chart with its own origin; ``entry_x`` is where a line from above joins."""

    width: float
    height: float
    entry_x: float
    cards: list[tuple[int, float, float]] = field(default_factory=list)
    lines: list[tuple[Point, ...]] = field(default_factory=list)

    def moved(self, dx: float, dy: float) -> "Block":
        return replace(
            self,
            entry_x=self.entry_x + dx,
            cards=[(n, x + dx, y + dy) for n, x, y in self.cards],
            lines=[tuple((x + dx, y + dy) for x, y in line) for line in self.lines],
        )


def single(node_id: int) -> Block:
    return Block(CARD_WIDTH, CARD_HEIGHT, CARD_WIDTH / 2, [(node_id, 0.0, 0.0)])


def stack(leaves: Sequence[int]) -> Block:
    """Stack people with no reports of their own in columns hanging off a vertical line each."""
    columns = min(STACK_COLUMNS, math.ceil(len(leaves) / STACK_ROWS))
    rows = math.ceil(len(leaves) / columns)
    column_width = STACK_INDENT + CARD_WIDTH
    block = Block(columns * column_width + (columns - 1) * H_GAP, 0.0, 0.0)
    trunks = []
    for column in range(columns):
        members = leaves[column * rows : (column + 1) * rows]
        x0 = column * (column_width + H_GAP)
        trunk = x0 + STACK_INDENT / 2
        trunks.append(trunk)
        for row, leaf in enumerate(members):
            top = STACK_TOP + row * (CARD_HEIGHT + STACK_GAP)
            middle = top + CARD_HEIGHT / 2
            block.cards.append((leaf, x0 + STACK_INDENT, top))
            block.lines.append(((trunk, middle), (x0 + STACK_INDENT, middle)))
        last_middle = STACK_TOP + (len(members) - 1) * (CARD_HEIGHT + STACK_GAP) + CARD_HEIGHT / 2
        block.lines.append(((trunk, 0.0), (trunk, last_middle)))
    if columns > 1:
        block.lines.append(((trunks[0], 0.0), (trunks[-1], 0.0)))
    block.entry_x = (trunks[0] + trunks[-1]) / 2
    block.height = STACK_TOP + rows * (CARD_HEIGHT + STACK_GAP) - STACK_GAP
    return block


def subtree(node_id: int, children: dict[int, list[int]]) -> Block:
    """Lay out ``node_id`` with everybody below it, the manager centred over their team."""
    reports = children[node_id]
    if not reports:
        return single(node_id)
    leaves = [r for r in reports if not children[r]]
    if len(leaves) >= STACK_AT_LEAST:
        parts = [subtree(r, children) for r in reports if children[r]] + [stack(leaves)]
    else:
        parts = [subtree(r, children) for r in reports]
    top = CARD_HEIGHT + V_GAP
    placed = []
    x = 0.0
    for part in parts:
        placed.append(part.moved(x, top))
        x += part.width + H_GAP
    centre = (placed[0].entry_x + placed[-1].entry_x) / 2
    shift = max(0.0, CARD_WIDTH / 2 - centre)
    placed = [p.moved(shift, 0) for p in placed]
    centre += shift
    block = Block(
        width=max(x - H_GAP + shift, centre + CARD_WIDTH / 2),
        height=max(top + p.height for p in placed),
        entry_x=centre,
        cards=[(node_id, centre - CARD_WIDTH / 2, 0.0)],
    )
    bus = CARD_HEIGHT + V_GAP / 2
    if len(placed) == 1:
        block.lines.append(((centre, CARD_HEIGHT), (centre, top)))
    else:
        block.lines.append(((centre, CARD_HEIGHT), (centre, bus)))
        block.lines.append(((placed[0].entry_x, bus), (placed[-1].entry_x, bus)))
        block.lines.extend(((p.entry_x, bus), (p.entry_x, top)) for p in placed)
    for part in placed:
        block.cards.extend(part.cards)
        block.lines.extend(part.lines)
    return block


def grid(node_ids: Sequence[int], columns: int) -> Block:
    block = Block(0.0, 0.0, 0.0)
    for index, node_id in enumerate(node_ids):
        row, column = divmod(index, columns)
        block.cards.append((node_id, column * (CARD_WIDTH + H_GAP), row * (CARD_HEIGHT + STACK_GAP)))
    used_columns = min(columns, len(node_ids))
    rows = math.ceil(len(node_ids) / columns)
    block.width = used_columns * CARD_WIDTH + (used_columns - 1) * H_GAP
    block.height = rows * CARD_HEIGHT + (rows - 1) * STACK_GAP
    return block


def wrap_rows(blocks: Sequence[Block]) -> list[list[Block]]:
    rows: list[list[Block]] = []
    width = 0.0
    for block in blocks:
        if rows and width + H_GAP + block.width <= ROW_WIDTH:
            rows[-1].append(block)
            width += H_GAP + block.width
        else:
            rows.append([block])
            width = block.width
    return rows


# --- legend and scene -----------------------------------------------------------------------------


def legend(
    graph: RelationshipGraph, labels: MapLabels, top: float, width: float
) -> tuple[list[Shape], float]:
    """Lay out the legend from ``top``, wrapping within ``width``; return its shapes and bottom."""
    entries: list[tuple[float, list[Shape]]] = []
    for entry in graph.legend:
        label = clean(entry.label)
        size = 30 + text_width(label, BODY_SIZE)
        swatch: list[Shape] = [
            Rect(
                0,
                0,
                22,
                16,
                fill=entry.fill,
                stroke=entry.stroke,
                stroke_width=1.5,
                is_dashed=entry.is_dashed,
                radius=3,
            ),
            Text(11, 12.5, ((entry.symbol, entry.text),), 12, is_bold=True, anchor="middle"),
            Text(30, 12.5, ((label, INK),), BODY_SIZE),
        ]
        entries.append((size, swatch))
    stars = "★★★"
    weight_label = clean(labels.weight_legend)
    entries.append(
        (
            text_width(stars, BODY_SIZE) + 6 + text_width(weight_label, BODY_SIZE),
            [
                Text(0, 12.5, ((stars, STAR_ON),), BODY_SIZE),
                Text(text_width(stars, BODY_SIZE) + 6, 12.5, ((weight_label, INK),), BODY_SIZE),
            ],
        )
    )
    reports_label = clean(labels.reports_to)
    entries.append(
        (
            34 + text_width(reports_label, BODY_SIZE),
            [
                Polyline(((0, 8), (26, 8)), stroke=CONNECTOR, stroke_width=1.5),
                Text(34, 12.5, ((reports_label, INK),), BODY_SIZE),
            ],
        )
    )
    shapes: list[Shape] = []
    x, y = MARGIN, top
    for size, parts in entries:
        if x > MARGIN and x + size > width - MARGIN:
            x, y = MARGIN, y + 26
        shapes.extend(moved(part, x, y) for part in parts)
        x += size + 22
    return shapes, y + 20


def moved(shape: Shape, dx: float, dy: float) -> Shape:
    if isinstance(shape, Rect):
        return replace(shape, x=shape.x + dx, y=shape.y + dy)
    if isinstance(shape, Circle):
        return replace(shape, cx=shape.cx + dx, cy=shape.cy + dy)
    if isinstance(shape, Polyline):
        return replace(shape, points=tuple((x + dx, y + dy) for x, y in shape.points))
    if isinstance(shape, Text):
        return replace(shape, x=shape.x + dx, y=shape.y + dy)
    return replace(shape, items=tuple(moved(s, dx, dy) for s in shape.items))


def map_scene(graph: RelationshipGraph, labels: MapLabels | None = None) -> Scene:
    """Lay out ``graph`` as cards, reporting lines and a legend."""
    labels = labels or MapLabels()
    children = graph.children()
    nodes = {n.id: n for n in graph.nodes}
    charts = [subtree(root, children) for root in graph.roots if children[root]]
    loners = [root for root in graph.roots if not children[root]]
    items: list[Shape] = []
    placed: list[Block] = []
    y = MARGIN
    right = MARGIN
    for row in wrap_rows(charts):
        x = MARGIN
        for block in row:
            placed.append(block.moved(x, y))
            x += block.width + H_GAP
        right = max(right, x - H_GAP)
        y += max(b.height for b in row) + V_GAP
    if loners:
        if charts:
            items.append(Text(MARGIN, y + 4, ((clean(labels.unattached), MUTED),), BODY_SIZE, is_bold=True))
            y += 18
        columns = max(1, int((ROW_WIDTH + H_GAP) // (CARD_WIDTH + H_GAP)))
        block = grid(loners, columns).moved(MARGIN, y)
        placed.append(block)
        right = max(right, MARGIN + block.width)
        y += block.height + V_GAP
    if not graph.nodes:
        empty = clean(labels.empty)
        items.append(Text(MARGIN, y + 14, ((empty, MUTED),), BODY_SIZE + 2))
        right = max(right, MARGIN + text_width(empty, BODY_SIZE + 2))
        y += 14 + V_GAP
    for block in placed:
        items.extend(Polyline(line, stroke=CONNECTOR, stroke_width=1.5) for line in block.lines)
    for block in placed:
        items.extend(card(nodes[node_id], x, top, labels) for node_id, x, top in block.cards)
    width = max(right + MARGIN, MIN_WIDTH)
    legend_shapes, bottom = legend(graph, labels, y - V_GAP / 2, width)
    items.extend(legend_shapes)
    title = f"{clean(labels.title)} — {clean(graph.customer_name)}"
    description = "; ".join(card_description(n, labels) for n in graph.nodes) or clean(labels.empty)
    return Scene(
        width=width, height=bottom + MARGIN, title=title, description=description, items=tuple(items)
    )
