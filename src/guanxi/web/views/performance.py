"""KPI dashboard and training pages: quizzes, assignments, attempts and results.

Who sees what follows ``guanxi.performance.selectors``: a rep their own figures and attempts, a manager
their team's, the director everybody's. Another person's attempt outside that circle is "not found".
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.core.errors import ValidationFailed
from guanxi.engagement.notifications import link_to
from guanxi.people.models import Role
from guanxi.performance import kpis, selectors, services
from guanxi.performance.models import Band, QuestionTopic

from .. import charts
from ..decorators import member_view
from ..forms.base import apply_domain_errors
from ..forms.performance import AnswersForm, AssignForm, KpiPeriodForm, QuestionForm, QuizForm
from ..http import MemberRequest

KPI_ROLES = (Role.REP, Role.MANAGER, Role.DIRECTOR)
BAND_TONES: dict[str, str] = {Band.GOOD: "good", Band.PRACTISE: "warn", Band.RETAKE: "bad"}
BAND_ADVICE: dict[str, Any] = {
    Band.GOOD: gettext_lazy(
        "You master the essentials. Keep them fresh and look at the explanations of anything you missed."
    ),
    Band.PRACTISE: gettext_lazy(
        "You passed, but some details need work: practise the topics below, then take the quiz again."
    ),
    Band.RETAKE: gettext_lazy(
        "Below the pass line: study the topics below with their explanations and take the quiz again."
    ),
}


def sees_performance(user: Any) -> bool:
    """Tell whether the KPI dashboard is for ``user`` (reps, managers and the director)."""
    return getattr(user, "role", None) in KPI_ROLES


# --- KPI dashboard ---------------------------------------------------------------------------------------


def _money(value: float) -> str:
    return charts.format_number(round(value))


def _links(user: Any, report: kpis.KpiReport) -> dict[str, Any]:
    """Return the pages behind the numbers (empty where the page does not exist or is not for the user)."""
    month = report.period.start.strftime("%Y-%m")
    is_manager = user.role in (Role.MANAGER, Role.DIRECTOR)
    customers = link_to("web:customer_list")
    compliance = link_to("web:visit_compliance") if is_manager else link_to("web:visit_plan_list")
    return {
        "customers": customers,
        "customers_by_owner": bool(customers) and is_manager,
        "visits": f"{compliance}?month={month}" if compliance and is_manager else compliance,
        "forecast": link_to("web:forecast"),
        "training": link_to("web:training_results"),
    }


def _charts(report: kpis.KpiReport) -> dict[str, Any]:
    rows = report.rows
    if len(rows) < 2:
        return {}
    names = [str(row.user) for row in rows]
    won = charts.bar_chart_horizontal(
        [charts.Bar(str(r.user), float(r.figures.won_amount), tone="good") for r in rows],
        title=_("Won amount by rep"),
        value_format=_money,
    )
    figures = [r.figures for r in rows]
    visits = charts.stacked_bar_chart(
        names,
        [
            charts.Series(_("Reported on time"), [f.visits_reported_on_time for f in figures], tone="good"),
            charts.Series(_("Reported late"), [f.visits_reported_late for f in figures], tone="warn"),
            charts.Series(
                _("Done, no report"),
                [max(f.visits_done - f.visits_reported_on_time - f.visits_reported_late, 0) for f in figures],
                tone="bad",
            ),
            charts.Series(
                _("Not done yet"), [max(f.visits_planned - f.visits_done, 0) for f in figures], tone="muted"
            ),
        ],
        title=_("Visits by rep"),
        empty_message=_("No visits in this period."),
    )
    interactions = charts.bar_chart_horizontal(
        [charts.Bar(str(r.user), r.figures.interactions) for r in rows], title=_("Interactions by rep")
    )
    result = {"won": won, "visits": visits, "interactions": interactions}
    if len(report.teams) > 1:
        result["teams"] = charts.bar_chart_horizontal(
            [
                charts.Bar(str(t.team or _("No team")), float(t.totals.won_amount), tone=str(i % 8 + 1))
                for i, t in enumerate(report.teams)
            ],
            title=_("Won amount by team"),
            value_format=_money,
        )
    return result


@require_GET
@member_view
def performance_dashboard(request: MemberRequest) -> HttpResponse:
    if not sees_performance(request.user):
        raise PermissionDenied(_("The performance dashboard is for reps, managers and the director."))
    people = list(selectors.people_in_scope(request.user))
    teams = {p.team.pk: p.team for p in people if p.team is not None}
    team_choices = [(pk, str(team)) for pk, team in sorted(teams.items(), key=lambda item: item[1].path)]
    form = KpiPeriodForm(request.GET or None, team_choices=team_choices)
    period = form.chosen_period()
    report = kpis.kpi_report(user=request.user, period=period, team_id=form.chosen_team())
    status = 422 if form.is_bound and form.errors else 200
    context = {
        "form": form,
        "period": period,
        "report": report,
        "links": _links(request.user, report),
        "charts": _charts(report),
        "key_fields": [label for _name, label in kpis.KEY_ARCHIVE_FIELDS],
        "show_team_totals": request.user.role != Role.REP,
    }
    return render(request, "web/performance/dashboard.html", context, status=status)


# --- training -------------------------------------------------------------------------------------------


@require_GET
@member_view
def training_home(request: MemberRequest) -> HttpResponse:
    """My assignments and recent results; for managers also the quizzes, the team's scores and assignments."""
    user = request.user
    manages = selectors.manages_training(user)
    context: dict[str, Any] = {
        "my_assignments": list(selectors.assignment_list(user=user, rep_id=user.pk)),
        "my_attempts": list(selectors.attempt_list(user=user, user_id=user.pk)[:10]),
        "quizzes": list(selectors.quiz_list(user=user)),
        "manages": manages,
    }
    if user.role in (Role.MANAGER, Role.DIRECTOR):
        context["team_scores"] = [
            row for row in selectors.team_scores(user=user) if row["user"].pk != user.pk
        ]
        context["team_assignments"] = list(selectors.assignment_list(user=user).exclude(rep=user)[:50])
    return render(request, "web/performance/training.html", context)


@require_GET
@member_view
def training_results(request: MemberRequest) -> HttpResponse:
    """Finished attempts the user may see, newest first; a manager may narrow to one person."""
    people = list(selectors.people_in_scope(request.user))
    try:
        person_id = int(request.GET.get("user", ""))
    except ValueError:
        person_id = None
    if person_id is not None and person_id not in {p.pk for p in people}:
        person_id = None
    attempts = selectors.attempt_list(user=request.user, user_id=person_id, finished_only=True)
    page = Paginator(attempts, 25).get_page(request.GET.get("page"))
    context = {"page": page, "people": people if len(people) > 1 else [], "person_id": person_id}
    return render(request, "web/performance/results.html", context)


@require_GET
@member_view
def training_quiz(request: MemberRequest, pk: int) -> HttpResponse:
    quiz = selectors.quiz_get(user=request.user, pk=pk)
    questions = selectors.quiz_questions(quiz)
    topics = sorted({q.get_topic_display() for q in questions})
    context = {
        "quiz": quiz,
        "question_count": len(questions),
        "topics": topics,
        "my_attempts": list(
            selectors.attempt_list(user=request.user, user_id=request.user.pk, quiz_id=quiz.pk)
        ),
        "team_attempts": [],
        "can_assign": request.user.role in (Role.MANAGER, Role.DIRECTOR),
    }
    if context["can_assign"]:
        context["team_attempts"] = list(
            selectors.attempt_list(user=request.user, quiz_id=quiz.pk, finished_only=True).exclude(
                user=request.user
            )[:50]
        )
    return render(request, "web/performance/quiz.html", context)


@require_POST
@member_view
def training_quiz_start(request: MemberRequest, pk: int) -> HttpResponse:
    quiz = selectors.quiz_get(user=request.user, pk=pk)
    attempt = services.attempt_start(user=request.user, quiz=quiz)
    return redirect("web:training_attempt", attempt.pk)


@require_http_methods(["GET", "POST"])
@member_view
def training_quiz_create(request: MemberRequest) -> HttpResponse:
    if not selectors.manages_training(request.user):
        raise PermissionDenied(_("Only managers, the director and the system administrator build quizzes."))
    bank = selectors.question_list(user=request.user).order_by("topic", "id")
    form = QuizForm(request.POST or None, bank=bank)
    if request.method == "POST" and form.is_valid():
        try:
            quiz = services.quiz_create(
                actor=request.user,
                data={k: form.cleaned_data[k] for k in ("title", "description", "pass_mark")},
                question_ids=form.question_ids(),
            )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Quiz created. Assign it to your reps."))
            return redirect("web:training_quiz", quiz.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "web/performance/quiz_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@member_view
def training_quiz_assign(request: MemberRequest, pk: int) -> HttpResponse:
    if request.user.role not in (Role.MANAGER, Role.DIRECTOR):
        raise PermissionDenied(_("Only managers and the director assign quizzes."))
    quiz = selectors.quiz_get(user=request.user, pk=pk)
    form = AssignForm(request.POST or None, reps=selectors.assignable_reps(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            for rep in form.cleaned_data["reps"]:
                services.assignment_create(
                    actor=request.user, quiz=quiz, rep=rep, due_on=form.cleaned_data["due_on"]
                )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        else:
            count = len(form.cleaned_data["reps"])
            messages.success(request, _("Quiz assigned to %(count)s rep(s).") % {"count": count})
            return redirect("web:training_home")
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "web/performance/assign.html", {"form": form, "quiz": quiz}, status=status)


@require_http_methods(["GET", "POST"])
@member_view
def training_attempt(request: MemberRequest, pk: int) -> HttpResponse:
    """Take an open attempt (all questions on one page) or see a finished one's score, band and advice."""
    attempt = selectors.attempt_get(user=request.user, pk=pk)
    if not attempt.is_finished:
        if attempt.user_id != request.user.pk:
            return render(request, "web/performance/attempt_open.html", {"attempt": attempt})
        form = AnswersForm(request.POST or None, questions=selectors.quiz_questions(attempt.quiz))
        if request.method == "POST" and form.is_valid():
            try:
                services.attempt_submit(user=request.user, attempt=attempt, answers=form.answers())
            except ValidationFailed as error:
                apply_domain_errors(form, error)
            else:
                return redirect("web:training_attempt", attempt.pk)
        status = 422 if form.is_bound and form.errors else 200
        return render(request, "web/performance/take.html", {"attempt": attempt, "form": form}, status=status)
    if request.method == "POST":
        messages.info(request, _("This attempt has already been submitted."))
        return redirect("web:training_attempt", attempt.pk)
    answers = selectors.attempt_answers(attempt)
    for answer in answers:
        picked = set(answer.chosen)
        answer.rows = [  # type: ignore[attr-defined]
            {"text": c.text, "picked": c.pk in picked, "correct": c.is_correct}
            for c in answer.question.choices.all()
        ]
    context = {
        "attempt": attempt,
        "answers": answers,
        "practise": services.practise_next(attempt, answers),
        "advice": BAND_ADVICE.get(attempt.band, ""),
        "tone": BAND_TONES.get(attempt.band, "muted"),
        "is_own": attempt.user_id == request.user.pk,
        "score_bar": charts.share_bar(
            [
                charts.Bar(_("Correct"), attempt.correct_count, tone="good"),
                charts.Bar(_("Wrong"), attempt.question_count - attempt.correct_count, tone="bad"),
            ],
            title=_("Correct answers"),
        ),
    }
    return render(request, "web/performance/result.html", context)


@require_GET
@member_view
def training_questions(request: MemberRequest) -> HttpResponse:
    """The question bank with answers and explanations (training managers only: it holds the answers)."""
    if not selectors.manages_training(request.user):
        raise PermissionDenied(
            _("Only managers, the director and the system administrator see the question bank.")
        )
    topic = request.GET.get("topic", "")
    if topic not in QuestionTopic.values:
        topic = ""
    questions = selectors.question_list(user=request.user, topic=topic).order_by("topic", "id")
    context = {"questions": questions, "topic": topic, "topics": QuestionTopic.choices}
    return render(request, "web/performance/questions.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def training_question_create(request: MemberRequest) -> HttpResponse:
    if not selectors.manages_training(request.user):
        raise PermissionDenied(
            _("Only managers, the director and the system administrator edit the question bank.")
        )
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_create(
                actor=request.user,
                data={k: form.cleaned_data[k] for k in ("topic", "kind", "text", "explanation")},
                choices=form.choices(),
            )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Question added to the bank."))
            return redirect(
                f"{link_to('web:training_questions')}?{urlencode({'topic': form.cleaned_data['topic']})}"
            )
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "web/performance/question_form.html", {"form": form}, status=status)
