"""Authentication pathways of the API (SECURITY AUTHN-05): personal tokens and the browser session."""

import hashlib

import pytest
from django.conf import settings
from django.test import Client

from guanxi.customers.models import Customer
from guanxi.governance.models import AuditEvent
from guanxi.people.models import ApiToken

from ..factories import TEST_PASSWORD
from .support import API, token_client

CSRF_SECRET = "a" * 32


def _issue(username: str, password: str = TEST_PASSWORD, **extra):
    return Client().post(
        f"{API}/auth/token",
        {"username": username, "password": password, **extra},
        content_type="application/json",
    )


def test_given_right_credentials_when_issuing_token_then_it_works_is_stored_hashed_and_revocation_ends_it(
    org,
):
    response = _issue("rep_a", name="laptop")
    assert response.status_code == 201
    raw = response.json()["token"]
    assert raw.startswith("gx_")
    assert response.json()["name"] == "laptop"

    stored = ApiToken.objects.get(user=org.rep_a)
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.key_hash, stored.prefix, stored.name}
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert AuditEvent.objects.filter(action="api_token_create", actor=org.rep_a).count() == 1

    client = Client(headers={"authorization": f"Bearer {raw}"})
    assert client.get(f"{API}/me").json()["username"] == "rep_a"

    assert client.delete(f"{API}/auth/token").status_code == 204
    assert ApiToken.objects.get(pk=stored.pk).revoked_at is not None
    after = client.get(f"{API}/me")
    assert after.status_code == 401
    assert after.json()["code"] == "not_authenticated"
    assert AuditEvent.objects.filter(action="api_token_revoke", actor=org.rep_a).count() == 1


def test_given_wrong_password_unknown_user_or_inactive_user_then_identical_401_and_no_token(org):
    org.rep_b.is_active = False
    org.rep_b.save()
    wrong_password = _issue("rep_a", "not the password at all")
    unknown_user = _issue("nobody_here", "not the password at all")
    inactive_user = _issue("rep_b")
    assert wrong_password.status_code == unknown_user.status_code == inactive_user.status_code == 401
    assert wrong_password.content == unknown_user.content == inactive_user.content
    assert wrong_password.json() == {
        "code": "invalid_credentials",
        "message": "用户名或密码错误。",
        "details": {},
    }
    assert ApiToken.objects.count() == 0


def test_given_token_of_user_who_became_inactive_when_calling_then_401(org):
    client = token_client(org.rep_a)
    assert client.get(f"{API}/me").status_code == 200
    org.rep_a.is_active = False
    org.rep_a.save()
    response = client.get(f"{API}/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="guanxi"'


def test_given_session_of_user_who_became_inactive_when_calling_then_401(org):
    client = Client()
    client.force_login(org.rep_a)
    assert client.get(f"{API}/me").status_code == 200
    org.rep_a.is_active = False
    org.rep_a.save()
    assert client.get(f"{API}/me").status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer gx_not-a-real-token", "Bearer ", "Token abc", "Bearer " + "x" * 500]
)
def test_given_bad_authorization_header_when_calling_then_401(org, header):
    response = Client(headers={"authorization": header}).get(f"{API}/customers")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_given_token_when_asking_me_then_profile_without_secrets(org):
    org.rep_a.display_name = "张三"
    org.rep_a.save()
    body = token_client(org.rep_a).get(f"{API}/me").json()
    assert body == {
        "id": org.rep_a.pk,
        "username": "rep_a",
        "display_name": "张三",
        "role": "rep",
        "team": {"id": org.team_1.pk, "name": "华东组"},
        "language": "zh-hans",
        "calendar_feed_url": None,  # no calendar feed made yet
    }


def test_given_session_without_csrf_token_when_writing_then_403_and_nothing_created(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.rep_a)
    before = Customer.all_objects.count()
    response = client.post(f"{API}/customers", {"name": "甲公司"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert Customer.all_objects.count() == before


def test_given_session_with_csrf_token_when_writing_then_created(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.rep_a)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    response = client.post(
        f"{API}/customers",
        {"name": "甲公司"},
        content_type="application/json",
        headers={"x-csrftoken": CSRF_SECRET},
    )
    assert response.status_code == 201
    assert Customer.objects.get(pk=response.json()["id"]).owner == org.rep_a


def test_given_token_when_writing_without_csrf_then_accepted(org):
    # A bearer token is not sent by browsers on their own, so CSRF does not apply to it.
    client = token_client(org.rep_a)
    client.handler.enforce_csrf_checks = True
    response = client.post(f"{API}/customers", {"name": "甲公司"}, content_type="application/json")
    assert response.status_code == 201


def test_given_anonymous_write_when_csrf_is_enforced_then_401_not_403(org):
    response = Client(enforce_csrf_checks=True).post(
        f"{API}/customers", {"name": "甲"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_given_revoke_with_session_instead_of_token_then_401(org):
    client = Client()
    client.force_login(org.rep_a)
    assert client.delete(f"{API}/auth/token").status_code == 401


def test_given_api_write_then_audit_row_carries_request_id_ip_and_user_agent(org):
    client = token_client(org.rep_a)
    response = client.post(
        f"{API}/customers",
        {"name": "甲公司"},
        content_type="application/json",
        headers={"user-agent": "guanxi-cli/1"},
    )
    event = AuditEvent.objects.get(
        action="create", object_type="customer", object_id=str(response.json()["id"])
    )
    assert (event.actor, event.request_id, event.client_ip, event.user_agent) == (
        org.rep_a,
        response["X-Request-ID"],
        "127.0.0.1",
        "guanxi-cli/1",
    )
