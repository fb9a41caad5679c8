"""`report-trainees` by hand or from a list file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from steg2cli.commands import common
from steg2cli.errors import BadInput
from steg2cli.i18n import _, ngettext


def report_trainees(
    ctx: typer.Context,
    people: Annotated[list[str] | None, typer.Argument(help='The people trained: "Name <email>" each.')] = None,
    trainer: Annotated[str | None, typer.Option("--trainer", help="The trainer who trained them.")] = None,
    school: Annotated[str | None, typer.Option("--school", help="The school (id or unique name).")] = None,
    programme: Annotated[
        str | None,
        typer.Option("--programme", autocompletion=common.complete_programme, help="mvp-ms, mvp-hs, mvp-gy or at."),
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="The training day.")] = None,
    municipality: Annotated[
        str | None,
        typer.Option(
            "--municipality",
            autocompletion=common.complete_municipality,
            help="The school's municipality (when its name is not unique).",
        ),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="A trainee list: .xlsx or .csv (see the template).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check everything, write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help=common.JSON_HELP)] = False,
) -> None:
    """Report people a trainer has trained, by hand or as a list file (taken whole or not at all)."""
    from steg2cli.services import trainees

    db = common.database(ctx)
    if file is not None:
        if people or trainer or school or programme or date:
            raise BadInput(_("give either --file, or --trainer/--school/--programme/--date with the people"))
        with common.progress(_("Checking {name}").format(name=file.name)) as tick:
            result = trainees.report_file(db, file, common.today(), dry_run, tick)
    else:
        missing = [
            name
            for name, value in (
                ("--trainer", trainer),
                ("--school", school),
                ("--programme", programme),
                ("--date", date),
            )
            if value is None
        ]
        if missing or trainer is None or school is None or programme is None or date is None:
            raise BadInput(_("give {join} (or --file LIST)").format(join=", ".join(missing)))
        result = trainees.report_by_hand(
            db,
            trainer,
            school,
            programme,
            common.required_day(date, "--date"),
            people or [],
            common.today(),
            dry_run,
            municipality,
        )
    _print(result, as_json)


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        common.emit_json(result)
        return
    lead = _("Dry run, nothing written: would add") if result["dry_run"] else _("Added")
    common.done(
        _("{lead} {added}; {already_reported} already reported.").format(
            lead=lead,
            added=ngettext("{count} trainee", "{count} trainees", result["added"]).format(count=result["added"]),
            already_reported=result["already_reported"],
        )
    )
    ids = [str(r["id"]) for r in result.get("reports", []) if r["id"] is not None]
    if ids:
        common.done(
            ngettext(
                "The report's id is {ids} (steg2 void trainee ID takes one back).",
                "The reports' ids are {ids} (steg2 void trainee ID takes one back).",
                len(ids),
            ).format(ids=", ".join(ids))
        )
