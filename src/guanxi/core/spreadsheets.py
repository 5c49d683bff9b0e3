"""Read Chinese spreadsheets safely and clean their cells (SPEC §8, SECURITY IO-04 to IO-06).

No domain knowledge: an importer (``guanxi.sales.imports`` for orders) names its columns and decides
what a row means; this module

* refuses hostile files cheaply, before parsing: only ``.csv`` and ``.xlsx``, checked by extension and
  magic bytes, a size cap, and for XLSX a look at the ZIP directory before anything is extracted
  (member count, declared uncompressed size, path tricks, macros); XML goes through ``defusedxml``;
* detects the CSV encoding: a BOM (UTF-8, UTF-16), else UTF-8 if the whole file decodes as UTF-8,
  else GB18030 (the superset of GBK that Excel on Chinese Windows writes);
* streams rows with their spreadsheet row numbers (the header is usually row 1), skipping blank ones,
  so memory does not grow with the file;
* finds the header row among the first rows (title rows and merged cells above it are common) and maps
  columns by Chinese or English names;
* cleans messy values: full-width digits and spaces, ¥ and thousands separators, 万/亿, dates such as
  2024年3月5日, 2024/3/5, 20240305 or Excel serial numbers;
* writes a row-level error report whose cells cannot run as spreadsheet formulas.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from .errors import GuanxiError

MB = 1024 * 1024
_BLOCK = MB
_HEADER_SCAN_ROWS = 10
_EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's 1900 leap-year bug included)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
_REJECTED_MAGIC = (b"PK\x03\x04", b"MZ", b"\x7fELF", b"%PDF", b"\xd0\xcf\x11\xe0")


class FileRejected(GuanxiError):
    """The file is not something we read: wrong type, too big, hostile, or without a usable header."""

    code = "file_rejected"
    status = 400


@dataclass(frozen=True)
class ImportLimits:
    """Caps checked before and while reading a file.

    ``UPLOAD_LIMITS`` are SECURITY IO-04's proposed caps for files that arrive through the web or the
    API; ``COMMAND_LIMITS`` are for an operator's file on the server (the 1 000 000-order budget of §6).
    """

    max_bytes: int
    max_rows: int
    max_uncompressed_bytes: int
    max_members: int = 1000


UPLOAD_LIMITS = ImportLimits(max_bytes=10 * MB, max_rows=50_000, max_uncompressed_bytes=100 * MB)
COMMAND_LIMITS = ImportLimits(max_bytes=2048 * MB, max_rows=10_000_000, max_uncompressed_bytes=8192 * MB)


@dataclass(frozen=True)
class FileFacts:
    kind: str  # "csv" or "xlsx"
    sha256: str
    encoding: str  # CSV text encoding; "" for XLSX
    size: int


def _reject(message: str) -> FileRejected:
    return FileRejected(message)


def inspect_file(path: Path, limits: ImportLimits) -> FileFacts:
    """Check type, size and container of ``path`` and return its kind, hash and encoding.

    Raise FileRejected for anything but a plain CSV or a macro-free XLSX within ``limits``.
    """
    suffix = path.suffix.lower()
    if suffix in (".xlsm", ".xls", ".xlsb", ".xltm"):
        raise _reject(_("Only .csv and .xlsx files can be imported; save the workbook as .xlsx first."))
    if suffix not in (".csv", ".xlsx"):
        raise _reject(_("Only .csv and .xlsx files can be imported."))
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise _reject(_("The file is larger than %(limit)s MB.") % {"limit": limits.max_bytes // MB})
    with path.open("rb") as handle:
        head = handle.read(8)
    if suffix == ".xlsx":
        if not head.startswith(b"PK\x03\x04"):
            raise _reject(_("This is not an .xlsx workbook."))
        _check_workbook_container(path, limits)
        return FileFacts("xlsx", _sha256(path), "", size)
    if any(head.startswith(magic) for magic in _REJECTED_MAGIC):
        raise _reject(_("This is not a CSV text file."))
    digest, encoding = _scan_text(path)
    return FileFacts("csv", digest, encoding, size)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _scan_text(path: Path) -> tuple[str, str]:
    """Hash the file and decide its encoding in one pass over the bytes."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    first = b""
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            if not first:
                first = block[:4]
            digest.update(block)
            if is_utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    is_utf8 = False
        if is_utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                is_utf8 = False
    if first.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif is_utf8:
        if b"\0" in first:
            raise _reject(_("This is not a CSV text file."))
        encoding = "utf-8"
    else:
        encoding = "gb18030"
    return digest.hexdigest(), encoding


def _check_workbook_container(path: Path, limits: ImportLimits) -> None:
    """Read only the ZIP directory: refuse bombs, path tricks and macros before extracting anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > limits.max_members:
                raise _reject(_("The workbook has too many parts to be a spreadsheet."))
            total = 0
            names = set()
            for member in members:
                name = member.filename
                if name.startswith(("/", "\\")) or ".." in name.split("/") or ":" in name:
                    raise _reject(_("The workbook contains a suspicious file name."))
                total += member.file_size
                names.add(name.lower())
            if total > limits.max_uncompressed_bytes:
                raise _reject(_("The workbook unpacks to more than the allowed size."))
            if "[content_types].xml" not in names:
                raise _reject(_("This is not an .xlsx workbook."))
            if any(name.endswith("vbaproject.bin") for name in names):
                raise _reject(_("Workbooks with macros cannot be imported; save the workbook as .xlsx."))
            content_types = archive.read("[Content_Types].xml")
            if b"macroEnabled" in content_types:
                raise _reject(_("Workbooks with macros cannot be imported; save the workbook as .xlsx."))
    except zipfile.BadZipFile as exc:
        raise _reject(_("This is not an .xlsx workbook.")) from exc


@contextmanager
def open_rows(
    path: Path, facts: FileFacts, limits: ImportLimits
) -> Iterator[Iterator[tuple[int, list[Any]]]]:
    """Yield an iterator of (spreadsheet row number, cells) over the non-blank rows of the first sheet.

    Row numbers are what Excel shows at the left edge: the first row of the file is 1. Raise
    FileRejected past ``limits.max_rows`` non-blank rows or when the file cannot be parsed.
    """
    if facts.kind == "csv":
        with path.open("r", encoding=facts.encoding, newline="") as handle:
            yield _limited(_csv_rows(handle), limits, text=True)
    else:
        yield from _xlsx_rows(path, limits)


def _blank(cells: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _limited(
    rows: Iterator[tuple[int, list[Any]]], limits: ImportLimits, *, text: bool = False
) -> Iterator[tuple[int, list[Any]]]:
    count = 0
    for number, cells in rows:
        # CSV cells are all strings: one join tells a blank row, without a Python loop per cell.
        if (not "".join(cells).strip()) if text else _blank(cells):
            continue
        count += 1
        if count > limits.max_rows + 1:  # + 1: the header row
            raise _reject(_("The file has more than %(limit)s rows.") % {"limit": limits.max_rows})
        yield number, cells


def _csv_rows(handle: IO[str]) -> Iterator[tuple[int, list[Any]]]:
    sample = handle.readline()
    handle.seek(0)
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    try:
        yield from enumerate(csv.reader(handle, delimiter=delimiter), 1)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise _reject(_("The file could not be read as CSV: %(error)s") % {"error": exc}) from exc


def _xlsx_rows(path: Path, limits: ImportLimits) -> Iterator[Iterator[tuple[int, list[Any]]]]:
    import openpyxl
    from openpyxl import xml as openpyxl_xml

    if not openpyxl_xml.DEFUSEDXML:
        raise _reject(_("Workbooks cannot be read safely on this server (defusedxml is missing)."))
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any parse failure of a hostile or broken file is a rejection
        raise _reject(_("The workbook could not be read.")) from exc
    try:
        sheet = workbook.worksheets[0]

        def rows() -> Iterator[tuple[int, list[Any]]]:
            try:
                for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
                    yield number, list(values)
            except FileRejected:
                raise
            except Exception as exc:
                raise _reject(_("The workbook could not be read.")) from exc

        yield _limited(rows(), limits)
    finally:
        workbook.close()


# --- headers -------------------------------------------------------------------------------------------

_HEADER_NOISE = re.compile(r"[\s*:：_\-]+|[(（\[【].*?[)）\]】]")


def normalise_header(text: Any) -> str:
    """Return a header cell reduced to compare with aliases: half-width, lower case, no spaces, marks
    or bracketed units ("金额（元）*" → "金额")."""
    if text is None:
        return ""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", str(text))).lower()


@dataclass
class Header:
    row: int  # spreadsheet row number of the header
    columns: dict[str, int]  # field → column index
    labels: dict[str, str]  # field → the header text as written
    ignored: list[str] = field(default_factory=list)


def find_header(
    rows: Iterator[tuple[int, list[Any]]],
    aliases: Mapping[str, str],
    required: Sequence[Sequence[str]],
) -> Header:
    """Find the header among the first rows and map its columns to fields.

    ``aliases`` maps normalised header texts to field names; ``required`` lists groups of fields of
    which at least one must be present (e.g. [("customer_id", "customer_name"), ("date",)]). Raise
    FileRejected when no row within the first ten qualifies or when two columns mean the same field.
    """
    for number, cells in rows:
        columns: dict[str, int] = {}
        labels: dict[str, str] = {}
        ignored: list[str] = []
        for index, cell in enumerate(cells):
            name = aliases.get(normalise_header(cell))
            if name is None:
                if cell is not None and str(cell).strip():
                    ignored.append(str(cell).strip())
                continue
            if name in columns:
                raise _reject(
                    _("Two columns mean the same thing: “%(first)s” and “%(second)s”.")
                    % {"first": labels[name], "second": str(cell).strip()}
                )
            columns[name] = index
            labels[name] = str(cell).strip()
        if all(any(name in columns for name in group) for group in required):
            return Header(row=number, columns=columns, labels=labels, ignored=ignored)
        if number >= _HEADER_SCAN_ROWS:
            break
    raise _reject(_("No header row with the required columns was found in the first rows."))


# --- cells ---------------------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read as the value its column needs."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def strip_escape(value: str) -> str:
    """Undo exactly the escape our exports add: a quote in front of a formula character (IO-06)."""
    if len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_STARTS:
        return value[1:]
    return value


def clean_text(value: Any, *, max_length: int | None = None) -> str:
    """Return a cell as half-width, trimmed text (numbers without a spurious ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    # NFKC leaves ASCII alone; skipping it there keeps a million-row file fast.
    text = strip_escape((text if text.isascii() else unicodedata.normalize("NFKC", text)).strip())
    if max_length is not None and len(text) > max_length:
        raise CellError("too_long", _("Longer than %(limit)s characters.") % {"limit": max_length})
    return text


_NUMBER_NOISE = re.compile(r"[¥$,\s']|RMB|CNY|人民币|元")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_UNITS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_EXACT = {places: re.compile(rf"^\d{{1,15}}(\.\d{{1,{places}}})?$") for places in range(1, 7)}


def parse_decimal(value: Any, *, places: int = 2) -> Decimal:
    """Read an amount or quantity: "¥1,234.50", "１２３４", "1.2万", "(300)" (negative), 1234.5.

    Round half up to ``places`` decimals. Raise CellError("invalid_number") when it is not a number.
    """
    if isinstance(value, str) and places in _EXACT and _EXACT[places].match(value):
        return Decimal(value)  # the common case: already a plain number with few enough decimals
    quantum = Decimal(1).scaleb(-places)
    if isinstance(value, bool):
        raise CellError("invalid_number", _("Not a number."))
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str) and _PLAIN_NUMBER.match(value):
        number = Decimal(value)
    else:
        number = _parse_number_text(clean_text(value))
    if not number.is_finite():
        raise CellError("invalid_number", _("Not a number."))
    try:
        return number.quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise CellError("invalid_number", _("The number is too large.")) from exc


def _parse_number_text(text: str) -> Decimal:
    if _PLAIN_NUMBER.match(text):
        return Decimal(text)
    compact = _NUMBER_NOISE.sub("", text)
    negative = False
    if compact.startswith("(") and compact.endswith(")"):
        negative, compact = True, compact[1:-1]
    if compact.startswith("-"):
        negative, compact = not negative, compact[1:]
    multiplier = Decimal(1)
    if compact and compact[-1] in _UNITS:
        multiplier, compact = _UNITS[compact[-1]], compact[:-1]
    if not compact or not _PLAIN_NUMBER.match(compact):
        raise CellError("invalid_number", _("“%(value)s” is not a number.") % {"value": text[:40]})
    number = Decimal(compact) * multiplier
    return -number if negative else number


_DATE_PARTS = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*[T ]?\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{1,7}(\.\d+)?$")


def parse_date(value: Any) -> datetime.date:
    """Read a date: a date cell, 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, an Excel serial
    number (45356), optionally followed by a time. Raise CellError("invalid_date")."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(float(value))
    return _parse_date_text(clean_text(value))


def _from_serial(serial: float) -> datetime.date:
    if not 1 <= serial < 2_958_466:  # 9999-12-31
        raise CellError("invalid_date", _("%(value)s is not a date.") % {"value": serial})
    return _EXCEL_EPOCH + datetime.timedelta(days=int(serial))


@lru_cache(maxsize=8192)  # a file holds few distinct dates: parse each once
def _parse_date_text(text: str) -> datetime.date:
    match = _DATE_PARTS.match(text) or _DATE_COMPACT.match(text)
    try:
        if match:
            year, month, day = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        if _SERIAL.match(text):
            return _from_serial(float(text))
    except ValueError:
        pass
    raise CellError("invalid_date", _("“%(value)s” is not a date.") % {"value": text[:40]})


def neutralise(value: Any) -> str:
    """Return a cell that a spreadsheet shows as text: a leading ' before = + - @ TAB CR NUL (IO-06)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


# --- error report ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    code: str
    message: str


class ErrorReport:
    """Row errors written straight to a CSV file (UTF-8 with BOM, for Excel in China), so memory stays
    flat however many rows fail; the first ``keep`` errors are also kept for the summary."""

    HEADER = ("row", "column", "code", "message")

    def __init__(self, path: Path | None, keep: int = 100) -> None:
        self.path = path
        self.keep = keep
        self.count = 0
        self.first: list[RowError] = []
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def add(self, row: int, column: str, code: str, message: str) -> None:
        error = RowError(row, column, code, message)
        self.count += 1
        if len(self.first) < self.keep:
            self.first.append(error)
        if self.path is None:
            return
        if self._writer is None:
            self._handle = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(self.HEADER)
        self._writer.writerow(
            [neutralise(part) for part in (error.row, error.column, error.code, error.message)]
        )

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
