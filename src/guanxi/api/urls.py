"""The REST API at ``/api/v1/`` (SPEC §5.3): its routers, mounted by ``guanxi.config.urls``."""

from .application import GuanxiAPI
from .routers import contacts, customers, interactions, people, relationship, tasks

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
