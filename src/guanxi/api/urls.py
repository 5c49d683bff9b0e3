"""The REST API at ``/api/v1/`` (SPEC §5.3): its routers, mounted by ``guanxi.config.urls``."""

from .application import GuanxiAPI
from .routers import (
    contacts,
    customers,
    engagement,
    events,
    insights,
    interactions,
    keyaccounts,
    people,
    performance,
    relationship,
    sales,
    tasks,
    visits,
)

api = GuanxiAPI(
    title="guanxi API",
    version="1",
    urls_namespace="api",
    description=(
        "The guanxi sales CRM. Authenticate with a personal token (`POST /auth/token`, then "
        "`Authorization: Bearer …`) or the browser session (send `X-CSRFToken` on writes). Reads carry "
        '`ETag: "v<version>"`; PUT, PATCH and DELETE require `If-Match` with that value. Errors are '
        '`{"code", "message", "details"}`.'
    ),
)
api.add_router("", people.router)
api.add_router("", customers.router)
api.add_router("", contacts.router)
api.add_router("", interactions.router)
api.add_router("", tasks.router)
api.add_router("", relationship.router)
api.add_router("", engagement.router)
api.add_router("", events.router)
api.add_router("", insights.router)
api.add_router("", sales.router)
api.add_router("", visits.router)
api.add_router("", keyaccounts.router)
api.add_router("", performance.router)
