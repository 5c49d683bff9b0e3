"""Scoring rules and score bands (pure, no database)."""

from decimal import Decimal

import pytest

from guanxi.performance import scoring
from guanxi.performance.scoring import QuestionKey

SINGLE = QuestionKey(question_id=1, kind="single", correct=frozenset({11}), topic="rfm")
MULTI = QuestionKey(question_id=2, kind="multiple", correct=frozenset({21, 22}), topic="trust")


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [([11], True), ([12], False), ([11, 12], False), ([], False)],
)
def test_single_choice_needs_exactly_the_one_correct_answer(chosen, expected):
    assert scoring.is_correct(SINGLE, chosen) is expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [([21, 22], True), ([22, 21], True), ([21], False), ([21, 22, 23], False), ([], False), ([23], False)],
)
def test_multiple_choice_scores_only_the_exact_set(chosen, expected):
    assert scoring.is_correct(MULTI, chosen) is expected


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (Decimal("100"), "good"),
        (Decimal("80"), "good"),
        (Decimal("79.99"), "practise"),
        (Decimal("60"), "practise"),
        (Decimal("59.99"), "retake"),
        (Decimal("0"), "retake"),
    ],
)
def test_band_boundaries(score, band):
    assert scoring.band_for(score) == band


def test_score_quiz_counts_percent_and_lists_topics_to_practise():
    third = QuestionKey(question_id=3, kind="single", correct=frozenset({31}), topic="trust")
    result = scoring.score_quiz([SINGLE, MULTI, third], {1: [11], 2: [21]})
    assert result.correct_count == 1
    assert result.question_count == 3
    assert result.score == Decimal("33.33")
    assert result.band == "retake"
    assert result.wrong_question_ids == [2, 3]
    assert scoring.topics_to_practise([SINGLE, MULTI, third], result) == ["trust"]


def test_percent_of_an_empty_quiz_is_zero():
    assert scoring.percent(0, 0) == Decimal("0.00")
    assert scoring.percent(2, 3) == Decimal("66.67")
