"""The calibration/holdout check of the purchase model (``guanxi insights clv``), as in Fader, Hardie &
Lee (2005): fit BG/NBD and Gamma-Gamma on the orders up to the calibration end, predict each customer's
repeat purchases in the holdout period, and compare with what they actually bought.

Time unit: weeks. A purchase is a day with at least one order (several orders on one day are one
purchase occasion), both in the fit and in the holdout counts. Customers enter the check if their first
order is on or before the calibration end; "repeat purchases" in the holdout are all their order days in
(calibration end, holdout end]. Buckets group customers by their calibration repeat purchases, 0 … 7+.
"""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np

from .aggregates import customer_aggregates, holdout_repeat_days
from .compute import DAYS_PER_WEEK, fit_models, purchase_summary
from .metrics import bgnbd

BUCKETS = 8  # 0, 1, …, 6, 7+


def clv_fit_report(*, calibration_end: datetime.date, holdout_end: datetime.date) -> dict[str, Any]:
    """Fit on the calibration period and return parameters, log-likelihoods, customer counts and the
    holdout comparison (total and per frequency bucket). Raise ValueError if the holdout does not end
    after the calibration."""
    if holdout_end <= calibration_end:
        raise ValueError("the holdout must end after the calibration period")
    aggregates = customer_aggregates(as_of=calibration_end, window_days=365)
    summary = purchase_summary(aggregates, calibration_end)
    purchase_fit, _spend_fit, fit = fit_models(summary)
    ids = aggregates.ids[aggregates.has_orders]
    actual = holdout_repeat_days(after=calibration_end, until=holdout_end, ids=ids).astype(np.float64)
    horizon_weeks = (holdout_end - calibration_end).days / DAYS_PER_WEEK
    report: dict[str, Any] = {
        "calibration_end": calibration_end.isoformat(),
        "holdout_end": holdout_end.isoformat(),
        "time_unit": "weeks",
        "holdout_weeks": round(horizon_weeks, 4),
        "customers": len(ids),
        "bgnbd": fit.bgnbd,
        "gamma_gamma": fit.gamma_gamma,
    }
    if purchase_fit is None:
        report["holdout"] = None
        return report
    with np.errstate(all="ignore"):
        predicted = bgnbd.conditional_expected_purchases(
            purchase_fit.params, horizon_weeks, summary.x, summary.t_x, summary.T
        )
    bucket = np.minimum(summary.x, BUCKETS - 1).astype(np.int64)
    buckets = []
    for b in range(BUCKETS):
        members = bucket == b
        count = int(members.sum())
        buckets.append(
            {
                "frequency": f"{b}+" if b == BUCKETS - 1 else str(b),
                "customers": count,
                "actual": float(actual[members].sum()),
                "predicted": float(predicted[members].sum()),
                "actual_mean": float(actual[members].mean()) if count else None,
                "predicted_mean": float(predicted[members].mean()) if count else None,
            }
        )
    report["holdout"] = {
        "actual": float(actual.sum()),
        "predicted": float(predicted.sum()),
        "by_frequency": buckets,
    }
    return report
