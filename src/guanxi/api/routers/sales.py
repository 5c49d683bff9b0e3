"""The sales endpoints of the API."""

from ninja import Router

router = Router()
