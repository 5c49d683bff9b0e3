"""The rep's day (今天): what is due, the care dates coming up, and greeting someone from a care reminder."""

import datetime
from collections.abc import Iterable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.core.errors import ValidationFailed, VersionConflict
from guanxi.engagement.agenda import care_upcoming, today_list
from guanxi.engagement.care import care_greeted, greeting_for_task, greeting_texts
from guanxi.engagement.models import Task, TaskKind
from guanxi.engagement.policies import ESCALATION_KEY, OVERDUE_KEY
from guanxi.engagement.selectors import task_get_for_user
from guanxi.people.models import User

from ..decorators import member_view
from ..forms.relationships import GreetedForm
from ..http import MemberRequest

UPCOMING_DAYS = 7
POLICY_KEYS = (f"{OVERDUE_KEY}:", f"{ESCALATION_KEY}:")


def _group_key(task: Task) -> str:
    if task.dedupe_key and task.dedupe_key.startswith(POLICY_KEYS):
        return "follow_ups"
    if task.kind == TaskKind.CARE:
        return "care"
    if task.kind == TaskKind.CADENCE:
        return "cadence"
    return "other"


def today_groups(tasks: Iterable[Task], user: User) -> list[dict]:
    """Sort the day's tasks into the page's sections; care reminders carry their suggested greeting."""
    groups: dict[str, dict] = {
        "follow_ups": {"key": "follow_ups", "title": _("Overdue follow-ups"), "items": []},
        "care": {"key": "care", "title": _("Care reminders"), "items": []},
        "cadence": {"key": "cadence", "title": _("Cadence steps"), "items": []},
        "other": {"key": "other", "title": _("Other tasks"), "items": []},
    }
    texts = None
    for task in tasks:
        key = _group_key(task)
        item: dict = {"task": task}
        if key == "care":
            if texts is None:
                texts = greeting_texts()  # once per page, not once per reminder
            greeting = greeting_for_task(user=user, task=task, texts=texts)
            item["greeting"] = greeting
            item["form"] = GreetedForm(
                prefix=f"care-{task.pk}", initial={"text": greeting, "version": task.version}
            )
        groups[key]["items"].append(item)
    return list(groups.values())


@require_GET
@member_view
def today_page(request: MemberRequest) -> HttpResponse:
    day = timezone.localdate()
    groups = today_groups(today_list(user=request.user, day=day), request.user)
    context = {
        "day": day,
        "groups": groups,
        "total": sum(len(g["items"]) for g in groups),
        "upcoming": care_upcoming(user=request.user, day=day, days=UPCOMING_DAYS),
        "upcoming_days": UPCOMING_DAYS,
        "tomorrow": day + datetime.timedelta(days=1),
    }
    return render(request, "web/today/page.html", context)


@require_POST
@member_view
def care_greeted_action(request: MemberRequest, pk: int) -> HttpResponse:
    """Mark a care reminder greeted: closes the task and logs a non-sales interaction with the contact."""
    task = task_get_for_user(user=request.user, pk=pk)
    form = GreetedForm(request.POST, prefix=f"care-{task.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("web:today")
    try:
        care_greeted(
            actor=request.user,
            task=task,
            channel=form.cleaned_data["channel"],
            text=form.cleaned_data["text"],
            expected_version=form.cleaned_data["version"],
        )
    except VersionConflict:
        messages.error(
            request, _("Someone changed this task after you opened the page. Check it and try again.")
        )
    except ValidationFailed as error:
        texts = [str(m) for found in error.details.values() for m in found] or [str(error.message)]
        messages.error(request, " ".join(texts))
    else:
        messages.success(request, _("Greeted: %(title)s") % {"title": task.title})
    return redirect("web:today")
