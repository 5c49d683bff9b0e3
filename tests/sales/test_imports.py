"""Order import (SPEC §8, SECURITY IO-04/IO-05): all or nothing, row-level report, messy Chinese files."""

import csv
import datetime
import zipfile
from decimal import Decimal
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
import time_machine
from django.core.management import CommandError, call_command

from guanxi.core.spreadsheets import UPLOAD_LIMITS, FileRejected
from guanxi.customers.models import Customer
from guanxi.governance.models import AuditEvent
from guanxi.sales.imports import OrderImportOptions, import_orders, writing
from guanxi.sales.models import ImportRun, Order, OrderLine

from ..factories import CustomerFactory
from .factories import OrderFactory, ProductFactory

NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def read_report(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def run(path: Path, user, **options):
    report = path.with_name(path.name + ".errors.csv")
    return import_orders(path, OrderImportOptions(actor=user, report_path=report, **options)), report


def test_given_999_good_rows_and_1_bad_when_importing_then_nothing_written_and_one_error_at_its_row(
    org, tmp_path
):
    rows = [["客户名称", "日期", "金额", "单号"]]
    rows += [["华为技术有限公司", "2026-11-01", "100", f"SO{i}"] for i in range(1, 1000)]
    rows.append(["华为技术有限公司", "2026-13-45", "100", "SO1000"])
    summary, report = run(write_csv(tmp_path / "orders.csv", rows), org.rep_a)
    assert (summary.rows, summary.errors, summary.committed) == (1000, 1, False)
    assert Order.objects.count() == 0
    assert ImportRun.objects.count() == 0
    # Row numbers are the spreadsheet's: the header is row 1, so the 1000th order is row 1001.
    assert read_report(report) == [
        ["row", "column", "code", "message"],
        ["1001", "日期", "invalid_date", "“2026-13-45”不是日期。"],
    ]


def test_given_bad_rows_when_running_the_command_then_exit_is_an_error_naming_the_report(org, tmp_path):
    path = write_csv(
        tmp_path / "o.csv", [["customer", "date", "amount"], ["华为技术有限公司", "yesterday", "1"]]
    )
    with pytest.raises(CommandError, match="1 row error"):
        call_command("import", "orders", str(path), "--as", "rep_a", stdout=StringIO())
    assert Order.objects.count() == 0
    assert read_report(tmp_path / "o.csv.errors.csv")[1][:3] == ["2", "date", "invalid_date"]


def test_given_valid_file_when_running_the_command_then_orders_run_and_one_audit_event(org, tmp_path):
    path = write_csv(
        tmp_path / "o.csv",
        [["客户名称", "日期", "金额", "单号"], ["华为技术有限公司", "2026-11-01", "1,200.50", "SO1"]],
    )
    out = StringIO()
    call_command("import", "orders", str(path), "--as", "rep_a", stdout=out)
    order = Order.objects.get()
    run_record = ImportRun.objects.get()
    assert (order.customer, order.amount, order.source, order.external_ref, order.import_run) == (
        org.cust_a,
        Decimal("1200.50"),
        "import",
        "SO1",
        run_record,
    )
    assert (run_record.rows, run_record.created) == (1, {"orders": 1, "lines": 0, "customers": 0})
    assert AuditEvent.objects.filter(action="import", object_id=str(run_record.pk)).count() == 1
    assert "imported: 1 orders" in out.getvalue()


def test_given_gbk_csv_with_chinese_names_when_importing_then_detected_and_matched(org, tmp_path):
    CustomerFactory(name="北京燕山石化加油站", owner=org.rep_a)
    path = write_csv(
        tmp_path / "gbk.csv",
        [["客户名称", "日期", "金额"], ["北京燕山石化加油站", "2026年3月5日", "￥1,234.50"]],
        encoding="gbk",
    )
    summary, _report = run(path, org.rep_a)
    assert (summary.encoding, summary.errors, summary.orders) == ("gb18030", 0, 1)
    order = Order.objects.get()
    assert (order.customer.name, order.ordered_on, order.amount) == (
        "北京燕山石化加油站",
        datetime.date(2026, 3, 5),
        Decimal("1234.50"),
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_given_each_supported_encoding_when_importing_then_headers_found(org, tmp_path, encoding):
    path = write_csv(
        tmp_path / "o.csv", [["客户名称", "日期", "金额"], ["华为技术有限公司", "2026-1-5", "1"]], encoding
    )
    summary, _report = run(path, org.rep_a)
    assert (summary.errors, summary.orders) == (0, 1)


def test_given_messy_values_when_importing_then_each_is_read(org, tmp_path):
    rows = [
        ["客户编号", "订单日期", "金额（元）", "数量", "单价", "产品编码", "订单号"],
        [str(org.cust_a.pk), "２０２６年３月５日", "￥１，２３４．５０", "", "", "", "A1"],
        [str(org.cust_a.pk), "2026/3/6", "1.2万", "", "", "", "A2"],
        [str(org.cust_a.pk), "20260307", "", "３", "12.5", "", "A3"],
        [str(org.cust_a.pk), "46089", "RMB 99元", "", "", "", "A4"],
        [str(org.cust_a.pk), "2026.3.9 14:30", "100", "2", "", "P001", "A5"],
    ]
    ProductFactory(code="P001", unit_price=Decimal("80.00"))
    summary, _report = run(write_csv(tmp_path / "messy.csv", rows), org.rep_a)
    assert (summary.errors, summary.orders, summary.lines) == (0, 5, 2)
    got = {o.external_ref: (o.ordered_on, o.amount) for o in Order.objects.all()}
    assert got == {
        "A1": (datetime.date(2026, 3, 5), Decimal("1234.50")),
        "A2": (datetime.date(2026, 3, 6), Decimal("12000.00")),
        "A3": (datetime.date(2026, 3, 7), Decimal("37.50")),
        "A4": (datetime.date(2026, 3, 8), Decimal("99.00")),
        "A5": (datetime.date(2026, 3, 9), Decimal("100.00")),
    }
    lines = {
        line.order.external_ref: (line.product, line.quantity, line.unit_price)
        for line in OrderLine.objects.all()
    }
    assert lines["A3"] == (None, Decimal("3.000"), Decimal("12.50"))
    assert lines["A5"][1:] == (Decimal("2.000"), Decimal("50.00"))
    assert lines["A5"][0].code == "P001"


@pytest.mark.parametrize(
    ("header", "value", "code"),
    [
        ("金额", "-5", "negative_amount"),
        ("金额", "(300)", "negative_amount"),
        ("金额", "一百", "invalid_number"),
        ("日期", "2026-02-30", "invalid_date"),
        ("日期", "1989-12-31", "date_out_of_range"),
        ("日期", "2026-11-25", "date_out_of_range"),
        ("数量", "0", "invalid_quantity"),
    ],
)
def test_given_bad_value_when_importing_then_row_error_with_code(org, tmp_path, header, value, code):
    row = {"客户名称": "华为技术有限公司", "日期": "2026-11-01", "金额": "10", "数量": "1"}
    row[header] = value
    summary, _report = run(write_csv(tmp_path / "o.csv", [list(row), list(row.values())]), org.rep_a)
    assert [(e.row, e.column, e.code) for e in summary.first_errors] == [(2, header, code)]
    assert Order.objects.count() == 0


def test_given_english_headers_and_credit_code_when_importing_then_customer_found(org, tmp_path):
    org.cust_a.credit_code = "91350100M000100Y43"
    org.cust_a.save()
    path = write_csv(
        tmp_path / "o.csv",
        [
            ["Credit Code", "Order Date", "Amount", "Order No"],
            ["91350100m000100y43", "2026-11-01", "5", "X1"],
        ],
    )
    summary, _report = run(path, org.rep_a)
    assert (summary.errors, summary.columns) == (
        0,
        {"credit_code": "Credit Code", "date": "Order Date", "amount": "Amount", "external_ref": "Order No"},
    )
    assert Order.objects.get().customer == org.cust_a


def test_given_xlsx_with_title_row_date_cells_and_serials_when_importing_then_read(org, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2026年11月订单明细"])
    sheet.merge_cells("A1:D1")
    sheet.append(["客户名称", "日期", "金额", "单号"])
    sheet.append(["华为技术有限公司", datetime.datetime(2026, 11, 2, 9, 30), 1234.5, 1001])
    sheet.append(["华为技术有限公司", 46329, "2,000", 1002])
    sheet.append([None, None, None, None])  # a trailing blank row
    path = tmp_path / "orders.xlsx"
    workbook.save(path)
    summary, _report = run(path, org.rep_a)
    assert (summary.kind, summary.header_row, summary.errors, summary.orders) == ("xlsx", 2, 0, 2)
    got = sorted(Order.objects.values_list("external_ref", "ordered_on", "amount"))
    assert got == [
        ("1001", datetime.date(2026, 11, 2), Decimal("1234.50")),
        ("1002", datetime.date(2026, 11, 3), Decimal("2000.00")),
    ]


def test_given_unknown_customer_when_importing_then_not_found_unless_create_customers(org, tmp_path):
    path = write_csv(
        tmp_path / "o.csv",
        [["客户", "日期", "金额"], ["张三", "2026-11-01", "50"], ["张三", "2026-11-02", "70"]],
    )
    summary, _report = run(path, org.rep_a)
    assert [(e.row, e.code) for e in summary.first_errors] == [
        (2, "customer_not_found"),
        (3, "customer_not_found"),
    ]
    assert Customer.objects.filter(name="张三").count() == 0

    summary, _report = run(path, org.rep_a, create_customers=True)
    customer = Customer.objects.get(name="张三")
    assert (summary.errors, summary.new_customers, summary.orders) == (0, 1, 2)
    assert (customer.kind, customer.owner, customer.created_by, customer.status) == (
        "individual",
        org.rep_a,
        org.rep_a,
        "current",
    )
    assert sorted(customer.orders.values_list("amount", flat=True)) == [Decimal("50.00"), Decimal("70.00")]
    assert (
        AuditEvent.objects.filter(action="create", object_type="customer", object_id=str(customer.pk)).count()
        == 1
    )


def test_given_other_teams_customer_by_name_when_rep_imports_then_not_found_and_never_attached(org, tmp_path):
    path = write_csv(
        tmp_path / "o.csv", [["客户名称", "日期", "金额"], ["腾讯科技有限公司", "2026-11-01", "50"]]
    )
    summary, report = run(path, org.rep_a)
    assert read_report(report)[1] == [
        "2",
        "客户名称",
        "customer_not_found",
        "在您可见的客户中找不到“腾讯科技有限公司”。",
    ]
    summary, _report = run(path, org.rep_a, create_customers=True)
    assert [e.code for e in summary.first_errors] == ["customer_owned_elsewhere"]
    assert (Order.objects.count(), Customer.objects.filter(name="腾讯科技有限公司").count()) == (0, 1)
    # The manager of the other team sees it, so the same file works for them.
    summary, _report = run(path, org.mgr_2)
    assert (summary.errors, Order.objects.get().customer) == (0, org.cust_c)


def test_given_two_visible_customers_with_one_name_when_importing_then_ambiguous(org, tmp_path):
    CustomerFactory(name="华为技术有限公司", owner=org.rep_a)
    path = write_csv(
        tmp_path / "o.csv", [["客户名称", "日期", "金额"], ["华为技术有限公司", "2026-11-01", "50"]]
    )
    summary, _report = run(path, org.rep_a)
    assert [e.code for e in summary.first_errors] == ["customer_ambiguous"]


def test_given_dry_run_when_importing_then_counts_reported_and_nothing_written(org, tmp_path):
    path = write_csv(tmp_path / "o.csv", [["客户名称", "日期", "金额"], ["新客户", "2026-11-01", "50"]])
    summary, _report = run(path, org.rep_a, dry_run=True, create_customers=True)
    assert (summary.errors, summary.orders, summary.new_customers, summary.committed) == (0, 1, 1, False)
    assert (
        Order.objects.count(),
        Customer.objects.filter(name="新客户").count(),
        ImportRun.objects.count(),
    ) == (0, 0, 0)


def test_given_same_file_twice_when_importing_then_second_run_returns_first_and_adds_nothing(org, tmp_path):
    path = write_csv(
        tmp_path / "o.csv", [["客户名称", "日期", "金额"], ["华为技术有限公司", "2026-11-01", "50"]]
    )
    first, _report = run(path, org.rep_a)
    second, _report = run(path, org.rep_a)
    assert second.already_imported == first.run
    assert (Order.objects.count(), ImportRun.objects.count()) == (1, 1)


def test_given_order_number_already_imported_when_importing_then_error_or_skip(org, tmp_path):
    OrderFactory(customer=org.cust_a, source="import", external_ref="SO1")
    path = write_csv(
        tmp_path / "o.csv",
        [
            ["客户名称", "日期", "金额", "单号"],
            ["华为技术有限公司", "2026-11-01", "50", "SO1"],
            ["华为技术有限公司", "2026-11-01", "60", "SO2"],
        ],
    )
    summary, _report = run(path, org.rep_a)
    assert [(e.row, e.code) for e in summary.first_errors] == [(2, "already_imported")]
    summary, _report = run(path, org.rep_a, on_duplicate="skip")
    assert (summary.errors, summary.skipped_duplicates, summary.orders) == (0, 1, 1)
    assert sorted(Order.objects.values_list("external_ref", flat=True)) == ["SO1", "SO2"]


def test_given_consecutive_rows_of_one_order_number_when_importing_then_one_order_with_lines(org, tmp_path):
    ProductFactory(code="P1")
    ProductFactory(code="P2")
    rows = [
        ["单号", "客户名称", "日期", "产品", "数量", "金额"],
        ["SO1", "华为技术有限公司", "2026-11-01", "P1", "2", "200"],
        ["SO1", "华为技术有限公司", "2026-11-01", "P2", "1", "50"],
        ["SO2", "华为技术有限公司", "2026-11-02", "P1", "1", "100"],
    ]
    summary, _report = run(write_csv(tmp_path / "o.csv", rows), org.rep_a)
    assert (summary.errors, summary.orders, summary.lines) == (0, 2, 3)
    order = Order.objects.get(external_ref="SO1")
    assert order.amount == Decimal("250.00")
    assert sorted(order.lines.values_list("product__code", "quantity", "unit_price")) == [
        ("P1", Decimal("2.000"), Decimal("100.00")),
        ("P2", Decimal("1.000"), Decimal("50.00")),
    ]


def test_given_order_number_repeated_further_down_when_importing_then_duplicate_error(org, tmp_path):
    rows = [
        ["单号", "客户名称", "日期", "金额"],
        ["SO1", "华为技术有限公司", "2026-11-01", "1"],
        ["SO2", "华为技术有限公司", "2026-11-01", "1"],
        ["SO1", "华为技术有限公司", "2026-11-01", "1"],
    ]
    _summary, report = run(write_csv(tmp_path / "o.csv", rows), org.rep_a)
    assert read_report(report)[1:] == [["4", "单号", "duplicate_in_file", "单号“SO1”已在第 2 行出现。"]]


def test_given_failure_in_the_middle_of_writing_when_importing_then_nothing_is_left(
    org, tmp_path, monkeypatch
):
    rows = [["客户名称", "日期", "金额"]] + [
        ["华为技术有限公司", "2026-11-01", str(i)] for i in range(1, 1000)
    ]
    path = write_csv(tmp_path / "o.csv", rows)
    calls = []

    def failing(real):
        def write(model, columns, rows, **options):
            rows = list(rows)
            calls.append(len(rows))
            if len(calls) == 5:  # the orders of rows 401–500
                raise RuntimeError("disk full")
            return real(model, columns, rows, **options)

        return write

    monkeypatch.setattr(writing, "WRITE_CHUNK", 100)
    monkeypatch.setattr(writing, "insert_text_rows", failing(writing.insert_text_rows))  # SQLite
    monkeypatch.setattr(writing, "copy_lines", failing(writing.copy_lines))  # PostgreSQL
    with pytest.raises(RuntimeError):
        import_orders(path, OrderImportOptions(actor=org.rep_a, report_path=None))
    assert calls == [100, 100, 100, 100, 100]
    assert (Order.objects.count(), ImportRun.objects.count()) == (0, 0)


def test_given_missing_columns_when_importing_then_file_rejected(org, tmp_path):
    path = write_csv(tmp_path / "o.csv", [["客户名称", "备注"], ["华为技术有限公司", "x"]])
    with pytest.raises(FileRejected, match="前几行中没有找到"):
        run(path, org.rep_a)


# --- hostile files (IO-04) -------------------------------------------------------------------------------


def _xlsx_bytes(tmp_path: Path) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.append(["客户名称", "日期", "金额"])
    path = tmp_path / "base.xlsx"
    workbook.save(path)
    return path


def _rewrite(
    source: Path, target: Path, replace: dict[str, bytes], add: dict[str, bytes] | None = None
) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, replace.get(item.filename, old.read(item.filename)))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


def test_given_macro_workbook_when_importing_then_rejected(org, tmp_path):
    xlsm = tmp_path / "orders.xlsm"
    xlsm.write_bytes(_xlsx_bytes(tmp_path).read_bytes())
    with pytest.raises(FileRejected, match="只能导入"):
        run(xlsm, org.rep_a)
    disguised = _rewrite(
        _xlsx_bytes(tmp_path), tmp_path / "macro.xlsx", {}, {"xl/vbaProject.bin": b"\0" * 10}
    )
    with pytest.raises(FileRejected, match="不能导入带宏"):
        run(disguised, org.rep_a)


def test_given_renamed_executable_when_importing_then_rejected(org, tmp_path):
    exe = tmp_path / "orders.csv"
    exe.write_bytes(b"MZ\x90\x00" + b"\0" * 200)
    with pytest.raises(FileRejected, match="这不是 CSV"):
        run(exe, org.rep_a)
    fake = tmp_path / "orders.xlsx"
    fake.write_bytes(b"MZ\x90\x00" + b"\0" * 200)
    with pytest.raises(FileRejected, match=r"这不是 \.xlsx"):
        run(fake, org.rep_a)


def test_given_zip_declaring_huge_member_when_importing_then_rejected_before_extraction(org, tmp_path):
    big = _rewrite(
        _xlsx_bytes(tmp_path), tmp_path / "bomb.xlsx", {}, {"xl/worksheets/big.xml": b"0" * (2 * 1024 * 1024)}
    )
    limits = UPLOAD_LIMITS.__class__(
        max_bytes=10 * 1024 * 1024, max_rows=10, max_uncompressed_bytes=1024 * 1024
    )
    with pytest.raises(FileRejected, match="解压后超过"):
        import_orders(big, OrderImportOptions(actor=org.rep_a, limits=limits))


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY x "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>',
        b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    ],
    ids=["billion laughs", "external entity"],
)
def test_given_entities_in_the_sheet_xml_when_importing_then_rejected(org, tmp_path, doctype):
    sheet = (
        b'<?xml version="1.0"?>'
        + doctype
        + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>'
    )
    hostile = _rewrite(_xlsx_bytes(tmp_path), tmp_path / "entities.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(FileRejected, match="无法读取该工作簿"):
        run(hostile, org.rep_a)
    assert Order.objects.count() == 0


def test_given_more_rows_than_the_cap_when_importing_then_rejected(org, tmp_path):
    rows = [["客户名称", "日期", "金额"]] + [["华为技术有限公司", "2026-11-01", "1"]] * 11
    limits = UPLOAD_LIMITS.__class__(max_bytes=1024 * 1024, max_rows=10, max_uncompressed_bytes=1024)
    with pytest.raises(FileRejected, match="文件超过 10 行"):
        import_orders(write_csv(tmp_path / "o.csv", rows), OrderImportOptions(actor=org.rep_a, limits=limits))
    assert Order.objects.count() == 0


def test_given_order_numbers_with_backslash_and_tab_when_importing_then_stored_verbatim(org, tmp_path):
    rows = [
        ["单号", "客户名称", "日期", "金额"],
        ["SO\\7", "华为技术有限公司", "2026-11-01", "1"],
        ["SO\t8", "华为技术有限公司", "2026-11-01", "1"],
    ]
    summary, _report = run(write_csv(tmp_path / "o.csv", rows), org.rep_a)
    assert summary.errors == 0
    assert sorted(Order.objects.values_list("external_ref", flat=True)) == ["SO\t8", "SO\\7"]
