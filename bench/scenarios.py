"""What the benchmark measures: server time of the pages SPEC §6 budgets, in process, per role.

Each scenario is a page (its URL through Django's test ``Client``: middleware, view, template) with a
selector fallback that does the same reads when the page does not answer 200. For each one we record
p50/p95 over N requests, the number of SQL queries of one request, and the time of those same queries
replayed raw on the database cursor — so the report can say how much the application adds.
"""

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.test import Client

from guanxi.customers.selectors import CustomerFilters, contact_list, customer_360, customer_list
from guanxi.engagement.selectors import interaction_list, task_list

PAGE_SIZE = 25
SEARCH_RESULTS = 20
TIMELINE = 30
RAW_ROUNDS = 7
LIST_FILTER = {"grade": "B", "sort": "-last_contact"}
BUDGET_MS = {"list": 150, "360": 150, "search": 200}


@dataclass
class Scenario:
    name: str  # e.g. "search: pinyin initials"
    kind: str  # list | 360 | search — selects the budget
    urls: list[str]  # rotated through, one per request
    selector: Callable[[Any, int], None]  # (user, request number) → the page's reads, evaluated


@dataclass
class Result:
    dataset: str
    database: str
    role: str
    scenario: str
    kind: str
    mode: str  # page (through the URL) or selector (the page did not answer 200)
    requests: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    cpu_p50_ms: float  # this thread's CPU time: all of it on SQLite, the Python side only on PostgreSQL
    cpu_p95_ms: float
    queries: int
    raw_ms: float  # the request's SELECTs replayed on the bare cursor (median of rounds)
    slowest_query_ms: float
    app_over_raw: float
    budget_ms: int
    status: int = 200
    notes: list[str] = field(default_factory=list)

    @property
    def within_budget(self) -> bool:
        return self.p95_ms <= self.budget_ms


class QueryLog:
    """Record every SQL statement (with its parameters) the wrapped code runs."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def replay(statements: list[tuple[str, Any]]) -> tuple[float, float]:
    """Run the SELECTs again straight on the cursor; return (total ms, slowest ms), medians of rounds."""
    selects = [(sql, params) for sql, params in statements if sql.lstrip().upper().startswith("SELECT")]
    totals, slowest = [], []
    with connection.cursor() as cursor:
        for _ in range(RAW_ROUNDS):
            times = []
            for sql, params in selects:
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                times.append((time.perf_counter() - started) * 1000)
            totals.append(sum(times))
            slowest.append(max(times, default=0.0))
    return statistics.median(totals), statistics.median(slowest)


def scenarios_for(user: Any, rng: random.Random, requests: int, searches: dict[str, str]) -> list[Scenario]:
    """The budgeted pages as ``user`` sees them; the 360 page rotates over customers the user may see."""
    list_url = "/customers/?" + "&".join(f"{k}={v}" for k, v in LIST_FILTER.items())
    visible = list(customer_list(user=user).values_list("pk", flat=True))
    sample = rng.sample(visible, k=min(len(visible), requests + 3))

    def list_page(u: Any, _: int) -> None:
        filters = CustomerFilters(grade=LIST_FILTER["grade"], sort=LIST_FILTER["sort"])
        page = Paginator(customer_list(user=u, filters=filters), PAGE_SIZE).get_page(1)
        list(page.object_list)

    def page_360(u: Any, number: int) -> None:
        pk = sample[number % len(sample)]
        customer_360(user=u, pk=pk)
        list(interaction_list(user=u, customer_id=pk)[:TIMELINE])
        list(task_list(user=u, mine=False, customer_id=pk))

    def search(query: str) -> Callable[[Any, int], None]:
        def run(u: Any, _: int) -> None:
            list(customer_list(user=u, filters=CustomerFilters(q=query))[:SEARCH_RESULTS])
            list(contact_list(user=u, q=query)[:SEARCH_RESULTS])

        return run

    found = [
        Scenario("customer list (grade B, by last contact)", "list", [list_url], list_page),
        Scenario("customer 360", "360", [f"/customers/{pk}/" for pk in sample], page_360),
    ]
    for label, query in searches.items():
        found.append(Scenario(f"search: {label} “{query}”", "search", [f"/search/?q={query}"], search(query)))
    return found


def measure(scenario: Scenario, user: Any, requests: int, dataset: str, database: str, role: str) -> Result:
    client = Client()
    client.force_login(user)
    status = client.get(scenario.urls[0]).status_code
    mode = "page" if status == 200 else "selector"

    def once(number: int) -> None:
        if mode == "page":
            response = client.get(scenario.urls[number % len(scenario.urls)])
            if response.status_code != 200:
                raise RuntimeError(
                    f"{scenario.name}: {response.status_code} from {scenario.urls[number % len(scenario.urls)]}"
                )
        else:
            scenario.selector(user, number)

    for number in range(3):  # warm caches: templates, the session, the database pages
        once(number)
    durations, cpu = [], []
    for number in range(requests):
        started, started_cpu = time.perf_counter(), time.thread_time()
        once(number)
        durations.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    log = QueryLog()
    with connection.execute_wrapper(log):
        once(requests)
    raw_ms, slowest_ms = replay(log.statements)
    p50 = statistics.median(durations)
    return Result(
        dataset=dataset,
        database=database,
        role=role,
        scenario=scenario.name,
        kind=scenario.kind,
        mode=mode,
        requests=requests,
        p50_ms=round(p50, 1),
        p95_ms=round(percentile(durations, 0.95), 1),
        max_ms=round(max(durations), 1),
        cpu_p50_ms=round(statistics.median(cpu), 1),
        cpu_p95_ms=round(percentile(cpu, 0.95), 1),
        queries=len(log.statements),
        raw_ms=round(raw_ms, 1),
        slowest_query_ms=round(slowest_ms, 1),
        app_over_raw=round(p50 / raw_ms, 1) if raw_ms else 0.0,
        budget_ms=BUDGET_MS[scenario.kind],
        status=status,
    )
