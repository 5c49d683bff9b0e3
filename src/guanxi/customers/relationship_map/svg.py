"""Render the relationship map as SVG that is safe to put inline in a page.

The site's Content Security Policy allows no inline styles or scripts, so the SVG uses presentation
attributes only (``fill``, ``stroke``, ``font-size`` …): no ``style`` attribute, no ``<style>``, no
script, no event handler, no link. Every piece of text is XML-escaped here, which is why
:func:`map_svg_markup` may, and alone may, mark the result safe for templates.
"""

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .graph import RelationshipGraph
from .scene import Circle, MapLabels, Polyline, Rect, Scene, Shape, Text, map_scene

FONT_FAMILY = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
ANCHORS = {"start": "start", "middle": "middle", "end": "end"}


def escape(text: str) -> str:
    """Escape text for XML content and double-quoted attributes."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def colour(value: str) -> str:
    """Pass through our own palette's colours only; anything else becomes ``none``."""
    if (
        value.startswith("#")
        and len(value) in (4, 7)
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    ):
        return value
    return "none"


def shape_markup(shape: Shape) -> str:
    if isinstance(shape, Rect):
        dash = ' stroke-dasharray="5 3"' if shape.is_dashed else ""
        stroke = (
            f' stroke="{colour(shape.stroke)}" stroke-width="{number(shape.stroke_width)}"{dash}'
            if shape.stroke
            else ""
        )
        return (
            f'<rect x="{number(shape.x)}" y="{number(shape.y)}" width="{number(shape.width)}" '
            f'height="{number(shape.height)}" rx="{number(shape.radius)}" fill="{colour(shape.fill)}"{stroke}/>'
        )
    if isinstance(shape, Circle):
        return (
            f'<circle cx="{number(shape.cx)}" cy="{number(shape.cy)}" r="{number(shape.r)}" '
            f'fill="{colour(shape.fill)}"/>'
        )
    if isinstance(shape, Polyline):
        points = " ".join(f"{number(x)},{number(y)}" for x, y in shape.points)
        dash = ' stroke-dasharray="4 3"' if shape.is_dashed else ""
        return (
            f'<polyline points="{points}" fill="none" stroke="{colour(shape.stroke)}" '
            f'stroke-width="{number(shape.stroke_width)}"{dash}/>'
        )
    if isinstance(shape, Text):
        weight = ' font-weight="bold"' if shape.is_bold else ""
        runs = "".join(f'<tspan fill="{colour(fill)}">{escape(text)}</tspan>' for text, fill in shape.runs)
        return (
            f'<text x="{number(shape.x)}" y="{number(shape.y)}" font-size="{number(shape.size)}"'
            f' text-anchor="{ANCHORS.get(shape.anchor, "start")}"{weight}>{runs}</text>'
        )
    inner = "".join(shape_markup(item) for item in shape.items)
    return f"<g><title>{escape(shape.description)}</title>{inner}</g>"


def scene_svg(scene: Scene, *, element_id: str = "relationship-map") -> str:
    """Serialise a laid-out scene; ``element_id`` prefixes the ids of its title and description."""
    safe_id = "".join(c for c in element_id if c.isalnum() or c in "-_") or "relationship-map"
    body = "".join(shape_markup(item) for item in scene.items)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="relationship-map" role="img" '
        f'viewBox="0 0 {number(scene.width)} {number(scene.height)}" '
        f'width="{number(scene.width)}" height="{number(scene.height)}" '
        f'preserveAspectRatio="xMidYMin meet" aria-labelledby="{safe_id}-title {safe_id}-desc" '
        f'font-family="{escape(FONT_FAMILY)}">'
        f'<title id="{safe_id}-title">{escape(scene.title)}</title>'
        f'<desc id="{safe_id}-desc">{escape(scene.description)}</desc>'
        f"{body}</svg>"
    )


def render_map_svg(graph: RelationshipGraph, *, labels: MapLabels) -> str:
    """Return the map as an SVG document string; all user text in it is escaped."""
    return scene_svg(map_scene(graph, labels), element_id=f"relationship-map-{graph.customer_id}")


def map_labels() -> MapLabels:
    """Return the map's words in the active language."""
    return MapLabels(
        title=_("Key-person relationship map"),
        relationship=_("Relationship: %(status)s"),
        our_side=_("Ours: "),
        counterpart=_("%(name)s (%(closeness)s)"),
        inactive=_("inactive"),
        separator=_(", "),
        more=_("+%(count)d"),
        nobody_on_our_side=_("Nobody on our side yet"),
        no_role=_("Role not set"),
        weight=_("Decision weight %(weight)d/5"),
        weight_legend=_("Decision weight (1–5)"),
        reports_to=_("Reports to"),
        unattached=_("Not in a reporting line"),
        empty=_("No key persons recorded yet."),
    )


def map_svg_markup(graph: RelationshipGraph) -> SafeString:
    """Return the map as markup a template may output as is.

    This is the only place allowed to mark the renderer's output safe: :func:`render_map_svg` escapes
    every piece of user text itself and emits no styles, scripts or links.
    """
    return mark_safe(render_map_svg(graph, labels=map_labels()))  # noqa: S308 - escaped in shape_markup
