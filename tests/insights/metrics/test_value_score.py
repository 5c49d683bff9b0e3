"""Five-dimension value score and grade suggestion: exact on hand-made examples, reasons as data."""

import numpy as np
import pytest

from guanxi.insights.metrics import value_score
from guanxi.insights.metrics.value_score import DIMENSIONS, GradeRule, Reason

WEIGHTS = {
    "purchasing_power": 4,
    "cooperation_potential": 2,
    "industry_influence": 1,
    "cooperation_history": 2,
    "loyalty": 1,
}


def test_equal_weights_map_all_ones_to_0_all_fives_to_100_and_threes_to_50():
    scores = value_score.value_scores([[1, 1, 1, 1, 1], [5, 5, 5, 5, 5], [3, 3, 3, 3, 3], [5, 1, 5, 1, 3]])

    np.testing.assert_allclose(scores, [0.0, 100.0, 50.0, 50.0], atol=1e-12)


def test_weights_are_normalised():
    # (0.4·4 + 0.2·2 + 0.1·0 + 0.2·1 + 0.1·3) / 4 · 100 = 2.5 / 4 · 100
    scores = value_score.value_scores([[5, 3, 1, 2, 4]], WEIGHTS)
    doubled = value_score.value_scores([[5, 3, 1, 2, 4]], {k: 2 * v for k, v in WEIGHTS.items()})

    assert scores[0] == pytest.approx(62.5, abs=1e-12)
    assert doubled[0] == pytest.approx(62.5, abs=1e-12)


def test_unrated_dimensions_are_left_out_and_the_weights_renormalised():
    scores = value_score.value_scores([[5, np.nan, np.nan, np.nan, 1], [np.nan] * 5], WEIGHTS)

    # purchasing power 4/5 of the used weight at 100 %, loyalty 1/5 at 0 %.
    assert scores[0] == pytest.approx(80.0, abs=1e-12)
    assert np.isnan(scores[1])


def test_one_customers_score_comes_with_the_points_of_each_dimension():
    result = value_score.value_score(
        {"purchasing_power": 5, "cooperation_potential": 3, "industry_influence": None, "loyalty": 4}, WEIGHTS
    )

    # Rated weights 4 + 2 + 1 = 7 (history missing too): 100·(4/7·1 + 2/7·0.5 + 1/7·0.75)
    assert result.score == pytest.approx(100 * (4 + 1 + 0.75) / 7, abs=1e-12)
    by_dimension = {reason.params["dimension"]: reason for reason in result.reasons}
    assert by_dimension["industry_influence"] == Reason(
        "dimension_unrated", {"dimension": "industry_influence"}
    )
    assert by_dimension["purchasing_power"].params["points"] == pytest.approx(400 / 7, abs=1e-12)
    total = sum(r.params["points"] for r in result.reasons if r.code == "dimension")
    assert total == pytest.approx(result.score, abs=1e-12)
    assert [r.params["dimension"] for r in result.reasons] == list(DIMENSIONS)


@pytest.mark.parametrize(
    ("revenue", "score", "grade", "score_class", "change"),
    [
        ("A", 85.0, "A", "A", "same"),
        ("A", 55.0, "A", "B", "same"),
        ("A", 20.0, "B", "C", "down"),
        ("B", 70.0, "A", "A", "up"),  # the threshold itself is A
        ("B", 69.9, "B", "B", "same"),
        ("B", 10.0, "B", "C", "same"),
        ("C", 90.0, "B", "A", "up"),
        ("C", 40.0, "C", "B", "same"),
        ("C", 39.9, "C", "C", "same"),
    ],
)
def test_grade_suggestion_follows_the_default_matrix(revenue, score, grade, score_class, change):
    suggestion = value_score.suggest_grade(revenue, score)

    assert (suggestion.grade, suggestion.score_class) == (grade, score_class)
    assert suggestion.reasons == (
        Reason("revenue_class", {"class": revenue}),
        Reason("value_score", {"score": score, "class": score_class, "score_a": 70.0, "score_b": 40.0}),
        Reason(
            "grade", {"grade": grade, "revenue_class": revenue, "score_class": score_class, "change": change}
        ),
    )


def test_without_a_score_the_revenue_class_is_suggested():
    suggestion = value_score.suggest_grade("B", None)

    assert suggestion.grade == "B"
    assert [reason.code for reason in suggestion.reasons] == ["revenue_class", "no_value_score", "grade"]


def test_bulk_grades_match_one_by_one_and_custom_rules_apply():
    revenue = ["A", "A", "B", "C", "C", "B"]
    scores = [85.0, 20.0, 75.0, 90.0, 10.0, np.nan]
    strict = GradeRule(score_a=80.0, score_b=50.0, matrix={**GradeRule().matrix, ("C", "A"): "A"})

    bulk = value_score.suggest_grades(revenue, scores)
    bulk_strict = value_score.suggest_grades(revenue, scores, rule=strict)

    assert list(bulk) == ["A", "B", "A", "B", "C", "B"]
    assert list(bulk_strict) == ["A", "B", "B", "A", "C", "B"]
    one_by_one = [
        value_score.suggest_grade(r, None if np.isnan(s) else s, rule=strict).grade
        for r, s in zip(revenue, scores, strict=True)
    ]
    assert list(bulk_strict) == one_by_one


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: value_score.value_scores([[0, 1, 1, 1, 1]]), "between 1 and 5"),
        (lambda: value_score.value_scores([[1, 1, 1]]), "table"),
        (lambda: value_score.normalised_weights({"charm": 1.0}), "unknown"),
        (lambda: value_score.normalised_weights({"loyalty": 0.0}), "not all 0"),
        (lambda: value_score.suggest_grade("D", 50.0), "revenue_class"),
        (lambda: GradeRule(score_a=30.0, score_b=60.0), "thresholds"),
        (lambda: GradeRule(matrix={("A", "A"): "A"}), "9"),
    ],
)
def test_invalid_inputs_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
