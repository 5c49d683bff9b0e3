"""Performance pages: the KPI dashboard per role, quizzes taken without JavaScript, results and visibility."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.engagement.models import Notification, Task, TaskKind
from guanxi.people.models import Role
from guanxi.performance import selectors
from guanxi.performance.models import Assignment, Attempt, Quiz
from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tests.performance import factories as f

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def april(db):
    with time_machine.travel(datetime.datetime(2026, 4, 2, 10, 0, tzinfo=TZ), tick=False) as traveller:
        yield traveller


def starter() -> Quiz:
    return f.starter_quiz()


def post_answers(quiz: Quiz, correct: int) -> dict[str, object]:
    data: dict[str, object] = {}
    for index, question in enumerate(selectors.quiz_questions(quiz)):
        choices = list(question.choices.all())
        right = [str(c.pk) for c in choices if c.is_correct]
        wrong = [str(next(c.pk for c in choices if not c.is_correct))]
        picked = right if index < correct else wrong
        data[f"q_{question.pk}"] = picked if question.kind == "multiple" else picked[0]
    return data


# --- dashboard --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "sees", "hides"),
    [
        ("rep_a", ["rep_a"], ["rep_b", "rep_c"]),
        ("mgr_1", ["rep_a", "rep_b", "mgr_1"], ["rep_c"]),
        ("director", ["rep_a", "rep_b", "rep_c", "mgr_2"], []),
    ],
)
def test_dashboard_shows_the_people_of_the_viewer(org, login, viewer, sees, hides):
    page = login(org.user(viewer)).get("/performance/?period=month&on=2026-03-10")
    assert page.status_code == 200
    html = page.content.decode()
    rows = [name.strip() for name in re.findall(r'<th scope="row">([^<]+)', html)]
    for name in sees:
        assert str(org.user(name)) in rows
    for name in hides:
        assert str(org.user(name)) not in rows
    assert "2026-03-01 – 2026-03-31" in html


@pytest.mark.parametrize("viewer", ["archivist", "sysadmin"])
def test_dashboard_is_not_for_archivists_and_admins(org, login, viewer):
    assert login(org.user(viewer)).get("/performance/").status_code == 403


def test_dashboard_shows_the_figures_and_team_totals(org, login):
    f.interaction(org.cust_a, org.rep_a, datetime.date(2026, 3, 2))
    f.interaction(org.cust_a, org.rep_b, datetime.date(2026, 3, 3))
    f.won_deal(org.cust_a, "50000.00", datetime.date(2026, 2, 10), "75", datetime.date(2026, 3, 5))
    f.finished_attempt(org.rep_a, "70", datetime.date(2026, 3, 6))
    html = login(org.mgr_1).get("/performance/?period=month&on=2026-03-01").content.decode()
    assert "133.3%" in html
    assert "50,000" in html
    assert "Team total" in html or "团队合计" in html
    assert "<svg" in html  # charts for more than one person
    assert 'href="/customers/?owner=' in html


def test_custom_range_needs_both_dates_and_keeps_the_input(org, login):
    page = login(org.director).get("/performance/?period=custom&start=2026-03-10")
    assert page.status_code == 422
    html = page.content.decode()
    assert 'value="2026-03-10"' in html


def test_a_manager_cannot_pick_another_team(org, login):
    page = login(org.mgr_1).get(f"/performance/?team={org.team_2.pk}")
    assert str(org.rep_c) not in page.content.decode()


def _team(size: int):
    team = TeamFactory(name=f"组{size}")
    manager = UserFactory(role=Role.MANAGER, team=team)
    team.manager = manager
    team.save()
    for _ in range(size):
        rep = UserFactory(team=team)
        customer = CustomerFactory(owner=rep)
        f.interaction(customer, rep, datetime.date(2026, 4, 1))
        f.finished_attempt(rep, "65", datetime.date(2026, 4, 1))
    return manager


def test_dashboard_queries_do_not_grow_with_the_reps(db, login):
    counts = []
    for size in (3, 12):
        client = login(_team(size))
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/performance/")
        assert response.status_code == 200
        assert len(response.context["report"].rows) == size + 1  # every rep and the manager
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- training ---------------------------------------------------------------------------------------------


def test_rep_takes_the_starter_quiz_without_javascript(org, login):
    client = login(org.rep_a)
    quiz = starter()
    start = client.post(f"/training/quizzes/{quiz.pk}/start/")
    assert start.status_code == 302
    attempt = Attempt.objects.get(user=org.rep_a)
    assert start["Location"] == f"/training/attempts/{attempt.pk}/"
    form = client.get(start["Location"]).content.decode()
    assert form.count('type="radio"') + form.count('type="checkbox"') > 20
    done = client.post(start["Location"], post_answers(quiz, 7))
    assert done.status_code == 302
    result = client.get(start["Location"]).content.decode()
    attempt.refresh_from_db()
    assert attempt.score == 70 and attempt.band == "practise"
    assert "70" in result
    wrong = selectors.quiz_questions(quiz)[7:]
    for question in wrong:
        assert question.explanation in result


def test_a_missing_answer_keeps_the_others(org, login):
    client = login(org.rep_a)
    quiz = starter()
    client.post(f"/training/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get(user=org.rep_a)
    data = post_answers(quiz, 10)
    first, second = selectors.quiz_questions(quiz)[:2]
    del data[f"q_{first.pk}"]
    page = client.post(f"/training/attempts/{attempt.pk}/", data)
    assert page.status_code == 422
    html = page.content.decode()
    assert f'value="{data[f"q_{second.pk}"]}"' in html and "checked" in html
    attempt.refresh_from_db()
    assert attempt.finished_at is None


@pytest.mark.parametrize(
    ("viewer", "status"),
    [("rep_a", 200), ("rep_b", 404), ("rep_c", 404), ("mgr_1", 200), ("mgr_2", 404), ("director", 200)],
)
def test_attempt_page_visibility(org, login, viewer, status):
    attempt = f.finished_attempt(org.rep_a, "85", datetime.date(2026, 4, 1))
    assert login(org.user(viewer)).get(f"/training/attempts/{attempt.pk}/").status_code == status


def test_manager_assigns_the_quiz_to_team_reps_once(org, login):
    client = login(org.mgr_1)
    quiz = starter()
    page = client.get(f"/training/quizzes/{quiz.pk}/assign/").content.decode()
    assert str(org.rep_a) in page and str(org.rep_c) not in page
    data = {"reps": [org.rep_a.pk, org.rep_b.pk], "due_on": "2026-04-10"}
    assert client.post(f"/training/quizzes/{quiz.pk}/assign/", data).status_code == 302
    assert client.post(f"/training/quizzes/{quiz.pk}/assign/", data).status_code == 302
    assert Assignment.objects.count() == 2
    assert Task.objects.filter(kind=TaskKind.TRAINING).count() == 2
    assert Notification.objects.filter(user=org.rep_a, kind="training").count() == 1
    outsider = client.post(
        f"/training/quizzes/{quiz.pk}/assign/", {"reps": [org.rep_c.pk], "due_on": "2026-04-10"}
    )
    assert outsider.status_code == 422
    assert not Assignment.objects.filter(rep=org.rep_c).exists()


def test_reps_cannot_assign_or_build_quizzes_or_read_the_bank(org, login):
    client = login(org.rep_a)
    quiz = starter()
    assert client.get(f"/training/quizzes/{quiz.pk}/assign/").status_code == 403
    assert client.get("/training/quizzes/new/").status_code == 403
    assert client.get("/training/questions/").status_code == 403


def test_manager_builds_a_quiz_and_sees_team_scores(org, login):
    client = login(org.mgr_1)
    f.finished_attempt(org.rep_a, "55", datetime.date(2026, 4, 1))
    f.finished_attempt(org.rep_c, "95", datetime.date(2026, 4, 1))
    home = client.get("/training/").content.decode()
    assert str(org.rep_a) in home and str(org.rep_c) not in home
    ids = [q.pk for q in selectors.quiz_questions(starter())[:3]]
    empty = client.post("/training/quizzes/new/", {"title": "空测验", "pass_mark": 60})
    assert empty.status_code == 422
    created = client.post("/training/quizzes/new/", {"title": "拜访专项", "pass_mark": 70, "questions": ids})
    assert created.status_code == 302
    quiz = Quiz.objects.get(title="拜访专项")
    assert sorted(q.pk for q in selectors.quiz_questions(quiz)) == sorted(ids)


def test_manager_adds_a_question(org, login):
    client = login(org.mgr_1)
    data = {
        "topic": "trust",
        "kind": "single",
        "text": "新问题",
        "explanation": "解析",
        "answer_1": "对",
        "correct_1": "on",
        "answer_2": "错",
    }
    assert client.post("/training/questions/new/", data).status_code == 302
    bad = dict(data, correct_2="on")
    page = client.post("/training/questions/new/", bad)
    assert page.status_code == 422
    assert "新问题" in page.content.decode()


def test_results_page_lists_only_visible_attempts(org, login):
    f.finished_attempt(org.rep_a, "85", datetime.date(2026, 4, 1))
    f.finished_attempt(org.rep_c, "45", datetime.date(2026, 4, 1))
    html = login(org.rep_a).get("/training/results/").content.decode()
    assert str(org.rep_a) in html and str(org.rep_c) not in html


def test_nav_link_for_reps_managers_director_only(org, login):
    for name, shown in (("rep_a", True), ("mgr_1", True), ("director", True), ("archivist", False)):
        html = login(org.user(name)).get("/training/").content.decode()
        assert ('href="/performance/"' in html) is shown, name
