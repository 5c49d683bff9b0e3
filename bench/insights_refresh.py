"""Time ``guanxi insights refresh`` on dataset M (SPEC §6: ≤ 60 s on SQLite and on PostgreSQL).

    python bench/insights_refresh.py                          # SQLite and PostgreSQL, 100 000 customers
    python bench/insights_refresh.py --db sqlite --customers 10000 --orders 100000
    python bench/insights_refresh.py --db postgres --postgres-url postgres://postgres@127.0.0.1:5432/gx

For each database a child process migrates an empty database and generates the customers and their
orders (``sales_dataset.generate``); a second child process, so that its peak memory is its own, runs the
refresh twice — as of yesterday, then as of today (the second run compares with the first and raises the
value alerts) — and the calibration/holdout fit report. Nothing is asserted: the numbers are printed and
written to bench/out/insights_refresh-<db>.json. The PostgreSQL database named by --postgres-url is
dropped and created again.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/guanxi_bench_insights"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument(
        "--postgres-url", default=os.environ.get("GUANXI_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    parser.add_argument("--home", type=Path, help="directory for the SQLite database (kept)")
    parser.add_argument("--reuse", action="store_true", help="measure the existing data, do not generate")
    parser.add_argument("--child", choices=("generate", "measure"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    home = args.home or Path(tempfile.mkdtemp(prefix="guanxi-insights-bench-"))
    databases = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    results = []
    for database in databases:
        env = environment(args, database, home)
        if not args.reuse:
            run_child(args, "generate", env)
        result = run_child(args, "measure", env)
        result["database"] = database
        results.append(result)
        OUT.mkdir(exist_ok=True)
        (OUT / f"insights_refresh-{database}.json").write_text(json.dumps(result, indent=2, default=str))
    for result in results:
        print_result(result)
    return 0


def environment(args: argparse.Namespace, database: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "guanxi.config.settings"
    env["GUANXI_HOME"] = str(home / "sqlite")
    if database == "postgres":
        env["DATABASE_URL"] = args.postgres_url
        if not args.reuse:
            recreate_postgres_database(args.postgres_url)
    return env


def recreate_postgres_database(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
        password=config["PASSWORD"] or None, dbname="postgres", autocommit=True,
    ) as admin:  # fmt: skip
        name = config["NAME"]
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def run_child(args: argparse.Namespace, step: str, env: dict[str, str]) -> dict[str, Any]:
    if step == "generate" and "DATABASE_URL" not in env:
        sqlite_home = Path(env["GUANXI_HOME"])
        for name in ("guanxi.sqlite3", "guanxi.sqlite3-wal", "guanxi.sqlite3-shm"):
            (sqlite_home / name).unlink(missing_ok=True)
    command = [
        sys.executable, str(Path(__file__).resolve()), "--child", step,
        "--customers", str(args.customers), "--orders", str(args.orders),
    ]  # fmt: skip
    completed = subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    sys.stderr.write(completed.stderr)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def child(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(BENCH.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    def log(message: str) -> None:
        sys.stderr.write(f"[{args.child}] {message}\n")

    if args.child == "generate":
        from sales_dataset import generate

        call_command("migrate", verbosity=0)
        info = generate(customers=args.customers, orders=args.orders, log=log)
        print(json.dumps(info))
        return 0

    from django.db import connection

    from guanxi.insights.fit_report import clv_fit_report
    from guanxi.insights.models import CustomerSnapshot, ValueAlert
    from guanxi.insights.refresh import refresh_insights

    today = datetime.date.today()
    result: dict[str, Any] = {"server": connection.vendor}
    for label, as_of in (("first", today - datetime.timedelta(days=1)), ("second", today)):
        started = time.perf_counter()
        run = refresh_insights(as_of=as_of)
        seconds = time.perf_counter() - started
        log(f"refresh as of {as_of}: {seconds:.1f} s {run.counts['seconds']}")
        result[f"refresh_{label}"] = {
            "as_of": as_of.isoformat(),
            "seconds": round(seconds, 2),
            "steps": run.counts["seconds"],
            "customers": run.customers,
            "customers_with_orders": run.customers_with_orders,
            "bgnbd": run.bgnbd,
            "gamma_gamma": run.gamma_gamma,
            "alerts": run.counts["alerts"],
            "lifecycle_updates": run.counts["lifecycle_updates"],
            "affinity_pairs": run.counts["affinity_pairs"],
        }
    started = time.perf_counter()
    report = clv_fit_report(calibration_end=today - datetime.timedelta(days=182), holdout_end=today)
    result["clv_report"] = {
        "seconds": round(time.perf_counter() - started, 2),
        "holdout_actual": report["holdout"]["actual"] if report["holdout"] else None,
        "holdout_predicted": report["holdout"]["predicted"] if report["holdout"] else None,
    }
    result["snapshots"] = CustomerSnapshot.objects.count()
    result["alerts"] = ValueAlert.objects.count()
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result, default=str))
    return 0


def print_result(result: dict[str, Any]) -> None:
    print(f"\n== {result['database']} ==")
    for label in ("first", "second"):
        run = result[f"refresh_{label}"]
        steps = ", ".join(f"{name} {value:.1f}" for name, value in run["steps"].items())
        print(
            f"refresh as of {run['as_of']}: {run['seconds']:.1f} s ({steps}); customers {run['customers']}, "
            f"with orders {run['customers_with_orders']}; alerts {run['alerts']}"
        )
    fit = result["refresh_second"]["bgnbd"]
    print(f"BG/NBD: {fit.get('params')} LL {fit.get('log_likelihood')}")
    clv = result["clv_report"]
    print(
        f"clv report: {clv['seconds']:.1f} s; holdout actual {clv['holdout_actual']}, "
        f"predicted {clv['holdout_predicted']}"
    )
    print(f"snapshots {result['snapshots']}, alerts {result['alerts']}, peak RSS {result['peak_rss_mb']} MB")


if __name__ == "__main__":
    sys.exit(main())
