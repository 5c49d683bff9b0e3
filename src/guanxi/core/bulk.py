"""Write many rows fast: COPY on PostgreSQL, ``executemany`` on SQLite, ids reserved up front.

For the paths where Django's ``bulk_create`` costs more than the budget allows (it compiles every value of
every row in Python — about 0.1–0.5 ms per row on the reference machine, minutes for a million orders):
the order import. Callers pass values already in text form (see ``text_value``) so that the database,
not Python, parses them. Run inside the caller's transaction; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Return ``count`` new primary keys for ``model``'s table, never handed out again.

    PostgreSQL draws them from the table's sequence. SQLite has no sequence to draw from: the ids follow
    the current maximum, which is safe because guanxi's SQLite transactions take the write lock at BEGIN
    (``transaction_mode=IMMEDIATE``) — call this inside the transaction that inserts the rows.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # Identifiers from model metadata, not user input.
        sql = f"SELECT COALESCE(MAX({model._meta.pk.column}), 0) FROM {connection.ops.quote_name(table)}"  # noqa: S608
        cursor.execute(sql)
        start = int(cursor.fetchone()[0]) + 1
    return list(range(start, start + count))


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def text_value(model: type[models.Model], attname: str, value: Any) -> str | None:
    """Return ``value`` as the text ``insert_text_rows`` expects for that column (None stays NULL)."""
    if value is None:
        return None
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "postgresql":
            return str(value.isoformat())
        return str(connection.ops.adapt_datetimefield_value(value))
    if isinstance(field, models.DateField):
        return str(value.isoformat())
    return str(value)


def copy_escape(value: str) -> str:
    """Escape text for PostgreSQL's COPY text format (backslash, tab, newline, carriage return)."""
    return value.translate(_COPY_ESCAPES) if any(c in value for c in "\\\t\n\r") else value


_COPY_UNESCAPES = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}


def copy_unescape(value: str) -> str:
    """Undo ``copy_escape``."""
    if "\\" not in value:
        return value
    out, i = [], 0
    while i < len(value):
        pair = value[i : i + 2]
        if pair in _COPY_UNESCAPES:
            out.append(_COPY_UNESCAPES[pair])
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def copy_lines(model: type[models.Model], columns: Sequence[str], lines: Iterable[str]) -> int:
    """PostgreSQL only: COPY ready-made text lines (tab-separated, ``copy_escape``d, ``\\N`` for NULL,
    no trailing newline) into ``model``'s table; return how many. The fastest way in: no Python work
    per value at all."""
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    names = ", ".join(quote(str(fields[name].column)) for name in columns)
    count = 0
    block: list[str] = []
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy,
    ):
        for line in lines:
            block.append(line)
            if len(block) >= 5000:
                copy.write("\n".join(block) + "\n")
                count += len(block)
                block = []
        if block:
            copy.write("\n".join(block) + "\n")
            count += len(block)
    return count


def insert_text_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[str | None]],
    *,
    free_text: Sequence[str] = (),
) -> int:
    """Like a bulk insert, for values already in text form: numbers as digits, dates ISO, datetimes from
    ``text_value``. No per-value adaptation runs in Python; the database parses the text. Columns named in
    ``free_text`` may hold any text (it is escaped for COPY); the others must be such plain values.
    Return how many rows were written."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    fields = {f.attname: f for f in model._meta.concrete_fields}
    names = ", ".join(quote(str(fields[name].column)) for name in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            escaped = [i for i, name in enumerate(columns) if name in free_text]
            count = 0
            block: list[str] = []
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    values = ["\\N" if v is None else v for v in row]
                    for i in escaped:
                        if row[i] is not None:
                            values[i] = copy_escape(row[i])  # type: ignore[arg-type]
                    block.append("\t".join(values))
                    if len(block) >= 5000:
                        copy.write("\n".join(block) + "\n")
                        count += len(block)
                        block = []
                if block:
                    copy.write("\n".join(block) + "\n")
                    count += len(block)
            return count
        batch = list(rows)
        placeholders = ", ".join("%s" for _ in columns)
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", batch)  # noqa: S608
        return len(batch)
