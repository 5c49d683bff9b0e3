"""Key accounts: yearly account plans with review and versions, intel reports, referrals."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.core.errors import GuanxiError, NotFound, PermissionDenied, ValidationFailed, VersionConflict
from guanxi.customers.selectors import contact_list, customer_get_for_user
from guanxi.keyaccounts.models import (
    SWOT_KEYS,
    AccountPlan,
    ActionStatus,
    Importance,
    PlanStatus,
    SourceLevel,
)
from guanxi.keyaccounts.selectors import (
    PLAN_SCOPES,
    account_plan_get_for_user,
    account_plan_list,
    account_plan_version_get,
    account_plan_versions,
    customer_key_account_panel,
    intel_report_get_for_user,
    intel_report_list,
    key_person_relationships,
    referral_list,
    referrer_report,
)
from guanxi.keyaccounts.services import (
    PLAN_SECTIONS,
    account_plan_approve,
    account_plan_create,
    account_plan_delete,
    account_plan_return,
    account_plan_submit,
    account_plan_update,
    edit_refusal,
    intel_report_create,
    is_director,
    may_transition,
    plan_snapshot,
    referral_create,
)
from guanxi.people.models import Role, User

from ..actions import run_action
from ..decorators import member_view
from ..forms.keyaccounts import (
    SECTION_LABELS,
    AccountPlanCreateForm,
    AccountPlanForm,
    IntelFilterForm,
    IntelReportForm,
    PlanDecisionForm,
    ReferralForm,
    parse_date,
)
from ..http import MemberRequest

BLANK_SWOT_ROWS = 2
BLANK_ACTION_ROWS = 3
SWOT_TITLES = {
    "strengths": gettext_lazy("Strengths"),
    "weaknesses": gettext_lazy("Weaknesses"),
    "opportunities": gettext_lazy("Opportunities"),
    "threats": gettext_lazy("Threats"),
}


def _error_text(error: GuanxiError) -> str:
    if isinstance(error, VersionConflict):
        return _("Someone changed this plan after you opened it. Reload it and make your change again.")
    if isinstance(error, ValidationFailed):
        texts = [str(m) for messages_ in error.details.values() for m in messages_]
        return " ".join(dict.fromkeys(texts)) or str(error.message)
    return str(error.message)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- account plans: list and create ------------------------------------------------------------------


@require_GET
@member_view
def account_plan_list_page(request: MemberRequest) -> HttpResponse:
    default = "pending" if is_director(request.user) else "mine" if request.user.role == Role.REP else "team"
    scope = request.GET.get("scope") or default
    if scope not in PLAN_SCOPES:
        scope = default
    year = _int_or_none(request.GET.get("year"))
    plans = account_plan_list(user=request.user, scope=scope, year=year)
    page = Paginator(plans, settings.GUANXI_PAGE_SIZE).get_page(request.GET.get("page"))
    scopes = [("mine", _("My plans")), ("team", _("All I can see")), ("pending", _("Waiting for approval"))]
    context = {"page": page, "plans": list(page), "scope": scope, "scopes": scopes, "year": year}
    return render(request, "web/keyaccounts/plan_list.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def account_plan_create_page(request: MemberRequest) -> HttpResponse:
    customer_pk = _int_or_none(request.GET.get("customer"))
    form = AccountPlanCreateForm(request.POST or None, user=request.user, customer_pk=customer_pk)
    if request.method == "POST" and form.is_valid():
        try:
            customer = customer_get_for_user(user=request.user, pk=form.cleaned_data["customer"])
            plan = account_plan_create(actor=request.user, customer=customer, year=form.cleaned_data["year"])
        except NotFound:
            form.add_error("customer", _("Choose a customer you can see."))
        except (ValidationFailed, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Plan started. Fill in its sections."))
            return redirect("web:account_plan_edit", plan.pk)
    return render(request, "web/keyaccounts/plan_create.html", {"form": form})


# --- account plans: one plan -------------------------------------------------------------------------


def _labelled(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Give a snapshot's codes their labels for showing."""
    statuses = dict(ActionStatus.choices)
    return {
        **snapshot,
        "status_label": dict(PlanStatus.choices).get(snapshot.get("status", ""), ""),
        "section_rows": [
            {"name": name, "label": SECTION_LABELS[name], "text": snapshot.get("sections", {}).get(name, "")}
            for name in PLAN_SECTIONS
        ],
        "swot_rows": [
            {"key": key, "title": SWOT_TITLES[key], "items": snapshot.get("swot", {}).get(key, [])}
            for key in SWOT_KEYS
        ],
        "action_rows": [
            {**a, "status_label": statuses.get(a.get("status", ""), "")} for a in snapshot.get("actions", [])
        ],
    }


@require_GET
@member_view
def account_plan_detail_page(request: MemberRequest, pk: int) -> HttpResponse:
    plan = account_plan_get_for_user(user=request.user, pk=pk)
    versions = list(account_plan_versions(plan=plan))
    context = {
        "plan": plan,
        "view": _labelled(plan_snapshot(plan)),
        "versions": versions,
        "refusal": edit_refusal(request.user, plan),
        "may_submit": may_transition(request.user, plan, "submit"),
        "may_decide": may_transition(request.user, plan, "approve"),
        "decision_form": PlanDecisionForm(initial={"version": plan.version}),
        "live": True,
    }
    return render(request, "web/keyaccounts/plan_detail.html", context)


def _swot_rows_from_post(request: MemberRequest) -> dict[str, list[str]]:
    return {key: [t.strip() for t in request.POST.getlist(f"swot_{key}") if t.strip()] for key in SWOT_KEYS}


def _action_people(plan: AccountPlan, actor: User) -> list[User]:
    condition = Q(pk=plan.owner_id) | Q(pk=actor.pk) | Q(role=Role.DIRECTOR)
    if plan.owner.team_id:
        condition |= Q(team_id=plan.owner.team_id)
    condition |= Q(pk__in=plan.actions.values("owner_id"))
    return list(
        User.objects.filter(is_active=True).exclude(role=Role.ADMIN).filter(condition).order_by("username")
    )


def _action_rows_from_post(request: MemberRequest, people: dict[int, User]) -> tuple[list[dict], list[str]]:
    """Read the repeated action inputs; return the rows as typed in and the problems found."""
    fields = ("what", "owner", "due_on", "status")
    columns = [request.POST.getlist(f"action_{name}") for name in fields]
    count = max((len(c) for c in columns), default=0)
    rows, problems = [], []
    for i in range(count):
        raw = {
            name: (column[i] if i < len(column) else "").strip()
            for name, column in zip(fields, columns, strict=True)
        }
        if not raw["what"]:
            continue
        owner_id = _int_or_none(raw["owner"])
        due_on = parse_date(raw["due_on"])
        if raw["owner"] and owner_id not in people:
            problems.append(_("Choose who does each action from the list."))
        if raw["due_on"] and due_on is None:
            problems.append(_("Enter each due date as a date."))
        rows.append({**raw, "owner_id": owner_id, "due": due_on})
    return rows, problems


def _editor(
    request: MemberRequest, plan: AccountPlan, form: AccountPlanForm, swot: dict, actions: list, people: list
) -> HttpResponse:
    context = {
        "plan": plan,
        "form": form,
        "swot_rows": [
            {"key": key, "title": SWOT_TITLES[key], "items": [*swot.get(key, []), *[""] * BLANK_SWOT_ROWS]}
            for key in SWOT_KEYS
        ],
        "action_rows": [
            *actions,
            *[{"what": "", "owner": "", "due_on": "", "status": "open"}] * BLANK_ACTION_ROWS,
        ],
        "people": people,
        "action_statuses": ActionStatus.choices,
        "key_persons": key_person_relationships(customer=plan.customer),
        "new_version_warning": plan.status == PlanStatus.APPROVED,
    }
    return render(request, "web/keyaccounts/plan_edit.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def account_plan_edit_page(request: MemberRequest, pk: int) -> HttpResponse:
    plan = account_plan_get_for_user(user=request.user, pk=pk)
    if edit_refusal(request.user, plan):  # the plan page says why, in place of the edit button
        return redirect("web:account_plan_detail", plan.pk)
    people = _action_people(plan, request.user)
    if request.method == "GET":
        initial = {name: getattr(plan, name) for name in PLAN_SECTIONS} | {"version": plan.version}
        actions = [
            {
                "what": a.what,
                "owner": str(a.owner_id or ""),
                "due_on": a.due_on.isoformat() if a.due_on else "",
                "status": a.status,
            }
            for a in plan.action_rows  # type: ignore[attr-defined]
        ]
        return _editor(request, plan, AccountPlanForm(initial=initial), plan.swot or {}, actions, people)
    form = AccountPlanForm(request.POST)
    swot = _swot_rows_from_post(request)
    by_pk = {u.pk: u for u in people}
    actions, problems = _action_rows_from_post(request, by_pk)
    if form.is_valid() and not problems:
        data: dict[str, Any] = {name: form.cleaned_data[name] for name in PLAN_SECTIONS}
        data["swot"] = swot
        data["actions"] = [
            {
                "what": a["what"],
                "owner": by_pk.get(a["owner_id"]),
                "due_on": a["due"],
                "status": a["status"] or "open",
            }
            for a in actions
        ]
        try:
            saved = account_plan_update(
                actor=request.user, plan=plan, data=data, expected_version=form.cleaned_data["version"]
            )
        except (ValidationFailed, VersionConflict, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            if saved.status == PlanStatus.APPROVED:
                messages.success(request, _("Saved as a new version of the approved plan."))
            else:
                messages.success(request, _("Plan saved."))
            return redirect("web:account_plan_detail", saved.pk)
    for problem in dict.fromkeys(problems):
        form.add_error(None, problem)
    return _editor(request, plan, form, swot, actions, people)


PLAN_REFUSALS = (ValidationFailed, VersionConflict, PermissionDenied)


def _decision(request: MemberRequest, pk: int) -> tuple[AccountPlan, int | None, str]:
    """The plan a button was pressed on, with the posted version and comment (both optional)."""
    plan = account_plan_get_for_user(user=request.user, pk=pk)
    form = PlanDecisionForm(request.POST)
    form.is_valid()
    return plan, form.cleaned_data.get("version"), form.cleaned_data.get("comment") or ""


def _plan_transition(
    request: MemberRequest,
    pk: int,
    change: Callable[[AccountPlan, int | None, str], AccountPlan],
    success: str,
) -> HttpResponse:
    """Run one step of the review flow, ``change(plan, version, comment)``, and go back to the plan."""
    plan, version, comment = _decision(request, pk)
    run_action(
        request,
        lambda: change(plan, version, comment),
        success=success,
        refused=PLAN_REFUSALS,
        describe=_error_text,
    )
    return redirect("web:account_plan_detail", plan.pk)


@require_POST
@member_view
def account_plan_submit_action(request: MemberRequest, pk: int) -> HttpResponse:
    return _plan_transition(
        request,
        pk,
        lambda plan, version, _comment: account_plan_submit(
            actor=request.user, plan=plan, expected_version=version
        ),
        _("Plan sent to the director for review."),
    )


@require_POST
@member_view
def account_plan_approve_action(request: MemberRequest, pk: int) -> HttpResponse:
    return _plan_transition(
        request,
        pk,
        lambda plan, version, _comment: account_plan_approve(
            actor=request.user, plan=plan, expected_version=version
        ),
        _("Plan approved."),
    )


@require_POST
@member_view
def account_plan_return_action(request: MemberRequest, pk: int) -> HttpResponse:
    return _plan_transition(
        request,
        pk,
        lambda plan, version, comment: account_plan_return(
            actor=request.user, plan=plan, comment=comment, expected_version=version
        ),
        _("Plan returned to its owner with your comment."),
    )


@require_POST
@member_view
def account_plan_delete_action(request: MemberRequest, pk: int) -> HttpResponse:
    plan, version, _comment = _decision(request, pk)
    deleted = run_action(
        request,
        lambda: account_plan_delete(actor=request.user, plan=plan, expected_version=version),
        success=_("Plan moved to the recycle bin."),
        refused=PLAN_REFUSALS,
        describe=_error_text,
    )
    if not deleted:
        return redirect("web:account_plan_detail", plan.pk)
    return redirect("web:account_plan_list")


@require_GET
@member_view
def account_plan_version_page(request: MemberRequest, pk: int, number: int) -> HttpResponse:
    plan = account_plan_get_for_user(user=request.user, pk=pk)
    version = account_plan_version_get(plan=plan, number=number)
    context = {
        "plan": plan,
        "version": version,
        "view": _labelled(version.snapshot),
        "versions": list(account_plan_versions(plan=plan)),
    }
    return render(request, "web/keyaccounts/plan_version.html", context)


def _compare_rows(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    sections = [
        {"label": ra["label"], "a": ra["text"], "b": rb["text"], "changed": ra["text"] != rb["text"]}
        for ra, rb in zip(a["section_rows"], b["section_rows"], strict=True)
    ]
    swot = []
    for ra, rb in zip(a["swot_rows"], b["swot_rows"], strict=True):
        only_a, only_b = set(ra["items"]) - set(rb["items"]), set(rb["items"]) - set(ra["items"])
        swot.append(
            {
                "title": ra["title"],
                "a": [{"text": t, "changed": t in only_a} for t in ra["items"]],
                "b": [{"text": t, "changed": t in only_b} for t in rb["items"]],
                "changed": bool(only_a or only_b) or ra["items"] != rb["items"],
            }
        )

    def action_text(row: dict[str, Any]) -> str:
        return " · ".join(
            str(p) for p in (row["what"], row["owner"], row["due_on"], row["status_label"]) if p
        )

    actions_a = [action_text(r) for r in a["action_rows"]]
    actions_b = [action_text(r) for r in b["action_rows"]]

    def people_text(row: dict[str, Any]) -> str:
        holders = ", ".join(f"{c['user']} ({c['closeness']})" for c in row.get("counterparts", []))
        return " · ".join(
            str(p) for p in (row["name"], row.get("title"), row.get("decision_role"), holders) if p
        )

    people_a = [people_text(r) for r in a.get("key_persons", [])]
    people_b = [people_text(r) for r in b.get("key_persons", [])]
    return {
        "sections": sections,
        "swot": swot,
        "actions": {
            "a": [{"text": t, "changed": t not in actions_b} for t in actions_a],
            "b": [{"text": t, "changed": t not in actions_a} for t in actions_b],
            "changed": actions_a != actions_b,
        },
        "people": {
            "a": [{"text": t, "changed": t not in people_b} for t in people_a],
            "b": [{"text": t, "changed": t not in people_a} for t in people_b],
            "changed": people_a != people_b,
        },
    }


@require_GET
@member_view
def account_plan_compare_page(request: MemberRequest, pk: int) -> HttpResponse:
    plan = account_plan_get_for_user(user=request.user, pk=pk)
    versions = list(account_plan_versions(plan=plan))
    if len(versions) < 2:
        messages.info(request, _("This plan has fewer than two versions to compare."))
        return redirect("web:account_plan_detail", plan.pk)
    a_number = _int_or_none(request.GET.get("a")) or versions[1].number
    b_number = _int_or_none(request.GET.get("b")) or versions[0].number
    left = account_plan_version_get(plan=plan, number=a_number)
    right = account_plan_version_get(plan=plan, number=b_number)
    context = {
        "plan": plan,
        "left": left,
        "right": right,
        "versions": versions,
        "rows": _compare_rows(_labelled(left.snapshot), _labelled(right.snapshot)),
    }
    return render(request, "web/keyaccounts/plan_compare.html", context)


# --- intel reports -----------------------------------------------------------------------------------


@require_GET
@member_view
def intel_list_page(request: MemberRequest) -> HttpResponse:
    filters = IntelFilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    reports = intel_report_list(
        user=request.user,
        source_level=values.get("source_level"),
        importance=values.get("importance") or "",
        customer_id=values.get("customer"),
    )
    page = Paginator(reports, settings.GUANXI_PAGE_SIZE).get_page(request.GET.get("page"))
    customer = None
    if values.get("customer"):
        try:
            customer = customer_get_for_user(user=request.user, pk=values["customer"])
        except NotFound:
            customer = None
    context = {
        "page": page,
        "reports": list(page),
        "filters": filters,
        "customer": customer,
        "filtered": any(values.get(k) for k in ("source_level", "importance", "customer")),
        "levels": SourceLevel.choices,
    }
    return render(request, "web/keyaccounts/intel_list.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def intel_create_page(request: MemberRequest) -> HttpResponse:
    customer_pk = _int_or_none(request.GET.get("customer"))
    form = IntelReportForm(request.POST or None, user=request.user, customer_pk=customer_pk)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if data.get("customer"):
                data["customer"] = customer_get_for_user(user=request.user, pk=data["customer"])
            report = intel_report_create(actor=request.user, data=data)
        except NotFound:
            form.add_error("customer", _("Choose a customer you can see."))
        except (ValidationFailed, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            if report.importance == Importance.MAJOR:
                messages.success(request, _("Report filed; the director has been told at once."))
            else:
                messages.success(request, _("Report filed."))
            return redirect("web:intel_detail", report.pk)
    return render(request, "web/keyaccounts/intel_form.html", {"form": form})


@require_GET
@member_view
def intel_detail_page(request: MemberRequest, pk: int) -> HttpResponse:
    report = intel_report_get_for_user(user=request.user, pk=pk)
    return render(request, "web/keyaccounts/intel_detail.html", {"report": report})


# --- referrals ---------------------------------------------------------------------------------------


@require_GET
@member_view
def referral_list_page(request: MemberRequest) -> HttpResponse:
    referrals = referral_list(user=request.user)
    page = Paginator(referrals, settings.GUANXI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "referrals": list(page), "report": referrer_report(user=request.user)}
    return render(request, "web/keyaccounts/referral_list.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def referral_create_page(request: MemberRequest) -> HttpResponse:
    customer_pk = _int_or_none(request.GET.get("customer"))
    form = ReferralForm(request.POST or None, user=request.user, customer_pk=customer_pk)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["referrer"] = customer_get_for_user(user=request.user, pk=data["referrer"])
            data["referred"] = customer_get_for_user(user=request.user, pk=data["referred"])
            name = (data.pop("referrer_contact") or "").strip()
            if name:
                contact = (
                    contact_list(user=request.user, customer_id=data["referrer"].pk).filter(name=name).first()
                )
                if contact is None:
                    raise ValidationFailed(
                        _("The referring customer has no contact of that name."),
                        details={
                            "referrer_contact": [_("The referring customer has no contact of that name.")]
                        },
                    )
                data["referrer_contact"] = contact
            referral_create(actor=request.user, data=data)
        except NotFound:
            form.add_error(None, _("Choose customers you can see."))
        except (ValidationFailed, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Referral recorded."))
            return redirect("web:referral_list")
    return render(request, "web/keyaccounts/referral_form.html", {"form": form})


# --- the customer page panel -------------------------------------------------------------------------


@require_GET
@member_view
def keyaccounts_customer_panel(request: MemberRequest, customer_pk: int) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, pk=customer_pk)
    context = {"customer": customer, **customer_key_account_panel(user=request.user, customer=customer)}
    return render(request, "web/keyaccounts/_customer_panel.html", context)
