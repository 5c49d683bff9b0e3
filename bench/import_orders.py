"""Time ``guanxi import orders`` on a generated CSV (SPEC §6: 1 000 000 orders ≤ 60 s on PostgreSQL,
memory bounded whatever the file size).

    python bench/import_orders.py --postgres-url postgres://postgres@127.0.0.1:5432/guanxi_bench_insights
    python bench/import_orders.py --rows 100000 --db sqlite --home var/bench

The database must hold dataset M's customers and products (run ``bench/insights_refresh.py`` first, or
pass --generate). The CSV looks like an ERP export opened in Excel on Chinese Windows: GB18030, Chinese
headers, one order per row with its product line, dates and amounts written several ways (2024年3月5日,
2024/3/5, ¥1,234.50, full-width digits). The import runs as the director in a child process, twice:
``--dry-run`` (validation only) and the real import; the peak memory of each child is reported. Nothing
is asserted; numbers go to stdout and bench/out/import_orders-<db>.json.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def write_csv(
    path: Path, rows: int, customers: int, products: int, lines: bool = True, seed: int = 11
) -> None:
    rng = random.Random(seed)
    today = datetime.date.today()
    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        header = ["单号", "客户名称", "订单日期", "产品编码", "数量", "金额（元）"]
        writer.writerow(header if lines else [header[i] for i in (0, 1, 2, 5)])
        for i in range(rows):
            customer = rng.randint(1, customers)
            day = today - datetime.timedelta(days=rng.randint(1, 3 * 365))
            quantity = rng.randint(1, 20)
            amount = round(quantity * rng.uniform(20, 2000), 2)
            style = i % 4
            if style == 0:
                day_text, amount_text = day.isoformat(), f"{amount:.2f}"
            elif style == 1:
                day_text, amount_text = f"{day.year}年{day.month}月{day.day}日", f"¥{amount:,.2f}"
            elif style == 2:
                day_text, amount_text = f"{day.year}/{day.month}/{day.day}", f"{amount:,.2f}"
            else:
                day_text, amount_text = (
                    day.isoformat().translate(FULL_WIDTH),
                    f"{amount:.2f}".translate(FULL_WIDTH),
                )
            row = [
                f"{'IMP' if lines else 'IMN'}{i + 1:08d}",  # different numbers: both files import
                f"客户{customer:06d}有限公司",
                day_text,
                f"P{rng.randint(1, products):04d}",
                quantity,
                amount_text,
            ]
            writer.writerow(row if lines else [row[i] for i in (0, 1, 2, 5)])


def run_import(env: dict[str, str], path: Path, dry_run: bool) -> dict[str, object]:
    command = [sys.executable, "-m", "django", "import", "orders", str(path), "--as", "director"]
    if dry_run:
        command.append("--dry-run")
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stdout = process.stdout.read() if process.stdout else ""
    stderr = process.stderr.read() if process.stderr else ""
    return {
        "dry_run": dry_run,
        "exit_status": os.waitstatus_to_exitcode(status),
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "output": (stdout + stderr).strip().splitlines()[-3:],
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/guanxi_bench_insights")
    parser.add_argument("--home", type=Path, default=Path(tempfile.gettempdir()) / "guanxi-insights-bench")
    parser.add_argument("--file", type=Path, help="reuse this CSV instead of writing a new one")
    parser.add_argument(
        "--no-lines", action="store_true", help="orders only: no product and quantity columns"
    )
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "guanxi.config.settings"
    env["GUANXI_HOME"] = str(args.home / "sqlite")
    env["PYTHONPATH"] = str(BENCH.parent / "src")
    if args.db == "postgres":
        env["DATABASE_URL"] = args.postgres_url

    path = args.file or args.home / f"orders-{args.rows}{'-no-lines' if args.no_lines else ''}.csv"
    if args.file is None:
        args.home.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        write_csv(path, args.rows, args.customers, args.products, lines=not args.no_lines)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")
    results = [run_import(env, path, dry_run=True), run_import(env, path, dry_run=False)]
    for result in results:
        label = "dry run" if result["dry_run"] else "import"
        print(
            f"{label}: {result['seconds']} s, exit {result['exit_status']}, peak RSS {result['peak_rss_mb']} MB"
        )
        for line in result["output"]:
            print(f"    {line}")
    OUT.mkdir(exist_ok=True)
    (OUT / f"import_orders-{args.db}{'-no-lines' if args.no_lines else ''}.json").write_text(
        json.dumps(
            {"rows": args.rows, "file_mb": round(path.stat().st_size / 1e6, 1), "runs": results}, indent=2
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
