"""Lifecycle inference and value-drop detection: pure numpy, no database."""

import numpy as np
import pytest

from guanxi.insights.alerts import CHURN_RISK, GRADE_DROP, SEGMENT_DROP, Comparison, value_drops
from guanxi.insights.lifecycle import infer_stages


def stage(**values) -> str:
    base = {
        "has_orders": True,
        "purchase_days": 6,
        "tenure_days": 800.0,
        "recency_days": 20.0,
        "p_alive": 0.9,
        "window_amount": 1000.0,
        "previous_amount": 1000.0,
    }
    base.update(values)
    arrays = {name: np.array([value]) for name, value in base.items()}
    return str(infer_stages(**arrays)[0])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"has_orders": False, "purchase_days": 0, "p_alive": np.nan}, "acquisition"),
        ({"p_alive": 0.05}, "exit"),
        ({"purchase_days": 1, "recency_days": 400.0, "p_alive": 1.0}, "exit"),
        ({"p_alive": np.nan, "recency_days": 400.0}, "exit"),
        ({"p_alive": 0.4}, "decline"),
        ({"window_amount": 0.0}, "decline"),
        ({"window_amount": 400.0, "previous_amount": 1000.0}, "decline"),
        ({"purchase_days": 1, "recency_days": 200.0, "tenure_days": 200.0, "p_alive": 1.0}, "decline"),
        ({"tenure_days": 60.0, "purchase_days": 2, "previous_amount": 0.0}, "acquisition"),
        ({"tenure_days": 200.0, "previous_amount": 0.0}, "growth"),
        ({"window_amount": 1300.0, "previous_amount": 1000.0}, "growth"),
        ({"window_amount": 900.0, "previous_amount": 0.0}, "growth"),
        ({}, "maturity"),
        ({"window_amount": 1100.0, "previous_amount": 1000.0}, "maturity"),
    ],
)
def test_given_history_when_inferring_stage_then_documented_rule_decides(values, expected):
    assert stage(**values) == expected


def compare(previous: dict, current: dict, had: bool = True) -> dict[str, bool]:
    comparison = Comparison(
        had_previous=np.array([had]),
        previous_segment=np.array([previous["segment"]], dtype=object),
        previous_group=np.array([previous["group"]], dtype=object),
        previous_p_alive=np.array([previous.get("p_alive", 0.9)]),
        previous_class=np.array([previous.get("class", "B")], dtype=object),
        segment=np.array([current["segment"]], dtype=object),
        group=np.array([current["group"]], dtype=object),
        p_alive=np.array([current.get("p_alive", 0.9)]),
        revenue_class=np.array([current.get("class", "B")], dtype=object),
    )
    return {kind: bool(mask[0]) for kind, mask in value_drops(comparison).items()}


@pytest.mark.parametrize(
    ("previous", "current", "dropped"),
    [
        (("champions", "high_value"), ("at_risk", "sleeping"), True),
        (("champions", "high_value"), ("cant_lose", "high_value"), True),
        (("champions", "high_value"), ("loyal", "high_value"), False),
        (("potential_loyalist", "potential"), ("about_to_sleep", "sleeping"), True),
        (("new", "potential"), ("promising", "potential"), False),
        (("at_risk", "sleeping"), ("lost", "sleeping"), False),
        (("no_orders", "no_orders"), ("new", "potential"), False),
        (("lost", "sleeping"), ("champions", "high_value"), False),
    ],
)
def test_given_segment_move_when_comparing_then_only_drops_alert(previous, current, dropped):
    result = compare(
        {"segment": previous[0], "group": previous[1]}, {"segment": current[0], "group": current[1]}
    )
    assert result[SEGMENT_DROP] is dropped


@pytest.mark.parametrize(
    ("before", "after", "alerts"),
    [
        (0.5, 0.2, True),
        (0.3, 0.29, True),
        (0.2, 0.1, False),
        (0.2, 0.5, False),
        (0.5, 0.3, False),
        (np.nan, 0.1, False),
    ],
)
def test_given_p_alive_change_when_comparing_then_only_crossing_the_threshold_alerts(before, after, alerts):
    seg = {"segment": "loyal", "group": "high_value"}
    assert compare({**seg, "p_alive": before}, {**seg, "p_alive": after})[CHURN_RISK] is alerts


@pytest.mark.parametrize(
    ("before", "after", "alerts"), [("A", "B", True), ("A", "C", True), ("B", "C", False), ("A", "A", False)]
)
def test_given_revenue_class_change_when_comparing_then_drop_from_a_alerts(before, after, alerts):
    seg = {"segment": "loyal", "group": "high_value"}
    assert compare({**seg, "class": before}, {**seg, "class": after})[GRADE_DROP] is alerts


def test_given_no_previous_snapshot_when_comparing_then_nothing_alerts():
    result = compare(
        {"segment": "", "group": "", "p_alive": np.nan, "class": ""},
        {"segment": "lost", "group": "sleeping", "p_alive": 0.01, "class": "C"},
        had=False,
    )
    assert result == {SEGMENT_DROP: False, CHURN_RISK: False, GRADE_DROP: False}
