"""Training: the starter bank, quizzes, assignments (task + inbox, idempotent), attempts and visibility."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.engagement.models import Notification, NotificationKind, Task, TaskKind, TaskStatus
from guanxi.performance import selectors, services
from guanxi.performance.models import Assignment, Attempt, Question, QuestionTopic, Quiz

from . import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


def starter() -> Quiz:
    return f.starter_quiz()


def answers_with(quiz: Quiz, correct: int) -> dict[int, list[int]]:
    """Answer the first ``correct`` questions right and the rest wrong."""
    answers = {}
    for index, question in enumerate(selectors.quiz_questions(quiz)):
        choices = list(question.choices.all())
        right = [c.pk for c in choices if c.is_correct]
        wrong = [next(c.pk for c in choices if not c.is_correct)]
        answers[question.pk] = right if index < correct else wrong
    return answers


def test_starter_bank_has_twenty_active_questions_covering_every_topic():
    starter()
    active = Question.objects.filter(is_active=True)
    assert active.count() >= 20
    for topic in QuestionTopic.values:
        assert active.filter(topic=topic).count() >= 3, topic
    for question in active.prefetch_related("choices"):
        correct = [c for c in question.choices.all() if c.is_correct]
        assert question.explanation
        assert len(correct) == 1 if question.kind == "single" else len(correct) >= 1


def test_starter_quiz_exists_with_ten_questions_two_per_topic():
    quiz = starter()
    questions = selectors.quiz_questions(quiz)
    assert len(questions) == 10
    assert sorted(q.topic for q in questions) == sorted(QuestionTopic.values * 2)


@time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0), tick=False)
def test_assignment_creates_one_task_and_one_message_even_when_repeated(org):
    quiz = starter()
    first = services.assignment_create(actor=org.mgr_1, quiz=quiz, rep=org.rep_a, due_on=TODAY)
    second = services.assignment_create(actor=org.mgr_1, quiz=quiz, rep=org.rep_a, due_on=TODAY)
    assert first.pk == second.pk
    tasks = Task.objects.filter(owner=org.rep_a, kind=TaskKind.TRAINING)
    assert tasks.count() == 1
    assert first.task_id == tasks.get().pk
    messages = Notification.objects.filter(user=org.rep_a, kind=NotificationKind.TRAINING)
    assert messages.count() == 1
    assert messages.get().task_id == first.task_id


@time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0), tick=False)
def test_assignment_task_and_message_are_in_the_reps_language(org):
    org.rep_a.language = "en"
    org.rep_a.save(update_fields=["language"])
    org.rep_b.language = "zh-hans"
    org.rep_b.save(update_fields=["language"])
    quiz = starter()
    with translation.override("zh-hans"):  # the manager works in Chinese
        services.assignment_create(actor=org.mgr_1, quiz=quiz, rep=org.rep_a, due_on=TODAY)
    with translation.override("en"):
        services.assignment_create(actor=org.mgr_1, quiz=quiz, rep=org.rep_b, due_on=TODAY)
    english = Notification.objects.get(user=org.rep_a, kind=NotificationKind.TRAINING)
    assert english.title.startswith("Take the quiz") and english.body.startswith("Due on")
    assert Task.objects.get(owner=org.rep_a, kind=TaskKind.TRAINING).title.startswith("Take the quiz")
    chinese = Notification.objects.get(user=org.rep_b, kind=NotificationKind.TRAINING)
    assert chinese.title.startswith("参加测验")


@time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0), tick=False)
@pytest.mark.parametrize(
    ("actor", "rep", "error"),
    [
        ("mgr_1", "rep_c", NotFound),
        ("rep_a", "rep_b", PermissionDenied),
        ("archivist", "rep_a", PermissionDenied),
        ("mgr_2", "rep_a", NotFound),
    ],
)
def test_assignment_outside_the_team_is_refused(org, actor, rep, error):
    with pytest.raises(error):
        services.assignment_create(actor=org.user(actor), quiz=starter(), rep=org.user(rep), due_on=TODAY)
    assert Assignment.objects.count() == 0
    assert Task.objects.filter(kind=TaskKind.TRAINING).count() == 0


@time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0), tick=False)
def test_assignment_refuses_a_past_due_date(org):
    with pytest.raises(ValidationFailed):
        services.assignment_create(
            actor=org.director, quiz=starter(), rep=org.rep_c, due_on=TODAY - datetime.timedelta(days=1)
        )
    assert Assignment.objects.count() == 0


@time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0), tick=False)
@pytest.mark.parametrize(
    ("correct", "score", "band"),
    [
        (10, "100.00", "good"),
        (8, "80.00", "good"),
        (7, "70.00", "practise"),
        (6, "60.00", "practise"),
        (5, "50.00", "retake"),
    ],
)
def test_submitting_scores_bands_and_closes_the_training_task(org, correct, score, band):
    quiz = starter()
    assignment = services.assignment_create(actor=org.mgr_1, quiz=quiz, rep=org.rep_a, due_on=TODAY)
    attempt = services.attempt_start(user=org.rep_a, quiz=quiz)
    assert attempt.assignment_id == assignment.pk
    done = services.attempt_submit(user=org.rep_a, attempt=attempt, answers=answers_with(quiz, correct))
    assert done.score == Decimal(score)
    assert done.band == band
    assert done.correct_count == correct
    assert Task.objects.get(pk=assignment.task_id).status == TaskStatus.DONE
    practise = services.practise_next(done, selectors.attempt_answers(done))
    wrong_topics = {q.topic for q in selectors.quiz_questions(quiz)[correct:]}
    assert {p["topic"] for p in practise} == wrong_topics
    assert all(item["explanation"] for p in practise for item in p["questions"])


@time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0), tick=False)
def test_an_attempt_is_submitted_once_and_only_by_its_user(org):
    quiz = starter()
    attempt = services.attempt_start(user=org.rep_a, quiz=quiz)
    with pytest.raises(NotFound):
        services.attempt_submit(user=org.rep_b, attempt=attempt, answers=answers_with(quiz, 10))
    services.attempt_submit(user=org.rep_a, attempt=attempt, answers=answers_with(quiz, 3))
    with pytest.raises(ValidationFailed):
        services.attempt_submit(user=org.rep_a, attempt=attempt, answers=answers_with(quiz, 10))
    attempt.refresh_from_db()
    assert attempt.score == Decimal("30.00")


def test_an_answer_from_another_question_is_refused(org):
    quiz = starter()
    attempt = services.attempt_start(user=org.rep_a, quiz=quiz)
    outsider = Question.objects.exclude(quiz_items__quiz=quiz).first().choices.first()
    first = selectors.quiz_questions(quiz)[0]
    with pytest.raises(ValidationFailed):
        services.attempt_submit(user=org.rep_a, attempt=attempt, answers={first.pk: [outsider.pk]})
    assert Attempt.objects.get(pk=attempt.pk).finished_at is None


@pytest.mark.parametrize(
    ("viewer", "visible"),
    [
        ("rep_a", True),
        ("rep_b", False),
        ("rep_c", False),
        ("mgr_1", True),
        ("mgr_2", False),
        ("director", True),
        ("archivist", False),
    ],
)
def test_attempt_visibility_per_role(org, viewer, visible):
    attempt = services.attempt_start(user=org.rep_a, quiz=starter())
    if visible:
        assert selectors.attempt_get(user=org.user(viewer), pk=attempt.pk).pk == attempt.pk
    else:
        with pytest.raises(NotFound):
            selectors.attempt_get(user=org.user(viewer), pk=attempt.pk)


def test_quiz_building_is_for_training_managers(org):
    starter()
    ids = list(Question.objects.values_list("pk", flat=True)[:3])
    with pytest.raises(PermissionDenied):
        services.quiz_create(actor=org.rep_a, data={"title": "x"}, question_ids=ids)
    quiz = services.quiz_create(
        actor=org.mgr_1, data={"title": "拜访专项", "pass_mark": 70}, question_ids=ids
    )
    assert [q.pk for q in selectors.quiz_questions(quiz)] == ids
    with pytest.raises(ValidationFailed):
        services.quiz_create(actor=org.mgr_1, data={"title": "空"}, question_ids=[])


@pytest.mark.parametrize(
    ("kind", "choices"),
    [
        ("single", [("甲", True), ("乙", True)]),
        ("single", [("甲", False), ("乙", False)]),
        ("multiple", [("甲", False), ("乙", False)]),
        ("single", [("甲", True)]),
    ],
)
def test_question_needs_valid_choices(org, kind, choices):
    before = Question.objects.count()
    with pytest.raises(ValidationFailed):
        services.question_create(
            actor=org.mgr_1,
            data={"text": "问题", "kind": kind, "topic": "rfm", "explanation": "解析"},
            choices=[{"text": t, "is_correct": c} for t, c in choices],
        )
    assert Question.objects.count() == before
