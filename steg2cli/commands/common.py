"""What every command needs: the database, dates from the command line, JSON and tables out.

Only light imports here: `steg2 --help` must not pay for SQLAlchemy, openpyxl or Alembic.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from itertools import islice
from typing import TYPE_CHECKING, Any

import typer
import typer.core

from steg2cli.errors import BadInput
from steg2cli.i18n import N_, _

if TYPE_CHECKING:
    from rich.console import Console
    from typer._click.core import Context as ClickContext

    from steg2cli.db import Database

JSON_HELP = "Print one JSON document instead of a table."
LIMIT_HELP = "Show at most N rows (the JSON too): a long list at the terminal."


def group(help_text: str) -> typer.Typer:
    """A command group with steg2's settings: plain help (fast), no completion commands."""
    return typer.Typer(rich_markup_mode=None, add_completion=False, no_args_is_help=True, help=help_text)


#: A negative number as a person types it: `-0,5`, `-0.25`, `-1`, `-0,5 %`.
NEGATIVE_NUMBER = re.compile(r"-\d[\d.,]*\s*%?")


class NegativeNumbers(typer.core.TyperCommand):
    """A command with an argument that may be negative (`rate set reference -0,5`). Click reads any word
    starting with `-` as options (`-0,5` as `-0`), so this command keeps words it does not know as
    arguments, and itself refuses, as Click would, every such word that is not a negative number: a
    mistyped option is still `No such option`, exit 2."""

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        known = sorted(
            name
            for param in self.get_params(ctx)
            for name in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ()))
            if name.startswith("-")
        )
        for arg in args:
            if arg == "--":
                break
            name = arg.split("=", 1)[0]
            if arg.startswith("-") and name not in known and not NEGATIVE_NUMBER.fullmatch(arg):
                import difflib

                from typer._click.exceptions import NoSuchOption  # Typer's own Click

                raise NoSuchOption(name, possibilities=difflib.get_close_matches(name, known), ctx=ctx)
        ctx.ignore_unknown_options = True
        return super().parse_args(ctx, args)


def database(ctx: typer.Context, create: bool = False) -> Database:
    """The database named by --db / STEG2_DB / the default, opened on first use. Only `db init` and
    `demo` pass `create` (rule 35): every other command refuses a database that does not exist."""
    root = ctx.find_root()
    state = root.obj if isinstance(root.obj, dict) else {}
    if "database" not in state:
        from steg2cli.db import Database, resolve_url

        state["database"] = Database(resolve_url(state.get("target")), create=create)
        root.obj = state
    db: Database = state["database"]
    return db


def day(text: str | None, option: str) -> date | None:
    """A date option (`YYYY-MM-DD`); a bad one is refused with exit 1."""
    if text is None:
        return None
    from steg2cli.rules import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise BadInput(f"{option}: {exc}") from None


def required_day(text: str, option: str) -> date:
    """A date option that must be there."""
    parsed = day(text, option)
    assert parsed is not None
    return parsed


def today() -> date:
    """Today (STEG2_TODAY pins it)."""
    from steg2cli.clock import today as clock_today

    try:
        return clock_today()
    except ValueError:
        raise BadInput(_("STEG2_TODAY must be a date YYYY-MM-DD")) from None


def emit_json(document: Any) -> None:
    """One JSON document on stdout and nothing else: indented for a person at a terminal, compact (and
    several times faster: the standard library's C encoder) when a program reads it."""
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=indent, default=str) + "\n")


def emit_json_list(items: Iterable[Any], limit: int | None = None) -> None:
    """A JSON list of `items` (the first `limit`): indented as a whole at a terminal; piped, written item by
    item as they come, so a program reading it gets the first at once (the same bytes as `emit_json`)."""
    if limit is not None:
        items = islice(items, limit)
    if sys.stdout.isatty():
        emit_json(list(items))
        return
    write = sys.stdout.write
    write("[")
    for n, item in enumerate(items):
        write((", " if n else "") + json.dumps(item, ensure_ascii=False, default=str))
    write("]\n")


def console(stderr: bool = False) -> Console:
    """A Rich console (created on demand: Rich is only paid for when a table is printed)."""
    import os

    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # On a terminal Rich uses its width; piped into a file or another program, lines are not cut at 80.
    width = None if stream.isatty() or os.environ.get("COLUMNS") else 200
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width, emoji=False)


def table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    empty: str | None = None,
    limit: int | None = None,
    priority: Sequence[int] | None = None,
) -> None:
    """Print a Rich table at a terminal, or a short line when there are no rows. Piped into a file or
    another program, the rows stream out as they come, tab-separated under a header line: the first row
    is written at once and a list of any length takes no more memory than one row. With `limit`, only the
    first rows are shown and a line (on stderr when piped) says how many more there are.

    `priority` lists the columns (by index) from the most needed to the least: on a terminal too narrow
    for all of them, the least needed are left out (and a line says which), as `gh` and `kubectl` do,
    instead of squeezing a name to one letter a line. Piped output always has every column."""
    if empty is None:
        empty = _("none")
    if limit is not None:
        every = iter(rows)
        rows = list(islice(every, limit))
        rest = sum(1 for _row in every)
        table(title, columns, rows, empty, priority=priority)
        if rest:
            note = _("… and {rest} more (without --limit: all of them)").format(rest=rest)
            sys.stdout.flush()
            console(stderr=not sys.stdout.isatty()).print(note, markup=False)
        return
    if not sys.stdout.isatty():
        _stream(title, columns, rows, empty)
        return
    from rich.table import Table
    from rich.text import Text

    rows = list(rows)
    out = console()
    if not rows:
        out.print(f"{title + ': ' if title else ''}{empty}", markup=False)
        return
    cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
    shown = _columns_that_fit(columns, cells, out.width, priority)
    if len(shown) < len(columns):
        hidden = [columns[i] for i in range(len(columns)) if i not in shown]
        columns = [columns[i] for i in shown]
        cells = [[row[i] for i in shown] for row in cells]
    else:
        hidden = []
    grid = Table(
        title=None if title is None else Text(title, style="table.title"),
        title_justify="left",
        box=None,
        header_style="bold underline",
        pad_edge=False,
        padding=(0, 2, 0, 0),
    )
    for index, column in enumerate(columns):
        # Short values (ids, dates, codes) never wrap; long text takes what width is left.
        widest = max([len(column), *(len(row[index]) for row in cells)])
        if widest <= 14 or _is_money(cells, index):
            grid.add_column(column, no_wrap=True, min_width=widest)
        else:
            grid.add_column(column, overflow="fold", min_width=min(widest, TEXT_MIN))
    for row in cells:
        # Text() keeps user text from being read as markup; plain text with no "[" needs no wrapping.
        grid.add_row(*(Text(cell) if "[" in cell else cell for cell in row))
    out.print(grid)
    if hidden:
        out.print(
            _("(not shown at this width: {columns}; a wider terminal or --json shows them)").format(
                columns=", ".join(hidden)
            ),
            style="dim",
            markup=False,
        )


#: The narrowest a column of text (a name) is squeezed to before less needed columns are left out.
TEXT_MIN = 16


def _columns_that_fit(
    columns: Sequence[str], cells: Sequence[Sequence[str]], width: int, priority: Sequence[int] | None
) -> list[int]:
    """The indexes of the columns to show on a terminal `width` wide: all of them when they fit, else the
    most needed ones (`priority`) that do, in their own order."""
    if priority is None:
        return list(range(len(columns)))

    def need(index: int) -> int:
        widest = max([len(columns[index]), *(len(row[index]) for row in cells)])
        return min(widest, TEXT_MIN) if widest > 14 and not _is_money(cells, index) else widest

    kept = list(priority) + [i for i in range(len(columns)) if i not in priority]
    while len(kept) > 1 and sum(need(i) + 2 for i in kept) > width:
        kept.pop()
    return sorted(kept)


def _is_money(cells: Sequence[Sequence[str]], index: int) -> bool:
    return all(row[index].endswith(" kr") for row in cells if row[index])


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.split()) if "\t" in text or "\n" in text else text


def _stream(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]], empty: str) -> None:
    write = sys.stdout.write
    started = False
    for row in rows:
        if not started:
            if title:
                write(title + "\n")
            write("\t".join(columns) + "\n")
            started = True
        write("\t".join(map(_cell, row)) + "\n")
    if not started:
        write(f"{title + ': ' if title else ''}{empty}\n")


def fields(pairs: Iterable[tuple[str, Any]], title: str | None = None) -> None:
    """Print `label  value` lines, as `show` commands do."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    from rich.text import Text

    for label, value in pairs:
        grid.add_row(Text(label), Text("—" if value in (None, "", []) else str(value)))
    out = console()
    if title:
        out.print(title, style="bold", markup=False)
    out.print(grid)


def warn(warnings: Iterable[str]) -> None:
    """Each warning as one line on stderr (`Warning: …`): the command did its work, but something needs
    the coordinator's attention."""
    for warning in warnings:
        typer.echo(_("Warning: {warning}").format(warning=warning), err=True)


def done(message: str) -> None:
    """A short confirmation for people (user text in it is never read as markup)."""
    console().print(message, markup=False)


#: Codes that are stored and appear in JSON, with the word a person reads in a table.
WORDS = {
    "registered": N_("registered"),
    "certified": N_("certified"),
    "under-agreement": N_("under-agreement"),
    "open": N_("open"),
    "purchased": N_("purchased"),
    "network": N_("network"),
    "conference": N_("conference"),
    "running": N_("running"),
    "stopped": N_("stopped"),
    "step": N_("step"),
    "attendance": N_("attendance"),
    "trainee": N_("trainee"),
    "problem": N_("problem"),
    "imported": N_("imported"),
}
#: Where a payment came from, as a person reads it.
SOURCES = {
    "manual": N_("entered by hand"),
    "imported": N_("paid before steg2"),
    "bgmax": N_("BgMax file"),
    "camt054": N_("camt.054 file"),
}


def source_word(code: str) -> str:
    """A payment's source (`manual`, `bgmax`) as a person reads it."""
    return _(SOURCES[code]) if code in SOURCES else code


def percent(value: float) -> str:
    """A rate as the terminal's language writes it: `2.25` in English, `2,25` in Swedish."""
    from steg2cli.i18n import language

    text = f"{value:g}"
    return text if language() == "en" else text.replace(".", ",")


def translated(text: str) -> str:
    """A text written in English elsewhere and put in the catalogue by `tools/i18n.py` (a setting's
    description), in the terminal's language."""
    return _(text)


def word(code: str | None) -> str:
    """The word shown for a stored code (`under-agreement`), in the terminal's language."""
    return "" if code is None else _(WORDS[code]) if code in WORDS else code


def void_text(void: dict[str, str] | None) -> str:
    """`void 2026-01-10: wrong school` for a voided record, else empty."""
    return "" if void is None else _("void {date}: {reason}").format(date=void["date"], reason=void["reason"])


def place(municipality: dict[str, str] | None) -> str:
    """`Gävle (2180)` from a JSON municipality."""
    return "" if municipality is None else f"{municipality['name']} ({municipality['code']})"


def row_errors(errors: Sequence[tuple[int, str, str, str]]) -> None:
    """Every bad row of a list, as a table on stderr (rule 15)."""
    from rich.table import Table

    grid = Table(title=_("Rows refused"), title_justify="left", header_style="bold")
    for column in (_("row"), _("column"), _("value"), _("reason")):
        grid.add_column(column, overflow="fold")
    from rich.text import Text

    for row, column, value, reason in errors:
        grid.add_row(str(row), Text(column), Text(value), Text(reason))
    console(stderr=True).print(grid)


def sheet_row_errors(errors: Sequence[tuple[str, int, str, str, str]]) -> None:
    """Every bad row of a workbook of several sheets, as a table on stderr (rule 37)."""
    from rich.table import Table
    from rich.text import Text

    grid = Table(title=_("Rows refused"), title_justify="left", header_style="bold")
    for column in (_("sheet"), _("row"), _("column"), _("value"), _("reason")):
        grid.add_column(column, overflow="fold")
    for sheet, row, column, value, reason in errors:
        grid.add_row(Text(sheet), str(row), Text(column), Text(value), Text(reason))
    console(stderr=True).print(grid)


@contextmanager
def progress(description: str) -> Iterator[Callable[[int], None] | None]:
    """A progress line on stderr while long work runs, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn(description),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)
        yield lambda rows: bar.advance(task, rows)


def complete_municipality(incomplete: str) -> list[str]:
    """Shell completion: the municipalities whose name (accents and case aside) or code starts so."""
    import csv
    from importlib.resources import files

    from steg2cli.rules import fold_accents

    wanted = fold_accents(incomplete)
    with files("steg2cli").joinpath("data/municipalities.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        row["name"] for row in rows if fold_accents(row["name"]).startswith(wanted) or row["code"].startswith(wanted)
    ]


def complete_programme(incomplete: str) -> list[tuple[str, str]]:
    """Shell completion: the programme codes of the shipped definition, each with its name."""
    from steg2cli.definitions import default

    return [(p.code, p.name) for p in default().programmes.values() if p.code.startswith(incomplete)]


def complete_step(incomplete: str) -> list[tuple[str, str]]:
    """Shell completion: the steps of the shipped definition, each with its name."""
    from steg2cli.definitions import default

    return [(s.code, s.name) for s in default().steps.values() if s.code.startswith(incomplete)]
