"""Turn per-customer order aggregates into every §3 figure, vectorised. Pure numpy/scipy, no ORM.

Inputs come from ``guanxi.insights.aggregates`` (SQL); outputs are the snapshot columns. All models
come from ``guanxi.insights.metrics``:

* RFM over the window (R days since the last order, F orders and M amount in the window), quintile
  scores and the 11-segment map with its three value groups;
* revenue ABC on the window amount, the five-dimension value score and the grade suggestion with its
  reasons;
* BG/NBD (time unit: **weeks** — x repeat purchase days, t_x and T measured from the first purchase
  day to the last purchase day and to ``as_of``) fitted once on every customer with an order: P(alive),
  expected purchases in the next 30/90/365 days, the central 50 % window of the next purchase;
* Gamma-Gamma on the customers' repeat purchase days (the average value of the days after the first),
  the expected order value and the discounted 12-month CLV;
* the lifecycle stage (``guanxi.insights.lifecycle``).

When a model cannot be fitted (no customer bought twice; Gamma-Gamma without a finite mean) its
columns stay empty (NaN) and the fit record says why.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .lifecycle import LifecycleRule, infer_stages
from .metrics import abc_analysis, bgnbd, clv, gamma_gamma, purchase_cycle, rfm, value_score
from .metrics.segment_map import DEFAULT_SEGMENT_MAP, SegmentMap

DAYS_PER_WEEK = 7.0
HORIZONS_DAYS = (30, 90, 365)
MAX_WINDOW_DAYS = 36_500.0  # a window further out than a century says "unknown", not a date
NO_DAY = -1


@dataclass(frozen=True)
class InsightsConfig:
    """Every tunable of a refresh; the defaults follow SPEC §3."""

    window_days: int = 365
    segment_map: SegmentMap = DEFAULT_SEGMENT_MAP
    abc_thresholds: abc_analysis.ABCThresholds = field(default_factory=abc_analysis.ABCThresholds)
    value_weights: dict[str, float] | None = None
    grade_rule: value_score.GradeRule = field(default_factory=value_score.GradeRule)
    lifecycle_rule: LifecycleRule = field(default_factory=LifecycleRule)
    churn_threshold: float = 0.3
    clv_months: int = 12
    monthly_discount_rate: float = 0.01
    margin: float = 1.0
    next_purchase_coverage: float = 0.5


@dataclass
class CustomerAggregates:
    """One entry per live customer, sorted by id. Days are ordinals; NO_DAY when there is no order."""

    ids: NDArray[np.int64]
    owner_ids: NDArray[np.int64]  # 0 when the customer has no owner (public pool)
    lifecycle_stage: NDArray[np.object_]  # the stage on the customer now ("" when unset)
    lifecycle_locked: NDArray[np.bool_]
    ratings: NDArray[np.float64]  # customers × 5, NaN where unrated
    first_day: NDArray[np.int64]
    last_day: NDArray[np.int64]
    orders: NDArray[np.int64]
    purchase_days: NDArray[np.int64]
    total: NDArray[np.float64]
    window_amount: NDArray[np.float64]
    window_orders: NDArray[np.int64]
    previous_amount: NDArray[np.float64]
    median_interval_days: NDArray[np.float64]
    first_day_amount: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def has_orders(self) -> NDArray[np.bool_]:
        return self.first_day != NO_DAY


@dataclass
class FitReport:
    """What a refresh fitted: JSON-ready, stored on the run record."""

    bgnbd: dict[str, Any]
    gamma_gamma: dict[str, Any]


@dataclass
class SnapshotColumns:
    """The computed columns, aligned with ``CustomerAggregates.ids``."""

    recency_days: NDArray[np.float64]
    r: NDArray[np.int64]
    f: NDArray[np.int64]
    m: NDArray[np.int64]
    fm: NDArray[np.int64]
    segment: NDArray[np.str_]
    group: NDArray[np.str_]
    revenue_class: NDArray[np.str_]
    value_score: NDArray[np.float64]
    grade: NDArray[np.str_]
    grade_reasons: list[str]  # JSON text per customer
    lifecycle_stage: NDArray[np.str_]
    p_alive: NDArray[np.float64]
    expected_purchases: dict[int, NDArray[np.float64]]  # horizon in days → expectation
    next_purchase_from: NDArray[np.float64]
    next_purchase_median: NDArray[np.float64]
    next_purchase_to: NDArray[np.float64]
    next_purchase_probability: NDArray[np.float64]
    expected_order_value: NDArray[np.float64]
    clv: NDArray[np.float64]
    fit: FitReport


@dataclass(frozen=True)
class PurchaseSummary:
    """BG/NBD inputs in weeks for the customers with orders, plus the repeat-day average value."""

    x: NDArray[np.float64]
    t_x: NDArray[np.float64]
    T: NDArray[np.float64]
    repeat_value: NDArray[np.float64]


def purchase_summary(agg: CustomerAggregates, as_of: datetime.date) -> PurchaseSummary:
    """Return (x, t_x, T) in weeks and the average repeat-day value for the customers with orders."""
    has = agg.has_orders
    first = agg.first_day[has].astype(np.float64)
    x = np.maximum(agg.purchase_days[has] - 1, 0).astype(np.float64)
    t_x = np.where(x > 0, (agg.last_day[has] - first) / DAYS_PER_WEEK, 0.0)
    T = (as_of.toordinal() - first) / DAYS_PER_WEEK
    repeat_total = np.clip(agg.total[has] - agg.first_day_amount[has], 0.0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        repeat_value = np.where(x > 0, repeat_total / np.where(x > 0, x, 1.0), 0.0)
    return PurchaseSummary(x=x, t_x=t_x, T=T, repeat_value=repeat_value)


def _previous_params(previous: dict[str, Any] | None, names: tuple[str, ...]) -> tuple[float, ...] | None:
    """Return the parameters of a previous converged fit, to start the optimiser next to the answer."""
    if not previous or not previous.get("converged") or "params" not in previous:
        return None
    values = tuple(float(previous["params"].get(name, 0.0)) for name in names)
    return values if all(np.isfinite(v) and v > 0 for v in values) else None


def fit_models(
    summary: PurchaseSummary, previous: FitReport | None = None
) -> tuple[bgnbd.BGNBDFit | None, gamma_gamma.GammaGammaFit | None, FitReport]:
    """Fit BG/NBD and Gamma-Gamma once on everyone; a model that cannot be fitted is None.

    ``previous`` (yesterday's fit) only chooses where the optimiser starts: daily data moves the maximum
    little, so a warm start needs a few iterations instead of a few dozen; the maximum is the same.
    """
    purchase_fit = spend_fit = None
    purchase_report: dict[str, Any] = {"customers": len(summary.x)}
    spend_report: dict[str, Any] = {
        "customers": int(np.count_nonzero((summary.x > 0) & (summary.repeat_value > 0)))
    }
    start = _previous_params(previous.bgnbd if previous else None, ("r", "alpha", "a", "b"))
    try:
        purchase_fit = bgnbd.fit(
            summary.x, summary.t_x, summary.T, initial=bgnbd.BGNBDParams(*start) if start else None
        )
        p = purchase_fit.params
        purchase_report.update(
            params={"r": p.r, "alpha": p.alpha, "a": p.a, "b": p.b},
            log_likelihood=purchase_fit.log_likelihood,
            converged=purchase_fit.converged,
            iterations=purchase_fit.iterations,
        )
    except ValueError as error:
        purchase_report["error"] = str(error)
    start = _previous_params(previous.gamma_gamma if previous else None, ("p", "q", "gamma"))
    try:
        spend_fit = gamma_gamma.fit(
            summary.x, summary.repeat_value, initial=gamma_gamma.GammaGammaParams(*start) if start else None
        )
        s = spend_fit.params
        spend_report.update(
            params={"p": s.p, "q": s.q, "gamma": s.gamma},
            log_likelihood=spend_fit.log_likelihood,
            converged=spend_fit.converged,
            iterations=spend_fit.iterations,
        )
        if s.q <= 1.0:
            spend_report["error"] = "q <= 1: no finite mean order value"
    except ValueError as error:
        spend_report["error"] = str(error)
    return purchase_fit, spend_fit, FitReport(bgnbd=purchase_report, gamma_gamma=spend_report)


def grade_reasons_json(
    revenue_class: NDArray[np.str_],
    score: NDArray[np.float64],
    abc: abc_analysis.ABCResult,
    rule: value_score.GradeRule,
) -> list[str]:
    """Return, per customer, the reasons of the grade suggestion as JSON text: the revenue share behind the
    ABC class, then ``value_score.suggest_grade``'s own reasons (computed once per distinct class and
    score — there are few — and reused)."""
    cache: dict[tuple[str, float | None], str] = {}
    texts = []
    columns = zip(
        revenue_class.tolist(),
        score.tolist(),
        abc.value.tolist(),
        abc.rank.tolist(),
        abc.share.tolist(),
        abc.cumulative_share.tolist(),
        strict=True,
    )
    for klass, value, amount, rank, share, cumulative in columns:
        key = (klass, None if value != value else value)  # NaN != NaN: no score
        suggestion = cache.get(key)
        if suggestion is None:
            reasons = value_score.suggest_grade(key[0], key[1], rule=rule).reasons
            suggestion = json.dumps([{"code": r.code, "params": dict(r.params)} for r in reasons])
            cache[key] = suggestion
        texts.append(
            f'[{{"code": "revenue_share", "params": {{"amount": {amount:.2f}, "rank": {rank}, '
            f'"share": {share:.6f}, "cumulative_share": {cumulative:.6f}}}}}, {suggestion[1:]}'
        )
    return texts


def _model_columns(
    summary: PurchaseSummary,
    purchase_fit: bgnbd.BGNBDFit | None,
    spend_fit: gamma_gamma.GammaGammaFit | None,
    has: NDArray[np.bool_],
    config: InsightsConfig,
) -> dict[str, NDArray[np.float64]]:
    """Evaluate the fitted models for the customers with orders; NaN elsewhere or without a model.

    Floating-point warnings are silenced: a degenerate fit (tiny archives) yields NaN or inf, which the
    writer stores as "unknown".
    """
    names = ("p_alive", *(f"expected_{h}" for h in HORIZONS_DAYS), "from", "median", "to", "probability")
    out = {name: np.full(len(has), np.nan) for name in (*names, "order_value", "clv")}
    if purchase_fit is None or not has.any():
        return out
    params = purchase_fit.params
    x, t_x, T = summary.x, summary.t_x, summary.T
    with np.errstate(all="ignore"):
        out["p_alive"][has] = bgnbd.p_alive(params, x, t_x, T)
        for horizon in HORIZONS_DAYS:
            out[f"expected_{horizon}"][has] = bgnbd.conditional_expected_purchases(
                params, horizon / DAYS_PER_WEEK, x, t_x, T
            )
        window = purchase_cycle.next_purchase_window(
            params, x, t_x, T, coverage=config.next_purchase_coverage
        )
        out["from"][has] = np.minimum(window.start * DAYS_PER_WEEK, MAX_WINDOW_DAYS)
        out["median"][has] = np.minimum(window.median * DAYS_PER_WEEK, MAX_WINDOW_DAYS)
        out["to"][has] = np.minimum(window.end * DAYS_PER_WEEK, MAX_WINDOW_DAYS)
        out["probability"][has] = window.probability_in_window
        if spend_fit is not None and spend_fit.params.q > 1.0:
            value = clv.customer_lifetime_value(
                params,
                spend_fit.params,
                x,
                t_x,
                T,
                summary.repeat_value,
                months=config.clv_months,
                time_units_per_month=clv.WEEKS_PER_MONTH,
                monthly_discount_rate=config.monthly_discount_rate,
                margin=config.margin,
            )
            out["order_value"][has] = value.expected_order_value
            out["clv"][has] = value.clv
    return out


def compute_snapshots(
    agg: CustomerAggregates, as_of: datetime.date, config: InsightsConfig, previous: FitReport | None = None
) -> SnapshotColumns:
    """Compute every snapshot column for all customers at once (``previous``: see ``fit_models``)."""
    n = len(agg)
    has = agg.has_orders
    today = as_of.toordinal()
    recency = np.where(has, today - agg.last_day, np.nan).astype(np.float64)
    tenure = np.where(has, today - agg.first_day, np.nan).astype(np.float64)

    scores = rfm.rfm_scores(agg.ids, recency, agg.window_orders, agg.window_amount)
    segments = rfm.assign_segments(scores, config.segment_map)
    abc = abc_analysis.abc_classify(agg.ids, agg.window_amount, thresholds=config.abc_thresholds)
    score = value_score.value_scores(agg.ratings, config.value_weights) if n else np.zeros(0)
    grade = (
        value_score.suggest_grades(abc.classes, score, rule=config.grade_rule)
        if n
        else np.zeros(0, dtype=str)
    )

    summary = purchase_summary(agg, as_of)
    purchase_fit, spend_fit, report = fit_models(summary, previous)
    model = _model_columns(summary, purchase_fit, spend_fit, has, config)
    p_alive = model["p_alive"]

    stages = infer_stages(
        has_orders=has,
        purchase_days=agg.purchase_days,
        tenure_days=tenure,
        recency_days=recency,
        p_alive=p_alive,
        window_amount=agg.window_amount,
        previous_amount=agg.previous_amount,
        rule=config.lifecycle_rule,
    )
    return SnapshotColumns(
        recency_days=recency,
        r=scores.r,
        f=scores.f,
        m=scores.m,
        fm=scores.fm,
        segment=segments.segment,
        group=segments.group,
        revenue_class=abc.classes,
        value_score=score,
        grade=grade,
        grade_reasons=grade_reasons_json(abc.classes, score, abc, config.grade_rule),
        lifecycle_stage=stages,
        p_alive=p_alive,
        expected_purchases={h: model[f"expected_{h}"] for h in HORIZONS_DAYS},
        next_purchase_from=model["from"],
        next_purchase_median=model["median"],
        next_purchase_to=model["to"],
        next_purchase_probability=model["probability"],
        expected_order_value=model["order_value"],
        clv=model["clv"],
        fit=report,
    )
