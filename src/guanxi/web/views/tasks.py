"""My tasks: open tasks by urgency, completed with a result or snoozed to another day."""

import datetime
from collections.abc import Iterable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.core.errors import ValidationFailed, VersionConflict
from guanxi.engagement.models import Task
from guanxi.engagement.selectors import task_get_for_user, task_list
from guanxi.engagement.services import task_complete, task_snooze

from ..decorators import member_view
from ..forms.engagement import TaskCompleteForm, TaskSnoozeForm
from ..http import MemberRequest, vary_on_htmx, wants_fragment

GROUPS_ID = "task-groups"


def _group(tasks: Iterable[Task], today: datetime.date) -> list[dict]:
    groups: dict[str, dict] = {
        "overdue": {"key": "overdue", "title": _("Overdue"), "tasks": []},
        "today": {"key": "today", "title": _("Today"), "tasks": []},
        "later": {"key": "later", "title": _("Later"), "tasks": []},
    }
    for task in tasks:
        key = "overdue" if task.due_on < today else "today" if task.due_on == today else "later"
        groups[key]["tasks"].append(task)
    return list(groups.values())


def _tasks_page(request: MemberRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "groups": _group(task_list(user=request.user, mine=True, status="open"), today),
        "today": today,
        "tomorrow": today + datetime.timedelta(days=1),
    }
    template = "web/tasks/_groups.html" if wants_fragment(request, GROUPS_ID) else "web/tasks/list.html"
    return vary_on_htmx(render(request, template, context))


@require_GET
@member_view
def task_list_page(request: MemberRequest) -> HttpResponse:
    return _tasks_page(request)


def _after_change(request: MemberRequest) -> HttpResponse:
    if wants_fragment(request, GROUPS_ID):
        return _tasks_page(request)
    return redirect("web:task_list")


def _report(request: MemberRequest, error: ValidationFailed | VersionConflict) -> None:
    if isinstance(error, VersionConflict):
        messages.error(
            request, _("Someone changed this task after you opened the page. Check it and try again.")
        )
        return
    texts = [str(m) for messages_ in error.details.values() for m in messages_] or [str(error.message)]
    messages.error(request, " ".join(texts))


@require_POST
@member_view
def task_complete_action(request: MemberRequest, pk: int) -> HttpResponse:
    task = task_get_for_user(user=request.user, pk=pk)
    form = TaskCompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _after_change(request)
    try:
        task_complete(
            actor=request.user,
            task=task,
            result=form.cleaned_data["result"],
            expected_version=form.cleaned_data["version"],
        )
    except (ValidationFailed, VersionConflict) as error:
        _report(request, error)
    else:
        messages.success(request, _("Done: %(title)s") % {"title": task.title})
    return _after_change(request)


@require_POST
@member_view
def task_snooze_action(request: MemberRequest, pk: int) -> HttpResponse:
    task = task_get_for_user(user=request.user, pk=pk)
    form = TaskSnoozeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _after_change(request)
    try:
        task_snooze(
            actor=request.user,
            task=task,
            until=form.cleaned_data["until"],
            expected_version=form.cleaned_data["version"],
        )
    except (ValidationFailed, VersionConflict) as error:
        _report(request, error)
    else:
        messages.success(request, _("Snoozed: %(title)s") % {"title": task.title})
    return _after_change(request)
