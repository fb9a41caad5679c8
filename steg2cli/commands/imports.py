"""`import register`: MÄN's register workbook into steg2 in one go (rule 37)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from steg2cli.commands import common
from steg2cli.i18n import _

app = common.group("Move in: the register workbook (trainers, agreements, schools, people trained, unpaid invoices).")


@app.callback()
def imports() -> None:
    """Move in: the register workbook (trainers, agreements, schools, people trained, unpaid invoices)."""


JsonOption = Annotated[bool, typer.Option("--json", help=common.JSON_HELP)]


@app.command("register")
def register(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="The register workbook (.xlsx), as `export register-template` makes it.")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check everything, write nothing.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Take the register workbook whole or not at all; the same workbook again adds nothing."""
    from steg2cli.services import register as service

    result = service.import_register(common.database(ctx), file, common.today(), dry_run)
    if as_json:
        common.emit_json(result)
        return
    added, present = result["added"], result["already_present"]
    words = {
        "trainers": _("trainers"),
        "agreements": _("agreements"),
        "schools": _("schools"),
        "programmes": _("programmes"),
        "steps": _("steps"),
        "trainees": _("people trained"),
        "invoices": _("unpaid invoices"),
    }
    common.table(
        _("From {file}").format(file=result["file"]),
        [_("what"), _("added"), _("already there")],
        [[words[key], added[key], present[key]] for key in service.COUNTS],
    )
    if dry_run:
        common.done(_("Dry run: the workbook can be imported; nothing was written."))
    else:
        common.done(_("Imported {file}.").format(file=result["file"]))
