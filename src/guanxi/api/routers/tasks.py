"""Tasks (待办): yours, and those on the customers you can see."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.errors import ValidationFailed
from guanxi.engagement.models import Task
from guanxi.engagement.selectors import task_get_for_user, task_list
from guanxi.engagement.services import task_complete, task_create, task_delete, task_snooze, task_update
from guanxi.governance.scope import can_own_customers
from guanxi.people.models import User

from ..auth import AuthedRequest
from ..conditional import expected_version, optional_expected_version, set_etag
from ..errors import register_conflict_renderer
from ..idempotency import OPENAPI as IDEMPOTENCY
from ..idempotency import idempotent_create
from ..pagination import PageQuery, paginate
from ..references import contact_ref, customer_ref, user_ref
from ..schemas.common import Page, error_responses
from ..schemas.engagement import (
    TaskCompleteIn,
    TaskCreateIn,
    TaskIn,
    TaskListQuery,
    TaskOut,
    TaskPatchIn,
    TaskSnoozeIn,
)

router = Router(tags=["tasks"])

register_conflict_renderer(Task, lambda task, user: TaskOut.from_orm(task).model_dump(mode="json"))

WRITE_ERRORS = error_responses(400, 403, 404, 412, 422, 428)
ACTION_ERRORS = error_responses(400, 403, 404, 412, 422)


def _task_owner(actor: User, owner_id: int) -> User:
    """The owner a task may be given: yourself, or someone you may hand customers to."""
    owner = user_ref(owner_id, "owner_id")
    if owner.pk != actor.pk and not can_own_customers(actor, owner):
        message = _("You cannot give a task to that user.")
        raise ValidationFailed(message, code="owner_not_allowed", details={"owner_id": [message]})
    return owner


@router.get("/tasks", response={200: Page[TaskOut], **error_responses(422)})
def task_list_endpoint(
    request: AuthedRequest, filters: Query[TaskListQuery], paging: Query[PageQuery]
) -> dict:
    """Your tasks (``mine=false``: also those on the customers you can see), soonest due first."""
    queryset = task_list(
        user=request.auth,
        mine=filters.mine,
        status=filters.status,
        customer_id=filters.customer_id,
        q=filters.q,
    )
    return paginate(queryset, paging)


@router.post("/tasks", response={201: TaskOut, **error_responses(400, 409, 422)}, openapi_extra=IDEMPOTENCY)
def task_create_endpoint(request: AuthedRequest, payload: TaskCreateIn, response: HttpResponse) -> Status:
    """Create a task, optionally about a customer and one of its contacts."""

    def create() -> dict:
        task = task_create(actor=request.auth, data=_task_data(request.auth, payload))
        set_etag(response, task)
        response["Location"] = reverse("api:task_detail", kwargs={"task_id": task.pk})
        return TaskOut.from_orm(task).model_dump(mode="json")

    return Status(*idempotent_create(request, response, payload.model_dump(mode="json"), create))


def _task_data(user: User, payload: TaskCreateIn) -> dict:
    data = payload.model_dump(exclude={"customer_id", "contact_id", "owner_id"})
    data["owner"] = _task_owner(user, payload.owner_id) if payload.owner_id is not None else user
    if payload.customer_id is not None:
        data["customer"] = customer_ref(user, payload.customer_id)
    if payload.contact_id is not None:
        contact = contact_ref(user, payload.contact_id)
        if payload.customer_id is not None and contact.customer_id != payload.customer_id:
            message = _("Choose a contact of this customer.")
            raise ValidationFailed(message, details={"contact_id": [message]})
        data["contact"] = contact
        data.setdefault("customer", contact.customer)
    return data


@router.get("/tasks/{int:task_id}", url_name="task_detail", response={200: TaskOut, **error_responses(404)})
def task_get_endpoint(request: AuthedRequest, task_id: int, response: HttpResponse) -> Task:
    """One task; the ``ETag`` names its version for a later ``If-Match``."""
    task = task_get_for_user(user=request.auth, pk=task_id)
    set_etag(response, task)
    return task


@router.put("/tasks/{int:task_id}", response={200: TaskOut, **WRITE_ERRORS})
def task_replace_endpoint(
    request: AuthedRequest, task_id: int, payload: TaskIn, response: HttpResponse
) -> Task:
    """Replace the writable fields (``owner_id`` left out: unchanged). Requires ``If-Match``."""
    return _update(request, task_id, payload.model_dump(), response)


@router.patch("/tasks/{int:task_id}", response={200: TaskOut, **WRITE_ERRORS})
def task_patch_endpoint(
    request: AuthedRequest, task_id: int, payload: TaskPatchIn, response: HttpResponse
) -> Task:
    """Change only the fields given. Requires ``If-Match``."""
    return _update(request, task_id, payload.model_dump(exclude_unset=True), response)


def _update(request: AuthedRequest, task_id: int, data: dict, response: HttpResponse) -> Task:
    version = expected_version(request)
    task = task_get_for_user(user=request.auth, pk=task_id)
    owner_id = data.pop("owner_id", None)
    if owner_id is not None:
        data["owner"] = user_ref(owner_id, "owner_id")
    task = task_update(actor=request.auth, task=task, data=data, expected_version=version)
    set_etag(response, task)
    return task


@router.delete("/tasks/{int:task_id}", response={204: None, **WRITE_ERRORS})
def task_delete_endpoint(request: AuthedRequest, task_id: int) -> Status:
    """Move a task to the recycle bin. Requires ``If-Match``."""
    version = expected_version(request)
    task = task_get_for_user(user=request.auth, pk=task_id)
    task_delete(actor=request.auth, task=task, expected_version=version)
    return Status(204, None)


@router.post("/tasks/{int:task_id}/complete", response={200: TaskOut, **ACTION_ERRORS})
def task_complete_endpoint(
    request: AuthedRequest, task_id: int, payload: TaskCompleteIn, response: HttpResponse
) -> Task:
    """Close a task with what came of it (``If-Match`` honoured when sent)."""
    version = optional_expected_version(request)
    task = task_get_for_user(user=request.auth, pk=task_id)
    task = task_complete(actor=request.auth, task=task, result=payload.result, expected_version=version)
    set_etag(response, task)
    return task


@router.post("/tasks/{int:task_id}/snooze", response={200: TaskOut, **ACTION_ERRORS})
def task_snooze_endpoint(
    request: AuthedRequest, task_id: int, payload: TaskSnoozeIn, response: HttpResponse
) -> Task:
    """Move an open task to a later day (``If-Match`` honoured when sent)."""
    version = optional_expected_version(request)
    task = task_get_for_user(user=request.auth, pk=task_id)
    task = task_snooze(actor=request.auth, task=task, until=payload.until, expected_version=version)
    set_etag(response, task)
    return task
