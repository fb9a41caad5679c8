"""Every Excel file steg2 writes prints (rule 39): A4, one page wide, landscape where wide, the header row
repeated and frozen, widths that fit the headers' words, dates as dates, money as kronor, no empty sheet.
Read back with openpyxl; where LibreOffice is installed, each workbook is printed to PDF and its pages
counted."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pypdf import PdfReader

from steg2cli.excel import MONEY_FORMAT, PORTRAIT_WIDTH, header_width
from tests.conftest import ok
from tests.test_einvoices import seller

#: file → (command, pages when printed by LibreOffice; None: not yet counted on a machine with LibreOffice)
WORKBOOKS = {
    "trainees.xlsx": (["export", "trainees"], 1),
    "template.xlsx": (["export", "template"], 2),
    "trainers.xlsx": (["export", "trainers"], 1),
    "schools.xlsx": (["export", "schools"], 1),
    "agreements.xlsx": (["export", "agreements"], 1),
    "courses.xlsx": (["export", "courses"], 1),
    "meetings.xlsx": (["export", "meetings", "--year", "2026"], 1),
    "underlag.xlsx": (["invoice", "export"], 4),
    "report.xlsx": (["report", "--year", "2025"], 9),
    "register.xlsx": (["export", "register"], None),
    "register-template.xlsx": (["export", "register-template"], None),
    "compliance.xlsx": (["compliance", "--year", "2026"], None),
}


@pytest.fixture
def workbooks(tmp_path: Path) -> dict[str, Path]:
    ok("demo")
    seller()
    written = {}
    for name, (command, _pages) in WORKBOOKS.items():
        ok(*command, "-o", str(tmp_path / name))
        written[name] = tmp_path / name
    return written


def test_every_workbook_prints_on_a4_one_page_wide_with_its_header_on_every_page(workbooks: dict[str, Path]) -> None:
    for name, path in workbooks.items():
        book = load_workbook(path)
        for ws in book.worksheets:
            where = f"{name}:{ws.title}"
            assert ws.max_row >= 1 + (name != "template.xlsx" or ws.title != "Utbildade"), where  # none empty
            setup = ws.page_setup
            assert int(setup.paperSize) == 9, where  # A4
            assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1, where
            assert ws.print_title_rows == "$1:$1" and ws.freeze_panes == "A2", where
            widths = [ws.column_dimensions[get_column_letter(i)].width for i in range(1, ws.max_column + 1)]
            headers = [cell.value for cell in ws[1]]
            for header, width in zip(headers, widths, strict=True):
                if header:  # a header wraps between words, never inside one
                    assert width >= header_width(str(header)) - 0.05, (where, header, width)
            if name != "report.xlsx":
                assert (setup.orientation == "landscape") == (sum(widths) > PORTRAIT_WIDTH), where
            else:
                assert setup.orientation == "landscape", where  # the table and its chart side by side
            assert "Sida &P av &N" in ws.oddFooter.right.text, where


def test_dates_are_dates_and_money_is_kronor(workbooks: dict[str, Path]) -> None:
    basis = load_workbook(workbooks["underlag.xlsx"])
    invoices = basis["Fakturor"]
    header = [c.value for c in invoices[1]]
    row = list(invoices[2])
    assert isinstance(row[header.index("Fakturadatum")].value, datetime)
    assert row[header.index("Fakturadatum")].number_format == "yyyy-mm-dd"
    for money in ("Belopp exkl. moms", "Moms", "Att betala"):
        assert row[header.index(money)].number_format == MONEY_FORMAT
        assert isinstance(row[header.index(money)].value, int | float)
    lines = basis["Rader"]
    header = [c.value for c in lines[1]]
    periods = [r[header.index("Period från / datum")].value for r in lines.iter_rows(min_row=2)]
    assert periods and all(isinstance(v, datetime) for v in periods)
    report = load_workbook(workbooks["report.xlsx"])
    money = [r[1] for r in report["Fakturering"].iter_rows(min_row=2)]
    assert all(c.number_format == MONEY_FORMAT for c in money)
    trainees = load_workbook(workbooks["trainees.xlsx"])
    assert trainees.sheetnames == ["Utbildade"]  # no voided reports: no empty sheet `Makulerade` to print
    dates = [r[5].value for r in trainees["Utbildade"].iter_rows(min_row=2)]
    assert dates and all(isinstance(d, datetime) for d in dates) and date(2024, 1, 1) <= dates[0].date()


def test_the_year_report_charts_count_in_whole_numbers_and_money_in_kronor(workbooks: dict[str, Path]) -> None:
    report = load_workbook(workbooks["report.xlsx"])
    for ws in report.worksheets:
        [chart] = ws._charts
        if ws.title == "Fakturering":
            assert chart.y_axis.number_format.formatCode == '#,##0 "kr"'
        else:
            assert chart.y_axis.number_format.formatCode == "0" and chart.y_axis.majorUnit >= 1, ws.title
            assert float(chart.y_axis.majorUnit).is_integer(), ws.title


def test_a_row_of_several_lines_is_tall_enough_to_show_them(workbooks: dict[str, Path]) -> None:
    basis = load_workbook(workbooks["underlag.xlsx"])["Fakturor"]
    header = [c.value for c in basis[1]]
    address = header.index("Fakturaadress")
    for row in basis.iter_rows(min_row=2):
        lines = str(row[address].value or "").count("\n") + 1
        if lines > 1:
            assert basis.row_dimensions[row[0].row].height >= 15 * lines
            assert row[0].alignment.vertical == "top"


OFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(OFFICE is None, reason="LibreOffice is not installed")
def test_each_workbook_prints_on_the_pages_it_should(workbooks: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "printed"
    out.mkdir()
    subprocess.run(
        [str(OFFICE), "--headless", "--convert-to", "pdf", "--outdir", str(out), *map(str, workbooks.values())],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name, (_command, pages) in WORKBOOKS.items():
        printed = out / name.replace(".xlsx", ".pdf")
        if pages is None:
            assert len(PdfReader(printed).pages) >= 1, name
        else:
            assert len(PdfReader(printed).pages) == pages, name
