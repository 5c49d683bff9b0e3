"""guanxi's benchmark (SPEC §6): generate dataset M, measure the budgeted pages on SQLite and PostgreSQL.

    python bench/run.py                          # dataset M and the demo, on SQLite and PostgreSQL
    python bench/run.py --db sqlite --quick      # a tenth of dataset M, SQLite only: a quick look
    python bench/run.py --db postgres --postgres-url postgres://user@host:5432/guanxi_bench

Each database × dataset runs in its own Python process (settings are read once per process): it
migrates an empty database, loads the data, then measures in process with Django's test client as a
rep, a manager and the director. The table goes to stdout, the numbers to bench/out/*.json.
PostgreSQL databases named after --postgres-url (…_m, …_demo) are dropped and created again.
"""

import argparse
import datetime
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/guanxi_bench"
ROLES = ("rep", "manager", "director")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--dataset", choices=("m", "demo", "both"), default="both")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=250_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="a tenth of dataset M")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per scenario and role")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("GUANXI_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    parser.add_argument("--home", type=Path, help="keep the SQLite databases in this directory (reused)")
    parser.add_argument("--reuse", action="store_true", help="measure existing data instead of generating it")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.customers, args.contacts, args.interactions = (n // 10 for n in (100_000, 250_000, 1_000_000))
    if args.child:
        return child(args)
    return parent(args)


# --- the parent: one child process per database and dataset -------------------------------------------


def parent(args: argparse.Namespace) -> int:
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    datasets = ["demo", "m"] if args.dataset == "both" else [args.dataset]
    home = args.home or Path(tempfile.mkdtemp(prefix="guanxi-bench-"))
    OUT.mkdir(parents=True, exist_ok=True)
    runs: list[dict[str, Any]] = []
    failed = False
    try:
        for database in databases:
            for dataset in datasets:
                print(f"\n=== {dataset} on {database}", flush=True)
                env = child_environment(args, database, dataset, home)
                out = home / f"{database}-{dataset}.json"
                command = [sys.executable, str(Path(__file__).resolve()), "--child", "--db", database,
                           "--dataset", dataset, "--out", str(out), "--requests", str(args.requests),
                           "--customers", str(args.customers), "--contacts", str(args.contacts),
                           "--interactions", str(args.interactions)]  # fmt: skip
                if args.reuse:
                    command.append("--reuse")
                if subprocess.run(command, env=env, check=False).returncode != 0:  # noqa: S603
                    failed = True
                    continue
                runs.append(json.loads(out.read_text()))
    finally:
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)
    if runs:
        print_table([r for run in runs for r in run["results"]])
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        report = {"machine": machine(), "runs": runs}
        for name in (f"run-{stamp}.json", "run-latest.json"):
            (OUT / name).write_text(json.dumps(report, ensure_ascii=False, indent=1))
        print(f"\nwritten: bench/out/run-{stamp}.json (and bench/out/run-latest.json)")
    return 1 if failed else 0


def child_environment(args: argparse.Namespace, database: str, dataset: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "guanxi.config.settings"
    env["GUANXI_HOME"] = str(home / f"sqlite-{dataset}")
    if database == "postgres":
        url = f"{args.postgres_url.rstrip('/')}_{dataset}"
        if not args.reuse:
            recreate_postgres_database(url)
        env["DATABASE_URL"] = url
    elif not args.reuse:
        shutil.rmtree(home / f"sqlite-{dataset}", ignore_errors=True)
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


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
        "processor": platform.processor() or platform.machine(),
    }  # fmt: skip


def print_table(results: list[dict[str, Any]]) -> None:
    header = (f"{'dataset':<8}{'db':<10}{'role':<9}{'scenario':<44}{'mode':<9}{'p50':>7}{'p95':>7}{'max':>7}"
              f"{'budget':>8}{'':>5}{'cpu p50':>8}{'cpu p95':>8}{'queries':>8}{'raw':>7}{'app/raw':>8}")  # fmt: skip
    print("\n" + header + "\n" + "-" * len(header))
    for r in results:
        verdict = "ok" if r["p95_ms"] <= r["budget_ms"] else "MISS"
        print(
            f"{r['dataset']:<8}{r['database']:<10}{r['role']:<9}{r['scenario'][:43]:<44}{r['mode']:<9}"
            f"{r['p50_ms']:>7.1f}{r['p95_ms']:>7.1f}{r['max_ms']:>7.1f}{r['budget_ms']:>8}{verdict:>5}"
            f"{r['cpu_p50_ms']:>8.1f}{r['cpu_p95_ms']:>8.1f}{r['queries']:>8}{r['raw_ms']:>7.1f}{r['app_over_raw']:>8.1f}"
        )
    print(
        "times in ms: p50/p95/max = server time in process (wall clock); cpu = this process's CPU time "
        "(all the work on SQLite, only the Python side on PostgreSQL); raw = the request's SELECTs replayed "
        "on the bare cursor"
    )


# --- the child: one database, one dataset ------------------------------------------------------------------


def child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from guanxi.customers.models import Contact, Customer
    from guanxi.people.models import User

    sys.path.insert(0, str(BENCH))
    from dataset import DatasetM, Sizes
    from scenarios import measure, scenarios_for

    call_command("migrate", interactive=False, verbosity=0)
    Path(settings.STATIC_ROOT).mkdir(
        parents=True, exist_ok=True
    )  # WhiteNoise warns on every start without it
    meta: dict[str, Any] = {
        "dataset": args.dataset,
        "database": connection.vendor,
        "db_version": db_version(),
    }
    present = Customer.all_objects.exists()
    started = time.perf_counter()
    if args.dataset == "m":
        sizes = Sizes(customers=args.customers, contacts=args.contacts, interactions=args.interactions)
        if not (args.reuse and present):
            print(f"  generating dataset M: {sizes.customers:,} customers, {sizes.contacts:,} contacts, "
                  f"{sizes.interactions:,} interactions", flush=True)  # fmt: skip
            generator = DatasetM(sizes)
            generator.build()
            meta.update(generator.describe())
        users = {
            "rep": User.objects.get(username="rep001"),
            "director": User.objects.get(username="director"),
        }
        users["manager"] = User.objects.get(team=users["rep"].team, role="manager")
        name_query = "恒润"
    else:
        from guanxi.demo import demo_load

        if not (args.reuse and present):
            demo_load(password=f"bench-{random.random()}")
        users = {role: User.objects.get(username=name) for role, name in
                 (("rep", "rep1"), ("manager", "manager1"), ("director", "director"))}  # fmt: skip
        name_query = "华威"
    meta["load_seconds"] = round(time.perf_counter() - started, 1)
    meta["load_average_before"] = os.getloadavg()
    if os.getloadavg()[0] > 0.5 * (os.cpu_count() or 1):
        print(
            f"  warning: the machine is busy (load average {os.getloadavg()[0]:.1f}); times will be inflated"
        )
    meta["counts"] = {"customers": Customer.objects.count(), "contacts": Contact.objects.count()}
    print(f"  loaded in {meta['load_seconds']} s: {meta['counts']}", flush=True)
    mobile = (
        Contact.objects.filter(customer__owner=users["rep"])
        .order_by("pk")
        .values_list("mobile", flat=True)[0]
    )
    searches = {"Chinese name": name_query, "pinyin initials": "hw", "phone digits": mobile[-4:]}
    label = "M" if args.dataset == "m" else "demo"
    results = []
    for role in ROLES:
        rng = random.Random(7)
        for scenario in scenarios_for(users[role], rng, args.requests, searches):
            result = measure(scenario, users[role], args.requests, label, database_label(), role)
            print(f"  {role:<9}{scenario.name:<46}{result.mode:<9}p50 {result.p50_ms:7.1f}  "
                  f"p95 {result.p95_ms:7.1f} ms  {result.queries} queries", flush=True)  # fmt: skip
            results.append({**result.__dict__})
    meta["load_average_after"] = os.getloadavg()
    args.out.write_text(json.dumps({"meta": meta, "results": results}, ensure_ascii=False, indent=1))
    return 0


def database_label() -> str:
    from django.db import connection

    return "postgres" if connection.vendor == "postgresql" else connection.vendor


def db_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


if __name__ == "__main__":
    sys.exit(main())
