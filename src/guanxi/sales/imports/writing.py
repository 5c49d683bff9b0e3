"""Pass two of an order import: write everything from the spool in one transaction.

Customers to create first (``bulk_create``: a file names few of them), then orders and their lines in
chunks with ``guanxi.core.bulk`` — COPY on PostgreSQL, ``executemany`` on SQLite, ids reserved up front
so lines can point at their order without reading anything back. ``bulk_create`` would spend about a
tenth of a millisecond per row compiling each value in Python: minutes for the million-order budget.
Then the import run and one audit event for the whole import: per-order audit rows would multiply a
million-row import tenfold; every imported order points at its run instead. Any failure rolls the whole
import back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from guanxi.core.bulk import copy_escape, copy_lines, copy_unescape, insert_text_rows, reserve_ids, text_value
from guanxi.core.spreadsheets import FileFacts
from guanxi.core.text import pinyin_key
from guanxi.customers.choices import CustomerKind, CustomerStatus
from guanxi.customers.models import Customer
from guanxi.governance.audit import audit_record
from guanxi.governance.models import AuditEvent

from ..models import ImportRun, Order, OrderLine
from .options import ImportSummary, OrderImportOptions
from .validation import Validation

ENTITY = "orders"
ORDER_COLUMNS = (
    "id", "customer_id", "ordered_on", "amount", "external_ref",
    "source", "import_run_id", "created_at", "updated_at", "created_by_id", "updated_by_id", "version",
    "deleted_at",
)  # fmt: skip
LINE_COLUMNS = ("order_id", "product_id", "quantity", "unit_price")
WRITE_CHUNK = 20_000
NULL = "\\N"  # NULL in COPY's text format
ANALYZE_AFTER = 10_000  # rows; past this the planner's statistics are refreshed at once


def _analyze(*tables: type[Any]) -> None:
    """Refresh the planner's statistics after a bulk load, as a bulk loader should: with the old ones a
    table that just doubled still looks small, and the next import's lookups scan it whole."""
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


class _Orders:
    """Orders gathered from the spool text (a record may add a line to the order before it), written in
    chunks straight from their text: the database parses the numbers and dates. On PostgreSQL the COPY
    lines are put together from the spool's (already escaped) text without looking at the values."""

    def __init__(self, run: ImportRun, options: OrderImportOptions, new_ids: dict[str, int]) -> None:
        self.new_ids = {name: str(pk) for name, pk in new_ids.items()}
        now = text_value(Order, "created_at", timezone.now())
        actor = str(options.actor.pk)
        # Every column but id, customer, day, amount and order number is the same for the whole import.
        self.constant = (options.source, str(run.pk), now, now, actor, actor, "1", None)
        self.copy = connection.vendor == "postgresql"
        self.suffix = "\t".join(NULL if v is None else copy_escape(v) for v in self.constant)
        self.pending: list[list[Any]] = []  # [customer id, day, amount, order number, [lines]]
        self.orders = 0
        self.lines = 0

    def add(self, record: list[str]) -> None:
        kind, _row, customer, day, amount, ref, product, quantity, price = record
        line = (product, quantity, price) if quantity else None
        if kind == "C" and self.pending:
            current = self.pending[-1]
            current[2] = str(Decimal(current[2]) + Decimal(amount))
            if line:
                current[4].append(line)
            return
        if len(self.pending) >= WRITE_CHUNK:
            self.flush()
        customer_id = self.new_ids[copy_unescape(customer[2:])] if customer.startswith("n:") else customer
        self.pending.append([customer_id, day, amount, ref, [line] if line else []])

    def flush(self) -> None:
        if not self.pending:
            return
        ids = [str(pk) for pk in reserve_ids(Order, len(self.pending))]
        orders = zip(ids, self.pending, strict=True)
        if self.copy:
            suffix = self.suffix
            self.orders += copy_lines(
                Order,
                ORDER_COLUMNS,
                (
                    f"{oid}\t{customer}\t{day}\t{amount}\t{ref}\t{suffix}"
                    for oid, (customer, day, amount, ref, _l) in orders
                ),
            )
            line_rows = [
                f"{oid}\t{product or NULL}\t{quantity}\t{price or '0'}"
                for oid, order in zip(ids, self.pending, strict=True)
                for product, quantity, price in order[4]
            ]
            self.lines += copy_lines(OrderLine, LINE_COLUMNS, line_rows) if line_rows else 0
        else:
            order_rows = [
                (oid, customer, day, amount, copy_unescape(ref), *self.constant)
                for oid, (customer, day, amount, ref, _lines) in orders
            ]
            line_tuples = [
                (oid, product or None, quantity, price or "0")
                for oid, order in zip(ids, self.pending, strict=True)
                for product, quantity, price in order[4]
            ]
            self.orders += insert_text_rows(Order, ORDER_COLUMNS, order_rows)
            self.lines += insert_text_rows(OrderLine, LINE_COLUMNS, line_tuples) if line_tuples else 0
        self.pending = []


def _create_customers(validation: Validation, options: OrderImportOptions, run: ImportRun) -> dict[str, int]:
    """Create the individual customers the file asked for, owned by the importing user, each with its own
    audit event."""
    if not validation.new_names:
        return {}
    actor = options.actor
    now = timezone.now()
    names = sorted(validation.new_names, key=validation.new_names.__getitem__)
    ids: dict[str, int] = {}
    for start in range(0, len(names), options.chunk_size):
        created = Customer.objects.bulk_create(
            Customer(
                kind=CustomerKind.INDIVIDUAL,
                name=name,
                status=CustomerStatus.CURRENT,
                owner=actor,
                search_pinyin=pinyin_key(name),
                created_by=actor,
                updated_by=actor,
                created_at=now,
                updated_at=now,
            )
            for name in names[start : start + options.chunk_size]
        )
        AuditEvent.objects.bulk_create(
            AuditEvent(
                actor=actor,
                actor_role=actor.role,
                action="create",
                object_type="customer",
                object_id=str(customer.pk),
                object_version=1,
                request_id=f"import-{run.pk}",
            )
            for customer in created
        )
        ids.update((customer.name, customer.pk) for customer in created)
    return ids


def commit(
    validation: Validation, facts: FileFacts, options: OrderImportOptions, summary: ImportSummary
) -> None:
    """Write the spooled rows, all or nothing, and record the run."""
    actor = options.actor
    with transaction.atomic():
        run = ImportRun.objects.create(
            entity=ENTITY, file_name=validation.path.name[:200], sha256=facts.sha256, actor=actor
        )
        new_ids = _create_customers(validation, options, run)
        orders = _Orders(run, options, new_ids)
        for record in validation.raw_records():
            orders.add(record)
        orders.flush()
        run.rows = summary.rows
        run.created = {"orders": orders.orders, "lines": orders.lines, "customers": len(new_ids)}
        run.finished_at = timezone.now()
        run.save(update_fields=["rows", "created", "finished_at"])
        audit_record(
            actor=actor,
            action="import",
            obj=run,
            before={},
            after={
                "file": run.file_name,
                "sha256": run.sha256,
                "rows": str(run.rows),
                "orders": str(orders.orders),
                "lines": str(orders.lines),
                "customers": str(len(new_ids)),
            },
        )
    if orders.orders >= ANALYZE_AFTER:
        _analyze(Order, OrderLine)
    summary.orders, summary.lines, summary.new_customers = orders.orders, orders.lines, len(new_ids)
    summary.committed = True
    summary.run = run
