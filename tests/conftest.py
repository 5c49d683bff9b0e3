"""Shared fixtures: an organisation with every role of SECURITY.md's test vocabulary.

team 1: mgr_1 (manager), rep_a, rep_b; team 2: mgr_2, rep_c; plus director, archivist, sysadmin.
Customers: cust_a (owned by rep_a), cust_c (owned by rep_c).
"""

import os
from dataclasses import dataclass

import pytest
from django.test import Client

from guanxi.customers.models import Customer
from guanxi.people.models import Role, Team, User

from .factories import TEST_PASSWORD, CustomerFactory, TeamFactory, UserFactory


def pytest_collection_modifyitems(config, items):
    """Skip PostgreSQL-only tests on SQLite runs."""
    from django.conf import settings

    vendor_is_pg = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    for item in items:
        if "postgres_only" in item.keywords and not vendor_is_pg:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))


@dataclass
class Org:
    team_1: Team
    team_2: Team
    mgr_1: User
    mgr_2: User
    rep_a: User
    rep_b: User
    rep_c: User
    director: User
    archivist: User
    sysadmin: User
    cust_a: Customer
    cust_c: Customer

    def user(self, name: str) -> User | None:
        return None if name == "anon" else getattr(self, name)


@pytest.fixture
def org(db) -> Org:
    root = TeamFactory(name="销售部")
    team_1 = TeamFactory(name="华东组", parent=root)
    team_2 = TeamFactory(name="华南组", parent=root)
    mgr_1 = UserFactory(username="mgr_1", role=Role.MANAGER, team=team_1)
    mgr_2 = UserFactory(username="mgr_2", role=Role.MANAGER, team=team_2)
    team_1.manager = mgr_1
    team_1.save()
    team_2.manager = mgr_2
    team_2.save()
    rep_a = UserFactory(username="rep_a", team=team_1)
    rep_b = UserFactory(username="rep_b", team=team_1)
    rep_c = UserFactory(username="rep_c", team=team_2)
    director = UserFactory(username="director", role=Role.DIRECTOR, team=root)
    archivist = UserFactory(username="archivist", role=Role.ARCHIVIST, team=root)
    sysadmin = UserFactory(username="sysadmin", role=Role.ADMIN, team=root)
    cust_a = CustomerFactory(name="华为技术有限公司", owner=rep_a)
    cust_c = CustomerFactory(name="腾讯科技有限公司", owner=rep_c)
    return Org(
        team_1, team_2, mgr_1, mgr_2, rep_a, rep_b, rep_c, director, archivist, sysadmin, cust_a, cust_c
    )


@pytest.fixture
def login(client):
    """Return a function that logs a role into a fresh test client (``anon`` stays anonymous)."""

    def _login(user: User | None) -> Client:
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return _login


# Roles and whether they see cust_a (owned by rep_a in team 1).
SEES_CUST_A = {
    "anon": False,
    "rep_a": True,
    "rep_b": False,
    "rep_c": False,
    "mgr_1": True,
    "mgr_2": False,
    "director": True,
    "archivist": True,
    "sysadmin": False,
}

__all__ = ["SEES_CUST_A", "TEST_PASSWORD", "Org"]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
