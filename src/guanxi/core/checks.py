"""System checks for the embedded SQLite mode (SECURITY CD-03)."""

from django.core.checks import Error, Tags, register
from django.db import connections


@register(Tags.database)
def sqlite_pragmas(app_configs, databases=None, **kwargs):  # type: ignore[no-untyped-def]
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "sqlite":
            continue
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA foreign_keys")
            foreign_keys = cursor.fetchone()[0]
        name = str(connection.settings_dict["NAME"])
        in_memory = name == ":memory:" or "mode=memory" in name
        if journal.lower() != "wal" and not in_memory:
            errors.append(Error(f"SQLite journal_mode is {journal}, expected wal", id="guanxi.E001"))
        if foreign_keys != 1:
            errors.append(Error("SQLite foreign_keys is off", id="guanxi.E002"))
    return errors
