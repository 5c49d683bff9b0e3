"""KPIs and training: figures per rep and team, the question bank, quizzes, assignments and attempts.

Visibility is the web's: a rep reads their own figures, assignments and attempts, a manager their team's,
the director everybody's; another person's attempt outside that circle is 404. Reps read questions and
quizzes without the correct answers and explanations; those come with their own finished attempts.
"""

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.people.models import Role, User
from guanxi.performance import kpis, periods, selectors, services
from guanxi.performance.models import Assignment, Attempt, Question, Quiz

from ..auth import AuthedRequest
from ..conditional import optional_expected_version, set_etag
from ..idempotency import OPENAPI as IDEMPOTENCY
from ..idempotency import idempotent_create
from ..pagination import PageQuery, paginate
from ..schemas.common import Page, error_responses
from ..schemas.performance import (
    AssignmentCreateIn,
    AssignmentListQuery,
    AssignmentOut,
    AttemptCreateIn,
    AttemptDetailOut,
    AttemptListQuery,
    AttemptOut,
    KpiQuery,
    KpiReportOut,
    QuestionActiveIn,
    QuestionCreateIn,
    QuestionListQuery,
    QuestionOut,
    QuizCreateIn,
    QuizDetailOut,
    QuizOut,
)

router = Router(tags=["performance"])

READ_ERRORS = error_responses(403, 404, 422)
CREATE_ERRORS = error_responses(400, 403, 409, 422)


# --- presenters ----------------------------------------------------------------------------------------


def _user(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "display_name": user.display_name}


def _figures(figures: kpis.KpiFigures) -> dict[str, Any]:
    return {
        "interactions": figures.interactions,
        "visits_planned": figures.visits_planned,
        "visits_done": figures.visits_done,
        "visits_reported_on_time": figures.visits_reported_on_time,
        "visits_reported_late": figures.visits_reported_late,
        "new_customers": figures.new_customers,
        "won_amount": figures.won_amount,
        "forecast_amount": figures.forecast_amount,
        "forecast_accuracy": figures.forecast_accuracy,
        "training_attempts": figures.training_attempts,
        "training_average": figures.training_average,
        "customers": figures.customers,
        "customers_complete": figures.customers_complete,
        "archive_completeness": figures.archive_completeness,
        "complaint_sla_compliance": figures.complaint_sla_compliance,
    }


def _question(question: Question, with_answers: bool) -> dict[str, Any]:
    choices = [
        {"id": c.pk, "text": c.text, **({"is_correct": c.is_correct} if with_answers else {})}
        for c in question.choices.all()
    ]
    return {
        "id": question.pk,
        "version": question.version,
        "text": question.text,
        "kind": question.kind,
        "topic": question.topic,
        "is_active": question.is_active,
        "explanation": question.explanation if with_answers else None,
        "choices": choices,
    }


def _quiz(quiz: Quiz) -> dict[str, Any]:
    return {
        "id": quiz.pk,
        "version": quiz.version,
        "title": quiz.title,
        "description": quiz.description,
        "pass_mark": quiz.pass_mark,
        "is_starter": quiz.is_starter,
        "question_count": getattr(quiz, "question_count", 0),
    }


def _assignment(assignment: Assignment) -> dict[str, Any]:
    return {
        "id": assignment.pk,
        "quiz_id": assignment.quiz_id,
        "quiz_title": assignment.quiz.title,
        "rep": _user(assignment.rep),
        "due_on": assignment.due_on,
        "assigned_by": _user(assignment.assigned_by),
        "assigned_at": assignment.assigned_at,
        "task_id": assignment.task_id,
        "best_score": getattr(assignment, "best_score", None),
        "attempt_count": getattr(assignment, "attempt_count", 0),
    }


def _attempt(attempt: Attempt) -> dict[str, Any]:
    return {
        "id": attempt.pk,
        "quiz_id": attempt.quiz_id,
        "quiz_title": attempt.quiz.title,
        "user": _user(attempt.user),
        "started_at": attempt.started_at,
        "finished_at": attempt.finished_at,
        "score": attempt.score,
        "band": attempt.band,
        "correct_count": attempt.correct_count,
        "question_count": attempt.question_count,
    }


def _attempt_detail(attempt: Attempt) -> dict[str, Any]:
    answers = selectors.attempt_answers(attempt) if attempt.is_finished else []
    practise = services.practise_next(attempt, answers)
    return {
        **_attempt(attempt),
        "answers": [
            {"question_id": a.question_id, "chosen": a.chosen, "is_correct": a.is_correct} for a in answers
        ],
        "practise": [{**p, "topic_label": str(p["topic_label"])} for p in practise],
    }


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details={field: [message]})


def _quiz_ref(user: Any, quiz_id: int) -> Quiz:
    """The quiz a body names; one the caller may not see is refused on ``quiz_id`` like a missing one."""
    try:
        return selectors.quiz_get(user=user, pk=quiz_id)
    except NotFound as exc:
        raise _field_error("quiz_id", str(exc.message)) from exc


# --- KPIs ----------------------------------------------------------------------------------------------


@router.get("/kpis", response={200: KpiReportOut, **READ_ERRORS})
def kpi_endpoint(request: AuthedRequest, query: Query[KpiQuery]) -> dict:
    """KPIs per person and team for [start, end] (default: this month); reps, managers and the director."""
    user = request.auth
    if user.role not in (Role.REP, Role.MANAGER, Role.DIRECTOR):
        raise PermissionDenied(_("KPIs are for reps, managers and the director."))
    this_month = periods.period_containing(periods.MONTH, timezone.localdate())
    start, end = query.start or this_month.start, query.end or this_month.end
    try:
        period = periods.custom_period(start, end)
    except ValueError as exc:
        raise _field_error(
            "end", _("Choose an end on or after the start, at most three years later.")
        ) from exc
    report = kpis.kpi_report(user=user, period=period, team_id=query.team)
    return {
        "start": period.start,
        "end": period.end,
        "teams": [
            {
                "team": {"id": block.team.pk, "name": block.team.name} if block.team else None,
                "rows": [{"user": _user(row.user), "figures": _figures(row.figures)} for row in block.rows],
                "totals": _figures(block.totals),
            }
            for block in report.teams
        ],
        "totals": _figures(report.totals),
    }


# --- questions -----------------------------------------------------------------------------------------


@router.get("/training/questions", response={200: Page[QuestionOut], **error_responses(422)})
def question_list_endpoint(
    request: AuthedRequest, filters: Query[QuestionListQuery], paging: Query[PageQuery]
) -> dict:
    """The active questions of the bank; answers and explanations only for training managers."""
    manages = selectors.manages_training(request.auth)
    queryset = selectors.question_list(user=request.auth, topic=filters.topic).order_by("topic", "id")
    return paginate(queryset, paging, lambda q: _question(q, manages))


@router.get("/training/questions/{question_id}", response={200: QuestionOut, **READ_ERRORS})
def question_detail_endpoint(request: AuthedRequest, question_id: int, response: HttpResponse) -> dict:
    """One question; answers and explanation only for training managers (inactive ones only for them)."""
    manages = selectors.manages_training(request.auth)
    question = selectors.question_get(user=request.auth, pk=question_id)
    if not question.is_active and not manages:
        raise NotFound(_("Question not found."))
    set_etag(response, question)
    return _question(question, manages)


@router.post("/training/questions", response={201: QuestionOut, **CREATE_ERRORS}, openapi_extra=IDEMPOTENCY)
def question_create_endpoint(
    request: AuthedRequest, payload: QuestionCreateIn, response: HttpResponse
) -> Status:
    """Add a question to the bank (managers, the director, the system administrator)."""

    def create() -> dict:
        question = services.question_create(
            actor=request.auth,
            data=payload.model_dump(exclude={"choices"}),
            choices=[c.model_dump() for c in payload.choices],
        )
        set_etag(response, question)
        return QuestionOut.model_validate(
            _question(selectors.question_get(user=request.auth, pk=question.pk), True)
        ).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


@router.post(
    "/training/questions/{question_id}/active",
    response={200: QuestionOut, **error_responses(400, 403, 404, 412, 422)},
)
def question_active_endpoint(
    request: AuthedRequest, question_id: int, payload: QuestionActiveIn, response: HttpResponse
) -> dict:
    """Take a question out of the bank or put it back (If-Match honoured when sent)."""
    if not selectors.manages_training(request.auth):
        raise NotFound(_("Question not found."))
    question = selectors.question_get(user=request.auth, pk=question_id)
    question = services.question_set_active(
        actor=request.auth,
        question=question,
        is_active=payload.is_active,
        expected_version=optional_expected_version(request),
    )
    question = selectors.question_get(user=request.auth, pk=question.pk)
    set_etag(response, question)
    return _question(question, True)


# --- quizzes -------------------------------------------------------------------------------------------


@router.get("/training/quizzes", response={200: Page[QuizOut], **error_responses(422)})
def quiz_list_endpoint(request: AuthedRequest, paging: Query[PageQuery]) -> dict:
    """The quizzes, the starter quiz first, with their number of questions."""
    return paginate(
        selectors.quiz_list(user=request.auth).order_by("-is_starter", "title", "id"), paging, _quiz
    )


@router.get("/training/quizzes/{quiz_id}", response={200: QuizDetailOut, **READ_ERRORS})
def quiz_detail_endpoint(request: AuthedRequest, quiz_id: int, response: HttpResponse) -> dict:
    """A quiz with its questions and choices, without the answers."""
    quiz = selectors.quiz_get(user=request.auth, pk=quiz_id)
    set_etag(response, quiz)
    questions = [
        {
            "id": q.pk,
            "text": q.text,
            "kind": q.kind,
            "topic": q.topic,
            "choices": [{"id": c.pk, "text": c.text} for c in q.choices.all()],
        }
        for q in selectors.quiz_questions(quiz)
    ]
    return {**_quiz(quiz), "questions": questions}


@router.post("/training/quizzes", response={201: QuizOut, **CREATE_ERRORS}, openapi_extra=IDEMPOTENCY)
def quiz_create_endpoint(request: AuthedRequest, payload: QuizCreateIn, response: HttpResponse) -> Status:
    """Build a quiz from active questions of the bank, in the order given."""

    def create() -> dict:
        quiz = services.quiz_create(
            actor=request.auth,
            data=payload.model_dump(exclude={"question_ids"}),
            question_ids=payload.question_ids,
        )
        set_etag(response, quiz)
        return QuizOut.model_validate(_quiz(selectors.quiz_get(user=request.auth, pk=quiz.pk))).model_dump(
            mode="json"
        )

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


# --- assignments ---------------------------------------------------------------------------------------


@router.get("/training/assignments", response={200: Page[AssignmentOut], **error_responses(422)})
def assignment_list_endpoint(
    request: AuthedRequest, filters: Query[AssignmentListQuery], paging: Query[PageQuery]
) -> dict:
    """Your assignments; a manager's team's; the director's everybody's."""
    queryset = selectors.assignment_list(user=request.auth, rep_id=filters.rep_id, quiz_id=filters.quiz_id)
    return paginate(queryset, paging, _assignment)


@router.get("/training/assignments/{assignment_id}", response={200: AssignmentOut, **READ_ERRORS})
def assignment_detail_endpoint(request: AuthedRequest, assignment_id: int) -> dict:
    """One assignment you may see, with the best score so far."""
    return _assignment(selectors.assignment_get(user=request.auth, pk=assignment_id))


@router.post(
    "/training/assignments", response={201: AssignmentOut, **CREATE_ERRORS}, openapi_extra=IDEMPOTENCY
)
def assignment_create_endpoint(
    request: AuthedRequest, payload: AssignmentCreateIn, response: HttpResponse
) -> Status:
    """Give a quiz to a rep of your team (a training task and an inbox message); repeating changes nothing."""
    actor = request.auth
    if actor.role not in (Role.MANAGER, Role.DIRECTOR):
        raise PermissionDenied(_("Only managers and the director assign quizzes."))

    def create() -> dict:
        quiz = _quiz_ref(actor, payload.quiz_id)
        rep = selectors.assignable_reps(actor).filter(pk=payload.rep_id).first()
        if rep is None:
            raise _field_error("rep_id", _("Choose a rep of your team."))
        assignment = services.assignment_create(actor=actor, quiz=quiz, rep=rep, due_on=payload.due_on)
        return AssignmentOut.model_validate(
            _assignment(selectors.assignment_get(user=actor, pk=assignment.pk))
        ).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


# --- attempts ------------------------------------------------------------------------------------------


@router.get("/training/attempts", response={200: Page[AttemptOut], **error_responses(422)})
def attempt_list_endpoint(
    request: AuthedRequest, filters: Query[AttemptListQuery], paging: Query[PageQuery]
) -> dict:
    """Attempts you may see, newest first."""
    queryset = selectors.attempt_list(user=request.auth, user_id=filters.user_id, quiz_id=filters.quiz_id)
    return paginate(queryset, paging, _attempt)


@router.get("/training/attempts/{attempt_id}", response={200: AttemptDetailOut, **READ_ERRORS})
def attempt_detail_endpoint(request: AuthedRequest, attempt_id: int) -> dict:
    """An attempt with its answers and what to practise next."""
    return _attempt_detail(selectors.attempt_get(user=request.auth, pk=attempt_id))


@router.post(
    "/training/attempts", response={201: AttemptDetailOut, **CREATE_ERRORS}, openapi_extra=IDEMPOTENCY
)
def attempt_create_endpoint(
    request: AuthedRequest, payload: AttemptCreateIn, response: HttpResponse
) -> Status:
    """Take a quiz: send every answer at once and get the score, the band and what to practise next.

    Single choice: exactly one choice id. Multiple choice: correct only when the chosen ids equal the
    correct ones. A question left out counts as wrong.
    """

    def create() -> dict:
        quiz = _quiz_ref(request.auth, payload.quiz_id)
        answers = {a.question_id: a.choice_ids for a in payload.answers}
        attempt = services.attempt_take(user=request.auth, quiz=quiz, answers=answers)
        return AttemptDetailOut.model_validate(
            _attempt_detail(selectors.attempt_get(user=request.auth, pk=attempt.pk))
        ).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))
