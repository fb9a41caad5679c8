"""The year report (rule 36) as a PDF: every table with its chart, whole on its page (rule 39).

The sections come from the same figures as the workbook (`steg2cli.services.report`); this module only
lays them out: counts as whole numbers, money in kronor, a chart for each table drawn by matplotlib.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from steg2cli.documents.common import day, kr, render

#: A section whose heading, chart and table fit in this height (mm) stays whole on one page; a longer table
#: continues on the pages after its chart, under a repeated header.
PAGE_MM = 240
ROW_MM = 6.6
#: A table of more rows than this is set smaller (rows of about `COMPACT_ROW_MM`), to stay beside its chart.
COMPACT_ROWS = 15
COMPACT_ROW_MM = 5.0
#: A horizontal chart shows at most this many bars (the largest), its table every row.
MOST_BARS = 25


@dataclass(frozen=True)
class Money:
    """An amount in öre, printed in kronor (`10 000,00 kr`)."""

    ore: int


Cell = str | int | date | Money | None


@dataclass(frozen=True)
class Section:
    """One table of the report and its chart: `chart_columns` are the columns drawn as series (of the first
    `chart_rows` rows, or all), the first column names the categories; `horizontal` bars suit long names."""

    sheet: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    chart_title: str
    category_title: str
    value_title: str
    chart_columns: tuple[int, ...] = (1,)
    chart_rows: int | None = None
    horizontal: bool = False
    note: str = ""
    total: bool = False  # the last row is a total (printed bold)


@dataclass(frozen=True)
class YearReport:
    """The whole report: the year, who it is from, its sections, and the day it is printed."""

    year: int
    organisation: str
    sections: tuple[Section, ...]
    printed_on: date


def cell_text(value: Cell) -> str:
    """A cell as printed: money in kronor, counts with spaces between thousands, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, Money):
        return kr(value.ore)
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0")
    if isinstance(value, date):
        return day(value)
    return str(value)


def _numeric(rows: Sequence[tuple[Cell, ...]], column: int) -> bool:
    values = [row[column] for row in rows if row[column] is not None]
    return bool(values) and all(isinstance(v, int | Money) and not isinstance(v, bool) for v in values)


def _chart(section: Section) -> tuple[object, str] | None:
    """The section's chart (and the title it is shown under), or None when there is nothing to draw."""
    from steg2cli.documents.charts import Chart

    rows = list(section.rows[: section.chart_rows] if section.chart_rows is not None else section.rows)
    if not rows or not section.chart_columns:
        return None
    money = any(isinstance(rows[0][c], Money) for c in section.chart_columns)

    def value(cell: Cell) -> int:
        if isinstance(cell, Money):
            return cell.ore
        return cell if isinstance(cell, int) else 0

    title = section.chart_title
    if section.horizontal and len(rows) > MOST_BARS:
        rows = sorted(rows, key=lambda row: -value(row[section.chart_columns[0]]))[:MOST_BARS]
        title += f" (de {MOST_BARS} största)"
    chart = Chart(
        categories=tuple(cell_text(row[0]) for row in rows),
        series=tuple((section.headers[c], tuple(value(row[c]) for row in rows)) for c in section.chart_columns),
        money=money,
        horizontal=section.horizontal,
        value_title=section.value_title,
    )
    return chart, title


def report_data(report: YearReport, charts: dict[str, bytes]) -> dict[str, object]:
    """What the template prints, with the charts (SVG) already drawn into `charts` by section."""
    from steg2cli.documents.charts import draw_svg, height

    sections = []
    for index, section in enumerate(report.sections):
        drawn = _chart(section)
        name = None
        note = section.note
        chart_mm = 0.0
        if drawn is not None:
            chart, title = drawn
            name = f"chart-{index}"
            charts[name] = draw_svg(chart)  # type: ignore[arg-type]
            chart_mm = height(chart)  # type: ignore[arg-type]
            note = (title + ". " + note).strip() if note else title + "."
        compact = len(section.rows) > COMPACT_ROWS
        row_mm = COMPACT_ROW_MM if compact else ROW_MM
        numeric = [_numeric(section.rows, c) for c in range(len(section.headers))]
        widths = [0] + [34 if numeric[c] else 0 for c in range(1, len(section.headers))]
        if not any(w == 0 for w in widths[1:]) and len(section.headers) > 1:
            widths = [0] + [38] * (len(section.headers) - 1)
        sections.append(
            {
                "title": section.title,
                "note": note,
                "chart": name,
                "headers": list(section.headers),
                "rows": [[cell_text(cell) for cell in row] for row in section.rows]
                or [["Inget att visa för året"] + [""] * (len(section.headers) - 1)],
                "numeric": numeric,
                "widths": widths,
                # Whole on one page when the heading, the chart and every row fit on it (a row is about 6.5 mm
                # high, an A4 page holds about 245 mm between its margins).
                "whole": 25 + chart_mm + row_mm * (len(section.rows) + 1) <= PAGE_MM,
                "compact": compact,
                "total": section.total,
            }
        )
    return {
        "title": f"Året i siffror {report.year}",
        "subtitle": f"{report.organisation} · Steg 2, MVP och Agera tillsammans · utskriven {day(report.printed_on)}",
        "organisation": report.organisation,
        "footer": f"{report.organisation} · Året i siffror {report.year}",
        "sections": sections,
    }


def report_pdf(report: YearReport) -> bytes:
    """The report as a PDF/A-3b file (A4, Swedish, fonts embedded, charts as vector pictures)."""
    charts: dict[str, bytes] = {}
    data = report_data(report, charts)
    return render("report.typ", data, report.printed_on, images=charts)
