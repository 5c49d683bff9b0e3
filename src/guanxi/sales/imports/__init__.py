"""Import orders from a CSV or XLSX file: validate everything, then write everything or nothing.

The flow (SPEC §8, SECURITY IO-04/IO-05):

1. ``inspect_file`` refuses hostile or oversized files before parsing and hashes the file. The same
   file (SHA-256) imported by the same user within 24 hours is not imported again: the earlier run is
   returned and nothing is written.
2. Pass one (``validation``) streams the rows, finds the header (Chinese or English column names),
   cleans every cell, resolves customers and products in chunks, and writes each valid row, normalised,
   to a temporary spool file. Every problem becomes a row error — row number as Excel shows it (the
   header is usually row 1), column, code, message — in the error report. Memory stays flat: rows are
   never all held at once.
3. If any row failed, nothing is written and the report says why. ``dry_run`` stops here as well.
4. Pass two (``writing``) reads the spool back and writes, in one transaction, the new customers (with
   ``create_customers``), the orders and their lines, the import run and one audit event.

Rows and orders: one row is one order, except that consecutive rows with the same order number (单号)
are the lines of one order — as ERP sales-detail exports list them — whose amount is the sum of the
rows' amounts. Such rows must agree on the customer and the date. The same order number appearing
again later in the file, or already imported from the same source, is an error (or skipped with
``on_duplicate="skip"``).

Customer references — a customer id (客户编号), an exact name (客户名称) or a unified social credit
code — are resolved within what the importing user may see (AZ-03): another team's customer is "not
found". With ``create_customers`` an unknown name becomes a new individual customer owned by the
importing user, unless a customer of that exact name exists outside the user's scope: then the row is
refused without saying whose it is (AZ-05).
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import PermissionDenied
from guanxi.core.spreadsheets import inspect_file
from guanxi.governance.scope import can_own_customers
from guanxi.people.models import User

from ..models import ImportRun
from .options import ImportSummary, OrderImportOptions
from .validation import Validation
from .writing import ENTITY, commit

__all__ = ["ImportSummary", "OrderImportOptions", "import_orders", "previous_import"]

REIMPORT_WINDOW = datetime.timedelta(hours=24)


def previous_import(*, actor: User, sha256: str) -> ImportRun | None:
    """Return this user's import of the same file within the last 24 hours, if any (IO-05)."""
    return (
        ImportRun.objects.filter(
            actor=actor,
            entity=ENTITY,
            sha256=sha256,
            finished_at__isnull=False,
            started_at__gte=timezone.now() - REIMPORT_WINDOW,
        )
        .order_by("-started_at")
        .first()
    )


def import_orders(path: Path, options: OrderImportOptions) -> ImportSummary:
    """Validate ``path`` completely and, if every row is valid and this is not a dry run, write it all.

    Return the summary (counts, the first errors, whether it was committed). Raise FileRejected for a
    file that cannot or must not be read, PermissionDenied when ``create_customers`` is asked by a user
    who may not own customers.
    """
    started = timezone.now()
    actor = options.actor
    if options.create_customers and not can_own_customers(actor, actor):
        raise PermissionDenied(_("You cannot own customers, so the import cannot create them for you."))
    facts = inspect_file(path, options.limits)
    summary = ImportSummary(file_name=path.name, dry_run=options.dry_run)
    summary.sha256, summary.kind, summary.encoding = facts.sha256, facts.kind, facts.encoding
    earlier = previous_import(actor=actor, sha256=facts.sha256)
    if earlier is not None:
        summary.already_imported = earlier
        return summary
    validation = Validation(path, options, summary, today=timezone.localdate())
    try:
        validation.run(facts)
        summary.errors = validation.report.count
        summary.first_errors = list(validation.report.first)
        summary.orders, summary.lines = validation.orders, validation.lines
        summary.new_customers = len(validation.new_names)
        if summary.errors:
            summary.report_path = options.report_path
        elif not options.dry_run:
            commit(validation, facts, options, summary)
    finally:
        validation.close()
        summary.seconds = (timezone.now() - started).total_seconds()
    return summary
