"""The `steg2` command: global options, the one error boundary, and the command groups.

Heavy modules (SQLAlchemy, openpyxl, Alembic) are imported by the commands that need them, when they
run, so that `steg2 --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from steg2cli import __version__
from steg2cli.commands import (
    agreements,
    courses,
    dbcmd,
    demo,
    exports,
    followup,
    invoices,
    people,
    schools,
    trainees,
    trainers,
)
from steg2cli.errors import RowErrors, Steg2Error


class Steg2Group(TyperGroup):
    """Turns every refusal into one `Error: …` line on stderr and exit status 1, never a traceback."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except RowErrors as exc:
            from steg2cli.commands.common import row_errors

            row_errors(exc.errors)
            _fail(str(exc))
        except Steg2Error as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            _fail("interrupted; nothing was written")
        except Exception as exc:
            if os.environ.get("STEG2_DEBUG"):
                raise
            _fail(
                f"steg2 failed unexpectedly ({type(exc).__name__}); nothing was written."
                " Run again with STEG2_DEBUG=1 to see the details"
            )


def _fail(message: str) -> None:
    first_line = " ".join(message.split())
    typer.echo(f"Error: {first_line}", err=True)
    raise typer.Exit(code=1)


app = typer.Typer(
    cls=Steg2Group,
    name="steg2",
    help="The register and billing tool for MÄN's Steg 2 trainers, schools, trainees and invoices.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
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


app.command("register-trainer")(trainers.register_trainer)
app.command("sign-agreement")(agreements.sign_agreement)
app.command("start-school")(schools.start_school)
app.command("report-trainees")(trainees.report_trainees)
app.add_typer(trainers.app, name="trainer")
app.add_typer(courses.app, name="course")
app.add_typer(agreements.app, name="agreement")
app.add_typer(schools.app, name="school")
app.add_typer(invoices.app, name="invoice")
app.add_typer(invoices.price_app, name="price")
app.add_typer(invoices.payer_app, name="payer")
app.add_typer(invoices.config_app, name="config")
app.add_typer(followup.app, name="meeting")
app.command("compliance")(followup.compliance)
app.command("status")(followup.status)
app.add_typer(exports.app, name="export")
app.add_typer(dbcmd.app, name="db")
app.add_typer(people.app, name="person")
app.command("log")(people.log)
app.command("demo")(demo.demo)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="steg2")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
