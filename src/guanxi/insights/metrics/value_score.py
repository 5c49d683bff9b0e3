"""The five-dimension customer value score and the A/B/C grade suggestion.

A rep rates each customer 1–5 on purchasing power (购买能力), cooperation potential (合作潜力), industry
influence (行业影响力), cooperation history (合作历史) and loyalty (忠诚度). With weights w (normalised to
sum 1 over the rated dimensions):

    score = 100 · Σ w_d · (rating_d - 1) / 4          (all 1s → 0, all 5s → 100)

An unrated dimension (None or NaN) is left out and the other weights are renormalised; with nothing
rated there is no score.

The grade suggestion combines what the customer brings today (revenue ABC class, the contribution) with
the score (potential and relationship): the score gives a class (A from 70, B from 40, else C) and a 3×3
matrix, editable, maps (revenue class, score class) to the grade. The default keeps the revenue class
unless the score disagrees by two classes — then it moves one class towards the score — and lets an A
score lift a B-revenue customer to A:

                 score A   score B   score C
    revenue A      A         A         B
    revenue B      A         B         B
    revenue C      B         C         C

Without a score the revenue class is suggested. Every suggestion carries its reasons as data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._common import FloatArray

DIMENSIONS = (
    "purchasing_power",
    "cooperation_potential",
    "industry_influence",
    "cooperation_history",
    "loyalty",
)
DIMENSION_LABELS = {
    "purchasing_power": "购买能力",
    "cooperation_potential": "合作潜力",
    "industry_influence": "行业影响力",
    "cooperation_history": "合作历史",
    "loyalty": "忠诚度",
}
GRADES = ("A", "B", "C")
DEFAULT_GRADE_MATRIX: Mapping[tuple[str, str], str] = {
    ("A", "A"): "A",
    ("A", "B"): "A",
    ("A", "C"): "B",
    ("B", "A"): "A",
    ("B", "B"): "B",
    ("B", "C"): "B",
    ("C", "A"): "B",
    ("C", "B"): "C",
    ("C", "C"): "C",
}


def normalised_weights(weights: Mapping[str, float] | None = None) -> FloatArray:
    """Return the weights in ``DIMENSIONS`` order, summing to 1; equal weights when None.

    A dimension missing from ``weights`` weighs 0. Raise ``ValueError`` on unknown dimensions, negative
    or non-finite weights, or weights that add up to 0.
    """
    if weights is None:
        return np.full(len(DIMENSIONS), 1.0 / len(DIMENSIONS))
    unknown = set(weights) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimensions: {sorted(unknown)}")
    array = np.array([float(weights.get(name, 0.0)) for name in DIMENSIONS])
    if not np.all(np.isfinite(array)) or np.any(array < 0) or array.sum() <= 0:
        raise ValueError("weights must be finite, >= 0 and not all 0")
    return np.asarray(array / array.sum(), dtype=np.float64)


def value_scores(ratings: ArrayLike, weights: Mapping[str, float] | None = None) -> FloatArray:
    """Return the 0–100 score of each row of ``ratings`` (customers × the five ``DIMENSIONS``).

    NaN marks an unrated dimension; a row with no rated, weighted dimension scores NaN. Raise
    ``ValueError`` on a rating outside 1–5 or the wrong number of columns.
    """
    table = np.asarray(ratings, dtype=np.float64)
    if table.ndim != 2 or table.shape[1] != len(DIMENSIONS):
        raise ValueError(f"ratings must be a customers × {len(DIMENSIONS)} table")
    rated = ~np.isnan(table)
    if np.any((table[rated] < 1) | (table[rated] > 5)):
        raise ValueError("ratings must lie between 1 and 5")
    w = normalised_weights(weights)
    used_weight = rated @ w
    points = np.where(rated, (table - 1.0) / 4.0, 0.0) @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(used_weight > 0, 100.0 * points / used_weight, np.nan)
    return np.asarray(score, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Reason:
    """One line of "why", as data: a stable code and the numbers the UI fills into its sentence."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ValueScore:
    """A customer's score with one reason per dimension (rating, weight and the points it adds)."""

    score: float | None
    reasons: tuple[Reason, ...]


def value_score(
    ratings: Mapping[str, float | None], weights: Mapping[str, float] | None = None
) -> ValueScore:
    """Return one customer's score and, per dimension, the points it contributes (summing to the score)."""
    unknown = set(ratings) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimensions: {sorted(unknown)}")
    row = np.array([[np.nan if ratings.get(name) is None else ratings[name] for name in DIMENSIONS]])
    score = float(value_scores(row, weights)[0])
    w = normalised_weights(weights)
    rated = ~np.isnan(row[0])
    used_weight = float(rated @ w)
    reasons = []
    for i, name in enumerate(DIMENSIONS):
        if not rated[i]:
            reasons.append(Reason("dimension_unrated", {"dimension": name}))
            continue
        weight = float(w[i]) / used_weight if used_weight > 0 else 0.0
        points = 100.0 * weight * (float(row[0, i]) - 1.0) / 4.0
        reasons.append(
            Reason(
                "dimension",
                {"dimension": name, "rating": float(row[0, i]), "weight": weight, "points": points},
            )
        )
    return ValueScore(score=None if np.isnan(score) else score, reasons=tuple(reasons))


@dataclass(frozen=True)
class GradeRule:
    """Score thresholds of the A and B score classes and the (revenue class, score class) → grade matrix."""

    score_a: float = 70.0
    score_b: float = 40.0
    matrix: Mapping[tuple[str, str], str] = field(default_factory=lambda: dict(DEFAULT_GRADE_MATRIX))

    def __post_init__(self) -> None:
        if not 0.0 <= self.score_b <= self.score_a <= 100.0:
            raise ValueError("thresholds need 0 <= score_b <= score_a <= 100")
        cells = {(revenue, score) for revenue in GRADES for score in GRADES}
        if set(self.matrix) != cells or any(grade not in GRADES for grade in self.matrix.values()):
            raise ValueError(
                "the grade matrix must map each of the 9 (revenue, score) class pairs to A, B or C"
            )

    def score_class(self, score: float) -> str:
        """Return "A" from ``score_a`` up, "B" from ``score_b`` up, else "C"."""
        if score >= self.score_a:
            return "A"
        return "B" if score >= self.score_b else "C"


@dataclass(frozen=True, slots=True)
class GradeSuggestion:
    grade: str
    revenue_class: str
    score_class: str | None
    score: float | None
    reasons: tuple[Reason, ...]


def suggest_grade(
    revenue_class: str, score: float | None, *, rule: GradeRule | None = None
) -> GradeSuggestion:
    """Suggest A/B/C from the revenue ABC class and the value score, with the reasons.

    Reasons, in order: ``revenue_class`` {class}; ``value_score`` {score, class, score_a, score_b} or
    ``no_value_score`` {}; ``grade`` {grade, revenue_class, score_class, change} where change is "up",
    "down" or "same" relative to the revenue class. Raise ``ValueError`` on an unknown revenue class.
    """
    grading = rule or GradeRule()
    if revenue_class not in GRADES:
        raise ValueError(f"revenue_class must be one of {GRADES}, got {revenue_class!r}")
    reasons = [Reason("revenue_class", {"class": revenue_class})]
    if score is None or np.isnan(score):
        reasons.append(Reason("no_value_score"))
        reasons.append(
            Reason(
                "grade",
                {
                    "grade": revenue_class,
                    "revenue_class": revenue_class,
                    "score_class": None,
                    "change": "same",
                },
            )
        )
        return GradeSuggestion(revenue_class, revenue_class, None, None, tuple(reasons))
    klass = grading.score_class(score)
    grade = grading.matrix[(revenue_class, klass)]
    change = "same" if grade == revenue_class else ("up" if grade < revenue_class else "down")
    reasons.append(
        Reason(
            "value_score",
            {"score": score, "class": klass, "score_a": grading.score_a, "score_b": grading.score_b},
        )
    )
    reasons.append(
        Reason(
            "grade", {"grade": grade, "revenue_class": revenue_class, "score_class": klass, "change": change}
        )
    )
    return GradeSuggestion(grade, revenue_class, klass, float(score), tuple(reasons))


def suggest_grades(
    revenue_classes: ArrayLike, scores: ArrayLike, *, rule: GradeRule | None = None
) -> NDArray[np.str_]:
    """Return ``suggest_grade(...).grade`` for many customers at once (NaN score = no score)."""
    grading = rule or GradeRule()
    classes = np.asarray(revenue_classes).astype(str)
    values = np.asarray(scores, dtype=np.float64)
    if classes.shape != values.shape or classes.ndim != 1:
        raise ValueError("revenue_classes and scores must be one-dimensional and of one length")
    if not np.all(np.isin(classes, GRADES)):
        raise ValueError(f"revenue classes must be among {GRADES}")
    score_classes = np.where(values >= grading.score_a, "A", np.where(values >= grading.score_b, "B", "C"))
    grades = classes.copy()
    for (revenue, klass), grade in grading.matrix.items():
        grades[(classes == revenue) & (score_classes == klass) & ~np.isnan(values)] = grade
    return grades
