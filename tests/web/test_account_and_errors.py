"""Signing in and out, the language switch, and the error pages."""

from django.contrib.sessions.models import Session
from django.test import Client
from django.views.defaults import server_error

from guanxi.people.models import User

from ..factories import TEST_PASSWORD


def test_given_anonymous_when_opening_login_then_chinese_page_with_django_labels(db):
    html = Client().get("/login/").content.decode()

    assert '<html lang="zh-hans">' in html
    assert "用户名" in html
    assert "密码" in html


def test_given_right_password_when_signing_in_then_the_today_page(org):
    client = Client()

    response = client.post("/login/", {"username": "rep_a", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == "/today/"


def test_given_wrong_password_when_signing_in_then_error_and_no_session(org):
    response = Client().post("/login/", {"username": "rep_a", "password": "wrong password 123"})

    assert response.status_code == 200
    assert 'class="alert alert-error"' in response.content.decode()
    assert Session.objects.count() == 0


def test_given_signed_in_when_signing_out_by_post_then_session_ends(org, login):
    client = login(org.rep_a)

    refused = client.get("/logout/")
    response = client.post("/logout/")

    assert refused.status_code == 405
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert Session.objects.count() == 0
    assert client.get("/customers/").status_code == 302


def test_given_user_when_switching_to_english_then_stored_and_pages_follow(org, login):
    client = login(org.rep_a)

    response = client.post("/language/", {"language": "en", "next": "/tasks/"})

    assert (response.status_code, response["Location"]) == (302, "/tasks/")
    assert User.objects.get(pk=org.rep_a.pk).language == "en"
    html = client.get("/tasks/").content.decode()
    assert '<html lang="en">' in html
    assert ">My tasks" in html


def test_given_unknown_language_or_foreign_next_then_refused_or_sent_home(org, login):
    client = login(org.rep_a)

    unknown = client.post("/language/", {"language": "fr"})
    foreign = client.post("/language/", {"language": "en", "next": "https://evil.example/"})

    assert unknown.status_code == 400
    assert (foreign.status_code, foreign["Location"]) == (302, "/")


def test_given_missing_page_then_404_in_the_layout_without_details(org, login):
    response = login(org.rep_a).get("/customers/424242/")

    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="error-page"' in html
    assert 'id="nav-task-count"' in html
    assert "Traceback" not in html
    assert "Customer not found" not in html


def test_given_server_error_then_500_page_needs_no_context(rf, db):
    response = server_error(rf.get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert 'class="error-code">500</p>' in html
    assert "/static/web/app.css" in html
    assert "Traceback" not in html


def test_given_form_without_csrf_token_then_403_page_in_the_layout(org):
    response = Client(enforce_csrf_checks=True).post(
        "/login/", {"username": "rep_a", "password": TEST_PASSWORD}
    )

    html = response.content.decode()
    assert response.status_code == 403
    assert 'class="error-page"' in html
    assert "/static/web/app.css" in html
