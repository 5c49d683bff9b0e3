"""KPI and training endpoints: figures per role, the bank without answers for reps, assignments, attempts."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.engagement.models import Task, TaskKind
from guanxi.performance import selectors
from guanxi.performance.models import Assignment, Attempt, Quiz
from tests.performance import factories as f

from .support import API, if_match, token_client

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def april(db):
    with time_machine.travel(datetime.datetime(2026, 4, 2, 10, 0, tzinfo=TZ), tick=False) as traveller:
        yield traveller


def starter() -> Quiz:
    return f.starter_quiz()


def answer_body(quiz: Quiz, correct: int) -> dict:
    answers = []
    for index, question in enumerate(selectors.quiz_questions(quiz)):
        choices = list(question.choices.all())
        right = [c.pk for c in choices if c.is_correct]
        wrong = [next(c.pk for c in choices if not c.is_correct)]
        answers.append({"question_id": question.pk, "choice_ids": right if index < correct else wrong})
    return {"quiz_id": quiz.pk, "answers": answers}


# --- KPIs ----------------------------------------------------------------------------------------------


def test_kpis_for_a_rep_and_a_manager(org, as_role):
    f.interaction(org.cust_a, org.rep_a, datetime.date(2026, 3, 2))
    f.won_deal(org.cust_a, "50000.00", datetime.date(2026, 2, 10), "75", datetime.date(2026, 3, 5))
    mine = as_role("rep_a").get(f"{API}/kpis?start=2026-03-01&end=2026-03-31").json()
    assert [row["user"]["id"] for t in mine["teams"] for row in t["rows"]] == [org.rep_a.pk]
    figures = mine["totals"]
    assert figures["interactions"] == 1
    assert figures["won_amount"] == "50000.00"
    assert figures["forecast_accuracy"] == "133.3"
    assert figures["complaint_sla_compliance"] is None
    team = as_role("mgr_1").get(f"{API}/kpis?start=2026-03-01&end=2026-03-31").json()
    people = {row["user"]["id"] for t in team["teams"] for row in t["rows"]}
    assert people == {org.mgr_1.pk, org.rep_a.pk, org.rep_b.pk}


@pytest.mark.parametrize(("role", "status"), [("archivist", 403), ("sysadmin", 403), ("anon", 401)])
def test_kpis_refused_to_others(as_role, role, status):
    assert as_role(role).get(f"{API}/kpis").status_code == status


def test_kpis_team_filter_and_bad_range(org, as_role):
    assert as_role("mgr_1").get(f"{API}/kpis?team={org.team_2.pk}").status_code == 404
    south = as_role("director").get(f"{API}/kpis?team={org.team_2.pk}").json()
    assert {row["user"]["id"] for t in south["teams"] for row in t["rows"]} == {org.mgr_2.pk, org.rep_c.pk}
    bad = as_role("director").get(f"{API}/kpis?start=2026-03-10&end=2026-03-01")
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation_error"


# --- questions and quizzes -----------------------------------------------------------------------------


def test_reps_read_questions_without_answers_managers_with(as_role):
    rep = as_role("rep_a").get(f"{API}/training/questions?page_size=100").json()
    assert rep["count"] >= 20
    assert rep["items"][0]["explanation"] is None
    assert "is_correct" not in rep["items"][0]["choices"][0]
    manager = as_role("mgr_1").get(f"{API}/training/questions?topic=rfm").json()
    assert all(item["topic"] == "rfm" for item in manager["items"])
    assert manager["items"][0]["explanation"]
    assert "is_correct" in manager["items"][0]["choices"][0]


def test_question_create_and_deactivate(as_role):
    body = {
        "text": "投诉处理的第一步?",
        "kind": "single",
        "topic": "complaints",
        "explanation": "先共情。",
        "choices": [{"text": "道歉并承诺时限", "is_correct": True}, {"text": "解释原因"}],
    }
    assert (
        as_role("rep_a").post(f"{API}/training/questions", body, content_type="application/json").status_code
        == 403
    )
    created = as_role("mgr_1").post(f"{API}/training/questions", body, content_type="application/json")
    assert created.status_code == 201
    question_id = created.json()["id"]
    extra = as_role("mgr_1").post(
        f"{API}/training/questions", {**body, "secret": 1}, content_type="application/json"
    )
    assert extra.status_code == 400
    off = as_role("mgr_1").post(
        f"{API}/training/questions/{question_id}/active",
        {"is_active": False},
        content_type="application/json",
        headers=if_match(1),
    )
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert as_role("rep_a").get(f"{API}/training/questions/{question_id}").status_code == 404


def test_quiz_detail_hides_answers_and_quiz_create(org, as_role):
    quiz = starter()
    detail = as_role("rep_a").get(f"{API}/training/quizzes/{quiz.pk}").json()
    assert len(detail["questions"]) == 10
    assert "is_correct" not in detail["questions"][0]["choices"][0]
    ids = [q["id"] for q in detail["questions"][:4]]
    body = {"title": "信任专项", "pass_mark": 70, "question_ids": ids}
    assert (
        as_role("rep_a").post(f"{API}/training/quizzes", body, content_type="application/json").status_code
        == 403
    )
    created = as_role("mgr_1").post(f"{API}/training/quizzes", body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["question_count"] == 4


# --- assignments and attempts --------------------------------------------------------------------------


def test_assignment_is_idempotent_and_team_scoped(org, as_role):
    quiz = starter()
    body = {"quiz_id": quiz.pk, "rep_id": org.rep_a.pk, "due_on": "2026-04-09"}
    manager = as_role("mgr_1")
    first = manager.post(f"{API}/training/assignments", body, content_type="application/json")
    second = manager.post(f"{API}/training/assignments", body, content_type="application/json")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Task.objects.filter(kind=TaskKind.TRAINING, owner=org.rep_a).count() == 1
    outsider = manager.post(
        f"{API}/training/assignments", {**body, "rep_id": org.rep_c.pk}, content_type="application/json"
    )
    assert outsider.status_code == 422
    assert (
        as_role("rep_a")
        .post(f"{API}/training/assignments", body, content_type="application/json")
        .status_code
        == 403
    )
    assert as_role("rep_a").get(f"{API}/training/assignments").json()["count"] == 1
    assert as_role("rep_b").get(f"{API}/training/assignments").json()["count"] == 0
    assert as_role("mgr_2").get(f"{API}/training/assignments/{first.json()['id']}").status_code == 404
    assert Assignment.objects.count() == 1


def test_submitting_answers_scores_bands_and_tells_what_to_practise(org, as_role):
    quiz = starter()
    response = as_role("rep_a").post(
        f"{API}/training/attempts", answer_body(quiz, 6), content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["score"] == "60.00"
    assert body["band"] == "practise"
    wrong = selectors.quiz_questions(quiz)[6:]
    practised = {item["question_id"] for topic in body["practise"] for item in topic["questions"]}
    assert practised == {q.pk for q in wrong}
    assert all(item["explanation"] for topic in body["practise"] for item in topic["questions"])


def test_an_answer_outside_the_quiz_is_refused(org, as_role):
    quiz = starter()
    body = answer_body(quiz, 10)
    body["answers"][0]["choice_ids"] = [999999]
    response = as_role("rep_a").post(f"{API}/training/attempts", body, content_type="application/json")
    assert response.status_code == 422
    assert not Attempt.objects.filter(finished_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("rep_a", 200),
        ("rep_b", 404),
        ("rep_c", 404),
        ("mgr_1", 200),
        ("mgr_2", 404),
        ("director", 200),
        ("archivist", 404),
    ],
)
def test_attempt_visibility(org, as_role, role, status):
    attempt = f.finished_attempt(org.rep_a, "45", datetime.date(2026, 4, 1))
    assert as_role(role).get(f"{API}/training/attempts/{attempt.pk}").status_code == status


def test_attempt_list_query_count_is_flat(org):
    client = token_client(org.director)
    client.get(f"{API}/training/attempts")  # the first call of a token records its first use
    counts = []
    for n in (3, 20):
        for _ in range(n):
            f.finished_attempt(org.rep_a, "85", datetime.date(2026, 4, 1))
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(f"{API}/training/attempts?page_size=100")
        assert answer.status_code == 200
        counts.append(len(queries))
    assert len(answer.json()["items"]) == 23  # every attempt was listed, not just the first few
    assert counts[0] == counts[1]
