"""Helpers shared by the API tests."""

from django.test import Client

from guanxi.people.models import User
from guanxi.people.services import api_token_create

API = "/api/v1"


def token_client(user: User) -> Client:
    """A client that sends a fresh personal token of ``user`` on every request."""
    _, raw = api_token_create(user=user, name="tests")
    return Client(headers={"authorization": f"Bearer {raw}"})


def if_match(version: int) -> dict[str, str]:
    return {"if-match": f'"v{version}"'}
