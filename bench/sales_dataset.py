"""Customers with an order history for the insights and import benchmarks (dataset M's sales side).

    generate(customers=100_000, orders=1_000_000)

Teams and users go through the ORM; customers, products, orders and lines are written with raw
``executemany`` (SQLite) or ``COPY`` (PostgreSQL) in chunks with explicit ids, so nothing is read back.

Purchases follow the BG/NBD story, so the fitted models have something real to find: each customer
starts on a random day of the last three years, buys at a Gamma-distributed daily rate and, after each
purchase, stops for good with a Beta-distributed probability; order values are Gamma-distributed around
a customer-specific mean. About a fifth of the customers never order (prospects). Every order has one
line of a product the customer prefers.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from django.db import connection, models, transaction

from guanxi.customers.models import Customer
from guanxi.people.models import Role, Team, User
from guanxi.sales.models import Order, OrderLine, Product

CHUNK = 10_000
HISTORY_DAYS = 3 * 365
INDUSTRIES = ("制造业", "信息技术", "零售", "医药健康", "能源化工", "物流运输", "汽车", "食品饮料")
REGIONS = ("east", "south", "north", "central", "southwest")
CATEGORIES = ("润滑油", "燃油", "化工原料", "设备配件", "技术服务")


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write ``rows`` (values for ``columns``, by attname); every other column gets its default."""
    fixed = [f for f in model._meta.concrete_fields if f.attname not in columns and not f.primary_key]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in fixed)
    names = [*columns, *(f.column for f in fixed)]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    count = 0
    with transaction.atomic():
        raw = connection.connection
        assert raw is not None
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *defaults))
                    count += 1
        else:
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(names))})"
            cursor = raw.cursor()
            for chunk in _chunks(rows, CHUNK):
                cursor.executemany(sql, [(*row, *defaults) for row in chunk])
                count += len(chunk)
            cursor.close()
    return count


def finish(models_written: Iterable[type[models.Model]]) -> None:
    """Move id sequences past the explicit ids and refresh the planner's statistics."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in models_written:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
                )
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")


def _moment(value: datetime.datetime) -> Any:
    return value if connection.vendor == "postgresql" else value.isoformat(sep=" ")


def _day(value: datetime.date) -> Any:
    return value if connection.vendor == "postgresql" else value.isoformat()


def organisation(teams: int, users: int) -> tuple[list[int], int]:
    """Create a root team, ``teams`` sales teams with a manager each, reps and a director."""
    root = Team.objects.create(name="销售部")
    root.path = f"/{root.pk}/"
    root.save(update_fields=["path"])
    director = User.objects.create(username="director", role=Role.DIRECTOR, team=root, display_name="总监")
    reps: list[int] = []
    per_team = max(users // teams, 2)
    for t in range(teams):
        team = Team.objects.create(name=f"销售{t + 1}组", parent=root)
        team.path = f"{root.path}{team.pk}/"
        manager = User.objects.create(username=f"mgr{t + 1}", role=Role.MANAGER, team=team)
        team.manager = manager
        team.save(update_fields=["path", "manager"])
        for r in range(per_team - 1):
            rep = User.objects.create(username=f"rep{t + 1}_{r + 1}", role=Role.REP, team=team)
            reps.append(rep.pk)
    return reps, director.pk


def purchase_days(
    rng: np.random.Generator, n_customers: int, target_orders: int, history_days: int
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate BG/NBD purchases: return (customer index, day offset from the history start) per order."""
    buyers = rng.random(n_customers) < 0.8
    birth = rng.integers(0, history_days - 1, n_customers)
    p_drop = rng.beta(1.2, 14.0, n_customers)
    # Scale the rates so that the expected number of orders lands near the target.
    shape = 0.9
    mean_rate = target_orders / max(buyers.sum(), 1) / (history_days / 6.0)
    rate = rng.gamma(shape, mean_rate / shape, n_customers)
    repeats = np.minimum(rng.geometric(p_drop) - 1, 400)
    repeats[~buyers] = 0
    owner = np.repeat(np.arange(n_customers), repeats)
    gaps = rng.exponential(1.0, owner.size) / np.maximum(rate[owner], 1e-9)
    repeating = repeats > 0
    starts = (np.cumsum(repeats) - repeats)[repeating]
    cumulative = np.cumsum(gaps)
    offsets = cumulative - np.repeat((cumulative - gaps)[starts], repeats[repeating])
    day = birth[owner] + offsets
    keep = day < history_days
    customers = np.concatenate([np.flatnonzero(buyers), owner[keep]])
    days = np.concatenate([birth[buyers], day[keep]]).astype(np.int64)
    order = np.lexsort((days, customers))
    return customers[order], days[order]


def generate(
    *,
    customers: int = 100_000,
    orders: int = 1_000_000,
    products: int = 200,
    teams: int = 20,
    users: int = 200,
    today: datetime.date | None = None,
    seed: int = 7,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Fill an empty, migrated database; return what was written and how long it took."""
    rng = np.random.default_rng(seed)
    today = today or datetime.date.today()
    start_day = today - datetime.timedelta(days=HISTORY_DAYS)
    started = time.perf_counter()
    reps, director = organisation(teams, users)
    now = datetime.datetime.now(datetime.UTC)

    owners = np.asarray(reps)[rng.integers(0, len(reps), customers)]
    rated = rng.random(customers) < 0.6
    ratings = rng.integers(1, 6, (customers, 5))

    def customer_rows() -> Iterator[tuple[Any, ...]]:
        stamp = _moment(now)
        for i in range(customers):
            score = [int(v) if rated[i] else None for v in ratings[i]]
            yield (
                i + 1, "company", f"客户{i + 1:06d}有限公司", INDUSTRIES[i % len(INDUSTRIES)],
                REGIONS[i % len(REGIONS)], int(owners[i]), "current", "BCA"[i % 3], *score,
                f"kehu{i + 1:06d} kh{i + 1:06d}", stamp, stamp,
            )  # fmt: skip

    insert(
        Customer,
        [
            "id", "kind", "name", "industry", "region", "owner_id", "status", "grade",
            "score_purchasing_power", "score_cooperation_potential", "score_industry_influence",
            "score_cooperation_history", "score_loyalty", "search_pinyin", "created_at", "updated_at",
        ],
        customer_rows(),
    )  # fmt: skip
    log(f"customers: {customers} in {time.perf_counter() - started:.1f} s")

    prices = np.round(rng.uniform(20, 2000, products), 2)
    insert(
        Product,
        ["id", "code", "name", "category", "unit_price", "unit_cost", "created_at", "updated_at"],
        (
            (
                p + 1,
                f"P{p + 1:04d}",
                f"产品{p + 1:04d}",
                CATEGORIES[p % len(CATEGORIES)],
                float(prices[p]),
                float(round(prices[p] * 0.7, 2)),
                _moment(now),
                _moment(now),
            )
            for p in range(products)
        ),
    )

    who, offset = purchase_days(rng, customers, orders, HISTORY_DAYS)
    n_orders = len(who)
    spend = rng.gamma(3.0, 1.0 / 3.0, customers) * 1500.0
    amounts = np.round(rng.gamma(4.0, spend[who] / 4.0), 2) + 1.0
    # Each customer prefers a handful of products: a base product plus a few neighbours in the catalogue.
    favourite = rng.integers(0, products, customers)
    product = (favourite[who] + rng.integers(0, 6, n_orders) * 7) % products + 1
    quantity = rng.integers(1, 20, n_orders)
    log(f"orders simulated: {n_orders} in {time.perf_counter() - started:.1f} s")

    def order_rows() -> Iterator[tuple[Any, ...]]:
        stamp = _moment(now)
        for i in range(n_orders):
            day = start_day + datetime.timedelta(days=int(offset[i]))
            yield (
                i + 1,
                int(who[i]) + 1,
                _day(day),
                float(amounts[i]),
                "erp",
                f"SO{i + 1:08d}",
                stamp,
                stamp,
            )

    insert(
        Order,
        ["id", "customer_id", "ordered_on", "amount", "source", "external_ref", "created_at", "updated_at"],
        order_rows(),
    )
    log(f"orders written in {time.perf_counter() - started:.1f} s")
    insert(
        OrderLine,
        ["id", "order_id", "product_id", "quantity", "unit_price"],
        (
            (i + 1, i + 1, int(product[i]), int(quantity[i]), float(round(amounts[i] / quantity[i], 2)))
            for i in range(n_orders)
        ),
    )
    finish([Customer, Product, Order, OrderLine, Team, User])
    seconds = time.perf_counter() - started
    log(f"lines written; dataset ready in {seconds:.1f} s")
    return {
        "customers": customers,
        "customers_with_orders": len(np.unique(who)),
        "orders": n_orders,
        "lines": n_orders,
        "products": products,
        "users": len(reps) + teams + 1,
        "director_id": director,
        "rep_ids": reps[:3],
        "generate_seconds": round(seconds, 1),
    }
