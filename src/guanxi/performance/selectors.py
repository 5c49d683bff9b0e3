"""Reads of training records, narrowed to what the user may see.

People scope (the same circle as the customer scope, applied to people instead of customers): a rep sees
their own assignments and attempts; a manager those of the people in the team subtree they lead (and their
own); the director every one; anybody else (archive administrator, system administrator) only their own.
The question bank and the quizzes are the company's training material: every member may read the active
ones; only managers, the director and the system administrator manage them.
"""

from typing import Any

from django.db.models import Avg, Count, Max, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound
from guanxi.governance.scope import managed_people_q, managed_team_paths
from guanxi.people.models import Role, User

from .models import Assignment, Attempt, AttemptAnswer, Choice, Question, Quiz, QuizQuestion

TRAINING_MANAGERS = (Role.MANAGER, Role.DIRECTOR, Role.ADMIN)


def manages_training(user: Any) -> bool:
    """Tell whether ``user`` may build quizzes and edit the question bank."""
    return bool(user and user.is_authenticated and user.is_active and user.role in TRAINING_MANAGERS)


def people_q(user: Any, via: str) -> Q:
    """Return the condition selecting rows whose person (the path ``via`` to a user) ``user`` may see."""
    nothing = Q(pk__in=[])
    if user is None or not user.is_authenticated or not user.is_active:
        return nothing
    if user.role == Role.DIRECTOR:
        return Q()
    return managed_people_q(user, via)


def people_in_scope(user: Any) -> QuerySet[User]:
    """Return the active reps (and, for a manager, themselves) whose training and KPIs ``user`` may see."""
    users = User.objects.filter(is_active=True).select_related("team")
    if user.role == Role.DIRECTOR:
        return users.filter(role__in=(Role.REP, Role.MANAGER)).order_by("team__path", "username")
    if user.role == Role.MANAGER:
        condition = Q(pk=user.pk)
        for path in managed_team_paths(user):
            condition |= Q(team__path__startswith=path, role=Role.REP)
        return users.filter(condition).order_by("team__path", "username")
    return users.filter(pk=user.pk)


def assignable_reps(user: Any) -> QuerySet[User]:
    """Return the reps ``user`` may give a quiz to: a manager their team's reps, the director every rep."""
    if user.role not in (Role.MANAGER, Role.DIRECTOR):
        return User.objects.none()
    return people_in_scope(user).filter(role=Role.REP)


def question_list(*, user: Any, topic: str = "", include_inactive: bool = False) -> QuerySet[Question]:
    """Return the bank's questions with their choices loaded (inactive ones only for training managers)."""
    qs = Question.objects.all()
    if not (include_inactive and manages_training(user)):
        qs = qs.filter(is_active=True)
    if topic:
        qs = qs.filter(topic=topic)
    return qs.prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position", "id")))


def question_get(*, user: Any, pk: Any) -> Question:
    try:
        return question_list(user=user, include_inactive=True).get(pk=int(pk))
    except (Question.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Question not found.")) from exc


def quiz_list(*, user: Any) -> QuerySet:
    """Return the live quizzes with their number of questions."""
    return Quiz.objects.annotate(question_count=Count("items")).select_related("created_by")


def quiz_get(*, user: Any, pk: Any) -> Quiz:
    try:
        return quiz_list(user=user).get(pk=int(pk))
    except (Quiz.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Quiz not found.")) from exc


def quiz_questions(quiz: Quiz) -> list[Question]:
    """Return the quiz's questions in order with their choices loaded (two queries)."""
    items = (
        QuizQuestion.objects.filter(quiz=quiz)
        .select_related("question")
        .prefetch_related(Prefetch("question__choices", queryset=Choice.objects.order_by("position", "id")))
        .order_by("position", "id")
    )
    return [item.question for item in items]


def assignment_list(
    *, user: Any, rep_id: int | None = None, quiz_id: int | None = None
) -> QuerySet[Assignment]:
    """Return the assignments ``user`` may see, soonest due first, with quiz, rep and the best score."""
    qs = Assignment.objects.filter(people_q(user, "rep"), quiz__deleted_at__isnull=True)
    if rep_id is not None:
        qs = qs.filter(rep_id=rep_id)
    if quiz_id is not None:
        qs = qs.filter(quiz_id=quiz_id)
    return (
        qs.select_related("quiz", "rep", "assigned_by")
        .annotate(
            best_score=Max("attempts__score", filter=Q(attempts__finished_at__isnull=False)),
            attempt_count=Count("attempts", filter=Q(attempts__finished_at__isnull=False)),
        )
        .order_by("due_on", "id")
    )


def assignment_get(*, user: Any, pk: Any) -> Assignment:
    try:
        return assignment_list(user=user).get(pk=int(pk))
    except (Assignment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Assignment not found.")) from exc


def attempt_list(
    *, user: Any, user_id: int | None = None, quiz_id: int | None = None, finished_only: bool = False
) -> QuerySet[Attempt]:
    """Return the attempts ``user`` may see, newest first."""
    qs = Attempt.objects.filter(people_q(user, "user"))
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    if quiz_id is not None:
        qs = qs.filter(quiz_id=quiz_id)
    if finished_only:
        qs = qs.filter(finished_at__isnull=False)
    return qs.select_related("quiz", "user", "user__team").order_by("-started_at", "-id")


def attempt_get(*, user: Any, pk: Any) -> Attempt:
    """Return an attempt ``user`` may see, or raise NotFound (hidden and missing look alike)."""
    try:
        return attempt_list(user=user).get(pk=int(pk))
    except (Attempt.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Attempt not found.")) from exc


def attempt_answers(attempt: Attempt) -> list[AttemptAnswer]:
    """Return the attempt's answers with the questions and their choices (two queries)."""
    return list(
        AttemptAnswer.objects.filter(attempt=attempt)
        .select_related("question")
        .prefetch_related(Prefetch("question__choices", queryset=Choice.objects.order_by("position", "id")))
        .order_by("position", "id")
    )


def team_scores(*, user: Any) -> list[dict[str, Any]]:
    """Return per person in scope: finished attempts, average and best score, last attempt (one query)."""
    people = list(people_in_scope(user))
    rows = (
        Attempt.objects.filter(user__in=[p.pk for p in people], finished_at__isnull=False)
        .values("user_id")
        .annotate(attempts=Count("id"), average=Avg("score"), best=Max("score"), last=Max("finished_at"))
    )
    empty: dict[str, Any] = {"attempts": 0, "average": None, "best": None, "last": None}
    by_user: dict[int, dict[str, Any]] = {row["user_id"]: dict(row) for row in rows}
    return [{"user": person, **{k: by_user.get(person.pk, empty)[k] for k in empty}} for person in people]
