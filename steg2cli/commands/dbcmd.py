"""`db upgrade|backup`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from steg2cli.commands import common

app = common.group("The database itself: schema upgrades and backups.")


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Bring the database to the newest schema (a copy of an SQLite file is kept first)."""
    from steg2cli.services import maintenance

    result = maintenance.upgrade(common.database(ctx))
    if result["from"] == result["to"]:
        common.done(f"The database is at the newest schema ({result['to']}); nothing to do.")
    else:
        common.done(f"Upgraded the database schema {result['from'] or '(new)'} → {result['to']}.")


@app.command("backup")
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Where to write the copy (must not exist).")],
) -> None:
    """Write a consistent copy of the database, safe while others are writing."""
    from steg2cli.services import maintenance

    maintenance.backup(common.database(ctx), file)
    common.done(f"Wrote a consistent copy of the database to {file}.")


@app.command("compact")
def compact(ctx: typer.Context) -> None:
    """Rewrite the database file so that no old copies of changed data remain in it."""
    from steg2cli.services import maintenance

    maintenance.compact(common.database(ctx))
    common.done("Compacted the database.")
