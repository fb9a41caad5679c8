"""Excel in and out with openpyxl: streaming writes, text that never turns into a formula.

Every workbook is written in write-only mode row by row from an iterator, so memory stays flat however
many rows there are, and into a temporary file that replaces the target only when complete.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from steg2cli.errors import BadInput
from steg2cli.files import user_mode
from steg2cli.i18n import _

DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = '#,##0.00 "kr"'
#: Money on a chart's axis: whole kronor.
KRONOR_AXIS_FORMAT = '#,##0 "kr"'
#: A sheet whose columns add up to more than this many characters prints in landscape (A4 portrait holds
#: about 95 characters of Calibri 11 between its margins, landscape about 140).
PORTRAIT_WIDTH = 95
#: The rows read before a streamed sheet's column widths are chosen (the rest stream past unmeasured).
SAMPLE_ROWS = 200
#: The widest a column gets before its text wraps (characters).
WIDEST = 48


@dataclass(frozen=True)
class Column:
    """A column: its Swedish header, the most characters it is given (its text wraps beyond, where it
    wraps), and kind (`text`, `date`, `money`, `int`, `number` (a decimal such as a VAT rate), or `wrap`
    (text wrapped on several lines, as an address))."""

    header: str
    width: int = 16
    kind: str = "text"


@dataclass(frozen=True)
class Sheet:
    """A sheet to write: its name, columns and rows (any iterable; consumed once, streaming)."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    #: True: always A4 landscape; None: landscape when the columns are wider than a portrait page.
    landscape: bool | None = None
    #: Left out of the workbook when it has no rows (so that nobody prints a page of headers).
    optional: bool = False


def _cell(ws: Any, value: Any, kind: str) -> Any:
    """A value ready for a write-only row: plain where openpyxl already does right, a cell otherwise."""
    if value is None or value == "":
        return None
    if kind == "money":
        cell = WriteOnlyCell(ws, value=Decimal(int(value)) / 100)  # type: ignore[arg-type]  # öre → kronor, exact
        cell.number_format = MONEY_FORMAT
        return cell
    if kind == "date":
        # openpyxl shows a plain date value as yyyy-mm-dd by itself
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            kind = "text"  # not a date after all (an old line's period as typed): kept as text
    if kind in ("int", "number") and isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if kind == "wrap":
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        cell.alignment = _WRAP
        return cell
    if text[:1] in _FORMULA_START:
        # Text from people stays text: openpyxl would store "=HYPERLINK(…)" as a formula.
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        return cell
    return text


_FORMULA_START = frozenset("=")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


def _top(ws: Any, value: Any) -> Any:
    """A cell aligned to the top of its row (a wrapped cell already is)."""
    if isinstance(value, Cell):
        if not value.alignment.wrap_text:
            value.alignment = _TOP
        return value
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value=value)
    cell.alignment = _TOP
    return cell


def shown_length(value: Any, kind: str = "text") -> int:
    """About how many characters a value takes in its cell (its longest line; money as `10 000,00 kr`)."""
    if value is None or value == "":
        return 0
    if kind == "money" or isinstance(value, Decimal):
        ore = int(value) if kind == "money" else int(value * 100)
        return len(f"{abs(ore) // 100:,},00 kr") + (ore < 0)
    if isinstance(value, date | datetime):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def header_width(header: str) -> float:
    """The narrowest a column may be for its header to wrap between words, never inside one (bold)."""
    return max((len(word) for word in header.split()), default=0) * 1.15 + 2


def fitted_widths(columns: Sequence[Column], sample: Sequence[Sequence[Any]]) -> list[float]:
    """Column widths that fit the header's words and the sampled content, each at most its column's width
    (where the text wraps) or `WIDEST`; with no rows at all, the columns' own widths."""
    widths = []
    for index, column in enumerate(columns):
        if not sample:  # a form to fill in (the trainee list template): room to write
            widths.append(round(max(header_width(column.header), column.width), 1))
            continue
        content = max((shown_length(row[index], column.kind) for row in sample if index < len(row)), default=0)
        limit = column.width if column.kind == "wrap" else max(column.width, WIDEST)
        widths.append(round(max(header_width(column.header), min(content * 1.1 + 2, limit), 6), 1))
    return widths


def wrapped_lines(text: str, width: float) -> int:
    """How many lines a text takes in a wrapping cell `width` characters wide (breaking between words)."""
    room = max(int(width) - 1, 1)
    count = 0
    for line in text.splitlines() or [""]:
        used = 0
        count += 1
        for word in line.split():
            if used and used + 1 + len(word) > room:
                count += 1
                used = 0
            used += (1 if used else 0) + len(word)
            while used > room:  # a word longer than the column breaks where it must
                count += 1
                used -= room
    return count


LINE_HEIGHT = 15  # points, one line of Calibri 11


def row_height(values: Sequence[Any], widths: Sequence[float], wraps: Sequence[bool]) -> float | None:
    """The height a row needs so that its wrapped cells show every line (None: one line is enough).
    Neither Excel nor LibreOffice works it out for a file written by a program."""
    lines = 1
    for value, width, wrap in zip(values, widths, wraps, strict=False):
        if isinstance(value, str) and (wrap or "\n" in value):
            lines = max(lines, wrapped_lines(value, width))
    return LINE_HEIGHT * lines if lines > 1 else None


def print_setup(ws: Any, widths: Sequence[float], landscape: bool | None = None, one_page: bool = False) -> None:
    """Print on A4, one page wide (`one_page`: and one page tall), landscape when wide, the header row
    repeated on every page and frozen on screen, the sheet's name and page number in the footer."""
    wide = sum(widths) > PORTRAIT_WIDTH if landscape is None else landscape
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if wide else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.7
    ws.print_options.horizontalCentered = False
    ws.print_title_rows = "1:1"
    ws.freeze_panes = "A2"
    ws.HeaderFooter.oddFooter.left.text = "&A"
    ws.HeaderFooter.oddFooter.right.text = "Sida &P av &N"
    ws.HeaderFooter.oddFooter.left.size = ws.HeaderFooter.oddFooter.right.size = 8


_HEADER_ALIGNMENT = Alignment(vertical="top", wrap_text=True)


def write_workbook(
    path: Path, sheets: Sequence[Sheet], progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Write the sheets to `path` (xlsx); returns the number of data rows per sheet.

    Every sheet prints well: A4, one page wide, landscape when its columns are wide, the header row on
    every page; column widths fit the header's words and the first `SAMPLE_ROWS` rows (the rest stream
    past, so memory stays flat). An optional sheet with no rows is left out.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise BadInput(_("{path}: the output file must end in .xlsx").format(path=path))
    if not path.parent.is_dir():
        raise BadInput(
            _("cannot write {path}: the folder {parent} does not exist").format(path=path, parent=path.parent)
        )
    check_writable(path)
    workbook = Workbook(write_only=True)
    counts: dict[str, int] = {}
    bold = Font(name="Calibri", bold=True)
    for sheet in sheets:
        rows = iter(sheet.rows)
        sample = list(itertools.islice(rows, SAMPLE_ROWS))
        if not sample and sheet.optional:
            counts[sheet.name] = 0
            continue
        ws = workbook.create_sheet(title=sheet.name[:31])
        widths = fitted_widths(sheet.columns, sample)
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        print_setup(ws, widths, sheet.landscape)
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(ws, value=column.header)
            cell.font = bold
            cell.alignment = _HEADER_ALIGNMENT
            header.append(cell)
        height = row_height([c.header for c in sheet.columns], [w / 1.15 for w in widths], [True] * len(widths))
        if height:
            ws.row_dimensions[1].height = height
        ws.append(header)
        count = 0
        kinds = [c.kind for c in sheet.columns]
        wrapping = [i for i, kind in enumerate(kinds) if kind == "wrap"]  # the only cells of several lines
        wrap_widths = [widths[i] for i in wrapping]
        every = [True] * len(wrapping)
        for row in itertools.chain(sample, rows):
            height = (
                row_height([row[i] if i < len(row) else None for i in wrapping], wrap_widths, every)
                if wrapping
                else None
            )
            if height:
                # A row of several lines: every cell starts at its top, beside the wrapped ones.
                ws.row_dimensions[count + 2].height = height
                ws.append([_top(ws, _cell(ws, value, kind)) for value, kind in zip(row, kinds, strict=False)])
            else:
                ws.append([_cell(ws, value, kind) for value, kind in zip(row, kinds, strict=False)])
            count += 1
            if progress is not None and count % 1000 == 0:
                progress(1000)
        last = get_column_letter(max(len(sheet.columns), 1))
        ws.auto_filter.ref = f"A1:{last}{count + 1}"
        counts[sheet.name] = count
    _save(workbook, path)
    return counts


def check_writable(path: Path) -> None:
    """Refuse a folder steg2 cannot write in before any work is done (a write-only workbook half made and
    never saved leaves openpyxl complaining on the terminal when it is thrown away)."""
    try:
        handle, temporary = tempfile.mkstemp(suffix=".part", dir=path.parent)
    except OSError as exc:
        raise BadInput(_("cannot write {path}: {strerror}").format(path=path, strerror=exc.strerror)) from None
    os.close(handle)
    Path(temporary).unlink(missing_ok=True)


def _save(workbook: Any, path: Path) -> None:
    """Save into a temporary file beside `path` that replaces it only when complete."""
    try:
        handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    except OSError as exc:
        raise BadInput(_("cannot write {path}: {strerror}").format(path=path, strerror=exc.strerror)) from None
    os.close(handle)
    try:
        workbook.save(temporary)
        os.chmod(temporary, user_mode())  # shared like any file the user writes (mkstemp makes 0600)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise BadInput(_("cannot write {path}: {strerror}").format(path=path, strerror=exc.strerror)) from None


def read_rows(
    path: Path, sheet_name: str | None = None, date_columns: Sequence[int] = ()
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """The header and the data rows of a workbook's sheet (`sheet_name`, else the first), streaming.

    A number in one of `date_columns` is an Excel day number, read with openpyxl's own conversion for the
    workbook's date system (1900 or 1904). A damaged workbook is refused naming the file and the row.
    """
    from openpyxl.utils.datetime import from_excel

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise BadInput(_("{path}: no such file").format(path=path)) from None
    except Exception:  # a truncated zip, missing or broken parts: openpyxl raises many kinds
        raise BadInput(_("{path}: not an Excel workbook (.xlsx), or a damaged one").format(path=path)) from None
    try:
        ws = workbook[sheet_name] if sheet_name and sheet_name in workbook.sheetnames else workbook.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
    except Exception:
        workbook.close()
        raise BadInput(
            _("{path}: the workbook is damaged (its first sheet cannot be read)").format(path=path)
        ) from None
    if header is None:
        workbook.close()
        return [], iter(())
    epoch = workbook.epoch

    def convert(row: tuple[Any, ...]) -> tuple[Any, ...]:
        if not any(
            i < len(row) and isinstance(row[i], int | float) and not isinstance(row[i], bool) for i in date_columns
        ):
            return row
        cells = list(row)
        for i in date_columns:
            if i < len(cells) and isinstance(cells[i], int | float) and not isinstance(cells[i], bool):
                try:
                    cells[i] = from_excel(cells[i], epoch=epoch)
                except (ValueError, OverflowError, TypeError):
                    pass  # left as a number: the reader says it is not a date
        return tuple(cells)

    def data() -> Iterator[tuple[Any, ...]]:
        number = 1
        try:
            for row in rows:
                number += 1
                yield convert(row) if date_columns else row
        except BadInput:
            raise
        except Exception as exc:  # damaged sheet XML, a bad shared-string index, a cell openpyxl cannot read
            raise BadInput(
                _("{path}: the workbook is damaged at row {value} ({name}); open it in Excel and save it again").format(
                    path=path, value=number + 1, name=type(exc).__name__
                )
            ) from None
        finally:
            workbook.close()

    return ["" if h is None else str(h).strip() for h in header], data()


class SheetReader:
    """Several sheets of one workbook, read once and streaming (the register workbook): `sheet(name,
    date_columns)` gives a sheet's header and rows, or None when the workbook has no such sheet."""

    def __init__(self, path: Path) -> None:
        from openpyxl.utils.datetime import from_excel

        self._from_excel = from_excel
        self.path = path
        try:
            self.workbook = load_workbook(path, read_only=True, data_only=True)
        except FileNotFoundError:
            raise BadInput(_("{path}: no such file").format(path=path)) from None
        except Exception:  # a truncated zip, missing or broken parts: openpyxl raises many kinds
            raise BadInput(_("{path}: not an Excel workbook (.xlsx), or a damaged one").format(path=path)) from None
        self.names = list(self.workbook.sheetnames)

    def close(self) -> None:
        self.workbook.close()

    def holds_anything(self, name: str) -> bool:
        """Whether the sheet has a cell with something in it (Excel's empty `Blad1` has none)."""
        try:
            for row in self.workbook[name].iter_rows(values_only=True):
                if any(cell is not None and str(cell).strip() for cell in row):
                    return True
        except Exception:
            raise BadInput(
                _("{path}: the workbook is damaged (sheet {name} cannot be read)").format(path=self.path, name=name)
            ) from None
        return False

    def sheet(self, name: str, date_columns: Sequence[int] = ()) -> tuple[list[str], Iterator[tuple[Any, ...]]] | None:
        if name not in self.names:
            return None
        path, epoch, from_excel = self.path, self.workbook.epoch, self._from_excel
        try:
            rows = self.workbook[name].iter_rows(values_only=True)
            header = next(rows, None)
        except Exception:
            raise BadInput(
                _("{path}: the workbook is damaged (sheet {name} cannot be read)").format(path=path, name=name)
            ) from None
        if header is None:
            return [], iter(())
        dated = tuple(date_columns)

        def data() -> Iterator[tuple[Any, ...]]:
            number = 1
            try:
                for row in rows:
                    number += 1
                    if dated and any(
                        i < len(row) and isinstance(row[i], int | float) and not isinstance(row[i], bool) for i in dated
                    ):
                        cells = list(row)
                        for i in dated:
                            if i < len(cells) and isinstance(cells[i], int | float) and not isinstance(cells[i], bool):
                                try:
                                    cells[i] = from_excel(cells[i], epoch=epoch)
                                except (ValueError, OverflowError, TypeError):
                                    pass  # left as a number: the reader says it is not a date
                        row = tuple(cells)
                    yield row
            except BadInput:
                raise
            except Exception as exc:
                raise BadInput(
                    _(
                        "{path}: the workbook is damaged at row {value} ({name}); open it in Excel and save it again"
                    ).format(path=path, value=number + 1, name=type(exc).__name__)
                ) from None

        return ["" if h is None else str(h).strip() for h in header], data()


def write_report(
    path: Path, sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]], tuple[str, str, str, int | None]]]
) -> None:
    """A small workbook of tables, each with a native bar chart (the numbers stay live in Excel).

    Each sheet is (name, headers, rows, (chart title, x-axis title, y-axis title, rows charted or None for
    all)); the first column holds the categories, the others the series. A Decimal is money in kronor
    (formatted as such, and charted on an axis in kronor); counts are charted on whole-number axes. Each
    sheet prints on one A4 landscape page, table and chart side by side (a long table continues below).
    """
    from openpyxl.chart import BarChart, Reference
    from openpyxl.worksheet.worksheet import Worksheet

    if not path.parent.is_dir():
        raise BadInput(
            _("cannot write {path}: the folder {parent} does not exist").format(path=path, parent=path.parent)
        )
    workbook = Workbook()
    first = workbook.active
    bold = Font(name="Calibri", bold=True)
    for number, (name, headers, rows, (title, x_title, y_title, charted)) in enumerate(sheets):
        ws = first if number == 0 and isinstance(first, Worksheet) else workbook.create_sheet()
        assert isinstance(ws, Worksheet)
        ws.title = name[:31]
        ws.append(list(headers))
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = _HEADER_ALIGNMENT
        for row in rows:
            ws.append(list(row))
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value[:1] in _FORMULA_START:
                    cell.data_type = "s"  # a meeting title such as "=1+1" stays text
                elif isinstance(cell.value, Decimal):
                    cell.number_format = MONEY_FORMAT
                elif isinstance(cell.value, date):
                    cell.number_format = DATE_FORMAT
        widths = []
        for index, header in enumerate(headers, start=1):
            content = max((shown_length(row[index - 1]) for row in rows), default=0)
            width = round(max(header_width(str(header)), min(content * 1.1 + 2, WIDEST), 8), 1)
            ws.column_dimensions[get_column_letter(index)].width = width
            widths.append(width)
        height = row_height([str(h) for h in headers], [w / 1.15 for w in widths], [True] * len(widths))
        if height:
            ws.row_dimensions[1].height = height
        count = len(rows) if charted is None else min(charted, len(rows))
        numeric = [
            i
            for i in range(2, len(headers) + 1)
            if all(isinstance(row[i - 1], int | float | Decimal) for row in rows[:count])
        ]
        chart_width_cm, chart_height_cm = 17, 10.5
        # The chart beside the table, its width in characters added so that the page fits both.
        print_setup(ws, [*widths, 2, chart_width_cm * 5.2], landscape=True, one_page=len(rows) <= 30)
        if count and numeric:
            money = any(isinstance(row[i - 1], Decimal) for row in rows[:count] for i in numeric)
            chart = BarChart()
            chart.type = "col"
            chart.title = title
            chart.x_axis.title = x_title or headers[0] or "Kategori"
            chart.y_axis.title = y_title
            chart.x_axis.delete = False
            chart.y_axis.delete = False
            chart.y_axis.scaling.min = 0
            if money:
                chart.y_axis.number_format = KRONOR_AXIS_FORMAT
            else:
                highest = max((row[i - 1] for row in rows[:count] for i in numeric), default=0)
                chart.y_axis.number_format = "0"
                chart.y_axis.majorUnit = whole_step(float(highest))
            for column in numeric:
                chart.add_data(Reference(ws, min_col=column, min_row=1, max_row=count + 1), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=count + 1))
            chart.width, chart.height = chart_width_cm, chart_height_cm
            if len(numeric) == 1:
                chart.legend = None
            ws.add_chart(chart, f"{get_column_letter(len(headers) + 2)}2")
    _save(workbook, path)


def whole_step(highest: float) -> int:
    """A major unit for a count axis: a whole number giving at most about eight steps (1, 2, 5, 10, 20, …)."""
    step = 1
    while highest / step > 8:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if highest / step <= 8:
                break
    return step


def formula_cells(path: Path, sheet_name: str, rows: set[int], width: int) -> dict[tuple[int, int], str]:
    """(row, column index) → formula text for the formula cells of these rows (1-based row numbers)."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception:
        return {}
    try:
        ws = workbook[sheet_name] if sheet_name in workbook.sheetnames else workbook.worksheets[0]
        found: dict[tuple[int, int], str] = {}
        last = max(rows, default=0)
        for number, cells in enumerate(ws.iter_rows(max_row=last, max_col=width), start=1):
            if number in rows:
                for index, cell in enumerate(cells):
                    if getattr(cell, "data_type", None) == "f" and isinstance(cell.value, str):
                        found[(number, index)] = cell.value
        return found
    except Exception:
        return {}
    finally:
        workbook.close()
