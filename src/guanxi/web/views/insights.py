"""Customer value pages (SPEC §3): the dashboards, the customers behind each number, the customer panel.

One scope for every role — the visibility rule of ``governance.scope``: a rep sees their book, a manager
their team's (and may narrow to one rep), the director the whole company. Every number on the
dashboards links to ``insights_customers`` with the very filter that counted it.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.core.errors import ValidationFailed
from guanxi.customers.choices import Grade, LifecycleStage, Region
from guanxi.customers.selectors import customer_get_for_user
from guanxi.governance.scope import owner_candidates
from guanxi.insights import selectors
from guanxi.insights.models import Segment, ValueGroup
from guanxi.insights.services import customer_grade_override, may_override_grade
from guanxi.people.models import Role

from .. import charts
from ..decorators import member_view
from ..http import MemberRequest, vary_on_htmx

CHURN_LIST_LENGTH = 20
LIST_FILTER_KEYS = (*selectors.FILTER_FIELDS, "score", "churn", "flow_from", "from_as_of", "product", "month")
SEGMENT_ORDER = [value for value, _label in Segment.choices]
GROUP_TONES = {
    ValueGroup.HIGH_VALUE: "good",
    ValueGroup.POTENTIAL: "accent",
    ValueGroup.SLEEPING: "warn",
    ValueGroup.NO_ORDERS: "muted",
}
GRADE_TONES = {"A": "good", "B": "accent", "C": "warn"}


def _money(value: float) -> str:
    return charts.format_number(round(value))


def _parse_day(value: str | None, days: list[datetime.date]) -> datetime.date | None:
    """Accept only a refreshed day (anything else falls back to the latest)."""
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if day in days else None


class Scope:
    """The dashboard's day and owner narrowing, parsed from the query string."""

    def __init__(self, request: MemberRequest) -> None:
        self.user = request.user
        self.days = selectors.snapshot_days()
        self.as_of = _parse_day(request.GET.get("as_of"), self.days) or (self.days[0] if self.days else None)
        self.owner_choices: list[tuple[int, str]] = []
        self.owner_id: int | None = None
        if request.user.role in (Role.MANAGER, Role.DIRECTOR, Role.ARCHIVIST):
            people = owner_candidates(request.user) if request.user.role != Role.ARCHIVIST else None
            if people is not None:
                self.owner_choices = [(u.pk, str(u)) for u in people.order_by("team__name", "username")]
            owner = request.GET.get("owner", "")
            if owner.isdigit() and int(owner) in {pk for pk, _name in self.owner_choices}:
                self.owner_id = int(owner)

    def base_params(self) -> dict[str, str]:
        params = {"as_of": self.as_of.isoformat()} if self.as_of else {}
        if self.owner_id:
            params["owner"] = str(self.owner_id)
        return params

    def link(self, **filters: Any) -> str:
        """The customer list of exactly the customers a number counts."""
        params = {**self.base_params(), **{k: str(v) for k, v in filters.items()}}
        return f"{reverse('web:insights_customers')}?{urlencode(params)}"


def _panel(
    key: str,
    title: str,
    svg: str,
    columns: list[str],
    rows: list[dict[str, Any]],
    note: str = "",
    wide: bool = False,
) -> dict[str, Any]:
    """A chart with its data table (the accessible fallback carrying the same links)."""
    return {
        "key": key,
        "title": title,
        "svg": svg,
        "columns": columns,
        "rows": rows,
        "note": note,
        "wide": wide,
    }


def _monthly_panel(scope: Scope) -> dict[str, Any]:
    rows = selectors.revenue_by_month(user=scope.user, as_of=scope.as_of, owner_id=scope.owner_id)
    months = [row["month"] for row in rows]
    hrefs = [scope.link(month=row["month"]) if row["customers"] else "" for row in rows]
    title = _("Revenue by month")
    svg = charts.line_chart(
        months,
        [charts.Series(_("Revenue"), [round(r["revenue"]) for r in rows], tone="accent", hrefs=hrefs)],
        title=title,
        area=True,
        width=640,
        empty_message=_("No data yet"),
    )
    return _panel(
        "months",
        title,
        svg,
        [_("Buying customers"), _("Revenue")],
        [
            _row(r["month"], href, charts.format_number(r["customers"]), _money(r["revenue"]))
            for r, href in zip(reversed(rows), reversed(hrefs), strict=True)
        ],
        _("Orders of the customers in view, by calendar month; the buyers of a month open from the table."),
        wide=True,
    )


def _row(label: str, href: str, *values: str) -> dict[str, Any]:
    return {"label": label, "href": href, "values": list(values)}


def _distribution_panels(scope: Scope) -> list[dict[str, Any]]:
    kw: dict[str, Any] = {"user": scope.user, "as_of": scope.as_of, "owner_id": scope.owner_id}
    distribution = selectors.value_distribution(**kw)
    grade_rows = distribution["grades"]
    grades = [
        charts.Bar(
            row["key"] or "—",
            row["customers"],
            scope.link(suggested=row["key"]),
            GRADE_TONES.get(row["key"], ""),
        )
        for row in grade_rows
    ]
    group_labels = dict(ValueGroup.choices)
    groups = [
        charts.Bar(
            str(group_labels.get(row["key"], row["key"])),
            row["customers"],
            scope.link(group=row["key"]),
            GROUP_TONES.get(row["key"], ""),
        )
        for row in distribution["value_groups"]
    ]
    histogram = selectors.value_score_histogram(**kw)
    score_bars = [
        charts.Bar(
            _("no score") if row["key"] == selectors.NO_SCORE else f"{row['key']}–{int(row['key']) + 10}",
            row["customers"],
            scope.link(score=row["key"]),
            "muted" if row["key"] == selectors.NO_SCORE else "1",
        )
        for row in histogram
    ]
    customers, revenue = _("Customers"), _("Revenue (12 months)")
    return [
        _panel(
            "grades",
            _("Suggested grade"),
            charts.bar_chart_horizontal(
                grades, title=_("Customers by suggested grade"), empty_message=_("No data yet")
            ),
            [customers, revenue],
            [
                _row(b.label, b.href, charts.format_number(b.value), _money(r["revenue"]))
                for b, r in zip(grades, grade_rows, strict=True)
            ],
            _(
                "Revenue ABC (A: the first 80 per cent of revenue) combined with the five-dimension value score."
            ),
        ),
        _panel(
            "groups",
            _("Value groups"),
            charts.donut_chart(groups, title=_("Customers by value group"), empty_message=_("No data yet")),
            [customers, revenue],
            [
                _row(b.label, b.href, charts.format_number(b.value), _money(r["revenue"]))
                for b, r in zip(groups, distribution["value_groups"], strict=True)
            ],
        ),
        _panel(
            "scores",
            _("Value score"),
            charts.bar_chart_vertical(
                score_bars, title=_("Customers by value score"), empty_message=_("No data yet")
            ),
            [customers],
            [_row(b.label, b.href, charts.format_number(b.value)) for b in score_bars],
            _(
                "Weighted ratings of purchasing power, cooperation potential, industry influence, history and loyalty (0–100)."
            ),
        ),
    ]


def _segment_panel(scope: Scope) -> dict[str, Any]:
    rows = selectors.segment_sizes(user=scope.user, as_of=scope.as_of, owner_id=scope.owner_id)
    rows.sort(key=lambda r: SEGMENT_ORDER.index(r["segment"]) if r["segment"] in SEGMENT_ORDER else 99)
    bars = [
        charts.Bar(
            str(r["label"]),
            r["customers"],
            scope.link(segment=r["segment"]),
            GROUP_TONES.get(r["value_group"], ""),
        )
        for r in rows
    ]
    return _panel(
        "segments",
        _("RFM segments"),
        charts.bar_chart_horizontal(
            bars, title=_("Customers by RFM segment"), empty_message=_("No data yet")
        ),
        [_("Customers"), _("Revenue (12 months)"), _("12-month CLV")],
        [
            _row(
                b.label,
                b.href,
                charts.format_number(b.value),
                _money(r["revenue"]),
                _money(r["clv_12_months"]),
            )
            for b, r in zip(bars, rows, strict=True)
        ],
        _(
            "R: days since the last order; F: orders in the last 365 days; M: their amount; each scored 1–5 by quintile."
        ),
    )


def _flow_matrix(scope: Scope, from_day: datetime.date | None) -> dict[str, Any] | None:
    if scope.as_of is None or from_day is None or from_day >= scope.as_of:
        return None
    flows = selectors.segment_flows(
        user=scope.user, from_as_of=from_day, to_as_of=scope.as_of, owner_id=scope.owner_id
    )
    labels = dict(Segment.choices)
    present_to = [s for s in SEGMENT_ORDER if any(f["to"] == s for f in flows)]
    present_from = [s for s in ["", *SEGMENT_ORDER] if any(f["from"] == s for f in flows)]
    counts = {(f["from"], f["to"]): f["customers"] for f in flows}
    rows = []
    for source in present_from:
        cells = []
        for target in present_to:
            count = counts.get((source, target), 0)
            href = (
                scope.link(flow_from=source, from_as_of=from_day.isoformat(), segment=target) if count else ""
            )
            cells.append({"count": count, "href": href, "same": source == target})
        rows.append(
            {
                "label": labels.get(source, _("Not yet a customer")) if source else _("Not yet a customer"),
                "cells": cells,
            }
        )
    return {"from_day": from_day, "columns": [labels.get(s, s) for s in present_to], "rows": rows}


def _churn_rows(scope: Scope) -> list[dict[str, Any]]:
    rows = selectors.churn_risk_list(
        user=scope.user, as_of=scope.as_of, owner_id=scope.owner_id, limit=CHURN_LIST_LENGTH
    )
    for row in rows:
        first = row["first_order_on"]
        row["age_days"] = (scope.as_of - first).days if first and scope.as_of else None
    return rows


def _revenue_panels(scope: Scope) -> list[dict[str, Any]]:
    regions = dict(Region.choices)
    lifecycle = dict(LifecycleStage.choices)
    panels = []
    for dimension, title, label_of, link_key in (
        ("grade", _("Revenue by grade"), lambda k: k or _("Not graded"), "grade"),
        ("industry", _("Revenue by industry"), lambda k: k or _("Not set"), "industry"),
        ("region", _("Revenue by region"), lambda k: str(regions.get(k, k)) if k else _("Not set"), "region"),
    ):
        rows = selectors.revenue_by(
            user=scope.user, dimension=dimension, as_of=scope.as_of, owner_id=scope.owner_id
        )
        bars = [
            charts.Bar(
                str(label_of(r["key"])),
                round(r["revenue"]),
                scope.link(**{link_key: r["key"]}),
                GRADE_TONES.get(r["key"], "") if dimension == "grade" else "",
            )
            for r in rows[:12]
        ]
        panels.append(
            _panel(
                dimension,
                title,
                charts.bar_chart_horizontal(bars, title=title, empty_message=_("No data yet")),
                [_("Revenue (12 months)"), _("Customers"), _("Revenue, all time")],
                [
                    _row(
                        b.label,
                        b.href,
                        _money(r["revenue"]),
                        charts.format_number(r["customers"]),
                        _money(r["total"]),
                    )
                    for b, r in zip(bars, rows, strict=False)
                ],
            )
        )
    stages = selectors.lifecycle_counts(user=scope.user, as_of=scope.as_of, owner_id=scope.owner_id)
    order = [value for value, _label in LifecycleStage.choices]
    stages.sort(key=lambda r: order.index(r["key"]) if r["key"] in order else 99)
    bars = [
        charts.Bar(
            str(lifecycle.get(r["key"], r["key"])) if r["key"] else _("Not set"),
            r["customers"],
            scope.link(lifecycle=r["key"]),
        )
        for r in stages
    ]
    panels.append(
        _panel(
            "lifecycle",
            _("Lifecycle stages"),
            charts.bar_chart_horizontal(
                bars, title=_("Customers by lifecycle stage"), empty_message=_("No data yet")
            ),
            [_("Customers"), _("Revenue (12 months)")],
            [
                _row(b.label, b.href, charts.format_number(b.value), _money(r["revenue"]))
                for b, r in zip(bars, stages, strict=True)
            ],
        )
    )
    return panels


def _product_rows(scope: Scope) -> tuple[list[dict[str, Any]], str]:
    if scope.as_of is None:
        return [], ""
    rows = selectors.product_abc(user=scope.user, as_of=scope.as_of, owner_id=scope.owner_id)
    rows.sort(key=lambda r: (-r["revenue"], r["code"]))
    for row in rows:
        row["href"] = scope.link(product=row["product_id"])
    bars = [
        charts.Bar(f"{r['name']}", round(r["revenue"]), r["href"], GRADE_TONES.get(r["volume_class"], ""))
        for r in rows[:10]
    ]
    svg = charts.bar_chart_horizontal(
        bars, title=_("Revenue by product (12 months)"), empty_message=_("No data yet")
    )
    return rows, svg


@require_GET
@member_view
def insights_dashboard(request: MemberRequest) -> HttpResponse:
    """The value dashboard of the user's scope (SPEC §3 "Dashboards")."""
    scope = Scope(request)
    earlier = [d for d in scope.days if scope.as_of and d < scope.as_of]
    from_day = _parse_day(request.GET.get("from"), earlier) or (earlier[-1] if earlier else None)
    products, product_svg = _product_rows(scope)
    context = {
        "scope": scope,
        "earlier_days": earlier,
        "distribution": _distribution_panels(scope) if scope.as_of else [],
        "segments": _segment_panel(scope) if scope.as_of else None,
        "flows": _flow_matrix(scope, from_day),
        "churn": _churn_rows(scope) if scope.as_of else [],
        "churn_all": scope.link(churn="1"),
        "breakdowns": [_monthly_panel(scope), *_revenue_panels(scope)] if scope.as_of else [],
        "products": products,
        "product_svg": product_svg,
        "product_note": _(
            "Volume products by quantity, profit products by margin, potential products by growth against "
            "the year before (A up to 80 %, B up to 95 %)."
        ),
    }
    return render(request, "web/insights/dashboard.html", context)


@require_GET
@member_view
def insights_customers(request: MemberRequest) -> HttpResponse:
    """The customers behind one dashboard number: the same filters, the same scope."""
    scope = Scope(request)
    filters = {key: request.GET[key] for key in LIST_FILTER_KEYS if key in request.GET}
    if "from_as_of" in filters and not _parse_day(filters["from_as_of"], scope.days):
        filters.pop("from_as_of")
    snapshots = selectors.snapshot_customer_list(
        user=request.user, filters=filters, as_of=scope.as_of, owner_id=scope.owner_id
    )
    page = Paginator(snapshots, settings.GUANXI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "scope": scope,
        "page": page,
        "filters": _describe_filters(filters),
        "back": f"{reverse('web:insights_dashboard')}?{urlencode(scope.base_params())}",
    }
    return render(request, "web/insights/customers.html", context)


def _describe_filters(filters: dict[str, str]) -> list[tuple[str, str]]:
    names: dict[str, tuple[str, dict[str, Any]]] = {
        "segment": (_("Segment"), dict(Segment.choices)),
        "group": (_("Value group"), dict(ValueGroup.choices)),
        "revenue_class": (_("Revenue class"), {}),
        "suggested": (_("Suggested grade"), {}),
        "grade": (_("Grade"), dict(Grade.choices)),
        "industry": (_("Industry"), {}),
        "region": (_("Region"), dict(Region.choices)),
        "lifecycle": (_("Lifecycle stage"), dict(LifecycleStage.choices)),
        "score": (_("Value score"), {selectors.NO_SCORE: _("no score")}),
        "flow_from": (_("Segment before"), {**dict(Segment.choices), "": _("Not yet a customer")}),
        "from_as_of": (_("Before, as of"), {}),
        "product": (_("Bought product (id)"), {}),
        "month": (_("Ordered in month"), {}),
    }
    described = []
    for key, value in filters.items():
        if key == "churn":
            described.append((_("Churn risk"), _("valuable customers, lowest chance still active first")))
        elif key in names:
            label, values = names[key]
            described.append((label, str(values.get(value, value)) if value else _("Not set")))
    return described


# --- the customer page's value section ------------------------------------------------------------------


def customer_value_context(request: MemberRequest, customer_id: int) -> dict[str, Any]:
    """Everything the customer page shows about value: scores with their reasons, the next action,
    cross-sell and, for those allowed, the grade override form. A fixed number of queries."""
    facts = selectors.customer_insights(user=request.user, customer_id=customer_id)
    action = selectors.next_best_action(user=request.user, customer_id=customer_id)
    suggestions = selectors.cross_sell_for(user=request.user, customer_id=customer_id)
    if facts:
        if facts.get("as_of") and facts.get("first_order_on"):
            facts["age_days"] = (facts["as_of"] - facts["first_order_on"]).days
        facts["reason_texts"] = grade_reason_texts(facts.get("grade_reasons") or [])
    return {
        "value": facts,
        "action": action,
        "action_reasons": action_reason_texts(action.get("reason") or {}),
        "cross_sell": suggestions,
    }


def grade_reason_texts(reasons: list[dict[str, Any]]) -> list[str]:
    """Say in words why the grade was suggested (the reason codes of ``metrics.value_score``)."""
    texts = []
    for reason in reasons:
        code, p = reason.get("code"), reason.get("params") or {}
        if code == "revenue_share":
            texts.append(
                _(
                    "Revenue rank %(rank)s: %(amount)s in 12 months, %(share).1f %% of revenue (cumulative %(cumulative).1f %%)."
                )
                % {
                    "rank": int(p.get("rank", 0)) + 1,
                    "amount": _money(float(p.get("amount", 0))),
                    "share": 100 * float(p.get("share", 0)),
                    "cumulative": 100 * float(p.get("cumulative_share", 0)),
                }
            )
        elif code == "revenue_class":
            texts.append(
                _("Revenue class %(class)s (A up to 80 %% of revenue, B up to 95 %%).")
                % {"class": p.get("class")}
            )
        elif code == "no_value_score":
            texts.append(_("No value score: the five ratings are not filled in."))
        elif code == "value_score":
            texts.append(
                _("Value score %(score).0f, class %(class)s (A from %(a)s, B from %(b)s).")
                % {
                    "score": float(p.get("score", 0)),
                    "class": p.get("class"),
                    "a": p.get("score_a"),
                    "b": p.get("score_b"),
                }
            )
        elif code == "grade":
            change = {"up": _("raised by the value score"), "down": _("lowered by the value score")}.get(
                p.get("change", ""), _("as the revenue class")
            )
            texts.append(
                _("Suggested grade %(grade)s: %(change)s.") % {"grade": p.get("grade"), "change": change}
            )
    return texts


def action_reason_texts(reason: dict[str, Any]) -> list[str]:
    """List the facts the playbook rule checked ("segment: champions")."""
    names = {
        "segments": _("Segment"),
        "value_groups": _("Value group"),
        "lifecycle_stages": _("Lifecycle stage"),
        "grades": _("Grade"),
        "relationship_levels": _("Relationship level"),
        "has_open_complaints": _("Open complaints"),
        "days_since_contact": _("Days since last contact"),
    }
    labels = {**dict(Segment.choices), **dict(ValueGroup.choices), **dict(LifecycleStage.choices)}
    texts = []
    for condition in reason.get("conditions", []):
        value = condition.get("value")
        shown = "—" if value in (None, "") else str(labels.get(value, value))
        texts.append(f"{names.get(condition.get('condition'), condition.get('condition'))}: {shown}")
    return texts


def _panel_context(request: MemberRequest, customer: Any, **extra: Any) -> dict[str, Any]:
    """The customer value section's context: the customer, its value facts and the grade choices."""
    return {
        "customer": customer,
        **customer_value_context(request, customer.pk),
        "grade_choices": Grade.choices,
        **extra,
    }


@require_GET
@member_view
def insights_customer_panel(request: MemberRequest, pk: int) -> HttpResponse:
    """The value section of one customer: a fragment for the customer page, a page of its own without JS."""
    customer = customer_get_for_user(user=request.user, pk=pk)
    context = _panel_context(request, customer, may_override=may_override_grade(request.user, customer))
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "web/insights/_customer_panel.html" if fragment else "web/insights/customer.html"
    return vary_on_htmx(render(request, template, context))


@require_POST
@member_view
def insights_grade_override(request: MemberRequest, pk: int) -> HttpResponse:
    """Set the customer's grade by hand with a reason (the director or the owner's manager; audited)."""
    customer = customer_get_for_user(user=request.user, pk=pk)
    grade = request.POST.get("grade", "")
    reason = request.POST.get("reason", "").strip()
    target = reverse("web:customer_detail", args=[customer.pk]) + "#value"
    try:
        customer_grade_override(actor=request.user, customer=customer, grade=grade, reason=reason)
    except ValidationFailed as error:
        context = _panel_context(
            request,
            customer,
            may_override=True,
            override_errors=[m for msgs in (error.details or {}).values() for m in msgs] or [str(error)],
            posted={"grade": grade, "reason": reason},
        )
        return render(request, "web/insights/customer.html", context, status=400)
    messages.success(request, _("Grade set to %(grade)s.") % {"grade": grade or "—"})
    return HttpResponseRedirect(target)
