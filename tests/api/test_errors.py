"""Every answer under /api/v1/ is JSON in one shape, whatever went wrong — never an HTML page or a trace."""

import pytest
from django.test import Client

from .support import API, token_client

SHAPE = {"code", "message", "details"}


@pytest.mark.parametrize(
    "path", ["/nothing-here", "/customers/", "/customers/abc", "/", "/customers/1/unknown"]
)
def test_given_unknown_route_then_json_404(org, path):
    response = token_client(org.rep_a).get(f"{API}{path}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "not_found", "message": "未找到相关记录。", "details": {}}


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_given_session_write_to_unknown_route_without_csrf_then_json_404_not_the_csrf_page(org, method):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.rep_a)
    response = client.generic(method, f"{API}/no-such-thing", "{}", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_given_missing_customer_then_same_404_shape_as_hidden_one(org):
    client = token_client(org.rep_a)
    missing = client.get(f"{API}/customers/987654")
    hidden = client.get(f"{API}/customers/{org.cust_c.pk}")
    assert missing.status_code == hidden.status_code == 404
    assert (
        missing.json() == hidden.json() == {"code": "not_found", "message": "未找到该客户。", "details": {}}
    )


@pytest.mark.parametrize(
    ("method", "path"), [("TRACE", "/customers"), ("PATCH", "/customers"), ("POST", "/me")]
)
def test_given_wrong_method_then_json_405_with_allow_header(org, method, path):
    response = token_client(org.rep_a).generic(method, f"{API}{path}")
    assert response.status_code == 405
    body = response.json()
    assert (set(body), body["code"]) == (SHAPE, "method_not_allowed")
    assert set(response["Allow"].split(", ")) == set(body["details"]["allowed"])
    assert method not in body["details"]["allowed"]


def test_given_unexpected_exception_then_json_500_without_stack_trace(org, monkeypatch, caplog):
    def explode(**kwargs):
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr("guanxi.api.routers.customers.customer_get_for_user", explode)
    response = token_client(org.rep_a).get(f"{API}/customers/{org.cust_a.pk}")
    assert response.status_code == 500
    assert response.json() == {"code": "server_error", "message": "服务器出错了，错误已记录。", "details": {}}
    assert b"Traceback" not in response.content
    assert b"internal detail" not in response.content
    assert "internal detail that must not leak" in caplog.text  # logged for the operators instead


def test_given_no_credentials_then_json_401_with_www_authenticate(org):
    response = Client().delete(f"{API}/customers/{org.cust_a.pk}")
    assert response.status_code == 401
    assert set(response.json()) == SHAPE
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_given_english_token_user_then_content_language_is_english(org):
    org.rep_a.language = "en"
    org.rep_a.save()
    response = token_client(org.rep_a).get(f"{API}/customers/{org.cust_c.pk}")
    assert response.json()["message"] == "Customer not found."
    assert response["Content-Language"] == "en"
