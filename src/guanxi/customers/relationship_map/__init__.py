"""The key-person relationship map (附表3, 附表4): data, layout, SVG, and edits of our counterparts.

What views and API handlers call:

* :func:`relationship_graph` — the scoped selector; ``graph.as_dict()`` is the API's JSON;
* :func:`map_svg_markup` — the map as template-safe SVG in the active language;
* :func:`render_map_svg` — the same as a plain string, with explicit labels;
* :func:`counterpart_set`, :func:`counterpart_remove` — who on our side holds a relationship.
"""

from .graph import (
    LegendEntry,
    MapCounterpart,
    MapEdge,
    MapNode,
    RelationshipGraph,
    build_forest,
    relationship_graph,
)
from .scene import MapLabels, Scene, map_scene
from .services import counterpart_remove, counterpart_set
from .svg import map_labels, map_svg_markup, render_map_svg

__all__ = [
    "LegendEntry",
    "MapCounterpart",
    "MapEdge",
    "MapLabels",
    "MapNode",
    "RelationshipGraph",
    "Scene",
    "build_forest",
    "counterpart_remove",
    "counterpart_set",
    "map_labels",
    "map_scene",
    "map_svg_markup",
    "relationship_graph",
    "render_map_svg",
]
