"""``import ENTITY FILE`` — the command behind ``guanxi import`` (SPEC §5.2, §8)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from guanxi.core.errors import GuanxiError
from guanxi.people.models import User
from guanxi.sales.imports import ImportSummary, OrderImportOptions, import_orders
from guanxi.sales.models import OrderSource

ENTITIES = ("orders",)


class Command(BaseCommand):
    help = (
        "Import a CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or XLSX file. Every row is validated first; "
        "on any error nothing is written, a row-level report is written and the exit status is 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("entity", choices=ENTITIES, help="what the file holds")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as", dest="username", required=True, help="the user the import acts for (their visibility)"
        )
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
        parser.add_argument(
            "--create-customers",
            action="store_true",
            help="create unknown customers (by name) as individuals owned by the importing user",
        )
        parser.add_argument(
            "--on-duplicate",
            choices=["fail", "skip"],
            default="fail",
            help="an order number already imported from the same source: fail (default) or skip the row",
        )
        parser.add_argument(
            "--source", default=OrderSource.IMPORT, help="where the orders come from (default: import)"
        )
        parser.add_argument(
            "--report", type=Path, help="where to write the error report (default: FILE.errors.csv)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            actor = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"no active user named {options['username']!r}") from exc
        report = options["report"] or path.with_name(path.name + ".errors.csv")
        report.unlink(missing_ok=True)
        settings = OrderImportOptions(
            actor=actor,
            create_customers=options["create_customers"],
            dry_run=options["dry_run"],
            source=str(options["source"])[:20],
            on_duplicate=options["on_duplicate"],
            report_path=report,
        )
        try:
            summary = import_orders(path, settings)
        except GuanxiError as exc:
            raise CommandError(str(exc.message)) from exc
        self._print(summary)
        if not summary.ok:
            raise CommandError(f"{summary.errors} row error(s); nothing was imported. Report: {report}")

    def _print(self, summary: ImportSummary) -> None:
        write = self.stdout.write
        if summary.already_imported is not None:
            run = summary.already_imported
            write(
                f"{summary.file_name}: already imported by this user at {timezone.localtime(run.started_at):%Y-%m-%d %H:%M} "
                f"(import #{run.pk}, {run.created}); nothing to do."
            )
            return
        encoding = f", {summary.encoding}" if summary.encoding else ""
        write(f"{summary.file_name} ({summary.kind}{encoding}): header on row {summary.header_row}")
        write("columns: " + ", ".join(f"{text} → {name}" for name, text in summary.columns.items()))
        if summary.ignored_columns:
            write("ignored columns: " + ", ".join(summary.ignored_columns))
        verb = "imported" if summary.committed else "would import" if summary.ok else "valid"
        write(
            f"rows: {summary.rows}; {verb}: {summary.orders} orders, {summary.lines} lines, "
            f"{summary.new_customers} new customers; skipped duplicates: {summary.skipped_duplicates}; "
            f"errors: {summary.errors}; {summary.seconds:.1f} s"
        )
        for error in summary.first_errors[:20]:
            write(f"  row {error.row} [{error.column}] {error.code}: {error.message}")
        if summary.dry_run and summary.ok:
            write("dry run: nothing was written.")
