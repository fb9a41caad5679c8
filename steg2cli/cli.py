"""The `steg2` command: global options, the one error boundary, and the command groups.

Heavy modules (SQLAlchemy, openpyxl, Alembic) are imported by the commands that need them, when they
run, so that `steg2 --help` stays fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from enum import Enum, StrEnum
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import typer
import typer.core
import typer.main
from typer.core import TyperGroup

from steg2cli import __version__
from steg2cli.errors import RowErrors, SheetRowErrors, Steg2Error
from steg2cli.i18n import _

#: Every command: name → (module, attribute, one-line help). Modules load only when their command runs,
#: so `steg2 --help` reads this table and imports nothing else. A test checks the help lines against
#: the commands' own docstrings.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "register-trainer": (
        "trainers",
        "register_trainer",
        "Register a new Steg 2 trainer: trained in MVP/AT, has held the programme series, appointed by name.",
    ),
    "sign-agreement": (
        "agreements",
        "sign_agreement",
        "Sign a yearly agreement for a certified trainer: their municipality or one school in it, one at a time.",
    ),
    "start-school": (
        "schools",
        "start_school",
        "Start a programme at a school, naming the school's contact person and the trainer who leads the start.",
    ),
    "report-trainees": (
        "trainees",
        "report_trainees",
        "Report people a trainer has trained, by hand or as a list file (taken whole or not at all).",
    ),
    "invoice": (
        "invoices",
        "app",
        "Invoices: the yearly run, credit notes, the Excel invoice basis, Peppol e-invoices.",
    ),
    "course": ("courses", "app", "Steg 2 courses: plan, enrol, complete, cancel, unenrol."),
    "trainer": ("trainers", "app", "The trainer register: list, show, edit and move trainers."),
    "agreement": ("agreements", "app", "Yearly agreements: list and end them."),
    "school": (
        "schools",
        "app",
        "Schools and their programmes: add, edit, list, show, steps, contacts, leads, payer, stops, problems.",
    ),
    "void": (
        "corrections",
        "void",
        "Void a step, an attendance, a trainee report or a problem note: it stays, marked, and stops counting.",
    ),
    "meeting": ("followup", "app", "Network meetings and the conference: plan them, record who came."),
    "compliance": (
        "followup",
        "compliance",
        "Who fell short of 2 network meetings and 1 conference in a year.",
    ),
    "status": ("followup", "status", "The coordinator's dashboard: what needs doing today."),
    "report": (
        "report",
        "report",
        "The year in numbers for MÄN's board and funders: key figures, or a workbook or PDF with charts (-o).",
    ),
    "export": (
        "exports",
        "app",
        "Excel lists (trainees, trainers, schools, the list template) and the books (SIE).",
    ),
    "price": ("invoices", "price_app", "The price list: annual fee, course seat, purchased course."),
    "payer": (
        "invoices",
        "payer_app",
        "Payers: every municipality, and others such as an independent school's company.",
    ),
    "payment": (
        "payments",
        "app",
        "Payments: by hand or from the bank's file (BgMax, camt.054), matched by OCR reference.",
    ),
    "config": ("invoices", "config_app", "Settings: seller details, payment terms, invoice numbers."),
    "rate": (
        "money",
        "rate_app",
        "Reference rates for late-payment interest (räntelagen: reference rate + 8 points).",
    ),
    "demo": (
        "demo",
        "demo",
        "Fill an empty database with realistic sample data (trainers, courses, agreements, schools, …).",
    ),
    "programme": (
        "programmes",
        "app",
        "Programmes, their steps, trainer levels and gathering kinds: list, show, load, export.",
    ),
    "cohort": (
        "programmes",
        "cohort_app",
        "Cohorts (pools) of municipalities that start a programme together: add, join, list, show.",
    ),
    "import": (
        "imports",
        "app",
        "Move in: the register workbook (trainers, agreements, schools, people trained, unpaid invoices).",
    ),
    "db": (
        "dbcmd",
        "app",
        "The database itself: create it, upgrade its schema, back it up, compact it, copy it elsewhere.",
    ),
    "log": ("people", "log", "Show the audit trail: who changed what, when."),
    "person": ("people", "app", "Personal data: what is held about a person, and erasure."),
    "mail": ("mail", "app", "E-mail: letters to trainers from the register, and every message sent or waiting."),
}


class _PlainCoercion:
    """Converts a command-line value to a plain type: str, int, Path, a StrEnum, or a list of them.

    Typer 0.29 converts every parameter through pydantic, whose import alone costs about 65 ms, more
    than the rest of a command's start. steg2's parameters are all plain, so they get this instead;
    anything else is left to Typer.
    """

    def __init__(self, kind: type, minimum: Any) -> None:
        self.kind = kind
        self.minimum = minimum

    def coerce(self, value: Any, param: Any, ctx: typer.Context) -> Any:
        many = param.multiple or param.nargs == -1
        if value is None:
            return [] if many else None
        if many:
            return [self.one(item, param, ctx) for item in value]
        return self.one(value, param, ctx)

    def one(self, value: Any, param: Any, ctx: typer.Context) -> Any:
        if isinstance(value, self.kind) and not (self.kind is int and isinstance(value, bool)):
            converted = value
        elif self.kind is int:
            try:
                text = str(value).strip()
                # Digits only: int() would also take full-width and other scripts' digits, and `1_000`.
                if not (text.lstrip("-").isascii() and text.lstrip("-").isdigit()) or text.count("-") > 1:
                    raise ValueError(text)
                converted = int(text)
            except ValueError:
                raise typer.BadParameter(
                    _("'{value}' is not a whole number").format(value=value), ctx=ctx, param=param
                ) from None
            if param.name == "year":
                from steg2cli.errors import BadInput
                from steg2cli.rules import year_allowed

                if year_allowed(converted):
                    raise BadInput(f"--year: {year_allowed(converted)[0]}")
            elif abs(converted) > 2**63 - 1:
                from steg2cli.errors import NotFound

                raise NotFound(_("nothing has the number {converted}").format(converted=converted))
        elif issubclass(self.kind, Enum):
            try:
                converted = self.kind(value)
            except ValueError:
                choices = ", ".join(str(member.value) for member in self.kind)
                raise typer.BadParameter(
                    _("'{value}' is not one of {choices}").format(value=value, choices=choices), ctx=ctx, param=param
                ) from None
        else:
            converted = self.kind(value)  # type: ignore[call-arg]  # str or Path
        if self.minimum is not None and converted < self.minimum:
            raise typer.BadParameter(
                _("{converted} is below the minimum {minimum}").format(converted=converted, minimum=self.minimum),
                ctx=ctx,
                param=param,
            )
        return converted


def _plain_kind(annotation: Any) -> type | None:
    if get_origin(annotation) in (Union, UnionType):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        if len(rest) != 1:
            return None
        annotation = rest[0]
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation)
    if annotation in (str, int, bool, Path) or (isinstance(annotation, type) and issubclass(annotation, StrEnum)):
        return annotation  # type: ignore[no-any-return]
    return None


def _install_plain_coercion() -> None:
    """Route steg2's plain parameters to `_PlainCoercion` (one hook, for every command and --help)."""
    base = getattr(typer.core, "_TyperParameter", None)
    original = getattr(base, "get_runtime_param", None)
    if base is None or original is None:  # another Typer version: it coerces as it always did
        return

    def get_runtime_param(self: Any) -> Any:
        if getattr(self, "_runtime_param", None) is None:
            descriptor = self.type_descriptor
            kind = _plain_kind(descriptor.annotation)
            if kind is not None:
                self._runtime_param = _PlainCoercion(kind, getattr(descriptor.parameter_info, "min", None))
        return original(self)

    base.get_runtime_param = get_runtime_param


_install_plain_coercion()


class Steg2Group(TyperGroup):
    """The `steg2` group: loads commands on demand, and turns every refusal into one `Error: …` line on
    stderr with exit status 1, never a traceback."""

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        return list(COMMANDS)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:  # type: ignore[override]
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return None
        module = importlib.import_module(f"steg2cli.commands.{spec[0]}")
        target = getattr(module, spec[1])
        if not isinstance(target, typer.Typer):
            single = typer.Typer(rich_markup_mode=None, add_completion=False)
            single.command(cmd_name)(target)
            target = single
        command = typer.main.get_command(target)
        command.name = cmd_name
        from steg2cli.helptext import localise

        localise(command, cmd_name)
        return command

    def main(self, *args: Any, **kwargs: Any) -> Any:
        from steg2cli import clickwords
        from steg2cli.helptext import localise
        from steg2cli.i18n import chosen, use_for_click

        use_for_click()
        clickwords.install()
        with chosen():
            localise(self, "")
            return super().main(*args, **kwargs)

    def format_commands(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        with formatter.section(_("Commands")):
            formatter.write_dl([(name, _(spec[2])) for name, spec in COMMANDS.items()])

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        # The raw arguments below the group (the command and its options), before any is parsed (Click
        # empties these lists once it hands them to the command).
        arguments = [*getattr(ctx, "_protected_args", []), *ctx.args]
        try:
            _check_arguments(arguments)
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except SheetRowErrors as exc:
            from steg2cli.commands.common import emit_json, sheet_row_errors

            if "--json" in arguments:
                # CLI.md: the row errors on stdout as a list (and exit 1 still).
                emit_json(
                    [
                        {"sheet": sheet, "row": row, "column": column, "value": value, "reason": reason}
                        for sheet, row, column, value, reason in exc.errors
                    ]
                )
            else:
                sheet_row_errors(exc.errors)
            _fail(str(exc))
        except RowErrors as exc:
            from steg2cli.commands.common import emit_json, row_errors

            if "--json" in arguments:
                # A script asked for JSON: it gets the bad rows as one document (and exit 1 still).
                emit_json(
                    {
                        "error": str(exc),
                        "rows": [
                            {"row": row, "column": column, "value": value, "reason": reason}
                            for row, column, value, reason in exc.errors
                        ],
                    }
                )
            else:
                row_errors(exc.errors)
            _fail(str(exc))
        except Steg2Error as exc:
            _fail(str(exc))
        except BrokenPipeError:
            # The reader went away (`steg2 school list | head`): stop quietly, as a pipe's writer does,
            # and keep Python from complaining about the rest of the output at exit.
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError):
                pass
            raise typer.Exit(code=141) from None
        except KeyboardInterrupt:
            if _committed(ctx):
                _fail(_("interrupted after the change was saved"), code=130)
            _fail(_("interrupted; nothing was written"), code=130)
        except Exception as exc:
            if os.environ.get("STEG2_DEBUG"):
                raise
            if _committed(ctx):
                _fail(
                    _(
                        "steg2 failed unexpectedly ({name}) after the change was saved; check the result with a "
                        "list or show command. Run again with STEG2_DEBUG=1 to see the details"
                    ).format(name=type(exc).__name__)
                )
            _fail(
                _(
                    "steg2 failed unexpectedly ({name}); nothing was written. Run again with STEG2_DEBUG=1 to "
                    "see the details"
                ).format(name=type(exc).__name__)
            )


#: Options whose text may span lines (tab and newline allowed); every other argument is one line.
MULTILINE_OPTIONS = frozenset({"--note", "--address"})
#: The longest argument steg2 takes: no name, reason, note or address comes near it.
ARGUMENT_MAX = 2000


def _check_arguments(arguments: list[str]) -> None:
    """Refuse control characters (ESC, NUL, …) and absurdly long values at the door, before anything is
    read or stored: user text is data, and must stay printable in every list and Excel file."""
    from steg2cli.errors import BadInput, NotFound
    from steg2cli.rules import has_control_characters, year_allowed

    previous = ""
    for argument in arguments:
        option, _sep, inline = argument.partition("=") if argument.startswith("--") else (previous, "", argument)
        value = inline if argument.startswith("--") else argument
        if has_control_characters(argument, multiline=option in MULTILINE_OPTIONS):
            shown = repr(argument)[1:-1][:60]
            raise BadInput(
                _("'{shown}' holds a control character (tab, newline, escape…); type the value again").format(
                    shown=shown
                )
            )
        if len(argument) > ARGUMENT_MAX:
            raise BadInput(
                _("a value of {argument_count} characters is longer than steg2 takes ({argument_max})").format(
                    argument_count=len(argument), argument_max=ARGUMENT_MAX
                )
            )
        if value.isascii() and value.isdigit():
            # Checked here, whatever Typer version parses the rest: a year in range, an id within 64 bits.
            if option == "--year" and year_allowed(int(value)):
                raise BadInput(f"--year: {year_allowed(int(value))[0]}")
            if int(value) > 2**63 - 1:
                raise NotFound(_("nothing has the number {value}").format(value=value))
        previous = argument


def _committed(ctx: typer.Context) -> bool:
    """True when this command's write transaction has already committed."""
    state = ctx.find_root().obj
    database = state.get("database") if isinstance(state, dict) else None
    return bool(getattr(database, "committed", False))


def _fail(message: str, code: int = 1) -> None:
    first_line = " ".join(message.split())
    typer.echo(f"Error: {first_line}", err=True)  # never translated: cron jobs and scripts read it
    raise typer.Exit(code=code)


app = typer.Typer(
    cls=Steg2Group,
    name="steg2",
    help="The register and billing tool for MÄN's Steg 2 trainers, schools, trainees and invoices.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,
    # Help uses the terminal's whole width (Click stops at 80 columns unless told otherwise).
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 10_000},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"steg2 {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="STEG2_DB",
            metavar="TARGET",
            help="Database: a file path or an SQLAlchemy URL (default: a file in your data directory).",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """MÄN's Steg 2 register: trainers, courses, agreements, schools, trainees, invoices."""
    ctx.obj = {"target": db}


def main() -> None:
    """Console-script entry point."""
    import gc

    # A command is one short process. Reference counting frees what it is done with; the cycle collector's
    # passes over the hundreds of thousands of objects SQLAlchemy, the models and the rows create cost
    # 40-60 ms of a daily command and a tenth of a long export or invoice run, and free nothing that
    # matters: the 200 000-row export peaks at the same 67 MiB either way (issue 17, README "Performance").
    gc.disable()
    app(prog_name="steg2")


if __name__ == "__main__":  # pragma: no cover
    main()
