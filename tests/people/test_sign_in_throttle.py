"""SECURITY AUTHN-02: failed sign-ins slow down guessing without letting anyone lock a colleague out."""

import datetime
import json
import re
from unittest import mock

import pytest
import time_machine
from django.contrib.auth.backends import ModelBackend
from django.test import Client
from django.utils import timezone

from guanxi.people.models import SignInFailure

from ..factories import TEST_PASSWORD, UserFactory

LOGIN = "/login/"
TOKEN = "/api/v1/auth/token"
IP1, IP2 = "10.0.0.1", "10.0.0.2"


def sign_in(username: str, password: str, ip: str = IP1):
    client = Client(REMOTE_ADDR=ip)
    return client.post(LOGIN, {"username": username, "password": password}), client


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def errors(response) -> list[str]:
    return re.findall(r'class="alert alert-error"[^>]*>(.*?)</p>', response.content.decode(), flags=re.S)


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


def test_the_twelfth_attempt_is_blocked_even_with_the_right_password_but_not_from_elsewhere(alice):
    for _ in range(11):
        response, client = sign_in("alice", "wrong password")
        assert response.status_code == 200 and not signed_in(client)
    response, client = sign_in("alice", TEST_PASSWORD)
    assert not signed_in(client)
    page = response.content.decode()
    assert "登录失败次数过多" in page or "Too many failed sign-ins" in page

    response, client = sign_in("alice", TEST_PASSWORD, ip=IP2)
    assert response.status_code == 302 and signed_in(client)


def test_after_the_cool_off_the_right_password_works_and_clears_the_count(alice):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(11):
            sign_in("alice", "wrong password")
        assert not signed_in(sign_in("alice", TEST_PASSWORD)[1])
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        response, client = sign_in("alice", TEST_PASSWORD)
        assert response.status_code == 302 and signed_in(client)
    assert not SignInFailure.objects.filter(ip_address=IP1).exists()


def test_blocked_attempts_are_not_counted_so_the_block_ends(alice):
    for _ in range(11):
        sign_in("alice", "wrong password")
    for _ in range(5):
        sign_in("alice", "wrong password")
    assert SignInFailure.objects.count() == 11


def test_rotating_addresses_reach_the_password_check_at_most_100_times_an_hour(alice):
    checked = mock.Mock(wraps=ModelBackend.authenticate)
    with mock.patch.object(ModelBackend, "authenticate", autospec=True, side_effect=checked):
        for number in range(150):
            sign_in("alice", "wrong password", ip=f"10.1.{number // 250}.{number % 250 + 1}")
    assert checked.call_count == 100


def test_one_address_guessing_many_usernames_is_stopped(db):
    for number in range(60):
        sign_in(f"user{number}", "wrong password", ip="10.9.9.9")
    assert SignInFailure.objects.filter(ip_address="10.9.9.9").count() == 50


def test_wrong_password_and_unknown_user_get_the_same_answer(alice):
    wrong, _ = sign_in("alice", "wrong password")
    unknown, _ = sign_in("nobody-here", "wrong password", ip=IP2)
    assert wrong.status_code == unknown.status_code == 200
    assert errors(wrong) == errors(unknown) != []
    assert wrong.templates[0].name == unknown.templates[0].name


def test_the_token_endpoint_is_throttled_the_same_way(alice):
    client = Client(REMOTE_ADDR=IP1)

    def token(username, password):
        body = {"username": username, "password": password, "name": "cli"}
        return client.post(TOKEN, json.dumps(body), content_type="application/json")

    wrong = token("alice", "wrong password")
    unknown = token("nobody-here", "wrong password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    for _ in range(10):
        token("alice", "wrong password")
    blocked = token("alice", TEST_PASSWORD)
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "sign_in_blocked"
    assert (
        Client(REMOTE_ADDR=IP2)
        .post(
            TOKEN,
            json.dumps({"username": "alice", "password": TEST_PASSWORD, "name": "cli"}),
            content_type="application/json",
        )
        .status_code
        == 201
    )


def test_the_attempted_username_is_not_stored_in_clear(alice):
    sign_in("my secret passphrase", "wrong password")
    failure = SignInFailure.objects.get()
    assert "secret" not in failure.username_digest and len(failure.username_digest) == 64


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(alice, settings):
    settings.GUANXI_TRUSTED_PROXIES = ["127.0.0.1"]
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.5.5.5")
    client.post(LOGIN, {"username": "alice", "password": "wrong password"})
    assert SignInFailure.objects.get().ip_address == "10.5.5.5"
    # An untrusted peer's header is ignored: it could name any address.
    Client(REMOTE_ADDR="10.7.7.7", HTTP_X_FORWARDED_FOR="1.2.3.4").post(
        LOGIN, {"username": "alice", "password": "wrong password"}
    )
    assert SignInFailure.objects.filter(ip_address="10.7.7.7").exists()


def test_the_three_windows_are_counted_in_one_query(alice, django_assert_num_queries):
    from django.test import RequestFactory

    from guanxi.people.throttle import sign_in_blocked, username_digest

    now = timezone.now()
    digest = username_digest("alice")
    request = RequestFactory().post(LOGIN, REMOTE_ADDR=IP1)
    # 99 failures of this username from elsewhere, older than the cool-off but within the hour.
    SignInFailure.objects.bulk_create(
        SignInFailure(username_digest=digest, ip_address=IP2, at=now - datetime.timedelta(minutes=40))
        for _ in range(99)
    )
    # Too old for any window.
    SignInFailure.objects.create(username_digest=digest, ip_address=IP1, at=now - datetime.timedelta(hours=2))
    with django_assert_num_queries(1):
        assert not sign_in_blocked(request, "alice")
    SignInFailure.objects.create(
        username_digest=digest, ip_address=IP2, at=now - datetime.timedelta(minutes=50)
    )
    with django_assert_num_queries(1):
        assert sign_in_blocked(request, "Alice ")
    assert not sign_in_blocked(request, "bob")
