"""The next-best-action evaluator (pure) and the default playbook of the data migration."""

from dataclasses import dataclass, field

import pytest

from guanxi.insights.models import PlaybookRule
from guanxi.insights.playbook import CustomerFacts, recommend


@dataclass
class Rule:
    pk: int
    priority: int = 100
    is_active: bool = True
    value_groups: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    lifecycle_stages: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    relationship_levels: list[str] = field(default_factory=list)
    has_open_complaints: bool | None = None
    min_days_since_contact: int | None = None
    max_days_since_contact: int | None = None


def facts(**changes) -> CustomerFacts:
    base = {
        "segment": "champions",
        "value_group": "high_value",
        "lifecycle_stage": "maturity",
        "grade": "A",
        "relationship_level": "preferred",
        "has_open_complaints": False,
        "days_since_last_contact": 10,
    }
    return CustomerFacts(**{**base, **changes})


def test_given_several_matching_rules_when_recommending_then_lowest_priority_number_wins():
    rules = [Rule(pk=1, priority=50, value_groups=["high_value"]), Rule(pk=2, priority=10, grades=["A"])]
    rule, reason = recommend(facts(), rules)
    assert rule.pk == 2
    assert reason == {
        "code": "matched",
        "rule": 2,
        "conditions": [{"condition": "grades", "value": "A", "allowed": ["A"]}],
    }


def test_given_equal_priorities_when_recommending_then_smaller_id_wins():
    rule, _reason = recommend(facts(), [Rule(pk=7), Rule(pk=3)])
    assert rule.pk == 3


def test_given_empty_lists_when_recommending_then_they_mean_any():
    rule, reason = recommend(facts(segment="lost", value_group="sleeping"), [Rule(pk=1)])
    assert (rule.pk, reason["conditions"]) == (1, [])


@pytest.mark.parametrize(
    ("rule", "matches"),
    [
        (Rule(pk=1, value_groups=["potential"]), False),
        (Rule(pk=1, segments=["champions", "loyal"]), True),
        (Rule(pk=1, lifecycle_stages=["decline"]), False),
        (Rule(pk=1, relationship_levels=["partner", "strategic"]), False),
        (Rule(pk=1, value_groups=["high_value"], grades=["B"]), False),
        (Rule(pk=1, is_active=False), False),
    ],
)
def test_given_one_condition_when_recommending_then_every_condition_must_hold(rule, matches):
    chosen, _reason = recommend(facts(), [rule])
    assert (chosen is rule) is matches


@pytest.mark.parametrize(
    ("days", "low", "high", "matches"),
    [
        (30, 30, None, True),
        (29, 30, None, False),
        (90, None, 90, True),
        (91, None, 90, False),
        (None, 30, None, True),  # never contacted: as if contacted infinitely long ago
        (None, None, 90, False),
        (45, 30, 60, True),
    ],
)
def test_given_contact_range_when_recommending_then_bounds_inclusive(days, low, high, matches):
    rule = Rule(pk=1, min_days_since_contact=low, max_days_since_contact=high)
    chosen, reason = recommend(facts(days_since_last_contact=days), [rule])
    assert (chosen is rule) is matches
    if matches:
        assert reason["conditions"] == [
            {"condition": "days_since_contact", "value": days, "min": low, "max": high}
        ]


def test_given_rule_requiring_open_complaint_when_there_are_none_then_it_never_matches():
    complaint = Rule(pk=1, priority=1, has_open_complaints=True)
    fallback = Rule(pk=2, priority=2)
    assert recommend(facts(), [complaint, fallback])[0] is fallback
    assert recommend(facts(has_open_complaints=True), [complaint, fallback])[0] is complaint


def test_given_no_matching_rule_when_recommending_then_none_with_reason():
    assert recommend(facts(), [Rule(pk=1, grades=["C"])]) == (None, {"code": "no_rule"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({}, "高价值客户日常维护"),
        ({"days_since_last_contact": 45}, "高价值客户久未联系"),
        ({"relationship_level": "strategic"}, "战略伙伴的高层沟通"),
        ({"lifecycle_stage": "decline"}, "高价值客户出现下滑"),
        ({"segment": "cant_lose"}, "不能失去的客户"),
        ({"segment": "new", "value_group": "potential", "lifecycle_stage": "acquisition"}, "潜力客户培育"),
        ({"segment": "need_attention", "value_group": "potential"}, "潜力客户日常跟进"),
        ({"segment": "lost", "value_group": "sleeping", "lifecycle_stage": "exit"}, "流失客户：了解原因"),
        (
            {"segment": "hibernating", "value_group": "sleeping", "lifecycle_stage": "decline"},
            "沉睡客户低打扰唤醒",
        ),
        (
            {"segment": "no_orders", "value_group": "no_orders", "lifecycle_stage": "acquisition"},
            "尚未成交的客户",
        ),
    ],
)
def test_given_default_playbook_when_recommending_then_the_seed_strategy_for_each_group(changes, name):
    rule, _reason = recommend(facts(**changes), list(PlaybookRule.objects.all()))
    assert rule.name == name
    assert rule.action and rule.channel and rule.cadence
