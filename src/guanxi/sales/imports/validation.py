"""Pass one of an order import: read every row, report every problem, spool the valid rows.

Rows are read in chunks; each chunk is cleaned row by row, then its customers, products and order
numbers are looked up with a few queries for the whole chunk (lookups are cached across chunks, so a
million rows about a hundred thousand customers cost a few hundred queries). Valid rows go, normalised,
to a temporary spool file that pass two (``writing``) reads back; nothing is written to the database.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import numpy as np
from django.db import connection
from django.utils.translation import gettext as _

from guanxi.core.bulk import copy_escape, copy_unescape
from guanxi.core.spreadsheets import CellError, ErrorReport, FileFacts, Header, find_header, open_rows
from guanxi.core.validators import normalize_credit_code
from guanxi.customers.models import Customer
from guanxi.governance.scope import visible

from ..models import Order, Product
from .columns import ALIASES, CUSTOMER_COLUMNS, REQUIRED, CellReaders, cell
from .options import ImportSummary, OrderImportOptions

AMBIGUOUS = -1  # a name shared by several visible customers
ELSEWHERE = "elsewhere"  # a name only customers outside the user's scope carry
CENT = Decimal("0.01")
PRELOAD_LIMIT = 300_000  # visible customers read up front; a bigger scope is looked up chunk by chunk
PARSED_COLUMNS = ("date", "amount", "quantity", "unit_price", "product", "external_ref")


@dataclass
class Parsed:
    """One row after cell cleaning, waiting for its customer and product to be resolved."""

    row: int
    customer_key: tuple[str, Any] | None = None
    date: datetime.date | None = None
    amount: Decimal | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    product: str | None = None
    external_ref: str | None = None
    failed: bool = False


@dataclass
class SpoolRecord:
    """A valid row, normalised, as pass two reads it back."""

    continues: bool  # another line of the order started by the previous record
    row: int
    customer: str  # a customer id, or "n:<name>" for a customer to create
    day: datetime.date
    amount: Decimal
    external_ref: str
    product_id: int | None
    quantity: Decimal | None
    unit_price: Decimal | None


class Validation:
    """The state of pass one for one file."""

    def __init__(self, path: Path, options: OrderImportOptions, summary: ImportSummary, today: datetime.date):
        self.path = path
        self.options = options
        self.summary = summary
        self.report = ErrorReport(options.report_path)
        self.readers = CellReaders(today)
        self.header: Header | None = None
        self.indexes: dict[str, int | None] = {}
        self.customers: dict[tuple[str, Any], int | str | None] = {}  # key → id, "n:<name>", None …
        self.new_names: dict[str, int] = {}  # a customer to create → the first row asking for it
        self.products: dict[str, tuple[int, Decimal] | None] = {}
        self.spool: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
        self.ref_hashes: list[np.ndarray] = []
        self.ref_rows: list[np.ndarray] = []
        self.hash_buffer: list[int] = []
        self.row_buffer: list[int] = []
        self.group_ref = ""
        self.group_key: tuple[Any, Any] | None = None
        self.skipping_group = False
        self.orders = 0
        self.lines = 0
        self.preloaded = False

    # -- errors --------------------------------------------------------------------------------------

    def error(self, row: int, column: str, code: str, message: str) -> None:
        label = self.header.labels.get(column, column) if self.header else column
        self.report.add(row, label, code, message)

    def fail(self, item: Parsed, column: str, code: str, message: str) -> None:
        item.failed = True
        self.error(item.row, column, code, message)

    # -- the pass ------------------------------------------------------------------------------------

    def run(self, facts: FileFacts) -> None:
        self._preload_customers()
        with open_rows(self.path, facts, self.options.limits) as rows:
            self.header = find_header(rows, ALIASES, REQUIRED)
            self.indexes = {
                name: self.header.columns.get(name) for name in (*CUSTOMER_COLUMNS, *PARSED_COLUMNS)
            }
            self.summary.header_row = self.header.row
            self.summary.columns = dict(self.header.labels)
            self.summary.ignored_columns = list(self.header.ignored)
            chunk: list[tuple[int, list[Any]]] = []
            for number, cells in rows:
                chunk.append((number, cells))
                if len(chunk) >= self.options.chunk_size:
                    self._chunk(chunk)
                    chunk = []
            if chunk:
                self._chunk(chunk)
        self._flush_hashes()
        self._check_duplicates_in_file()
        self.spool.flush()

    def _chunk(self, chunk: list[tuple[int, list[Any]]]) -> None:
        items = [Parsed(number) for number, _cells in chunk]
        for item, (_number, cells) in zip(items, chunk, strict=True):
            item.customer_key = self._customer_key(item, cells)
        for column in PARSED_COLUMNS:
            self._parse_column(column, items, chunk)
        for item in items:
            if item.failed:
                continue
            if item.date is None:
                self.fail(item, "date", "required", _("A date is required."))
            elif item.amount is None and item.unit_price is None and not item.product:
                self.fail(item, "amount", "required", _("An amount is required."))
        self.summary.rows += len(items)
        ok = [item for item in items if not item.failed]
        self._resolve_customers([item.customer_key for item in ok if item.customer_key is not None])
        self._resolve_products({item.product for item in ok if item.product})
        known_refs = self._refs_already_imported({item.external_ref for item in ok if item.external_ref})
        for item in ok:
            self._accept(item, known_refs)

    def _parse_column(self, column: str, items: list[Parsed], chunk: list[tuple[int, list[Any]]]) -> None:
        """Read one column of a chunk (column by column: one reader, warm caches)."""
        index = self.indexes[column]
        if index is None:
            return
        read = getattr(self.readers, column)
        for item, (_number, cells) in zip(items, chunk, strict=True):
            # ``cell()`` inlined: this loop runs once per cell of a million-row file.
            if index >= len(cells):
                continue
            value = cells[index]
            if value.__class__ is str:
                value = value.strip()
                if not value:
                    continue
            elif value is None:
                continue
            try:
                setattr(item, column, read(value))
            except CellError as error:
                self.fail(item, column, error.code, error.message)

    def _customer_key(self, item: Parsed, cells: list[Any]) -> tuple[str, Any] | None:
        """Return ("id", 12), ("name", "…") or ("code", "…") from the first customer column given."""
        for column in CUSTOMER_COLUMNS:
            value = cell(cells, self.indexes[column])
            if value is None:
                continue
            try:
                text = self.readers.product(value)  # the same cleaning: half-width, trimmed, ≤ 120
            except CellError as error:
                self.fail(item, column, error.code, error.message)
                return None
            if column == "customer_id":
                if not text.isdigit():
                    self.fail(item, column, "invalid_customer_id", _("A customer id is a whole number."))
                    return None
                return ("id", int(text))
            if column == "credit_code":
                return ("code", normalize_credit_code(text))
            if column == "customer" and text.isdigit() and len(text) < 18:
                return ("id", int(text))
            if column == "customer" and len(text) == 18 and text.isalnum() and text.isascii():
                return ("code", normalize_credit_code(text))
            return ("name", text)
        self.fail(item, CUSTOMER_COLUMNS[0], "required", _("A customer is required."))
        return None

    # -- lookups for a chunk ---------------------------------------------------------------------------

    def _preload_customers(self) -> None:
        """Read every visible customer once when there are not too many: one streamed query instead of
        a lookup per chunk (the cache holds id, name and credit code of each, bounded by the scope)."""
        scope = visible(Customer.objects.all(), self.options.actor)
        if scope.count() > PRELOAD_LIMIT:
            return
        customers = self.customers
        for pk, name, code in scope.values_list("pk", "name", "credit_code").iterator(chunk_size=20_000):
            customers[("id", pk)] = pk
            key = ("name", name)
            customers[key] = AMBIGUOUS if key in customers else pk
            if code:
                customers[("code", code)] = pk
        self.preloaded = True

    def _resolve_customers(self, keys: list[tuple[str, Any]]) -> None:
        wanted: dict[str, set[Any]] = {"id": set(), "name": set(), "code": set()}
        for kind, value in keys:
            if (kind, value) not in self.customers:
                wanted[kind].add(value)
        if not any(wanted.values()):
            return
        scope = visible(Customer.objects.all(), self.options.actor)
        found: dict[tuple[str, Any], int | str | None] = {}
        # Preloaded: every visible customer is cached already, so what is missing does not exist for us.
        if wanted["id"] and not self.preloaded:
            for pk in scope.filter(pk__in=wanted["id"]).values_list("pk", flat=True):
                found[("id", pk)] = pk
        if wanted["code"] and not self.preloaded:
            for pk, code in scope.filter(credit_code__in=wanted["code"]).values_list("pk", "credit_code"):
                found[("code", code)] = pk
        if wanted["name"] and not self.preloaded:
            for pk, name in scope.filter(name__in=wanted["name"]).values_list("pk", "name"):
                key = ("name", name)
                found[key] = AMBIGUOUS if key in found else pk
        for kind, values in wanted.items():
            for value in values:
                self.customers[(kind, value)] = found.get((kind, value))
        if self.options.create_customers and wanted["name"]:
            missing = {name for name in wanted["name"] if self.customers[("name", name)] is None}
            # Existence only, never who owns it (SECURITY AZ-05): the row says "ask your manager".
            elsewhere = set(Customer.objects.filter(name__in=missing).values_list("name", flat=True))
            for name in missing:
                self.customers[("name", name)] = ELSEWHERE if name in elsewhere else f"n:{name}"

    def _resolve_products(self, refs: set[str]) -> None:
        wanted = {ref for ref in refs if ref not in self.products}
        if not wanted:
            return
        by_code = {
            code: (pk, price)
            for code, pk, price in Product.objects.filter(code__in=wanted).values_list(
                "code", "pk", "unit_price"
            )
        }
        by_name: dict[str, tuple[int, Decimal] | None] = {}
        for name, pk, price in Product.objects.filter(name__in=wanted - set(by_code)).values_list(
            "name", "pk", "unit_price"
        ):
            by_name[name] = None if name in by_name else (pk, price)  # one name, two products: ambiguous
        for ref in wanted:
            self.products[ref] = by_code.get(ref) or by_name.get(ref)

    def _refs_already_imported(self, refs: set[str]) -> set[str]:
        if not refs:
            return set()
        if connection.vendor == "postgresql":
            # One array parameter instead of thousands (building a query with thousands of parameters
            # costs more than running it); the conditions match the partial unique index.
            table = connection.ops.quote_name(Order._meta.db_table)
            sql = (
                f"SELECT external_ref FROM {table} WHERE source = %s AND external_ref = ANY(%s) "  # noqa: S608
                "AND external_ref <> '' AND deleted_at IS NULL"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [self.options.source, list(refs)])
                return {row[0] for row in cursor.fetchall()}
        existing = Order.objects.filter(source=self.options.source, external_ref__in=refs).exclude(
            external_ref=""
        )
        return set(existing.values_list("external_ref", flat=True))

    # -- accepting a row ---------------------------------------------------------------------------------

    def _customer_of(self, item: Parsed) -> int | str | None:
        assert item.customer_key is not None
        kind, value = item.customer_key
        resolved = self.customers.get(item.customer_key)
        column = {"id": "customer_id", "code": "credit_code", "name": "customer_name"}[kind]
        if self.indexes.get(column) is None:
            column = "customer"
        shown = str(value)[:60]
        if resolved is None:
            message = _("No customer you can see matches “%(value)s”.") % {"value": shown}
            self.fail(item, column, "customer_not_found", message)
        elif resolved == AMBIGUOUS:
            message = _("Several of your customers are named “%(value)s”; use the customer id.") % {
                "value": shown
            }
            self.fail(item, column, "customer_ambiguous", message)
        elif resolved == ELSEWHERE:
            message = _("A customer named “%(value)s” exists but is not yours; ask your manager.") % {
                "value": shown
            }
            self.fail(item, column, "customer_owned_elsewhere", message)
        else:
            return resolved
        return None

    def _accept(self, item: Parsed, known_refs: set[str]) -> None:
        customer = self._customer_of(item)
        product_id: int | None = None
        list_price: Decimal | None = None
        if item.product:
            product = self.products.get(item.product)
            if product is None:
                message = _("No product has the code or name “%(value)s”.") % {"value": item.product[:60]}
                self.fail(item, "product", "product_not_found", message)
            else:
                product_id, list_price = product
        if item.failed or customer is None or item.date is None:
            return
        quantity = item.quantity if item.quantity is not None else (Decimal(1) if product_id else None)
        unit_price, amount = item.unit_price, item.amount
        if amount is None:
            price = unit_price if unit_price is not None else list_price
            if price is None or quantity is None:
                self.fail(item, "amount", "required", _("An amount is required."))
                return
            amount = (quantity * price).quantize(CENT)
        if quantity is not None and unit_price is None:
            unit_price = (amount / quantity).quantize(CENT)
        continues = self._place_in_group(item, customer, known_refs)
        if continues is None:
            return
        if isinstance(customer, str):
            self.new_names.setdefault(customer[2:], item.row)
        self.orders += not continues
        self.lines += quantity is not None
        self.spool.write(
            "\t".join(
                (
                    "C" if continues else "O",
                    str(item.row),
                    str(customer) if isinstance(customer, int) else "n:" + copy_escape(customer[2:]),
                    item.date.isoformat(),
                    str(amount),
                    copy_escape(item.external_ref or ""),
                    str(product_id or ""),
                    "" if quantity is None else str(quantity),
                    "" if quantity is None or unit_price is None else str(unit_price),
                )
            )
            + "\n"
        )

    def _place_in_group(self, item: Parsed, customer: int | str, known_refs: set[str]) -> bool | None:
        """Return False for a row starting an order, True for another line of the previous order (same
        order number), None for a row to leave out (an error, or a duplicate being skipped)."""
        ref = item.external_ref or ""
        key = (customer, item.date)
        if ref and ref == self.group_ref:
            if key != self.group_key:
                message = _("Rows of order “%(ref)s” must have the same customer and date.") % {
                    "ref": ref[:60]
                }
                self.fail(item, "external_ref", "order_rows_disagree", message)
                return None
            return None if self.skipping_group else True
        self.group_ref, self.group_key, self.skipping_group = ref, key, False
        if ref and ref in known_refs:
            if self.options.on_duplicate == "skip":
                self.skipping_group = True
                self.summary.skipped_duplicates += 1
                return None
            message = _("Order “%(ref)s” was already imported from this source.") % {"ref": ref[:60]}
            self.fail(item, "external_ref", "already_imported", message)
            return None
        if ref:
            self.hash_buffer.append(hash(ref))
            self.row_buffer.append(item.row)
            if len(self.hash_buffer) >= 65536:
                self._flush_hashes()
        return False

    # -- order numbers used twice in the file ----------------------------------------------------------

    def _flush_hashes(self) -> None:
        if self.hash_buffer:
            self.ref_hashes.append(np.asarray(self.hash_buffer, dtype=np.int64))
            self.ref_rows.append(np.asarray(self.row_buffer, dtype=np.int64))
            self.hash_buffer, self.row_buffer = [], []

    def _check_duplicates_in_file(self) -> None:
        """Report order numbers that start two orders in the file (8 bytes per order held in memory)."""
        if not self.ref_hashes:
            return
        hashes = np.concatenate(self.ref_hashes)
        rows = np.concatenate(self.ref_rows)
        self.ref_hashes, self.ref_rows = [], []
        order = np.argsort(hashes, kind="stable")
        same = hashes[order][1:] == hashes[order][:-1]
        repeated = np.zeros(len(hashes), dtype=bool)
        repeated[1:] |= same
        repeated[:-1] |= same
        if not repeated.any():
            return
        suspects = set(rows[order][repeated].tolist())
        # Hashes can collide: compare the real order numbers of the suspect rows.
        first_row: dict[str, int] = {}
        for record in self.records():
            if record.row not in suspects or record.continues:
                continue
            if record.external_ref in first_row:
                message = _("Order “%(ref)s” already appears in row %(row)s.") % {
                    "ref": record.external_ref[:60],
                    "row": first_row[record.external_ref],
                }
                self.error(record.row, "external_ref", "duplicate_in_file", message)
            else:
                first_row[record.external_ref] = record.row

    def raw_records(self) -> Iterator[list[str]]:
        """Read the spool back from the start: per valid row "O" (starts an order) or "C" (another line of
        it), row, customer (an id, or "n:" and the name of a customer to create), day (ISO), amount, order
        number, product id, quantity, unit price — as text, "" where empty, free text ``copy_escape``d."""
        self.spool.flush()
        self.spool.seek(0)
        for line in self.spool:
            yield line[:-1].split("\t")
        self.spool.seek(0, 2)

    def records(self) -> Iterator[SpoolRecord]:
        """Read the spool back from the start, as values."""
        for kind, row, customer, day, amount, ref, product, quantity, price in self.raw_records():
            yield SpoolRecord(
                continues=kind == "C",
                row=int(row),
                customer=copy_unescape(customer),
                day=datetime.date.fromisoformat(day),
                amount=Decimal(amount),
                external_ref=copy_unescape(ref),
                product_id=int(product) if product else None,
                quantity=Decimal(quantity) if quantity else None,
                unit_price=Decimal(price) if price else None,
            )

    def close(self) -> None:
        self.report.close()
        self.spool.close()
