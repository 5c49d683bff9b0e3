"""Fixtures for the REST API: clients that authenticate like real callers."""

import pytest
from django.test import Client

from .support import token_client


@pytest.fixture
def as_role(org):
    """Return a function giving a token client for a role of the ``org`` fixture (``anon``: no token)."""

    def _client(role: str) -> Client:
        user = org.user(role)
        return Client() if user is None else token_client(user)

    return _client
