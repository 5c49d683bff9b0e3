"""The sales pages of the web interface (names live in the ``web`` namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
