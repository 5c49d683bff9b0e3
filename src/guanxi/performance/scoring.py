"""Scoring a quiz attempt and the score bands (seed 004): pure functions, no database.

Rules:

* A single-choice question is answered correctly when exactly one choice is picked and it is the correct one.
* A multiple-choice question is answered correctly only when the set of picked choices equals the set of
  correct choices — no partial credit: one missing or one extra pick makes the whole answer wrong.
* An unanswered question counts as wrong.
* The score is the share of correctly answered questions, in percent, rounded half up to two decimals.
* Bands: 80 and above "good"; from 60 up to (not including) 80 "passed, keep practising"; below 60 "retake".
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SINGLE = "single"
MULTIPLE = "multiple"
GOOD = "good"
PRACTISE = "practise"
RETAKE = "retake"

GOOD_FROM = Decimal(80)
PASS_FROM = Decimal(60)


@dataclass(frozen=True)
class QuestionKey:
    """What scoring needs to know of a question: its id, kind and the ids of its correct choices."""

    question_id: int
    kind: str
    correct: frozenset[int]
    topic: str = ""


@dataclass(frozen=True)
class ScoredAnswer:
    question_id: int
    chosen: tuple[int, ...]
    is_correct: bool


@dataclass(frozen=True)
class QuizResult:
    answers: tuple[ScoredAnswer, ...]
    correct_count: int
    question_count: int
    score: Decimal
    band: str

    @property
    def wrong_question_ids(self) -> list[int]:
        return [a.question_id for a in self.answers if not a.is_correct]


def is_correct(key: QuestionKey, chosen: Collection[int]) -> bool:
    """Tell whether ``chosen`` answers the question (see the module's rules)."""
    picked = frozenset(chosen)
    if key.kind == SINGLE:
        return len(chosen) == 1 and picked == key.correct
    return bool(picked) and picked == key.correct


def percent(correct: int, total: int) -> Decimal:
    """Return ``correct`` of ``total`` in percent with two decimals (0 for an empty quiz)."""
    if total <= 0:
        return Decimal("0.00")
    return (Decimal(correct) * 100 / Decimal(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def band_for(score: Decimal | float | int) -> str:
    """Return the band of a score in percent: ``good`` (≥ 80), ``practise`` (60 to < 80), ``retake`` (< 60)."""
    value = Decimal(str(score))
    if value >= GOOD_FROM:
        return GOOD
    if value >= PASS_FROM:
        return PRACTISE
    return RETAKE


def score_quiz(keys: Sequence[QuestionKey], answers: Mapping[int, Iterable[int]]) -> QuizResult:
    """Score ``answers`` (question id → picked choice ids) against the questions of a quiz, in order."""
    scored = []
    for key in keys:
        chosen = tuple(sorted({int(c) for c in answers.get(key.question_id, ())}))
        scored.append(ScoredAnswer(key.question_id, chosen, is_correct(key, chosen)))
    correct = sum(1 for a in scored if a.is_correct)
    score = percent(correct, len(keys))
    return QuizResult(tuple(scored), correct, len(keys), score, band_for(score))


def topics_to_practise(keys: Sequence[QuestionKey], result: QuizResult) -> list[str]:
    """Return the topics of the wrongly answered questions, most-missed first, then in quiz order."""
    wrong = set(result.wrong_question_ids)
    counts: dict[str, int] = {}
    for key in keys:
        if key.question_id in wrong:
            counts[key.topic] = counts.get(key.topic, 0) + 1
    order = list(counts)
    return sorted(order, key=lambda t: (-counts[t], order.index(t)))
