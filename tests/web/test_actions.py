"""One-click POST actions: the outcome reaches the next page as one message, and the view learns it."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from guanxi.core.errors import NotFound, ValidationFailed, VersionConflict
from guanxi.keyaccounts.models import AccountPlan
from guanxi.visits import services as visit_services
from guanxi.visits.models import PlanStatus
from guanxi.web.actions import run_action

from ..keyaccounts.factories import make_plan

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def _request():
    request = RequestFactory().post("/")
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _messages(request) -> list[tuple[int, str]]:
    return [(m.level, str(m)) for m in get_messages(request)]


def _describe(error) -> str:
    return f"refused: {error.message}"


def test_success_shows_the_message_and_reports_true():
    request = _request()
    done = run_action(request, lambda: 3, success="Saved.", refused=(ValidationFailed,), describe=_describe)
    assert done is True
    assert _messages(request) == [(constants.SUCCESS, "Saved.")]


def test_success_message_can_use_what_the_action_returned():
    request = _request()
    run_action(
        request,
        lambda: ["a", "b"],
        success=lambda created: f"Invited: {len(created)}.",
        refused=(ValidationFailed,),
        describe=_describe,
    )
    assert _messages(request) == [(constants.SUCCESS, "Invited: 2.")]


def test_refused_action_shows_the_described_error_and_reports_false():
    def refuse() -> None:
        raise VersionConflict("stale")

    request = _request()
    done = run_action(
        request,
        refuse,
        success="Saved.",
        refused=(ValidationFailed, VersionConflict),
        describe=_describe,
    )
    assert done is False
    assert _messages(request) == [(constants.ERROR, "refused: stale")]


def test_errors_not_listed_as_refusals_are_left_to_the_caller():
    def missing() -> None:
        raise NotFound("gone")

    request = _request()
    with pytest.raises(NotFound):
        run_action(request, missing, success="Saved.", refused=(ValidationFailed,), describe=_describe)
    assert _messages(request) == []


@pytest.mark.django_db
def test_submitting_an_empty_visit_plan_is_refused_with_a_message(org, login):
    with time_machine.travel(datetime.datetime(2026, 3, 20, 10, 0, tzinfo=TZ), tick=False):
        plan = visit_services.plan_create(actor=org.rep_a, month=datetime.date(2026, 4, 1))
        response = login(org.rep_a).post(f"/visits/{plan.pk}/submit/", {"version": plan.version})
    assert response.status_code == 302 and response["Location"] == f"/visits/{plan.pk}/"
    assert [m.level for m in get_messages(response.wsgi_request)] == [constants.ERROR]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


@pytest.mark.django_db
def test_deleting_an_account_plan_with_a_stale_version_keeps_it_and_stays_on_it(org, login):
    plan = make_plan(actor=org.rep_a, customer=org.cust_a)
    response = login(org.rep_a).post(f"/key-accounts/plans/{plan.pk}/delete/", {"version": plan.version - 1})
    assert response.status_code == 302 and response["Location"] == f"/key-accounts/plans/{plan.pk}/"
    assert [m.level for m in get_messages(response.wsgi_request)] == [constants.ERROR]
    assert AccountPlan.objects.filter(pk=plan.pk).exists()
    response = login(org.rep_a).post(f"/key-accounts/plans/{plan.pk}/delete/", {"version": plan.version})
    assert response.status_code == 302 and response["Location"] == "/key-accounts/"
    assert [m.level for m in get_messages(response.wsgi_request)] == [constants.SUCCESS]
