"""`db upgrade|backup`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from steg2cli.commands import common
from steg2cli.i18n import _

app = common.group("The database itself: create it, upgrade its schema, back it up, compact it, copy it elsewhere.")


@app.command("init")
def init(ctx: typer.Context) -> None:
    """Create a new steg2 database (file or server schema); the only command besides `demo` that may."""
    from steg2cli.services import maintenance

    result = maintenance.init(common.database(ctx, create=True))
    if result["created"]:
        common.done(
            _("Created a steg2 database at {where} (schema {schema}).").format(
                where=result["where"], schema=result["schema"]
            )
        )
    else:
        common.done(
            _("{where} already holds a steg2 database (schema {schema}); nothing to do.").format(
                where=result["where"], schema=result["schema"]
            )
        )


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Bring the database to the newest schema (a copy of an SQLite file is kept first)."""
    from steg2cli.services import maintenance

    result = maintenance.upgrade(common.database(ctx))
    if result["from"] == result["to"]:
        common.done(_("The database is at the newest schema ({to}); nothing to do.").format(to=result["to"]))
    else:
        common.done(
            _("Upgraded the database schema {value} → {to}.").format(value=result["from"] or "(new)", to=result["to"])
        )


@app.command("backup")
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Where to write the copy (must not exist).")],
) -> None:
    """Write a consistent copy of the database, safe while others are writing."""
    from steg2cli.services import maintenance

    maintenance.backup(common.database(ctx), file)
    common.done(_("Wrote a consistent copy of the database to {file}.").format(file=file))


@app.command("compact")
def compact(ctx: typer.Context) -> None:
    """Rewrite the database file so that no old copies of changed data remain in it."""
    from steg2cli.services import maintenance

    maintenance.compact(common.database(ctx))
    common.done(_("Compacted the database."))


@app.command("copy")
def copy(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="The empty database to copy into: a file path or a URL.")],
    as_json: Annotated[bool, typer.Option("--json", help=common.JSON_HELP)] = False,
) -> None:
    """Copy the whole register into another, empty database (SQLite or PostgreSQL), checked row by row."""
    from steg2cli.services import dbcopy

    root = ctx.find_root()
    both = dbcopy.files(root.obj.get("target") if isinstance(root.obj, dict) else None, target)
    result = dbcopy.copy_files(*both) if both else dbcopy.copy(common.database(ctx), target)
    if as_json:
        common.emit_json(result)
        return
    rows = sum(result["tables"].values())
    common.done(
        _("Copied {tables} tables, {rows} rows (schema {schema}) into {target}; every table checked.").format(
            tables=len(result["tables"]), rows=rows, schema=result["schema"], target=result["target"]
        )
    )
