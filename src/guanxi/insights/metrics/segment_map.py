"""The editable RFM segment map and its validator.

A segment map sends every combination of scores on its axes — (R, FM) by default, 25 cells; or (R, F, M),
125 cells — to exactly one segment, and every segment to one of the three value groups of the
methodology: 高价值 high value (recent, frequent, big), 潜力 potential (recent but not yet frequent or big)
and 沉睡 sleeping (long ago, infrequent, small). Maps are plain data (``to_dict``/``from_dict``) so a
manager can edit them; ``validate_segment_map`` proves a map covers every cell exactly once and has no
segment that can never be reached.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

SCORES = (1, 2, 3, 4, 5)
AXES = ("r", "f", "m", "fm")  # fm: the mean of F and M, rounded half up
AXES_R_FM = ("r", "fm")
AXES_R_F_M = ("r", "f", "m")

HIGH_VALUE = "high_value"
POTENTIAL = "potential"
SLEEPING = "sleeping"
VALUE_GROUPS = (HIGH_VALUE, POTENTIAL, SLEEPING)
GROUP_LABELS = {HIGH_VALUE: "高价值客户", POTENTIAL: "潜力客户", SLEEPING: "沉睡客户"}

# Customers without any order are not scored; they get this segment and group, outside every map.
NO_ORDERS = "no_orders"

SEGMENT_LABELS = {
    "champions": "冠军客户",
    "loyal": "忠诚客户",
    "potential_loyalist": "潜在忠诚客户",
    "new": "新客户",
    "promising": "有潜力客户",
    "need_attention": "需关注客户",
    "about_to_sleep": "即将沉睡客户",
    "at_risk": "流失风险客户",
    "cant_lose": "不能失去的客户",
    "hibernating": "休眠客户",
    "lost": "已流失客户",
    NO_ORDERS: "未成交客户",
}

Cell = tuple[int, ...]


@dataclass(frozen=True)
class SegmentRule:
    """A rectangle of cells: the scores allowed on each axis. A segment may own several rules."""

    segment: str
    scores: Mapping[str, tuple[int, ...]]


@dataclass(frozen=True)
class SegmentMap:
    """Rules over ``axes`` plus the value group of each segment."""

    axes: tuple[str, ...]
    rules: tuple[SegmentRule, ...]
    groups: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the map as JSON-ready data."""
        return {
            "axes": list(self.axes),
            "rules": [
                {"segment": rule.segment, **{axis: list(s) for axis, s in rule.scores.items()}}
                for rule in self.rules
            ],
            "groups": dict(self.groups),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SegmentMap:
        """Build a map from ``to_dict`` data; nothing is checked here (see ``validate_segment_map``)."""
        axes = tuple(data["axes"])
        rules = tuple(
            SegmentRule(
                segment=str(rule["segment"]),
                scores={axis: tuple(rule.get(axis, ())) for axis in axes},
            )
            for rule in data["rules"]
        )
        return cls(axes=axes, rules=rules, groups=dict(data.get("groups", {})))


def _rule(segment: str, r: Sequence[int], fm: Sequence[int]) -> SegmentRule:
    return SegmentRule(segment=segment, scores={"r": tuple(r), "fm": tuple(fm)})


# The common 11-segment map on (R, FM); rows are R, columns FM:
#        FM=1            FM=2            FM=3            FM=4        FM=5
# R=5    new             pot. loyalist   pot. loyalist   champions   champions
# R=4    promising       pot. loyalist   pot. loyalist   loyal       loyal
# R=3    about to sleep  about to sleep  need attention  loyal       loyal
# R=2    hibernating     hibernating     at risk         at risk     can't lose
# R=1    lost            hibernating     at risk         at risk     can't lose
# Can't-lose customers (big, frequent, but gone quiet) sit in the high-value group: their value is
# established and winning them back deserves high-value attention, not a low-touch wake-up.
DEFAULT_SEGMENT_MAP = SegmentMap(
    axes=AXES_R_FM,
    rules=(
        _rule("champions", [5], [4, 5]),
        _rule("loyal", [3, 4], [4, 5]),
        _rule("potential_loyalist", [4, 5], [2, 3]),
        _rule("new", [5], [1]),
        _rule("promising", [4], [1]),
        _rule("need_attention", [3], [3]),
        _rule("about_to_sleep", [3], [1, 2]),
        _rule("at_risk", [1, 2], [3, 4]),
        _rule("cant_lose", [1, 2], [5]),
        _rule("hibernating", [2], [1, 2]),
        _rule("hibernating", [1], [2]),
        _rule("lost", [1], [1]),
    ),
    groups={
        "champions": HIGH_VALUE,
        "loyal": HIGH_VALUE,
        "cant_lose": HIGH_VALUE,
        "potential_loyalist": POTENTIAL,
        "new": POTENTIAL,
        "promising": POTENTIAL,
        "need_attention": POTENTIAL,
        "about_to_sleep": SLEEPING,
        "at_risk": SLEEPING,
        "hibernating": SLEEPING,
        "lost": SLEEPING,
    },
)


@dataclass(frozen=True)
class SegmentMapReport:
    """What is wrong with a map; empty everywhere means valid."""

    gaps: tuple[Cell, ...]  # cells no rule covers
    overlaps: tuple[tuple[Cell, tuple[str, ...]], ...]  # cells covered more than once, with the segments
    unreachable: tuple[str, ...]  # segments named in the map that own no cell
    problems: tuple[str, ...]  # malformed axes, scores, names or groups

    @property
    def is_valid(self) -> bool:
        return not (self.gaps or self.overlaps or self.unreachable or self.problems)


class SegmentMapError(ValueError):
    """Raised when an invalid segment map is used; ``report`` says why."""

    def __init__(self, report: SegmentMapReport) -> None:
        self.report = report
        super().__init__(
            f"invalid segment map: gaps={list(report.gaps)} overlaps={list(report.overlaps)} "
            f"unreachable={list(report.unreachable)} problems={list(report.problems)}"
        )


def _axis_problems(axes: tuple[str, ...]) -> list[str]:
    problems = [f"unknown axis {axis!r}" for axis in axes if axis not in AXES]
    if not axes or len(set(axes)) != len(axes):
        problems.append(f"axes must be distinct and non-empty, got {list(axes)}")
    return problems


def _rule_problems(rule: SegmentRule, axes: tuple[str, ...]) -> list[str]:
    problems = []
    if not rule.segment or rule.segment == NO_ORDERS:
        problems.append(f"segment name {rule.segment!r} is empty or reserved")
    if set(rule.scores) != set(axes):
        problems.append(f"rule for {rule.segment!r} must give scores for exactly {list(axes)}")
    for axis, scores in rule.scores.items():
        if any(score not in SCORES for score in scores):
            problems.append(f"rule for {rule.segment!r} has scores outside 1–5 on {axis!r}: {list(scores)}")
    return problems


def validate_segment_map(segment_map: SegmentMap) -> SegmentMapReport:
    """Check that every cell belongs to exactly one segment and every segment is reachable and grouped.

    A segment is unreachable when it appears in the rules or the group mapping but owns no cell. Every
    segment used by a rule must map to one of ``VALUE_GROUPS``.
    """
    axes = tuple(segment_map.axes)
    problems = _axis_problems(axes)
    if problems:
        return SegmentMapReport(gaps=(), overlaps=(), unreachable=(), problems=tuple(problems))

    owners: dict[Cell, list[str]] = {cell: [] for cell in itertools.product(SCORES, repeat=len(axes))}
    for rule in segment_map.rules:
        rule_problems = _rule_problems(rule, axes)
        problems.extend(rule_problems)
        if rule_problems:
            continue
        for cell in itertools.product(*(sorted(set(rule.scores[axis])) for axis in axes)):
            owners[cell].append(rule.segment)

    named = {rule.segment for rule in segment_map.rules} | set(segment_map.groups)
    owning = {segment for segments in owners.values() for segment in segments}
    for segment in sorted({rule.segment for rule in segment_map.rules}):
        group = segment_map.groups.get(segment)
        if group not in VALUE_GROUPS:
            problems.append(f"segment {segment!r} needs a group from {list(VALUE_GROUPS)}, got {group!r}")
    return SegmentMapReport(
        gaps=tuple(cell for cell, segments in owners.items() if not segments),
        overlaps=tuple((cell, tuple(segments)) for cell, segments in owners.items() if len(segments) > 1),
        unreachable=tuple(sorted(named - owning)),
        problems=tuple(problems),
    )


def segment_table(segment_map: SegmentMap) -> tuple[tuple[str, ...], NDArray[np.int64]]:
    """Return the segment names and an array indexed by (score - 1) per axis giving the name's index.

    Raise ``SegmentMapError`` if the map is not valid.
    """
    report = validate_segment_map(segment_map)
    if not report.is_valid:
        raise SegmentMapError(report)
    names = tuple(dict.fromkeys(rule.segment for rule in segment_map.rules))
    index = {name: i for i, name in enumerate(names)}
    table = np.empty((len(SCORES),) * len(segment_map.axes), dtype=np.int64)
    for rule in segment_map.rules:
        for cell in itertools.product(*(rule.scores[axis] for axis in segment_map.axes)):
            table[tuple(score - 1 for score in cell)] = index[rule.segment]
    return names, table
