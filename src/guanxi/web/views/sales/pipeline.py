"""The opportunity board (kanban by stage), an opportunity's page with its stage history, creating and
editing opportunities, stage moves, and the weighted forecast."""

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.core.errors import ValidationFailed, VersionConflict
from guanxi.customers.selectors import customer_get_for_user
from guanxi.sales import stages
from guanxi.sales.pipeline import opportunity_create, opportunity_move, opportunity_update
from guanxi.sales.selectors import (
    add_months,
    forecast,
    month_start,
    opportunity_board,
    opportunity_get_for_user,
    stage_history,
)

from ... import charts
from ...conflicts import conflict_rows, rebase, saved_values
from ...decorators import member_view
from ...forms.base import apply_domain_errors
from ...forms.sales import (
    OPPORTUNITY_FIELDS,
    ForecastFilterForm,
    MoveForm,
    OpportunityFilterForm,
    OpportunityForm,
)
from ...http import MemberRequest
from .common import customer_choices, filter_choices, report_conflict, safe_next


def _move_choices(code: str) -> list[stages.Stage]:
    return [stages.stage(target) for target in stages.stage(code).moves_to]


@require_GET
@member_view
def pipeline_board(request: MemberRequest) -> HttpResponse:
    owners, teams = filter_choices(request.user)
    form = OpportunityFilterForm(request.GET or None, owners=owners, teams=teams)
    columns = opportunity_board(user=request.user, owner_id=form.value("owner"), team_id=form.value("team"))
    for column in columns:
        for card in column.cards:
            card.move_choices = _move_choices(card.stage)  # type: ignore[attr-defined]
    context = {
        "columns": columns,
        "filter_form": form,
        "show_filters": bool(owners or teams),
        "here": request.get_full_path(),
        "lost_code": stages.LOST,
    }
    return render(request, "web/sales/board.html", context)


@require_GET
@member_view
def opportunity_detail(request: MemberRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_for_user(user=request.user, pk=pk)
    context = {
        "opportunity": opportunity,
        "history": stage_history(opportunity=opportunity),
        "move_choices": _move_choices(opportunity.stage),
        "move_form": MoveForm(initial={"version": opportunity.version}),
        "contracts": opportunity.contracts.all().order_by("ends_on"),
        "lost_code": stages.LOST,
    }
    return render(request, "web/sales/opportunity_detail.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def opportunity_create_page(request: MemberRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    if request.GET.get("customer"):
        initial["customer"] = customer_get_for_user(user=request.user, pk=request.GET["customer"]).pk
    customers = customer_choices(request, initial.get("customer"))
    form = OpportunityForm(request.POST or None, actor=request.user, customers=customers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = opportunity_create(
                actor=request.user, customer=form.cleaned_data["customer"], data=form.data_for_service()
            )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Opportunity %(title)s created.") % {"title": opportunity.title})
            return redirect("web:opportunity_detail", pk=opportunity.pk)
    return render(request, "web/sales/opportunity_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@member_view
def opportunity_edit_page(request: MemberRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_for_user(user=request.user, pk=pk)
    heading = {"pk": opportunity.pk, "title": opportunity.title}
    form = OpportunityForm(request.POST or None, instance=opportunity, actor=request.user)
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        try:
            opportunity_update(
                actor=request.user,
                opportunity=opportunity,
                data=form.data_for_service(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationFailed as error:
            apply_domain_errors(form, error)
        except VersionConflict as conflict:
            saved = conflict.current
            rows = conflict_rows(
                form=form, submitted=form.data_for_service(), saved=saved_values(saved, OPPORTUNITY_FIELDS)
            )
            form = OpportunityForm(
                rebase(request.POST, "version", saved.version), instance=saved, actor=request.user
            )
            context = {"form": form, "heading": heading, "conflict_rows": rows}
            return render(request, "web/sales/opportunity_form.html", context, status=409)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("web:opportunity_detail", pk=opportunity.pk)
    return render(request, "web/sales/opportunity_form.html", {"form": form, "heading": heading})


@require_http_methods(["GET", "POST"])
@member_view
def opportunity_move_page(request: MemberRequest, pk: int) -> HttpResponse:
    """Move an opportunity to another stage (the board's cards and drag and drop post here).

    A refused move (not allowed, or lost without a reason) shows this page again with the message and what
    was typed; a successful one returns to where it came from.
    """
    opportunity = opportunity_get_for_user(user=request.user, pk=pk)
    fallback = reverse("web:opportunity_detail", args=[opportunity.pk])
    form = MoveForm(
        request.POST or None,
        initial={
            "version": opportunity.version,
            "stage": request.GET.get("stage"),
            "next": request.GET.get("next"),
        },
    )
    form.fields["stage"].choices = [(s.code, s.label) for s in _move_choices(opportunity.stage)]  # type: ignore[attr-defined]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                moved = opportunity_move(
                    actor=request.user,
                    opportunity=opportunity,
                    to_stage=form.cleaned_data["stage"],
                    lost_reason=form.cleaned_data["lost_reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationFailed as error:
                apply_domain_errors(form, error)
            except VersionConflict:
                report_conflict(request)
                return redirect(safe_next(request, form.cleaned_data.get("next"), fallback))
            else:
                messages.success(
                    request,
                    _("%(title)s moved to %(stage)s.")
                    % {"title": moved.title, "stage": moved.stage_info.label},
                )
                return redirect(safe_next(request, form.cleaned_data.get("next"), fallback))
        status = 422
    context = {"opportunity": opportunity, "form": form, "lost_code": stages.LOST}
    return render(request, "web/sales/opportunity_move.html", context, status=status)


def _forecast_chart(months: list[datetime.date], totals: list[dict[str, Decimal]]) -> str:
    labels = [m.strftime("%Y-%m") for m in months]
    series = [
        charts.Series(_("Won"), [float(t["won"]) for t in totals], tone="good"),
        charts.Series(_("Weighted pipeline"), [float(t["weighted"]) for t in totals], tone="6"),
    ]
    return charts.stacked_bar_chart(
        labels,
        series,
        title=_("Forecast by month"),
        empty_message=_("Nothing expected in these months."),
        width=640,
    )


@require_GET
@member_view
def forecast_page(request: MemberRequest) -> HttpResponse:
    owners, teams = filter_choices(request.user)
    today = timezone.localdate()
    form = ForecastFilterForm(
        request.GET or None, owners=owners, teams=teams, initial={"start": month_start(today), "months": 6}
    )
    start = form.value("start") or today
    months = form.value("months") or 6
    result = forecast(
        user=request.user,
        start=start,
        months=months,
        owner_id=form.value("owner"),
        team_id=form.value("team"),
    )
    rows = [
        {"owner": owner, "cells": [result.cell(m, owner.pk) for m in result.months]}
        for owner in result.owners
    ]
    for row in rows:
        row["total"] = sum((c["total"] for c in row["cells"]), Decimal("0"))
    team_rows = []
    for team in result.teams:
        ids = [o.pk for o in result.owners if o.team_id == team.pk]
        cells = [result.month_total(m, ids) for m in result.months]
        team_rows.append(
            {"team": team, "cells": cells, "total": sum((c["total"] for c in cells), Decimal("0"))}
        )
    month_totals = [result.month_total(m) for m in result.months]
    first = month_start(start)
    context = {
        "form": form,
        "show_filters": bool(owners or teams),
        "months": result.months,
        "rows": rows,
        "team_rows": team_rows,
        "month_totals": month_totals,
        "grand_total": sum((t["total"] for t in month_totals), Decimal("0")),
        "chart": _forecast_chart(result.months, month_totals),
        "period_end": add_months(first, months) - datetime.timedelta(days=1),
        "period_start": first,
    }
    return render(request, "web/sales/forecast.html", context)
