"""The RFM segment map: the default covers every cell once; the validator catches every kind of mistake."""

import itertools
import json
from dataclasses import replace

import pytest

from guanxi.insights.metrics.segment_map import (
    AXES_R_F_M,
    DEFAULT_SEGMENT_MAP,
    GROUP_LABELS,
    SEGMENT_LABELS,
    VALUE_GROUPS,
    SegmentMap,
    SegmentMapError,
    SegmentRule,
    segment_table,
    validate_segment_map,
)

ELEVEN = {
    "champions",
    "loyal",
    "potential_loyalist",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cant_lose",
    "hibernating",
    "lost",
}


def _with_rules(*rules: SegmentRule, groups: dict | None = None) -> SegmentMap:
    return replace(DEFAULT_SEGMENT_MAP, rules=rules, groups=groups or dict(DEFAULT_SEGMENT_MAP.groups))


def test_the_default_map_covers_all_25_cells_exactly_once_with_the_eleven_segments():
    report = validate_segment_map(DEFAULT_SEGMENT_MAP)
    names, table = segment_table(DEFAULT_SEGMENT_MAP)

    assert report.is_valid, report
    assert set(names) == ELEVEN
    assert table.shape == (5, 5)
    assert {names[i] for i in table.ravel()} == ELEVEN
    assert set(DEFAULT_SEGMENT_MAP.groups.values()) == set(VALUE_GROUPS)
    assert set(SEGMENT_LABELS) >= ELEVEN and set(GROUP_LABELS) == set(VALUE_GROUPS)


@pytest.mark.parametrize(
    ("r", "fm", "segment", "group"),
    [
        (5, 5, "champions", "high_value"),
        (4, 4, "loyal", "high_value"),
        (1, 5, "cant_lose", "high_value"),
        (5, 1, "new", "potential"),
        (4, 1, "promising", "potential"),
        (5, 3, "potential_loyalist", "potential"),
        (3, 3, "need_attention", "potential"),
        (3, 1, "about_to_sleep", "sleeping"),
        (2, 4, "at_risk", "sleeping"),
        (1, 2, "hibernating", "sleeping"),
        (1, 1, "lost", "sleeping"),
    ],
)
def test_default_cells(r, fm, segment, group):
    names, table = segment_table(DEFAULT_SEGMENT_MAP)

    assert names[table[r - 1, fm - 1]] == segment
    assert DEFAULT_SEGMENT_MAP.groups[segment] == group


def test_an_overlap_is_reported_with_the_competing_segments():
    extra = SegmentRule("champions", {"r": (5,), "fm": (3,)})

    report = validate_segment_map(_with_rules(*DEFAULT_SEGMENT_MAP.rules, extra))

    assert report.overlaps == (((5, 3), ("potential_loyalist", "champions")),)
    assert report.gaps == () and not report.is_valid
    with pytest.raises(SegmentMapError) as raised:
        segment_table(_with_rules(*DEFAULT_SEGMENT_MAP.rules, extra))
    assert raised.value.report == report


def test_a_gap_and_the_segment_left_without_cells_are_reported():
    rules = tuple(rule for rule in DEFAULT_SEGMENT_MAP.rules if rule.segment != "lost")

    report = validate_segment_map(_with_rules(*rules))

    assert report.gaps == ((1, 1),)
    assert report.unreachable == ("lost",)  # still named in the groups
    assert report.overlaps == ()


def test_a_segment_whose_rule_covers_nothing_is_unreachable():
    empty = SegmentRule("vip", {"r": (), "fm": (5,)})

    report = validate_segment_map(
        _with_rules(
            *DEFAULT_SEGMENT_MAP.rules, empty, groups={**DEFAULT_SEGMENT_MAP.groups, "vip": "high_value"}
        )
    )

    assert report.unreachable == ("vip",)
    assert report.gaps == () and report.overlaps == () and report.problems == ()


@pytest.mark.parametrize(
    ("rule", "groups", "problem"),
    [
        (SegmentRule("champions", {"r": (6,), "fm": (5,)}), None, "outside 1–5"),
        (SegmentRule("champions", {"r": (5,)}), None, "exactly ['r', 'fm']"),
        (SegmentRule("no_orders", {"r": (5,), "fm": (5,)}), None, "reserved"),
        (SegmentRule("vip", {"r": (5,), "fm": (5,)}), {}, "needs a group"),
        (SegmentRule("vip", {"r": (5,), "fm": (5,)}), {"vip": "gold"}, "needs a group"),
    ],
)
def test_malformed_rules_are_reported(rule, groups, problem):
    rules = (*DEFAULT_SEGMENT_MAP.rules, rule)

    report = validate_segment_map(
        _with_rules(*rules, groups={**DEFAULT_SEGMENT_MAP.groups, **(groups or {})})
    )

    assert any(problem in line for line in report.problems), report.problems


def test_unknown_axes_are_reported():
    report = validate_segment_map(SegmentMap(axes=("r", "x"), rules=(), groups={}))

    assert report.problems == ("unknown axis 'x'",)


def test_a_125_cell_map_is_validated_too():
    names, table = segment_table(DEFAULT_SEGMENT_MAP)
    rules = tuple(
        SegmentRule(names[table[r - 1, (f + m + 1) // 2 - 1]], {"r": (r,), "f": (f,), "m": (m,)})
        for r, f, m in itertools.product(range(1, 6), repeat=3)
    )
    three_axes = SegmentMap(axes=AXES_R_F_M, rules=rules, groups=DEFAULT_SEGMENT_MAP.groups)

    assert validate_segment_map(three_axes).is_valid
    broken = replace(three_axes, rules=rules[1:])
    assert validate_segment_map(broken).gaps == ((1, 1, 1),)


def test_a_map_survives_a_json_round_trip():
    data = json.loads(json.dumps(DEFAULT_SEGMENT_MAP.to_dict()))

    restored = SegmentMap.from_dict(data)

    assert validate_segment_map(restored).is_valid
    assert segment_table(restored)[0] == segment_table(DEFAULT_SEGMENT_MAP)[0]
    assert (segment_table(restored)[1] == segment_table(DEFAULT_SEGMENT_MAP)[1]).all()
