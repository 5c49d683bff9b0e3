"""``insights refresh`` and ``insights clv`` — the commands behind ``guanxi insights`` (SPEC §5.2)."""

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from guanxi.insights.fit_report import clv_fit_report
from guanxi.insights.refresh import refresh_insights

DEFAULT_HOLDOUT_DAYS = 182


def _date(value: str | None, name: str) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{name} must be YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "refresh: recompute the customer value snapshots (SPEC §3). "
        "clv: fit BG/NBD and Gamma-Gamma on a calibration period (time unit: weeks) and compare the "
        "predicted repeat purchases of a holdout period with the actual ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        refresh = actions.add_parser("refresh", help="recompute every snapshot")
        refresh.add_argument("--as-of", help="last day of observation, YYYY-MM-DD (default: today)")
        refresh.add_argument(
            "--no-alerts", action="store_true", help="do not raise value alerts (back-filling history)"
        )
        report = actions.add_parser("clv", help="calibration/holdout fit report")
        report.add_argument("--calibration-end", help="YYYY-MM-DD (default: holdout end − 26 weeks)")
        report.add_argument("--holdout-end", help="YYYY-MM-DD (default: today)")
        report.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "refresh":
            self._refresh(options)
        else:
            self._clv(options)

    def _refresh(self, options: dict[str, Any]) -> None:
        as_of = _date(options["as_of"], "--as-of") or timezone.localdate()
        run = refresh_insights(as_of=as_of, alerts=not options["no_alerts"])
        seconds = run.counts.get("seconds", {})
        self.stdout.write(
            f"insights as of {run.as_of}: {run.customers} customers, {run.customers_with_orders} with orders; "
            f"{sum(seconds.values()):.1f} s ({', '.join(f'{k} {v:.1f}' for k, v in seconds.items())})"
        )
        self.stdout.write(f"BG/NBD: {_fit_line(run.bgnbd)}")
        self.stdout.write(f"Gamma-Gamma: {_fit_line(run.gamma_gamma)}")
        self.stdout.write(
            f"lifecycle stages updated: {run.counts.get('lifecycle_updates', 0)}; "
            f"alerts: {run.counts.get('alerts') or {}}; product pairs: {run.counts.get('affinity_pairs', 0)}"
        )

    def _clv(self, options: dict[str, Any]) -> None:
        holdout_end = _date(options["holdout_end"], "--holdout-end") or timezone.localdate()
        calibration_end = _date(options["calibration_end"], "--calibration-end") or (
            holdout_end - datetime.timedelta(days=DEFAULT_HOLDOUT_DAYS)
        )
        try:
            report = clv_fit_report(calibration_end=calibration_end, holdout_end=holdout_end)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        write = self.stdout.write
        write(
            f"calibration to {report['calibration_end']}, holdout to {report['holdout_end']} "
            f"({report['holdout_weeks']:.1f} weeks); customers: {report['customers']}; time unit: weeks"
        )
        write(f"BG/NBD: {_fit_line(report['bgnbd'])}")
        write(f"Gamma-Gamma: {_fit_line(report['gamma_gamma'])}")
        holdout = report["holdout"]
        if holdout is None:
            write("holdout: no purchase model (no customer bought twice in the calibration period)")
            return
        write(
            f"holdout repeat purchases: actual {holdout['actual']:.0f}, predicted {holdout['predicted']:.1f}"
        )
        write(f"{'x':>4} {'customers':>10} {'actual':>10} {'predicted':>10} {'act/cust':>9} {'pred/cust':>9}")
        for row in holdout["by_frequency"]:
            means = (
                f"{row['actual_mean']:>9.3f} {row['predicted_mean']:>9.3f}"
                if row["customers"]
                else f"{'-':>9} {'-':>9}"
            )
            write(
                f"{row['frequency']:>4} {row['customers']:>10} {row['actual']:>10.0f} "
                f"{row['predicted']:>10.1f} {means}"
            )


def _fit_line(fit: dict[str, Any]) -> str:
    if "params" not in fit:
        return f"not fitted ({fit.get('error', 'no data')}); customers {fit.get('customers', 0)}"
    params = ", ".join(f"{name}={value:.4g}" for name, value in fit["params"].items())
    note = f"; {fit['error']}" if fit.get("error") else ""
    return (
        f"{params}; log-likelihood {fit['log_likelihood']:.2f}; customers {fit['customers']}; "
        f"converged {fit['converged']}{note}"
    )
