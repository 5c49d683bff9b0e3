"""The SVG chart helpers: escaped text, valid markup, accessible, no inline style."""

import xml.etree.ElementTree as ET

import pytest

from guanxi.web import charts

SVG = "{http://www.w3.org/2000/svg}"


def _parse_svg(text: str) -> ET.Element:
    """Parse markup the chart module produced (trusted: no entities, no DTD)."""
    return ET.fromstring(text)  # noqa: S314


EVIL = '<script>alert("x")</script> & "quotes"'


def _all_charts(label: str, href: str = "/customers/?grade=A") -> list[str]:
    bars = [charts.Bar(label, 12, href=href), charts.Bar("B 档", 3.5, tone="warn"), charts.Bar("C", 0)]
    series = [charts.Series(label, [1, 2, 3], hrefs=[href, "", ""]), charts.Series("two", [3, 0, 1])]
    return [
        charts.bar_chart_horizontal(bars, title=label),
        charts.bar_chart_vertical(bars, title=label),
        charts.stacked_bar_chart([label, "b", "c"], series, title=label),
        charts.line_chart(["2026-01", "2026-02", label], series, title=label, area=True),
        charts.donut_chart(bars, title=label, center_label=label),
        charts.share_bar(bars, title=label),
    ]


@pytest.mark.parametrize("index", range(6))
def test_every_chart_is_valid_svg_with_escaped_labels(index):
    svg = str(_all_charts(EVIL)[index])

    root = _parse_svg(svg)  # parses: well-formed XML

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert EVIL in root.get("aria-label")
    assert root.find(f"{SVG}title").text == EVIL
    assert root.get("viewBox", "").startswith("0 0 ")
    assert "<script" not in svg
    assert not any(el.tag == f"{SVG}script" for el in root.iter())
    assert "style=" not in svg
    assert not any(attr.startswith("on") for el in root.iter() for attr in el.attrib)


def test_links_are_kept_when_safe_and_dropped_when_not():
    safe = str(charts.bar_chart_horizontal([charts.Bar("A", 1, href="/c/?g=A&x=1")], title="t"))
    unsafe = str(charts.bar_chart_horizontal([charts.Bar("A", 1, href="javascript:alert(1)")], title="t"))
    protocol_relative = str(
        charts.bar_chart_horizontal([charts.Bar("A", 1, href="//evil.example")], title="t")
    )

    links = [el.get("href") for el in _parse_svg(safe).iter(f"{SVG}a")]
    assert links == ["/c/?g=A&x=1"]
    assert "javascript" not in unsafe
    assert not list(_parse_svg(unsafe).iter(f"{SVG}a"))
    assert not list(_parse_svg(protocol_relative).iter(f"{SVG}a"))


def test_tone_cannot_inject_attributes():
    svg = str(charts.bar_chart_vertical([charts.Bar("A", 1, tone='x" onload="alert(1)')], title="t"))

    root = _parse_svg(svg)
    assert not any(attr.startswith("on") for el in root.iter() for attr in el.attrib)
    assert "chart-tone-1" in svg


def test_horizontal_bar_lengths_are_proportional():
    svg = charts.bar_chart_horizontal([charts.Bar("a", 10), charts.Bar("b", 5)], title="t")

    widths = [float(r.get("width")) for r in _parse_svg(str(svg)).iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1], rel=0.01)


def test_empty_data_gives_a_message_not_an_error():
    for svg in (
        charts.bar_chart_horizontal([], title="t", empty_message="无数据"),
        charts.bar_chart_vertical([], title="t", empty_message="无数据"),
        charts.share_bar([charts.Bar("a", 0)], title="t", empty_message="无数据"),
        charts.donut_chart([charts.Bar("a", 0)], title="t", empty_message="无数据"),
        charts.line_chart([], [], title="t", empty_message="无数据"),
        charts.stacked_bar_chart(["a"], [charts.Series("s", [0])], title="t", empty_message="无数据"),
    ):
        root = _parse_svg(str(svg))
        assert "无数据" in "".join(root.itertext())


def test_donut_with_a_single_slice_draws_a_full_ring():
    root = _parse_svg(str(charts.donut_chart([charts.Bar("all", 7)], title="t")))

    assert len(list(root.iter(f"{SVG}path"))) == 1


def test_format_number():
    assert charts.format_number(1234567) == "1,234,567"
    assert charts.format_number(2.25) == "2.2" or charts.format_number(2.25) == "2.3"
    assert charts.format_number(float("nan")) == "–"
