import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages():
    """Assert on the English messages (Chinese is the product's default language)."""
    with translation.override("en"):
        yield
