"""The schema equals reality and is private (SECURITY API-02); the docs page works under the strict CSP."""

import re
import shutil
import typing

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from pydantic import BaseModel

from .support import API, token_client

# Served under /api/v1/ but not operations: the schema, its docs page and the JSON 404s.
NOT_OPERATIONS = {"openapi-json", "openapi-view", "api-root", "unknown-route"}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def _api_routes() -> dict[str, object]:
    """Every URL pattern under api/v1/ in the URLconf, as an OpenAPI path -> its view."""
    resolver = next(
        p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and str(p.pattern) == "api/v1/"
    )
    routes = {}
    for pattern in resolver.url_patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in NOT_OPERATIONS:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        routes[f"{API}/{path}"] = pattern.callback
    return routes


def test_every_route_in_the_urlconf_is_in_the_schema_and_back(org):
    schema = token_client(org.rep_a).get(f"{API}/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    routes = _api_routes()
    assert len(routes) == 94  # paths (153 operations); a new route means reviewing it here first
    assert set(routes) == set(schema["paths"])


def test_every_operation_declares_authentication_except_token_issue(org):
    schema = token_client(org.rep_a).get(f"{API}/openapi.json").json()
    unauthenticated = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in HTTP_METHODS and not operation.get("security")
    ]
    assert unauthenticated == [f"POST {API}/auth/token"]
    assert set(schema["components"]["securitySchemes"]) == {"BearerTokenAuth", "CsrfSessionAuth"}


def test_operation_ids_are_unique_and_every_operation_is_described(org):
    schema = token_client(org.rep_a).get(f"{API}/openapi.json").json()
    operations = [op for ops in schema["paths"].values() for op in ops.values()]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    assert [op["operationId"] for op in operations if not op.get("description")] == []
    assert {"customer_list", "customer_create", "task_complete"} <= set(ids)


def _models_in(annotation, found: dict[str, set[type]]) -> None:
    """Collect every pydantic model reachable from ``annotation``, by the name the schema gives it."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found.get(annotation.__name__, set()):
            return
        found.setdefault(annotation.__name__, set()).add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models_in(argument, found)


def test_no_two_schemas_share_a_component_name():
    # The schema names a component after its class: two classes of one name would silently document one
    # operation with the other's fields.
    from guanxi.api.urls import api

    found: dict[str, set[type]] = {}
    for _, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    _models_in(model, found)
    # The framework's per-operation wrappers (module "abc") are inlined, never components.
    ours = {name: {c for c in classes if c.__module__ != "abc"} for name, classes in found.items()}
    shared = {
        name: sorted(c.__module__ for c in classes) for name, classes in ours.items() if len(classes) > 1
    }
    assert shared == {}
    assert len(found) > 100


def test_given_anonymous_then_schema_is_401_and_docs_are_not_served(org):
    schema = Client().get(f"{API}/openapi.json")
    assert (schema.status_code, schema.json()["code"]) == (401, "not_authenticated")
    docs = Client().get(f"{API}/docs")
    assert docs.status_code in {302, 401}  # to the sign-in page when the web app has one
    assert b"swagger" not in docs.content


def test_given_session_then_docs_page_loads_local_assets_only_and_no_inline_script(org):
    client = Client()
    client.force_login(org.rep_a)
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    executable = [(attrs, body) for attrs, body in scripts if 'type="application/json"' not in attrs]
    assert [attrs.strip() for attrs, _ in executable] == [
        'src="/static/ninja/swagger-ui-bundle.js"',
        'src="/static/ninja/swagger-ui-init.js"',
    ]
    assert all(body.strip() == "" for _, body in executable)
    assert "http://" not in html and "https://" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for asset in (
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    ):
        assert client.get(asset).status_code == 200, asset


@pytest.mark.browser
def test_docs_render_in_chromium_without_csp_violations(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    from guanxi.people.models import Role

    from ..factories import UserFactory

    user = UserFactory(username="docs_reader", role=Role.DIRECTOR)
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    violations: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        context = browser.new_context()
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.on(
            "console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None
        )
        page.goto(f"{live_server.url}{API}/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=15000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        browser.close()
    assert f"{API}/customers" in [p.strip().replace("\u200b", "") for p in paths]
    assert violations == []
