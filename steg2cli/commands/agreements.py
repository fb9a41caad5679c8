"""`sign-agreement` and `agreement list|end|pdf`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from steg2cli.commands import common
from steg2cli.i18n import _

app = common.group("Yearly agreements: list and end them.")

JsonOption = Annotated[bool, typer.Option("--json", help=common.JSON_HELP)]


def _scope(agreement: dict[str, Any]) -> str:
    school = agreement["scope"]["school"]
    where = common.place(agreement["scope"]["municipality"])
    return (
        _("{name} (school {id}), {where}").format(name=school["name"], id=school["id"], where=where)
        if school
        else where
    )


def sign_agreement(
    ctx: typer.Context,
    trainer: Annotated[str, typer.Argument(help="Trainer id or e-mail address.")],
    start: Annotated[str, typer.Option("--start", help="First day of the agreement.")],
    school: Annotated[
        str | None, typer.Option("--school", help="Limit the agreement to one school in the municipality.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Sign a yearly agreement for a certified trainer: their municipality or one school in it, one at a time."""
    from steg2cli.services import agreements

    result = agreements.sign(common.database(ctx), trainer, common.required_day(start, "--start"), school)
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            _("Signed agreement {id} from {start} for {scope}.").format(
                id=result["id"], start=result["start"], scope=_scope(result)
            )
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    in_force_on: Annotated[str | None, typer.Option("--in-force-on", help="Only agreements in force that day.")] = None,
    trainer: Annotated[str | None, typer.Option("--trainer", help="Only this trainer's agreements.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help=common.LIMIT_HELP)] = None,
    as_json: JsonOption = False,
) -> None:
    """List agreements, oldest first."""
    from steg2cli.services import agreements

    day = common.day(in_force_on, "--in-force-on")
    with agreements.each_agreement(common.database(ctx), day, trainer) as found:
        if as_json:
            common.emit_json_list(found, limit)
            return
        common.table(
            _("Agreements"),
            [_("id"), _("trainer"), _("start"), _("end"), _("scope")],
            (
                [a["id"], f"{a['trainer_name']} ({a['trainer_id']})", a["start"], a["end"] or _("running"), _scope(a)]
                for a in found
            ),
            empty=_("no agreements"),
            limit=limit,
        )


@app.command("end")
def end(
    ctx: typer.Context,
    agreement: Annotated[int, typer.Argument(help="Agreement id.")],
    date: Annotated[str, typer.Option("--date", help="First day the agreement is no longer in force.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it ends.")],
    inactive: Annotated[
        bool,
        typer.Option("--inactive", help="The trainer stops altogether (left, retired): no longer active from --date."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """End an agreement; --date is the first day it is no longer in force."""
    from steg2cli.services import agreements

    result = agreements.end(
        common.database(ctx), agreement, common.required_day(date, "--date"), reason, inactive=inactive
    )
    if as_json:
        common.emit_json(result)
    else:
        common.done(_("Agreement {id} ends on {end}.").format(id=result["id"], end=result["end"]))


@app.command("pdf")
def pdf(
    ctx: typer.Context,
    agreement: Annotated[int, typer.Argument(help="Agreement id.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The PDF file to write.")],
    as_json: JsonOption = False,
) -> None:
    """Print an agreement for signature as a PDF: parties, trainer, scope, periods, fee, obligations."""
    from steg2cli.services import documents

    result = documents.write_agreement(common.database(ctx), agreement, output, common.today())
    if as_json:
        common.emit_json(result)
    else:
        common.done(_("Wrote agreement {id} to {output}.").format(id=agreement, output=output))
