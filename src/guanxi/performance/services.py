"""Writes of training records: the question bank, quizzes, assignments and attempts."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.engagement.models import NotificationKind, Task, TaskKind, TaskStatus
from guanxi.engagement.notifications import link_to, notify
from guanxi.engagement.services import task_complete
from guanxi.governance.audit import audit_record, model_snapshot
from guanxi.governance.records import record_create, record_update
from guanxi.people.models import Role, User

from . import scoring
from .models import Assignment, Attempt, AttemptAnswer, Choice, Question, QuestionKind, Quiz, QuizQuestion
from .selectors import assignable_reps, manages_training, quiz_questions


def _require_training_manager(actor: User) -> None:
    if not manages_training(actor):
        raise PermissionDenied(_("Only managers, the director and the system administrator manage training."))


def _check_choices(kind: str, choices: Sequence[Mapping[str, Any]]) -> None:
    texts = [str(c.get("text", "")).strip() for c in choices]
    correct = sum(1 for c in choices if c.get("is_correct"))
    problem = ""
    if len(choices) < 2 or any(not t for t in texts):
        problem = _("A question needs at least two answers, none of them empty.")
    elif kind == QuestionKind.SINGLE and correct != 1:
        problem = _("A single-choice question has exactly one correct answer.")
    elif kind == QuestionKind.MULTIPLE and correct < 1:
        problem = _("A multiple-choice question has at least one correct answer.")
    if problem:
        raise ValidationFailed(problem, details={"choices": [problem]})


@transaction.atomic
def question_create(
    *, actor: User, data: Mapping[str, Any], choices: Sequence[Mapping[str, Any]]
) -> Question:
    """Add a question to the bank with its answers (``text``, ``is_correct``).

    Single choice needs exactly one correct answer, multiple choice at least one. Raises PermissionDenied
    for anybody but a manager, the director or the system administrator; ValidationFailed on bad input.
    """
    _require_training_manager(actor)
    question = record_create(instance=Question(**dict(data)), actor=actor)
    _check_choices(question.kind, choices)
    Choice.objects.bulk_create(
        Choice(
            question=question,
            position=i,
            text=str(c["text"]).strip()[:300],
            is_correct=bool(c.get("is_correct")),
        )
        for i, c in enumerate(choices, start=1)
    )
    return question


@transaction.atomic
def question_set_active(
    *, actor: User, question: Question, is_active: bool, expected_version: int | None
) -> Question:
    """Take a question out of the bank (or back in); quizzes and attempts that used it keep it."""
    _require_training_manager(actor)
    return record_update(
        instance=question, actor=actor, data={"is_active": is_active}, expected_version=expected_version
    )


@transaction.atomic
def quiz_create(*, actor: User, data: Mapping[str, Any], question_ids: Sequence[int]) -> Quiz:
    """Build a quiz from active questions of the bank, in the order given.

    Raises PermissionDenied for anybody but a training manager, ValidationFailed when no question or an
    unknown or inactive question is given.
    """
    _require_training_manager(actor)
    ids = list(dict.fromkeys(int(q) for q in question_ids))
    found = set(Question.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    if not ids or len(found) != len(ids):
        message = _("Pick at least one active question from the bank.")
        raise ValidationFailed(message, details={"question_ids": [message]})
    quiz = record_create(instance=Quiz(**dict(data)), actor=actor)
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, question_id=qid, position=i) for i, qid in enumerate(ids, start=1)
    )
    return quiz


def _assignment_key(quiz: Quiz, rep: User) -> str:
    return f"training:{quiz.pk}:{rep.pk}"


@transaction.atomic
def assignment_create(*, actor: User, quiz: Quiz, rep: User, due_on: datetime.date) -> Assignment:
    """Give ``quiz`` to ``rep`` with a training task and an inbox message; giving it again changes nothing.

    A manager assigns to the reps of the team subtree they lead, the director to any rep. Raises
    PermissionDenied for other roles, NotFound for a rep outside the actor's team, ValidationFailed for a
    due date in the past.
    """
    if actor.role not in (Role.MANAGER, Role.DIRECTOR):
        raise PermissionDenied(_("Only managers and the director assign quizzes."))
    if not assignable_reps(actor).filter(pk=rep.pk).exists():
        raise NotFound(_("Rep not found."))
    existing = Assignment.objects.filter(quiz=quiz, rep=rep).first()
    if existing is not None:
        return existing
    if due_on < timezone.localdate():
        message = _("The due date cannot be in the past.")
        raise ValidationFailed(message, details={"due_on": [message]})
    key = _assignment_key(quiz, rep)
    with translation.override(rep.language):  # the task and the message are the rep's to read
        title = _("Take the quiz “%(quiz)s”") % {"quiz": quiz.title}
        body = _("Due on %(day)s. %(who)s assigned it to you.") % {
            "day": due_on.isoformat(),
            "who": str(actor),
        }
    task = Task.all_objects.filter(dedupe_key=key).first() or record_create(
        instance=Task(title=title[:200], due_on=due_on, owner=rep, kind=TaskKind.TRAINING, dedupe_key=key),
        actor=actor,
    )
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                quiz=quiz, rep=rep, due_on=due_on, assigned_by=actor, task=task
            )
    except IntegrityError:
        # A concurrent request assigned the same quiz first: theirs stands.
        return Assignment.objects.get(quiz=quiz, rep=rep)
    audit_record(
        actor=actor,
        action="create",
        obj=assignment,
        before={},
        after=model_snapshot(assignment, ["quiz", "rep", "due_on", "assigned_by"]),
    )
    notify(
        user=rep,
        kind=NotificationKind.TRAINING,
        title=title,
        body=body,
        link_url=link_to("web:training_quiz", quiz.pk),
        task=task,
        dedupe_key=key,
    )
    return assignment


@transaction.atomic
def attempt_start(*, user: User, quiz: Quiz) -> Attempt:
    """Open an attempt at ``quiz`` for ``user``; an unfinished one already open is returned instead."""
    if not user.is_active or quiz.deleted_at is not None:
        raise NotFound(_("Quiz not found."))
    open_attempt = Attempt.objects.filter(user=user, quiz=quiz, finished_at__isnull=True).first()
    if open_attempt is not None:
        return open_attempt
    assignment = Assignment.objects.filter(quiz=quiz, rep=user).first()
    return Attempt.objects.create(
        user=user,
        quiz=quiz,
        assignment=assignment,
        question_count=quiz.items.count(),
    )


def _keys(questions: Iterable[Question]) -> list[scoring.QuestionKey]:
    return [
        scoring.QuestionKey(
            question_id=q.pk,
            kind=q.kind,
            correct=frozenset(c.pk for c in q.choices.all() if c.is_correct),
            topic=q.topic,
        )
        for q in questions
    ]


def _check_answers(
    questions: Sequence[Question], answers: Mapping[int, Iterable[int]]
) -> dict[int, list[int]]:
    allowed = {q.pk: {c.pk for c in q.choices.all()} for q in questions}
    cleaned: dict[int, list[int]] = {}
    for question_id, picked in answers.items():
        qid = int(question_id)
        ids = [int(c) for c in picked]
        if qid not in allowed or not set(ids) <= allowed[qid]:
            message = _("An answer does not belong to this quiz.")
            raise ValidationFailed(message, details={"answers": [message]})
        cleaned[qid] = ids
    return cleaned


@transaction.atomic
def attempt_submit(*, user: User, attempt: Attempt, answers: Mapping[int, Iterable[int]]) -> Attempt:
    """Score the answers (question id → picked choice ids), close the attempt and the training task.

    Only the attempt's own user submits it, once. Raises NotFound for anybody else, ValidationFailed for a
    finished attempt or an answer that does not belong to the quiz.
    """
    locked = Attempt.objects.select_for_update().filter(pk=attempt.pk, user=user).first()
    if locked is None:
        raise NotFound(_("Attempt not found."))
    if locked.finished_at is not None:
        raise ValidationFailed(_("This attempt has already been submitted."), code="attempt_finished")
    questions = quiz_questions(locked.quiz)
    result = scoring.score_quiz(_keys(questions), _check_answers(questions, answers))
    now = timezone.now()
    # The conditional update makes a double submit (two tabs, a retried request) score once.
    closed = Attempt.objects.filter(pk=locked.pk, finished_at__isnull=True).update(
        finished_at=now,
        score=result.score,
        band=result.band,
        correct_count=result.correct_count,
        question_count=result.question_count,
    )
    if closed != 1:
        raise ValidationFailed(_("This attempt has already been submitted."), code="attempt_finished")
    AttemptAnswer.objects.bulk_create(
        AttemptAnswer(
            attempt=locked,
            question_id=a.question_id,
            position=i,
            chosen=list(a.chosen),
            is_correct=a.is_correct,
        )
        for i, a in enumerate(result.answers, start=1)
    )
    locked.refresh_from_db()
    _close_training_task(user, locked)
    return locked


def attempt_take(*, user: User, quiz: Quiz, answers: Mapping[int, Iterable[int]]) -> Attempt:
    """Start and submit an attempt in one step (the API's way to take a quiz)."""
    with transaction.atomic():
        attempt = attempt_start(user=user, quiz=quiz)
        return attempt_submit(user=user, attempt=attempt, answers=answers)


def _close_training_task(user: User, attempt: Attempt) -> None:
    assignment = attempt.assignment
    if assignment is None or assignment.task_id is None:
        return
    task = Task.objects.filter(
        pk=assignment.task_id, status__in=(TaskStatus.OPEN, TaskStatus.SNOOZED)
    ).first()
    if task is None:
        return
    summary = _("Score %(score)s%%") % {"score": attempt.score}
    task_complete(actor=user, task=task, result=summary)


def practise_next(attempt: Attempt, answers: Sequence[AttemptAnswer]) -> list[dict[str, Any]]:
    """Return, per topic of the wrongly answered questions (most missed first), the questions and their
    explanations: what the rep should practise next."""
    by_topic: dict[str, list[AttemptAnswer]] = {}
    for answer in answers:
        if not answer.is_correct:
            by_topic.setdefault(answer.question.topic, []).append(answer)
    ordered = sorted(by_topic.items(), key=lambda item: -len(item[1]))
    return [
        {
            "topic": topic,
            "topic_label": wrong[0].question.get_topic_display(),
            "questions": [
                {
                    "question": a.question.text,
                    "explanation": a.question.explanation,
                    "question_id": a.question_id,
                }
                for a in wrong
            ],
        }
        for topic, wrong in ordered
    ]


__all__ = [
    "assignment_create",
    "attempt_start",
    "attempt_submit",
    "attempt_take",
    "practise_next",
    "question_create",
    "question_set_active",
    "quiz_create",
]
