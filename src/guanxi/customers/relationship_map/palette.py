"""Colours of the relationship statuses, shared by the web map, the PDF and the API legend.

Every colour pair keeps a contrast of at least 4.5:1 between the status text and the card's fill, and
the status is always written out as well, so nothing depends on telling the colours apart.
"""

from dataclasses import dataclass

from ..choices import RelationshipStatus


@dataclass(frozen=True)
class StatusStyle:
    fill: str  # the card's background
    stroke: str  # its border and the status badge
    text: str  # the colour of the status text on the fill
    symbol: str  # drawn in the badge, so the status reads without colour too
    is_dashed: bool = False


STATUS_STYLES: dict[str, StatusStyle] = {
    RelationshipStatus.POSITIVE: StatusStyle(fill="#e6f4ea", stroke="#2e7d4f", text="#1b5e36", symbol="+"),
    RelationshipStatus.NEUTRAL: StatusStyle(fill="#e8eef6", stroke="#4f6d8f", text="#2f4a66", symbol="="),
    RelationshipStatus.NEGATIVE: StatusStyle(
        fill="#fce8e6", stroke="#c5221f", text="#8c1a16", symbol="\u2212"
    ),
    RelationshipStatus.NOT_ESTABLISHED: StatusStyle(
        fill="#f4f5f6", stroke="#8a9096", text="#4d5358", symbol="?", is_dashed=True
    ),
}
STATUS_ORDER = [
    RelationshipStatus.POSITIVE,
    RelationshipStatus.NEUTRAL,
    RelationshipStatus.NEGATIVE,
    RelationshipStatus.NOT_ESTABLISHED,
]


def status_style(status: str) -> StatusStyle:
    """Return the style of a status; an unknown value looks like "not established"."""
    return STATUS_STYLES.get(status, STATUS_STYLES[RelationshipStatus.NOT_ESTABLISHED])


INK = "#1f2328"  # names
MUTED = "#57606a"  # titles, departments, counterparts
CONNECTOR = "#8c959f"  # reporting lines
STAR_ON = "#b7791f"
STAR_OFF = "#c8ccd1"
CARD_BACKGROUND = "#ffffff"
