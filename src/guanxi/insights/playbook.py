"""Evaluate the next-best-action playbook (SPEC §3; seeds 000, 004). Pure Python, no ORM.

A rule holds conditions and an action. List conditions (value groups, segments, lifecycle stages,
grades, relationship levels) hold when the list is empty ("any") or contains the customer's value.
``has_open_complaints`` holds when it is None or equals the customer's fact. The contact range holds
when the days since the last contact lie within [min, max] (either bound may be absent); a customer
never contacted counts as contacted infinitely long ago — they satisfy any lower bound and no upper one.

Rules are tried by ascending ``priority``, then id; inactive rules are skipped; the first rule whose
every condition holds is the recommendation, returned with the reasons (each condition it checked and
the customer's value), so the UI can say why.

Open complaints: there is no complaint model yet (SPEC §4.6), so the fact is always False for now and
rules requiring an open complaint never match until complaints arrive.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class CustomerFacts:
    segment: str
    value_group: str
    lifecycle_stage: str
    grade: str
    relationship_level: str
    has_open_complaints: bool
    days_since_last_contact: int | None


class Rule(Protocol):
    pk: Any
    priority: int
    is_active: bool
    value_groups: Sequence[str]
    segments: Sequence[str]
    lifecycle_stages: Sequence[str]
    grades: Sequence[str]
    relationship_levels: Sequence[str]
    has_open_complaints: bool | None
    min_days_since_contact: int | None
    max_days_since_contact: int | None


LIST_CONDITIONS = (
    ("value_groups", "value_group"),
    ("segments", "segment"),
    ("lifecycle_stages", "lifecycle_stage"),
    ("grades", "grade"),
    ("relationship_levels", "relationship_level"),
)


def _check(rule: Rule, facts: CustomerFacts) -> list[dict[str, Any]] | None:
    """Return the conditions the rule checked (all held), or None as soon as one fails."""
    reasons: list[dict[str, Any]] = []
    for condition, fact in LIST_CONDITIONS:
        allowed = list(getattr(rule, condition) or [])
        if not allowed:
            continue
        value = getattr(facts, fact)
        if value not in allowed:
            return None
        reasons.append({"condition": condition, "value": value, "allowed": allowed})
    if rule.has_open_complaints is not None:
        if rule.has_open_complaints != facts.has_open_complaints:
            return None
        reasons.append({"condition": "has_open_complaints", "value": facts.has_open_complaints})
    low, high = rule.min_days_since_contact, rule.max_days_since_contact
    if low is not None or high is not None:
        days = facts.days_since_last_contact
        if days is None:
            if high is not None:
                return None
        elif (low is not None and days < low) or (high is not None and days > high):
            return None
        reasons.append({"condition": "days_since_contact", "value": days, "min": low, "max": high})
    return reasons


def recommend(facts: CustomerFacts, rules: Iterable[Rule]) -> tuple[Rule | None, dict[str, Any]]:
    """Return the first matching active rule and why it matched, or (None, {"code": "no_rule"})."""
    ordered = sorted(
        (rule for rule in rules if rule.is_active), key=lambda rule: (rule.priority, rule.pk or 0)
    )
    for rule in ordered:
        reasons = _check(rule, facts)
        if reasons is not None:
            return rule, {"code": "matched", "rule": rule.pk, "conditions": reasons}
    return None, {"code": "no_rule"}
