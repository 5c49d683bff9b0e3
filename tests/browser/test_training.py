"""Training and KPIs in real Chromium: a rep takes the starter quiz and sees the band and what to
practise; the manager's KPI dashboard renders on a desktop and on a phone."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from guanxi.performance import selectors, services

from ..factories import CustomerFactory
from ..performance import factories as f
from .conftest import PHONE, add_member, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RIGHT_ANSWERS = 7  # 70 points: passed, keep practising


@pytest.fixture
def team(sales_department):
    manager = sales_department.manager1
    rep = add_member(sales_department.east, "rep1", "陈晓明")
    other = add_member(sales_department.east, "rep2", "林芳")
    quiz = f.starter_quiz()
    today = timezone.localdate()
    services.assignment_create(actor=manager, quiz=quiz, rep=rep, due_on=today + datetime.timedelta(days=5))
    for person, score in ((rep, "85"), (other, "55")):
        customer = CustomerFactory(owner=person)
        f.interaction(customer, person, today)
        f.finished_attempt(person, score, today)
    f.complete_customer(rep)
    return {"manager": manager, "rep": rep, "quiz": quiz}


def test_a_rep_takes_the_starter_quiz_and_sees_what_to_practise(live_server, team, page, screenshot):
    sign_in(page, live_server, "rep1")
    page.click("nav.mainnav >> text=绩效")
    page.click("nav.pf-tabs >> text=培训")
    page.wait_for_url(re.compile(r"/training/$"))
    expect(page.locator("#mine-title")).to_be_visible()
    page.locator("section[aria-labelledby=mine-title] a").first.click()
    page.click("button:has-text('开始测验')")
    page.wait_for_url(re.compile(r"/training/attempts/\d+/$"))

    questions = selectors.quiz_questions(team["quiz"])
    expect(page.locator("fieldset.pf-question")).to_have_count(len(questions))
    screenshot(page, "training-quiz-desktop")
    for index, question in enumerate(questions):
        choices = list(question.choices.all())
        picks = (
            [c for c in choices if c.is_correct]
            if index < RIGHT_ANSWERS
            else [next(c for c in choices if not c.is_correct)]
        )
        for choice in picks:
            page.locator(f"input[name=q_{question.pk}][value='{choice.pk}']").check()
    page.click("button:has-text('提交答案')")

    expect(page.locator(".pf-score")).to_have_text("70")
    expect(page.locator(".pf-result .chip")).to_have_text("通过,需加强练习")
    practise = page.locator("section[aria-labelledby=practise-title]")
    for question in questions[RIGHT_ANSWERS:]:
        expect(practise).to_contain_text(question.explanation[:20])
    screenshot(page, "training-result-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "training-result-phone")
    assert page.problems == []


def test_the_manager_sees_the_team_kpis(live_server, team, page, screenshot):
    sign_in(page, live_server, "manager1")
    page.click("nav.mainnav >> text=绩效")
    page.wait_for_url(re.compile(r"/performance/$"))
    table = page.locator("table.pf-table")
    expect(table).to_contain_text("陈晓明")
    expect(table).to_contain_text("林芳")
    expect(page.locator(".pf-charts svg").first).to_be_visible()
    screenshot(page, "kpi-dashboard-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "kpi-dashboard-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/training/")
    expect(page.locator("section[aria-labelledby=team-title]")).to_contain_text("林芳")
    screenshot(page, "training-manager-desktop")
    assert page.problems == []
