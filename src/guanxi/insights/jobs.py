"""Periodic jobs of the insights app (listed in ``guanxi.config.schedule``)."""

import datetime

from .refresh import forget_old_snapshots, refresh_insights


def insights_refresh(*, day: datetime.date) -> dict:
    """Refresh every customer's snapshot as of the last complete day (the day before ``day``), then forget
    daily snapshots past their retention (month ends stay).

    Idempotent: a rerun for the same day recomputes the same snapshots and adds no alert twice.
    """
    run = refresh_insights(as_of=day - datetime.timedelta(days=1))
    forgotten = forget_old_snapshots(today=day)
    return {
        "forgotten_snapshots": forgotten,
        "as_of": run.as_of.isoformat(),
        "customers": run.customers,
        "customers_with_orders": run.customers_with_orders,
        "counts": run.counts,
    }
