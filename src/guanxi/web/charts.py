"""Server-side SVG charts: small pure functions that return safe markup.

Every function takes plain data (the dataclasses below) and returns a ``SafeString`` holding one
``<svg>`` element that:

- escapes every piece of text it prints (labels, titles, values) and every link;
- is accessible as one picture: ``role="img"``, an ``aria-label`` and a ``<title>`` child. The
  numbers themselves must also be offered as a data table next to the chart — that is the
  template's job (the table is where keyboard and screen-reader users follow the links);
- is coloured only through CSS classes (``chart-tone-1`` … ``chart-tone-8`` or a named tone such
  as ``good``, ``warn``, ``bad``, ``muted`` → ``chart-tone-good``), never inline styles, so it
  passes the strict content security policy;
- is sized by its ``viewBox`` only, so it scales with its container (``.chart { width: 100% }``).

A bar or slice may carry an ``href``: the shape then becomes a link (for mouse users; it is taken
out of the tab order because the table fallback carries the same links). Only relative links and
http(s) links are kept; anything else (``javascript:``) is dropped.

Usage from a view::

    from guanxi.web import charts

    svg = charts.bar_chart_horizontal(
        [charts.Bar("A", 12, href="/customers/?grade=A", tone="good"), charts.Bar("B", 30)],
        title=gettext("Customers by grade"),
    )
    return render(request, "...", {"grade_chart": svg})   # {{ grade_chart }} in the template
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = [
    "Bar",
    "Series",
    "bar_chart_horizontal",
    "bar_chart_vertical",
    "donut_chart",
    "format_number",
    "line_chart",
    "share_bar",
    "stacked_bar_chart",
]

ValueFormat = Callable[[float], str]

_TONE_RE = re.compile(r"^[a-z0-9-]{1,20}$")
_SAFE_HREF_RE = re.compile(r"^(/|\?|#|https?://)", re.IGNORECASE)
_PALETTE_SIZE = 8


@dataclass(frozen=True)
class Bar:
    """One labelled value: a bar, a column or a donut slice.

    ``tone`` picks the colour class (``"1"``…``"8"`` or a named tone); empty means "by position".
    ``href`` turns the shape into a link; ``note`` is extra text for the tooltip.
    """

    label: str
    value: float
    href: str = ""
    tone: str = ""
    note: str = ""


@dataclass(frozen=True)
class Series:
    """A named row of values, one per category or month (same length as the categories)."""

    name: str
    values: Sequence[float]
    tone: str = ""
    hrefs: Sequence[str] = field(default_factory=tuple)


# --- helpers ---------------------------------------------------------------------------------


def format_number(value: float) -> str:
    """Format a value with thousands separators; integers without decimals, others with one."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _tone_class(tone: str, index: int) -> str:
    if tone and _TONE_RE.match(tone):
        return f"chart-tone-{tone}"
    return f"chart-tone-{index % _PALETTE_SIZE + 1}"


def _safe_href(href: str) -> str:
    href = (href or "").strip()
    if not href or not _SAFE_HREF_RE.match(href) or href.startswith("//"):
        return ""
    return href


def _t(text: object) -> str:
    return str(escape(str(text)))


def _num(value: float) -> str:
    """A coordinate, short and locale-independent."""
    rounded = round(float(value), 2)
    if rounded.is_integer():
        return str(int(rounded))
    return f"{rounded:.2f}".rstrip("0").rstrip(".")


def _truncate(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: max(limit - 1, 1)] + "…"


def _text_units(text: str) -> float:
    """Approximate rendered width in "em": CJK characters are full width, others about half."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.58 for ch in str(text))


def _item(shape: str, tooltip: str, href: str) -> str:
    """One data shape with its tooltip, a link when ``href`` is safe."""
    return _wrap_link(f'<g class="chart-item"><title>{_t(tooltip)}</title>{shape}</g>', href, tooltip)


def _bar_tooltip(bar: Bar, fmt: ValueFormat) -> str:
    return f"{bar.label}: {fmt(bar.value)}" + (f" — {bar.note}" if bar.note else "")


def _close(parts: list[str]) -> SafeString:
    """End the ``<svg>`` that ``parts`` opened and mark it safe."""
    return mark_safe("".join(parts) + "</svg>")  # noqa: S308 - every piece of text in parts is escaped


def _wrap_link(inner: str, href: str, label: str) -> str:
    href = _safe_href(href)
    if not href:
        return inner
    return f'<a href="{_t(href)}" tabindex="-1" aria-label="{_t(label)}">{inner}</a>'


def _open_svg(kind: str, width: float, height: float, title: str, description: str = "") -> str:
    label = title if not description else f"{title}: {description}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-label="{_t(label)}"><title>{_t(title)}</title>'
        + (f"<desc>{_t(description)}</desc>" if description else "")
    )


def _describe(bars: Sequence[Bar], fmt: ValueFormat) -> str:
    return "; ".join(f"{bar.label} {fmt(bar.value)}" for bar in bars[:12])


def _nice_max(value: float) -> float:
    """Round the axis maximum up to 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    base = 10**exponent
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * base:
            return float(step * base)
    return float(10 * base)  # pragma: no cover - the loop always returns


def _empty(kind: str, title: str, message: str, width: float = 400, height: float = 60) -> SafeString:
    svg = (
        _open_svg(kind, width, height, title, message)
        + f'<text class="chart-empty" x="{_num(width / 2)}" y="{_num(height / 2)}" '
        f'text-anchor="middle" dominant-baseline="middle">{_t(message)}</text></svg>'
    )
    return mark_safe(svg)  # noqa: S308 - every piece of text above is escaped


# --- bar charts ------------------------------------------------------------------------------


def bar_chart_horizontal(
    bars: Sequence[Bar],
    *,
    title: str,
    value_format: ValueFormat = format_number,
    empty_message: str = "—",
    width: int = 420,
    max_label_chars: int = 14,
) -> SafeString:
    """Return one horizontal bar per item, label on the left and value at the bar's end.

    Suits ranked lists with long (Chinese) labels: grades, segments, industries, regions.
    """
    if not bars:
        return _empty("hbar", title, empty_message, width)
    row, gap, pad = 22.0, 6.0, 4.0
    labels = [_truncate(bar.label, max_label_chars) for bar in bars]
    label_width = min(max(max(_text_units(lbl) for lbl in labels) * 12 + 8, 40), width * 0.42)
    value_width = max(_text_units(value_format(max(b.value for b in bars))) * 12 + 10, 36)
    plot_width = width - label_width - value_width
    top = max((max(b.value for b in bars)), 0) or 1
    height = pad * 2 + len(bars) * (row + gap) - gap
    parts = [_open_svg("hbar", width, height, title, _describe(bars, value_format))]
    for index, (bar, label) in enumerate(zip(bars, labels, strict=True)):
        y = pad + index * (row + gap)
        bar_width = max(plot_width * max(bar.value, 0) / top, 0 if bar.value <= 0 else 1.5)
        tooltip = _bar_tooltip(bar, value_format)
        shape = (
            f'<text class="chart-label" x="{_num(label_width - 6)}" y="{_num(y + row / 2)}" '
            f'text-anchor="end" dominant-baseline="middle">{_t(label)}</text>'
            f'<rect class="chart-bar {_tone_class(bar.tone, index)}" x="{_num(label_width)}" '
            f'y="{_num(y)}" width="{_num(bar_width)}" height="{_num(row)}" rx="3"/>'
            f'<text class="chart-value" x="{_num(label_width + bar_width + 5)}" y="{_num(y + row / 2)}" '
            f'dominant-baseline="middle">{_t(value_format(bar.value))}</text>'
        )
        parts.append(_item(shape, tooltip, bar.href))
    return _close(parts)


def bar_chart_vertical(
    bars: Sequence[Bar],
    *,
    title: str,
    value_format: ValueFormat = format_number,
    empty_message: str = "—",
    width: int = 420,
    height: int = 220,
    max_label_chars: int = 8,
) -> SafeString:
    """Return one column per item with a value axis: histograms, counts per month or per bucket."""
    if not bars:
        return _empty("vbar", title, empty_message, width)
    left, right, top_pad, bottom = 40.0, 8.0, 14.0, 34.0
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    axis_max = _nice_max(max(max(b.value for b in bars), 0))
    slot = plot_w / len(bars)
    bar_w = max(slot * 0.72, 1.0)
    parts = [_open_svg("vbar", width, height, title, _describe(bars, value_format))]
    parts.append(_value_axis(left, top_pad, plot_w, plot_h, axis_max, value_format))
    label_every = max(1, math.ceil(len(bars) * 34 / plot_w))
    for index, bar in enumerate(bars):
        x = left + index * slot + (slot - bar_w) / 2
        bar_h = plot_h * max(bar.value, 0) / axis_max
        y = top_pad + plot_h - bar_h
        tooltip = _bar_tooltip(bar, value_format)
        shape = (
            f'<rect class="chart-bar {_tone_class(bar.tone, index)}" x="{_num(x)}" y="{_num(y)}" '
            f'width="{_num(bar_w)}" height="{_num(max(bar_h, 0))}" rx="2"/>'
        )
        parts.append(_item(shape, tooltip, bar.href))
        if index % label_every == 0:
            parts.append(
                f'<text class="chart-label chart-axis-label" x="{_num(x + bar_w / 2)}" '
                f'y="{_num(height - bottom + 16)}" text-anchor="middle">'
                f"{_t(_truncate(bar.label, max_label_chars))}</text>"
            )
    return _close(parts)


def stacked_bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    value_format: ValueFormat = format_number,
    empty_message: str = "—",
    width: int = 420,
    height: int = 240,
    max_label_chars: int = 8,
) -> SafeString:
    """Return one column per category, stacked from the series (e.g. revenue per month by grade).

    ``series[i].values[j]`` is series i's amount in category j; ``series[i].hrefs[j]`` (optional)
    links that segment. A legend with the series names is drawn below the plot.
    """
    totals = [sum(max(s.values[j], 0) for s in series) for j in range(len(categories))]
    if not categories or not series or not any(totals):
        return _empty("stacked", title, empty_message, width)
    left, right, top_pad = 40.0, 8.0, 14.0
    legend_rows = math.ceil(len(series) / 3)
    bottom = 30.0 + legend_rows * 18
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    axis_max = _nice_max(max(totals))
    slot = plot_w / len(categories)
    bar_w = max(slot * 0.7, 1.0)
    description = "; ".join(
        f"{cat}: " + ", ".join(f"{s.name} {value_format(s.values[j])}" for s in series)
        for j, cat in enumerate(categories[:8])
    )
    parts = [_open_svg("stacked", width, height, title, description)]
    parts.append(_value_axis(left, top_pad, plot_w, plot_h, axis_max, value_format))
    label_every = max(1, math.ceil(len(categories) * 34 / plot_w))
    for j, category in enumerate(categories):
        x = left + j * slot + (slot - bar_w) / 2
        base = top_pad + plot_h
        for i, one in enumerate(series):
            value = max(one.values[j], 0)
            if value <= 0:
                continue
            seg_h = plot_h * value / axis_max
            base -= seg_h
            tooltip = f"{category} · {one.name}: {value_format(one.values[j])}"
            shape = (
                f'<rect class="chart-bar {_tone_class(one.tone, i)}" x="{_num(x)}" y="{_num(base)}" '
                f'width="{_num(bar_w)}" height="{_num(seg_h)}"/>'
            )
            href = one.hrefs[j] if j < len(one.hrefs) else ""
            parts.append(_item(shape, tooltip, href))
        if j % label_every == 0:
            parts.append(
                f'<text class="chart-label chart-axis-label" x="{_num(x + bar_w / 2)}" '
                f'y="{_num(top_pad + plot_h + 16)}" text-anchor="middle">'
                f"{_t(_truncate(category, max_label_chars))}</text>"
            )
    parts.append(_legend(series, left, top_pad + plot_h + 30, plot_w))
    return _close(parts)


# --- line / area chart -----------------------------------------------------------------------


def line_chart(
    months: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    area: bool = False,
    value_format: ValueFormat = format_number,
    empty_message: str = "—",
    width: int = 420,
    height: int = 220,
) -> SafeString:
    """Return one line per series over the months (labels such as ``"2026-03"``).

    With ``area=True`` the region under each line is filled (lightly, via the ``chart-area``
    class). Each point carries a tooltip with its value.
    """
    if not months or not series or not any(any(s.values) for s in series):
        return _empty("line", title, empty_message, width)
    left, right, top_pad = 40.0, 10.0, 14.0
    legend_rows = math.ceil(len(series) / 3) if len(series) > 1 else 0
    bottom = 28.0 + legend_rows * 18
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    axis_max = _nice_max(max(max(s.values) for s in series))
    step = plot_w / max(len(months) - 1, 1)
    description = "; ".join(
        f"{s.name}: " + ", ".join(f"{m} {value_format(v)}" for m, v in zip(months, s.values, strict=False))
        for s in series[:4]
    )
    parts = [_open_svg("line", width, height, title, description)]
    parts.append(_value_axis(left, top_pad, plot_w, plot_h, axis_max, value_format))
    label_every = max(1, math.ceil(len(months) * 44 / plot_w))
    for j, month in enumerate(months):
        if j % label_every == 0 or (j == len(months) - 1 and len(months) <= 2):
            parts.append(
                f'<text class="chart-label chart-axis-label" x="{_num(left + j * step)}" '
                f'y="{_num(top_pad + plot_h + 16)}" text-anchor="middle">{_t(month)}</text>'
            )
    for i, one in enumerate(series):
        tone = _tone_class(one.tone, i)
        points = [
            (left + j * step, top_pad + plot_h - plot_h * max(v, 0) / axis_max)
            for j, v in enumerate(one.values[: len(months)])
        ]
        path = " ".join(f"{'M' if k == 0 else 'L'}{_num(x)},{_num(y)}" for k, (x, y) in enumerate(points))
        if area and points:
            baseline = top_pad + plot_h
            parts.append(
                f'<path class="chart-area {tone}" d="{path} L{_num(points[-1][0])},{_num(baseline)} '
                f'L{_num(points[0][0])},{_num(baseline)} Z"/>'
            )
        parts.append(f'<path class="chart-line {tone}" d="{path}"/>')
        for j, (x, y) in enumerate(points):
            tooltip = f"{one.name} {months[j]}: {value_format(one.values[j])}"
            dot = f'<circle class="chart-dot {tone}" cx="{_num(x)}" cy="{_num(y)}" r="3"/>'
            href = one.hrefs[j] if j < len(one.hrefs) else ""
            parts.append(_item(dot, tooltip, href))
    if legend_rows:
        parts.append(_legend(series, left, top_pad + plot_h + 30, plot_w))
    return _close(parts)


# --- shares ----------------------------------------------------------------------------------


def donut_chart(
    slices: Sequence[Bar],
    *,
    title: str,
    center_label: str = "",
    value_format: ValueFormat = format_number,
    empty_message: str = "—",
    max_label_chars: int = 12,
) -> SafeString:
    """Return a donut of the slices' shares with a legend (label, value, percent) on its right."""
    total = sum(max(s.value, 0) for s in slices)
    if not slices or total <= 0:
        return _empty("donut", title, empty_message)
    width = 400.0
    height = max(150.0, 20.0 + len(slices) * 20)
    cx, cy, radius, inner = 75.0, height / 2, 62.0, 38.0
    parts = [_open_svg("donut", width, height, title, _describe(slices, value_format))]
    angle = -math.pi / 2
    for index, one in enumerate(slices):
        value = max(one.value, 0)
        if value <= 0:
            continue
        share = value / total
        tone = _tone_class(one.tone, index)
        tooltip = f"{one.label}: {value_format(one.value)} ({share:.0%})"
        if share >= 0.9999:
            shape_d = (
                f"M{_num(cx)},{_num(cy - radius)} A{_num(radius)},{_num(radius)} 0 1 1 {_num(cx - 0.01)},"
                f"{_num(cy - radius)} Z M{_num(cx)},{_num(cy - inner)} A{_num(inner)},{_num(inner)} 0 1 0 "
                f"{_num(cx - 0.01)},{_num(cy - inner)} Z"
            )
        else:
            end = angle + share * 2 * math.pi
            large = 1 if share > 0.5 else 0
            shape_d = (
                f"M{_num(cx + radius * math.cos(angle))},{_num(cy + radius * math.sin(angle))} "
                f"A{_num(radius)},{_num(radius)} 0 {large} 1 {_num(cx + radius * math.cos(end))},"
                f"{_num(cy + radius * math.sin(end))} "
                f"L{_num(cx + inner * math.cos(end))},{_num(cy + inner * math.sin(end))} "
                f"A{_num(inner)},{_num(inner)} 0 {large} 0 {_num(cx + inner * math.cos(angle))},"
                f"{_num(cy + inner * math.sin(angle))} Z"
            )
            angle = end
        shape = f'<path class="chart-slice {tone}" d="{shape_d}" fill-rule="evenodd"/>'
        parts.append(_item(shape, tooltip, one.href))
    if center_label:
        parts.append(
            f'<text class="chart-center" x="{_num(cx)}" y="{_num(cy)}" text-anchor="middle" '
            f'dominant-baseline="middle">{_t(center_label)}</text>'
        )
    legend_x, legend_top = cx + radius + 22, cy - (len(slices) * 20) / 2 + 10
    for index, one in enumerate(slices):
        y = legend_top + index * 20
        share = max(one.value, 0) / total
        text = f"{_truncate(one.label, max_label_chars)}  {value_format(one.value)} · {share:.0%}"
        entry = (
            f'<g class="chart-item"><rect class="chart-swatch {_tone_class(one.tone, index)}" '
            f'x="{_num(legend_x)}" y="{_num(y - 6)}" width="11" height="11" rx="2"/>'
            f'<text class="chart-label" x="{_num(legend_x + 17)}" y="{_num(y)}" '
            f'dominant-baseline="middle">{_t(text)}</text></g>'
        )
        parts.append(_wrap_link(entry, one.href, f"{one.label}: {value_format(one.value)}"))
    return _close(parts)


def share_bar(
    slices: Sequence[Bar],
    *,
    title: str,
    value_format: ValueFormat = format_number,
    empty_message: str = "—",
    width: int = 420,
) -> SafeString:
    """Return one 100 % bar split into the slices' shares, with a legend below.

    A compact alternative to the donut for narrow columns (e.g. on the customer page).
    """
    total = sum(max(s.value, 0) for s in slices)
    if not slices or total <= 0:
        return _empty("share", title, empty_message, width, 40)
    bar_h = 18.0
    per_row = 3
    legend_rows = math.ceil(len(slices) / per_row)
    height = bar_h + 10 + legend_rows * 18
    parts = [_open_svg("share", width, height, title, _describe(slices, value_format))]
    x = 0.0
    for index, one in enumerate(slices):
        value = max(one.value, 0)
        if value <= 0:
            continue
        seg_w = width * value / total
        tooltip = f"{one.label}: {value_format(one.value)} ({value / total:.0%})"
        shape = (
            f'<rect class="chart-bar {_tone_class(one.tone, index)}" x="{_num(x)}" y="0" '
            f'width="{_num(seg_w)}" height="{_num(bar_h)}"/>'
        )
        parts.append(_item(shape, tooltip, one.href))
        x += seg_w
    col_w = width / per_row
    for index, one in enumerate(slices):
        lx = (index % per_row) * col_w
        ly = bar_h + 16 + (index // per_row) * 18
        share = max(one.value, 0) / total
        parts.append(
            f'<rect class="chart-swatch {_tone_class(one.tone, index)}" x="{_num(lx)}" '
            f'y="{_num(ly - 6)}" width="10" height="10" rx="2"/>'
            f'<text class="chart-label" x="{_num(lx + 14)}" y="{_num(ly)}" dominant-baseline="middle">'
            f"{_t(_truncate(one.label, 8))} {share:.0%}</text>"
        )
    return _close(parts)


# --- shared pieces ---------------------------------------------------------------------------


def _value_axis(
    left: float, top: float, plot_w: float, plot_h: float, axis_max: float, fmt: ValueFormat
) -> str:
    parts = ['<g class="chart-axis" aria-hidden="true">']
    for k in range(5):
        value = axis_max * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(
            f'<line class="chart-grid" x1="{_num(left)}" y1="{_num(y)}" x2="{_num(left + plot_w)}" '
            f'y2="{_num(y)}"/><text class="chart-tick" x="{_num(left - 4)}" y="{_num(y)}" '
            f'text-anchor="end" dominant-baseline="middle">{_t(_short(value, fmt))}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _short(value: float, fmt: ValueFormat) -> str:
    """Shorten large tick values (12 000 → 12k, 3 400 000 → 3.4M) so the axis stays narrow."""
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f}k"
    return fmt(value)


def _legend(series: Sequence[Series], left: float, top: float, plot_w: float) -> str:
    per_row = 3
    col_w = plot_w / per_row
    parts = ['<g class="chart-legend">']
    for i, one in enumerate(series):
        x = left + (i % per_row) * col_w
        y = top + (i // per_row) * 18
        parts.append(
            f'<rect class="chart-swatch {_tone_class(one.tone, i)}" x="{_num(x)}" y="{_num(y - 6)}" '
            f'width="10" height="10" rx="2"/><text class="chart-label" x="{_num(x + 14)}" '
            f'y="{_num(y)}" dominant-baseline="middle">{_t(_truncate(one.name, 10))}</text>'
        )
    parts.append("</g>")
    return "".join(parts)
