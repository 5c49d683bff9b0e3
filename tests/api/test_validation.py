"""Bad input is refused with 422, field details and a message in the caller's language; nothing is saved."""

import pytest
from django.test import Client

from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import Interaction, Task

from ..factories import UserFactory
from .support import API, token_client

# (path, payload, field, Chinese fragment, English fragment)
BAD_INPUT = [
    (
        "/customers",
        {"name": "甲公司", "credit_code": "91350100M000100Y4A"},
        "credit_code",
        "校验位",
        "check character",
    ),
    ("/customers", {"short_name": "甲"}, "name", "必填", "required"),
    ("/customers", {"name": "长" * 121}, "name", "120", "at most 120 characters"),
    (
        "/customers",
        {"name": "甲", "needs_summary": "长" * 5001},
        "needs_summary",
        "5000",
        "at most 5000 characters",
    ),
    ("/customers", {"name": "甲", "grade": "S"}, "grade", "有效的选项", "valid choice"),
    ("/customers", {"name": "甲", "score_loyalty": 6}, "score_loyalty", "5", "less than or equal to 5"),
    ("/customers", {"name": "甲", "founded_on": "2024-13-45"}, "founded_on", "日期", "valid date"),
    (
        "/contacts",
        {"customer_id": "{cust_a}", "name": "王", "mobile": "12345"},
        "mobile",
        "电话",
        "phone number",
    ),
    (
        "/contacts",
        {"customer_id": "{cust_a}", "name": "王", "email": "not-an-email"},
        "email",
        "Email 地址",
        "email",
    ),
    ("/interactions", {"customer_id": "{cust_a}", "channel": "phone"}, "topic", "必填", "required"),
    (
        "/interactions",
        {
            "customer_id": "{cust_a}",
            "channel": "phone",
            "topic": "x",
            "action_items": [{"title": "", "due_on": "x"}],
        },
        "action_items.0.title",
        "不能为空",
        "cannot be blank",
    ),
    ("/tasks", {"title": "跟进", "due_on": "not a date"}, "due_on", "日期", "valid date"),
]

ALL_MODELS = (Customer, Contact, Interaction, Task)


def _payload(payload: dict, org) -> dict:
    return {k: (org.cust_a.pk if v == "{cust_a}" else v) for k, v in payload.items()}


@pytest.mark.parametrize(("path", "payload", "field", "zh", "en"), BAD_INPUT)
def test_given_bad_input_when_default_language_then_422_chinese_details_and_nothing_saved(
    org, path, payload, field, zh, en
):
    counts = [m.all_objects.count() for m in ALL_MODELS]
    response = token_client(org.rep_a).post(
        f"{API}{path}", _payload(payload, org), content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert zh in " ".join(body["details"][field])
    assert body["message"] in [m for messages in body["details"].values() for m in messages]
    assert response["Content-Language"] == "zh-hans"
    assert [m.all_objects.count() for m in ALL_MODELS] == counts


@pytest.mark.parametrize(("path", "payload", "field", "zh", "en"), BAD_INPUT)
def test_given_bad_input_from_english_user_then_english_details(org, path, payload, field, zh, en):
    english_rep = UserFactory(username="rep_en", team=org.team_1, language="en")
    org.cust_a.collaborators.add(english_rep)
    response = token_client(english_rep).post(
        f"{API}{path}", _payload(payload, org), content_type="application/json"
    )
    assert response.status_code == 422
    assert en in " ".join(response.json()["details"][field])
    assert response["Content-Language"] == "en"


def test_given_english_user_with_session_then_english_errors(org):
    english_rep = UserFactory(username="rep_en", team=org.team_1, language="en")
    client = Client()
    client.force_login(english_rep)
    response = client.post(f"{API}/customers", {}, content_type="application/json")
    assert response.json()["details"] == {"name": ["This field is required."]}


def test_given_anonymous_caller_then_chinese_401(org):
    response = Client().get(f"{API}/customers")
    assert response.json() == {
        "code": "not_authenticated",
        "message": "请先登录，或提供有效的 API 令牌（Authorization: Bearer …）。",
        "details": {},
    }


def test_given_invalid_query_parameters_then_422_with_field_names(org):
    response = token_client(org.rep_a).get(f"{API}/customers", {"page": "0", "page_size": "x", "grade": "Z"})
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"page", "page_size", "grade"}


def test_given_body_that_is_not_json_then_400_invalid_json(org):
    response = token_client(org.rep_a).post(f"{API}/customers", "{name:", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"


def test_given_body_that_is_a_list_then_422(org):
    response = token_client(org.rep_a).post(f"{API}/customers", [1, 2], content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["__all__"]


def test_given_interaction_in_the_future_then_422_and_nothing_saved(org):
    before = Interaction.all_objects.count()
    response = token_client(org.rep_a).post(
        f"{API}/interactions",
        {
            "customer_id": org.cust_a.pk,
            "channel": "phone",
            "topic": "x",
            "occurred_at": "2999-01-01T10:00:00",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["occurred_at"]
    assert Interaction.all_objects.count() == before
