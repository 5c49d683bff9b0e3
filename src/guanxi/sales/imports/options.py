"""What an order import is asked to do, and what it reports back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from guanxi.core.spreadsheets import COMMAND_LIMITS, ImportLimits, RowError
from guanxi.people.models import User

from ..models import ImportRun, OrderSource


@dataclass(frozen=True)
class OrderImportOptions:
    actor: User
    create_customers: bool = False
    dry_run: bool = False
    source: str = OrderSource.IMPORT
    on_duplicate: str = "fail"  # or "skip": rows whose order number was imported before are left out
    limits: ImportLimits = COMMAND_LIMITS
    report_path: Path | None = None
    chunk_size: int = 5000


@dataclass
class ImportSummary:
    file_name: str
    sha256: str = ""
    kind: str = ""
    encoding: str = ""
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # field → header text
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0
    orders: int = 0
    lines: int = 0
    new_customers: int = 0
    skipped_duplicates: int = 0
    errors: int = 0
    first_errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    committed: bool = False
    already_imported: ImportRun | None = None
    run: ImportRun | None = None
    report_path: Path | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.errors == 0
