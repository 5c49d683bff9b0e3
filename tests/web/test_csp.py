"""The strict Content-Security-Policy holds on every page: the header allows no inline code and the
HTML carries none (SPEC §9.3)."""

import re

import pytest

from .conftest import inline_code

PAGES = [
    "/login/",
    "/customers/",
    "/customers/?grade=B&sort=name",
    "/customers/new/",
    "/customers/{customer}/",
    "/customers/{customer}/edit/",
    "/customers/{customer}/contacts/new/",
    "/contacts/{contact}/edit/",
    "/customers/{customer}/interactions/new/",
    "/needs/{need}/edit/",
    "/tasks/",
    "/search/?q=hw",
    "/customers/999999/",
]


@pytest.mark.parametrize("page", PAGES)
def test_given_any_page_then_csp_header_is_strict_and_html_has_no_inline_code(org, archive, login, page):
    client = login(None if page == "/login/" else org.rep_a)
    url = page.format(customer=archive.customer.pk, contact=archive.contact.pk, need=archive.need.pk)

    response = client.get(url)

    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert inline_code(response.content.decode()) == []


def test_given_the_checker_when_html_has_inline_code_then_it_reports_each_kind():
    html = (
        '<script>alert(1)</script><script src="/static/x.js"></script><style>p{}</style>'
        '<p style="color:red" onclick="x()">a</p><a href="javascript:go()">b</a>'
    )

    assert inline_code(html) == [
        "inline <script>",
        "script body",
        "<style> element",
        "style= on <p>",
        "onclick= on <p>",
        "javascript: URL in href on <a>",
    ]


def test_given_htmx_then_it_is_told_not_to_inject_styles_or_evaluate_code(org, login):
    html = login(org.rep_a).get("/customers/").content.decode()

    assert (
        '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, "attributesToSettle": '
        '["class", "width", "height"], "allowEval": false, "allowScriptTags": false, "historyCacheSize": 0}\'>'
    ) in html
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js" defer[^>]*></script>', html)
    assert '<script src="/static/web/app.js" defer></script>' in html
