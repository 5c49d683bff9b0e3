"""Chromium through Playwright's sync API, against pytest-django's live server.

Besides the browser fixtures: the demo organisation's sales department (``sales_department``), a factory
adding a person to one of its teams (``add_member``) and signing in and out through the real forms.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from guanxi.people.models import Role, Team, User
from guanxi.people.services import team_create, user_create

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
PASSWORD = "browser-suite-passphrase-42"


@pytest.fixture(scope="session")
def browser() -> Iterator:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator:
    """A fresh browser tab; ``page.problems`` collects script errors and Content-Security-Policy refusals."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            page.problems.append(f"{page.url} {message.location} {message.text[:60]}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Return a function saving a full-page screenshot as artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


@dataclass(frozen=True)
class SalesDepartment:
    sales: Team
    east: Team
    south: Team
    manager1: User
    manager2: User


@pytest.fixture
def sales_department(transactional_db) -> SalesDepartment:
    """销售部 with 华东一组 led by manager1 (周经理) and 华南二组 led by manager2 (吴经理), as in the demo."""
    sales = team_create(name="销售部")
    east = team_create(name="华东一组", parent=sales)
    south = team_create(name="华南二组", parent=sales)
    manager1 = add_member(east, "manager1", "周经理", role=Role.MANAGER)
    manager2 = add_member(south, "manager2", "吴经理", role=Role.MANAGER)
    east.manager, south.manager = manager1, manager2
    east.save()
    south.save()
    return SalesDepartment(sales, east, south, manager1, manager2)


def add_member(team: Team, username: str, display_name: str, *, role: str = Role.REP) -> User:
    """Add a person (a rep unless told otherwise) to ``team``, signing in with the suite's password."""
    return user_create(username=username, password=PASSWORD, role=role, team=team, display_name=display_name)


def sign_in(page, live_server, username: str) -> None:
    """Sign ``username`` in through the login form; everybody lands on today's page."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r"/today/$"))
    expect(page.locator(".mainnav")).to_be_visible()


def sign_out(page) -> None:
    """Sign out through the user menu and wait for the login page."""
    page.click("details.usermenu summary")
    page.click("form[action='/logout/'] button")
    page.wait_for_url(re.compile(r"/login/$"))
