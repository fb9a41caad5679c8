"""Charts for the year report, drawn by matplotlib as SVG (vector, text drawn as outlines) for the PDF.

matplotlib is imported here, and only when a chart is drawn (its import costs more than the rest of a
command: docs/documents.md). The Agg backend is chosen before anything else is loaded, so no window
toolkit is ever looked for; the figures are written through matplotlib's own SVG writer, which needs no
backend at all. Counts get whole-number axes, money an axis in kronor.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from steg2cli.documents.common import _package_dir

ACCENT = "#0b4f6c"
SECOND = "#9cc3d5"
INK = "#1f2328"
MUTED = "#57606a"
GRID = "#d8dee4"
MM = 1 / 25.4  # inches


@dataclass(frozen=True)
class Chart:
    """A bar chart: categories, one or more series of values (`label`, values), whether the values are
    money in öre (an axis in kronor) or counts (whole numbers), horizontal bars for long category names,
    and the value axis's title."""

    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]
    money: bool = False
    horizontal: bool = False
    value_title: str = ""


def kronor_tick(value: float) -> str:
    """An axis tick in kronor: `250 000 kr`."""
    return f"{round(value):,} kr".replace(",", "\u00a0").replace("-", "\u2212")


def count_tick(value: float) -> str:
    """An axis tick for a count: `1 200`."""
    return f"{round(value):,}".replace(",", "\u00a0")


@lru_cache(maxsize=1)
def _matplotlib() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    for name in ("OpenSans-Regular.ttf", "OpenSans-Bold.ttf"):
        font_manager.fontManager.addfont(str(_package_dir("fonts") / name))
    matplotlib.rcParams.update(
        {
            "font.family": "Open Sans",
            "font.size": 8.5,
            "svg.fonttype": "none",  # text stays text; typst sets it in the same (embedded) font
            "svg.hashsalt": "steg2",  # the same chart gives the same file
            "axes.edgecolor": MUTED,
            "axes.labelcolor": INK,
            "xtick.color": MUTED,
            "ytick.color": MUTED,
            "text.color": INK,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return matplotlib


def height(chart: Chart) -> float:
    """The height a chart is drawn at (mm): a horizontal chart by its number of bars."""
    if not chart.horizontal:
        return 72
    per_category = (5.5 if len(chart.categories) <= 12 else 3.8) + 3 * (len(chart.series) - 1)
    return min(max(16 + per_category * len(chart.categories), 30), 200)


def draw_svg(chart: Chart, width_mm: float = 170, height_mm: float | None = None) -> bytes:
    """The chart as SVG bytes, `width_mm` wide; the height follows the number of bars unless given."""
    _matplotlib()
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if height_mm is None:
        height_mm = height(chart)
    figure = Figure(figsize=(width_mm * MM, height_mm * MM))
    FigureCanvasSVG(figure)
    # Margins worked out from the labels instead of by a layout engine (which draws every chart twice).
    longest = max((len(c) for c in chart.categories), default=0)
    left_mm = (6 + 1.75 * longest) if chart.horizontal else 20
    bottom_mm = 14 if chart.horizontal or not _slanted(chart) else 10 + 1.2 * longest
    figure.subplots_adjust(
        left=min(left_mm / width_mm, 0.5),
        right=1 - 10 / width_mm,
        bottom=bottom_mm / height_mm,
        top=1 - 4 / height_mm,
    )
    axes = figure.add_subplot()
    scale = 100 if chart.money else 1
    count = len(chart.series)
    thickness = 0.8 / count
    colours = [ACCENT, SECOND, "#d4a373", "#6c757d"]
    positions = range(len(chart.categories))
    highest = 0.0
    for index, (label, values) in enumerate(chart.series):
        shown = [v / scale for v in values]
        highest = max([highest, *shown])
        offsets = [p - 0.4 + thickness * (index + 0.5) for p in positions]
        if chart.horizontal:
            container = axes.barh(offsets, shown, height=thickness, color=colours[index % 4], label=label)
        else:
            container = axes.bar(offsets, shown, width=thickness, color=colours[index % 4], label=label)
        axes.bar_label(
            container,
            labels=[kronor_tick(v) if chart.money else count_tick(v) for v in shown],
            padding=2,
            fontsize=7.5,
            color=INK,
        )
    value_axis, category_axis = (axes.xaxis, axes.yaxis) if chart.horizontal else (axes.yaxis, axes.xaxis)
    value_axis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    value_axis.set_major_formatter(FuncFormatter(lambda v, _pos: kronor_tick(v) if chart.money else count_tick(v)))
    category_axis.set_ticks(list(positions), list(chart.categories))
    limit = highest * 1.15 if highest > 0 else 1
    if chart.horizontal:
        axes.set_xlim(0, limit)
        axes.invert_yaxis()  # the first category on top, as in the table
        axes.grid(axis="x", color=GRID, linewidth=0.6)
        if chart.value_title:
            axes.set_xlabel(chart.value_title)
    else:
        axes.set_ylim(0, limit)
        axes.grid(axis="y", color=GRID, linewidth=0.6)
        if chart.value_title:
            axes.set_ylabel(chart.value_title)
        if _slanted(chart):
            for tick in axes.get_xticklabels():
                tick.set_rotation(30)
                tick.set_horizontalalignment("right")
    axes.set_axisbelow(True)
    axes.tick_params(length=0)
    if count > 1:
        axes.legend(frameon=False, loc="lower right" if chart.horizontal else "upper right")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, transparent=True)
    return buffer.getvalue()


def _slanted(chart: Chart) -> bool:
    """True when a column chart's category names are too long to stand side by side (they are slanted)."""
    return not chart.horizontal and max((len(c) for c in chart.categories), default=0) * len(chart.categories) > 90
