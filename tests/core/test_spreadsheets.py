"""Cell cleaning and report escaping for imports (SPEC §8, SECURITY IO-05/IO-06). No database."""

import csv
import datetime
from decimal import Decimal

import pytest

from guanxi.core.spreadsheets import (
    CellError,
    ErrorReport,
    neutralise,
    normalise_header,
    parse_date,
    parse_decimal,
    strip_escape,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234.5", Decimal("1234.50")),
        ("１２３４．５", Decimal("1234.50")),
        ("￥1,234.50", Decimal("1234.50")),
        ("¥ 1，234", Decimal("1234.00")),
        ("RMB 99元", Decimal("99.00")),
        ("1.2万", Decimal("12000.00")),
        ("3亿", Decimal("300000000.00")),
        ("(300)", Decimal("-300.00")),
        ("-12.345", Decimal("-12.35")),
        (1234.5, Decimal("1234.50")),
        (0.1 + 0.2, Decimal("0.30")),
        (7, Decimal("7.00")),
    ],
)
def test_given_messy_amount_when_parsing_then_exact_decimal(raw, expected):
    assert parse_decimal(raw) == expected


@pytest.mark.parametrize("raw", ["一百", "1.2.3", "", "万", True, "12abc"])
def test_given_non_number_when_parsing_then_cell_error(raw):
    with pytest.raises(CellError) as error:
        parse_decimal(raw)
    assert error.value.code == "invalid_number"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-05", datetime.date(2024, 3, 5)),
        ("2024/3/5", datetime.date(2024, 3, 5)),
        ("2024.3.5", datetime.date(2024, 3, 5)),
        ("2024年3月5日", datetime.date(2024, 3, 5)),
        ("２０２４年３月５日", datetime.date(2024, 3, 5)),
        ("2024 年 3 月 5 日", datetime.date(2024, 3, 5)),
        ("20240305", datetime.date(2024, 3, 5)),
        ("45356", datetime.date(2024, 3, 5)),
        (45356, datetime.date(2024, 3, 5)),
        (45356.75, datetime.date(2024, 3, 5)),
        ("2024-03-05 14:30:00", datetime.date(2024, 3, 5)),
        ("2024/3/5 9:05", datetime.date(2024, 3, 5)),
        (datetime.datetime(2024, 3, 5, 8, 0), datetime.date(2024, 3, 5)),
        (datetime.date(2024, 3, 5), datetime.date(2024, 3, 5)),
    ],
)
def test_given_chinese_date_forms_when_parsing_then_same_day(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["2024-02-30", "3/5/2024", "昨天", "2024年3月", "0"])
def test_given_non_date_when_parsing_then_cell_error(raw):
    with pytest.raises(CellError) as error:
        parse_date(raw)
    assert error.value.code == "invalid_date"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("金额（元）*", "金额"),
        (" 客户 名称 ", "客户名称"),
        ("Order Date", "orderdate"),
        ("ＥＲＰ单号：", "erp单号"),
    ],
)
def test_given_decorated_header_when_normalising_then_plain_name(header, expected):
    assert normalise_header(header) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+8613800138000", "'+8613800138000"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("华为", "华为"), (12, "12")],
)  # fmt: skip
def test_given_formula_like_cell_when_neutralising_then_quoted(value, expected):
    assert neutralise(value) == expected


def test_given_our_own_escape_when_reading_back_then_exactly_that_quote_is_removed():
    assert strip_escape("'+8613800138000") == "+8613800138000"
    assert strip_escape("'quoted") == "'quoted"


def test_given_errors_when_reporting_then_csv_with_bom_and_no_formula_cells(tmp_path):
    path = tmp_path / "report.csv"
    report = ErrorReport(path, keep=1)
    report.add(2, "=金额", "invalid_number", '=HYPERLINK("http://x","y")')
    report.add(3, "日期", "invalid_date", "fine, with a comma")
    report.close()
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["row", "column", "code", "message"],
            ["2", "'=金额", "invalid_number", '\'=HYPERLINK("http://x","y")'],
            ["3", "日期", "invalid_date", "fine, with a comma"],
        ]
    assert (report.count, len(report.first)) == (2, 1)
